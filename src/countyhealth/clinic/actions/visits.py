"""Visits: open, record complaint and vitals, diagnose (records.Diagnosis), order, close; the status moves the
insurance app makes after dispensing (`do_mark_settled` / `do_mark_unsettled`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.records import diagnoses as records_diagnoses
from countyhealth.residents.models import Resident

from ..models import FeeItem, FeeLine, Visit, VisitOrder, VisitStatusChange
from ..rules import status
from ..rules.status import VisitStatus
from ..rules.vitals import out_of_range
from .common import check_clinician, locked_visit, move, refresh_total

VISIT_FIELDS = ("chief_complaint", "present_illness", "sbp", "dbp", "heart_rate", "temperature", "weight_kg",
                "height_cm", "fpg", "random_glucose")
ORDER_KINDS = (FeeItem.Kind.LAB, FeeItem.Kind.ECG, FeeItem.Kind.IMAGING, FeeItem.Kind.TREATMENT)


def _clean(data: dict) -> dict:
    values = {name: data.get(name) for name in VISIT_FIELDS if name in data}
    for name in ("chief_complaint", "present_illness"):
        if name in values:
            values[name] = (values[name] or "").strip()
    errors = {name: [_("This value is outside the plausible range.")] for name in out_of_range(values)}
    if values.get("sbp") and values.get("dbp") and values["dbp"] >= values["sbp"]:
        errors["dbp"] = [_("Diastolic pressure must be below systolic pressure.")]
    if "chief_complaint" in values and not values["chief_complaint"]:
        errors["chief_complaint"] = [_("Enter the chief complaint.")]
    if errors:
        raise ActionError(_("Please correct the errors below."), code="invalid", fields=errors)
    return values


def _add_fee(visit: Visit, item: FeeItem, *, quantity=1, order=None) -> FeeLine:
    return FeeLine.objects.create(visit=visit, kind=item.kind, code=item.code, name=item.name_zh,
                                  quantity=quantity, unit_price=item.price, amount=item.price * quantity, order=order)


@transaction.atomic
def do_open_visit(*, acting_user, resident_id: int, data: dict, source: str = Visit.Source.WALK_IN,
                  appointment_ref: str = "") -> Visit:
    """Register a patient (walk-in or from an appointment) at the doctor's institution; the consultation fee of
    the institution's type (一般诊疗费) is charged at once."""
    check_clinician(acting_user)
    resident = Resident.objects.visible_to(acting_user).listed().filter(pk=resident_id).first()
    if resident is None:
        raise NotVisible()
    if resident.status != Resident.Status.ACTIVE:
        raise ActionError(_("Only residents whose record is active can be seen."), code="not_active")
    if source not in Visit.Source.values:
        raise ActionError(_("Unknown registration kind."), code="invalid", field="source")
    values = _clean({"chief_complaint": "", **data})
    fee = FeeItem.objects.filter(kind=FeeItem.Kind.CONSULTATION,
                                 org_type=acting_user.organisation.org_type).order_by("code").first()
    visit = Visit.objects.create(
        resident=resident, organisation_id=acting_user.organisation_id, catchment_org_id=resident.catchment_org_id,
        doctor=acting_user, visit_date=timezone.localdate(), source=source, appointment_ref=appointment_ref[:40],
        fee_total=fee.price if fee is not None else 0, **values)  # the consultation fee is the visit's only line
    VisitStatusChange.objects.create(visit=visit, from_status="", to_status=VisitStatus.OPEN, by=acting_user)
    if fee is not None:
        _add_fee(visit, fee)
    audit.record_change(acting_user, "clinic.visit_opened", visit, resident_id=resident.pk,
                        detail={"source": source})
    return visit


@transaction.atomic
def do_update_visit(*, acting_user, visit_id: int, data: dict) -> Visit:
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    status.check_editable(visit.status)
    values = _clean(data)
    for name, value in values.items():
        setattr(visit, name, value)
    visit.save(update_fields=[*values, "updated_at"])
    audit.record_change(acting_user, "clinic.visit_updated", visit, resident_id=visit.resident_id,
                        detail={"fields": sorted(values)})
    return visit


