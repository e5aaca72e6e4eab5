from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalogue


class AcknowledgeForm(forms.Form):
    readback_value = forms.CharField(label=_("Read-back: type the value you received"), max_length=40)
    action_taken = forms.CharField(label=_("Action taken"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class OrderForm(forms.Form):
    test_code = forms.ChoiceField(label=_("Test"), choices=catalogue.choices())
    reason = forms.CharField(label=_("Reason for repeating the test"), max_length=300, required=False)
    accept_result_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
