from django import template
from django.utils import timezone

from countyhealth.core.codes import ETHNICITY, SEX, label

from ..masking import mask_id_number, mask_phone
from ..rules import age_on

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)


@register.filter
def ethnicity_label(code):
    return label(ETHNICITY, code)


@register.filter
def sex_label(code):
    return label(SEX, code)


@register.filter
def age(birth_date):
    return age_on(birth_date, timezone.localdate()) if birth_date else ""
