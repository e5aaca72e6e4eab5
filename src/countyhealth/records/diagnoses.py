"""Diagnoses: recording one (the action), reading a resident's, and searching the ICD-10 catalogue.

Recording announces `records.diagnosis_recorded` inside the transaction (core.hooks), so apps above — the
surveillance app drafting a notifiable-disease report card — act in the same commit."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core import hooks
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.residents.models import Resident

from .actions import NotAllowed
from .models import Diagnosis, Icd10Code

DIAGNOSED = "records.diagnosis_recorded"
# Clinicians who diagnose: everyone who treats patients, not the bureau, lab or administration.
DIAGNOSING_ROLES = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.ECG_READER,
                    Role.RADIOLOGIST}
SEARCH_LIMIT = 20


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


@transaction.atomic
def do_record_diagnosis(*, acting_user, resident_id: int, code: str, diagnosed_on: date, source: str = "",
                        note: str = "") -> Diagnosis:
    """Record a diagnosis. Runs inside a caller's transaction (a clinic visit) as well as on its own."""
    if acting_user.role not in DIAGNOSING_ROLES or acting_user.organisation_id is None:
        raise NotAllowed(_("Your role does not allow recording diagnoses."))
    resident = Resident.objects.visible_to(acting_user).filter(pk=resident_id, is_active=True).first()
    if resident is None:
        raise NotVisible()
    icd = Icd10Code.objects.filter(code=normalise_code(code)).first()
    if icd is None:
        raise ActionError(_("“%(code)s” is not a code of the ICD-10 catalogue.") % {"code": code},
                          code="unknown_icd10", field="code")
    if diagnosed_on > timezone.localdate():
        raise ActionError(_("The date of diagnosis cannot be in the future."), code="future_date",
                          field="diagnosed_on")
    if resident.birth_date and diagnosed_on < resident.birth_date:
        raise ActionError(_("The date of diagnosis is before the resident's birth."), code="before_birth",
                          field="diagnosed_on")
    diagnosis = Diagnosis.objects.create(
        resident=resident, organisation_id=acting_user.organisation_id, code=icd, diagnosed_on=diagnosed_on,
        diagnosed_by=acting_user, source=source[:80], note=note[:500],
    )
    audit.record_change(acting_user, "records.diagnosis_recorded", diagnosis, resident_id=resident.pk,
                        detail={"code": icd.code, "source": diagnosis.source})
    hooks.announce(DIAGNOSED, diagnosis=diagnosis, acting_user=acting_user)
    return diagnosis


def diagnoses_of(resident):
    return (Diagnosis.objects.filter(resident=resident).select_related("code", "organisation", "diagnosed_by")
            .order_by("-diagnosed_on", "-id"))


def search_icd10(text: str, limit: int = SEARCH_LIMIT) -> list[Icd10Code]:
    """By code prefix ("I10", "j06"), Chinese name fragment ("高血压") or pinyin initials ("gxy")."""
    text = (text or "").strip()
    if not text:
        return []
    match = Q(code__istartswith=text) | Q(name_zh__contains=text)
    if text.isascii() and text.isalpha():  # pinyin initials anywhere in the name: "gxy" finds 原发性高血压
        match |= Q(initials__contains=text.lower())
    return list(Icd10Code.objects.filter(match).order_by("code")[:limit])


def may_diagnose(user) -> bool:
    return getattr(user, "role", None) in DIAGNOSING_ROLES and scope_for(user).sees_residents