@transaction.atomic
def do_add_diagnosis(*, acting_user, visit_id: int, code: str, note: str = ""):
    """A diagnosis of the visit is a `records.Diagnosis` with source "clinic.visit:<pk>" (announced to the
    surveillance app, which drafts a report card for a notifiable disease)."""
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    status.check_editable(visit.status)
    code = records_diagnoses.normalise_code(code)
    if visit_diagnoses(visit).filter(code_id=code).exists():
        raise Conflict(_("This diagnosis is already recorded for the visit."), code="duplicate", field="code")
    return records_diagnoses.do_record_diagnosis(acting_user=acting_user, resident_id=visit.resident_id, code=code,
                                                 diagnosed_on=visit.visit_date, source=visit.diagnosis_source,
                                                 note=note)


def visit_diagnoses(visit: Visit):
    from countyhealth.records.models import Diagnosis

    return (Diagnosis.objects.filter(resident_id=visit.resident_id, source=visit.diagnosis_source)
            .select_related("code").order_by("id"))


@transaction.atomic
def do_add_order(*, acting_user, visit_id: int, fee_item_code: str, note: str = "") -> VisitOrder:
    """A lab, ECG, imaging or treatment order: a line on the visit and its fee."""
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    status.check_editable(visit.status)
    item = FeeItem.objects.filter(code=fee_item_code, kind__in=ORDER_KINDS).first()
    if item is None:
        raise ActionError(_("Unknown order item."), code="invalid", field="fee_item_code")
    order = VisitOrder.objects.create(visit=visit, fee_item=item, kind=item.kind, note=note[:200],
                                      ordered_by=acting_user)
    _add_fee(visit, item, order=order)
    refresh_total(visit)
    audit.record_change(acting_user, "clinic.order_added", order, resident_id=visit.resident_id,
                        detail={"item": item.code})
    return order


@transaction.atomic
def do_close_visit(*, acting_user, visit_id: int) -> Visit:
    """End the visit: at once when no drugs were prescribed, or after dispensing (self-pay) or settlement."""
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    if visit.status == VisitStatus.PRESCRIBED:
        raise Conflict(_("Dispense or cancel the prescription before closing the visit."), code="not_dispensed")
    move(visit, VisitStatus.CLOSED, acting_user)
    audit.record_change(acting_user, "clinic.visit_closed", visit, resident_id=visit.resident_id)
    return visit


@transaction.atomic
def do_cancel_visit(*, acting_user, visit_id: int, reason: str) -> Visit:
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for cancelling."), code="invalid", field="reason")
    move(visit, VisitStatus.CANCELLED, acting_user, note=reason.strip())
    visit.prescriptions.filter(status="issued").update(status="cancelled")
    audit.record_change(acting_user, "clinic.visit_cancelled", visit, resident_id=visit.resident_id,
                        detail={"reason": reason.strip()[:200]})
    return visit


@transaction.atomic
def do_mark_settled(*, acting_user, visit_id: int, settlement_ref: str) -> Visit:
    """Called by the insurance app inside its settlement transaction: dispensed → settled. A visit already
    settled with the same reference is returned unchanged (a replayed settlement); another reference conflicts."""
    visit = locked_visit(acting_user, visit_id)
    if not settlement_ref:
        raise ActionError(_("A settlement reference is required."), code="invalid", field="settlement_ref")
    if visit.status == VisitStatus.SETTLED:
        if visit.settlement_ref == settlement_ref:
            return visit
        raise Conflict(_("This visit is already settled."), code="already_settled")
    visit.settlement_ref = settlement_ref[:64]
    move(visit, VisitStatus.SETTLED, acting_user, note=settlement_ref, also=("settlement_ref",))
    audit.record_change(acting_user, "clinic.visit_settled", visit, resident_id=visit.resident_id,
                        detail={"settlement_ref": visit.settlement_ref})
    return visit


@transaction.atomic
def do_mark_unsettled(*, acting_user, visit_id: int, settlement_ref: str, reason: str = "") -> Visit:
    """A settlement reversed by insurance: settled → dispensed, the reference cleared."""
    visit = locked_visit(acting_user, visit_id)
    if visit.status != VisitStatus.SETTLED or visit.settlement_ref != settlement_ref:
        raise Conflict(_("This visit has no such settlement."), code="not_settled")
    visit.settlement_ref = ""
    move(visit, VisitStatus.DISPENSED, acting_user, note=f"reversal {settlement_ref} {reason}".strip(),
         also=("settlement_ref",))
    audit.record_change(acting_user, "clinic.visit_unsettled", visit, resident_id=visit.resident_id,
                        detail={"settlement_ref": settlement_ref, "reason": reason[:200]})
    return visit

