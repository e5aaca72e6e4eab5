"""Prescriptions: review (合理用药) and issue, cancel, dispense. Dispensing takes the stock (FEFO) in the
same transaction that marks the prescription dispensed, so either both happen or neither."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.publichealth.models import Enrolment
from countyhealth.publichealth.rules import FollowUpClass, Programme
from countyhealth.records.models import PersonalInfo
from countyhealth.residents.rules import age_on

from .. import catalogue
from ..models import Drug, FeeItem, FeeLine, Prescription, PrescriptionItem, ReviewFinding, Visit
from ..rules import review as rx
from ..rules import status
from ..rules.status import VisitStatus
from .common import check_clinician, locked_visit, move, refresh_total
from .stock import take_stock

MAX_ITEMS = 10  # 处方管理办法 第六条: 西药、中成药处方，每一张处方不得超过5种药品 — two sheets' worth per visit.


class ReviewStopped(ActionError):
    """The review found blocking rules, or warnings without an override reason; `findings` lists them all."""

    def __init__(self, message, code, findings):
        super().__init__(message, code=code, fields={"review": [f.message for f in findings]})
        self.findings = findings


def _decimal(value, field: str, index: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionError(_("Enter a number."), code="invalid", field=f"items.{index}.{field}") from None
    if not number.is_finite() or number <= 0:
        raise ActionError(_("Enter a number above zero."), code="invalid", field=f"items.{index}.{field}")
    return number


def _drug_facts(drug: Drug) -> rx.DrugFacts:
    return rx.DrugFacts(code=drug.code, name=drug.name_zh, ingredient=drug.ingredient,
                        therapeutic_class=drug.therapeutic_class, allergy_class=drug.allergy_class,
                        unit_amount=drug.unit_amount, dose_unit=drug.dose_unit, chronic=drug.chronic)


def parse_items(items: list[dict]) -> list[tuple[Drug, rx.ItemFacts]]:
    """Validate the lines' shape: known active drug, dose > 0, known frequency, 1–84 days."""
    if not items:
        raise ActionError(_("Add at least one drug."), code="invalid", field="items")
    if len(items) > MAX_ITEMS:
        raise ActionError(_("At most %(n)s drugs per prescription.") % {"n": MAX_ITEMS}, code="invalid",
                          field="items")
    drugs = {d.code: d for d in Drug.objects.filter(code__in=[str(i.get("drug") or "") for i in items],
                                                    is_active=True)}
    parsed = []
    for index, item in enumerate(items):
        drug = drugs.get(str(item.get("drug") or ""))
        if drug is None:
            raise ActionError(_("Unknown drug."), code="unknown_drug", field=f"items.{index}.drug")
        if item.get("frequency") not in rx.FREQUENCIES:
            raise ActionError(_("Unknown frequency."), code="invalid", field=f"items.{index}.frequency")
        try:
            days = int(item.get("days"))
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 365:
            raise ActionError(_("Days must be between 1 and 365."), code="invalid", field=f"items.{index}.days")
        parsed.append((drug, rx.ItemFacts(drug=_drug_facts(drug), dose=_decimal(item.get("dose"), "dose", index),
                                          frequency=item["frequency"], days=days)))
    return parsed


def patient_facts(visit: Visit) -> rx.PatientFacts:
    info = PersonalInfo.objects.filter(resident_id=visit.resident_id).only(
        "drug_allergies", "drug_allergy_other").first()
    enrolments = list(Enrolment.objects.current().filter(
        resident_id=visit.resident_id, programme__in=[Programme.HYPERTENSION, Programme.DIABETES]))
    return rx.PatientFacts(
        age=age_on(visit.resident.birth_date, visit.visit_date),
        allergy_codes=frozenset(info.drug_allergies or []) if info else frozenset(),
        allergy_text=(info.drug_allergy_other or "") if info else "",
        chronic_patient=bool(enrolments),
        stable=bool(enrolments) and all(e.last_class == FollowUpClass.CONTROLLED for e in enrolments),
    )


def review_items(visit: Visit, items: list[dict], *, kind: str) -> tuple[list, list[rx.Finding]]:
    """Parse and review without saving (the form's check button and the API's dry run)."""
    if kind not in Prescription.Kind.values:
        raise ActionError(_("Unknown prescription kind."), code="invalid", field="kind")
    parsed = parse_items(items)
    findings = rx.review([pair[1] for pair in parsed], patient_facts(visit),
                         long_term=kind == Prescription.Kind.LONG_TERM, limits=catalogue.max_daily_doses())
    return parsed, findings


@transaction.atomic
def do_issue_prescription(*, acting_user, visit_id: int, items: list[dict], kind: str = Prescription.Kind.ORDINARY,
                          override_reason: str = "") -> Prescription:
    """Review and issue. Blocking findings stop it; warnings need `override_reason`, kept on each finding."""
    check_clinician(acting_user)
    visit = locked_visit(acting_user, visit_id)
    status.check_editable(visit.status)
    parsed, findings = review_items(visit, items, kind=kind)
    blockers = rx.blocking(findings)
    if blockers:
        raise ReviewStopped(_("The prescription review blocks this prescription: correct it."), "review_blocked",
                            blockers)
    reason = (override_reason or "").strip()
    if findings and not reason:
        raise ReviewStopped(_("The prescription review warns: give a reason to go ahead, or change it."),
                            "review_warnings", findings)
    lines = [(drug, facts, rx.quantity_needed(facts)) for drug, facts in parsed]
    total = sum((drug.price * quantity for drug, _facts, quantity in lines), Decimal("0"))
    prescription = Prescription.objects.create(visit=visit, resident_id=visit.resident_id,
                                               organisation_id=visit.organisation_id, doctor=acting_user, kind=kind,
                                               override_reason=reason[:300] if findings else "", total=total)
    PrescriptionItem.objects.bulk_create([
        PrescriptionItem(prescription=prescription, drug=drug, dose=facts.dose, frequency=facts.frequency,
                         days=facts.days, quantity=quantity, unit_price=drug.price, amount=drug.price * quantity)
        for drug, facts, quantity in lines])
    FeeLine.objects.bulk_create([
        FeeLine(visit=visit, kind=FeeItem.Kind.DRUG, code=drug.code, name=str(drug), quantity=quantity,
                unit_price=drug.price, amount=drug.price * quantity, drug=drug, prescription=prescription)
        for drug, _facts, quantity in lines])
    ReviewFinding.objects.bulk_create([
        ReviewFinding(prescription=prescription, rule=f.rule, severity=f.severity, message=f.message[:300],
                      source=f.source[:200], override_reason=reason[:300]) for f in findings])
    # The visit is locked, so its running total plus these lines is the sum of its fee lines (refresh_total).
    visit.fee_total += total
    if visit.status == VisitStatus.OPEN:
        move(visit, VisitStatus.PRESCRIBED, acting_user, also=("fee_total",))
    else:
        visit.save(update_fields=["fee_total", "updated_at"])
    audit.record_change(acting_user, "clinic.prescription_issued", prescription, resident_id=visit.resident_id,
                        detail={"drugs": [pair[0].code for pair in parsed], "kind": kind,
                                "overridden": [f.rule for f in findings]})
    return prescription


def _locked_prescription(user, prescription_id: int) -> tuple[Prescription, Visit]:
    """The visit is locked first (scope, and the same order as `do_issue_prescription`), then the prescription."""
    visit_id = Prescription.objects.filter(pk=prescription_id).values_list("visit_id", flat=True).first()
    if visit_id is None:
        raise NotVisible()
    visit = locked_visit(user, visit_id)
    return Prescription.objects.select_for_update().get(pk=prescription_id), visit


def _after_prescription_change(visit: Visit, user) -> None:
    """The visit follows its prescriptions: back to open when none is left, dispensed when all are."""
    live = list(visit.prescriptions.exclude(status=Prescription.Status.CANCELLED).values_list("status", flat=True))
    if not live and visit.status == VisitStatus.PRESCRIBED:
        move(visit, VisitStatus.OPEN, user)
    elif live and all(s == Prescription.Status.DISPENSED for s in live) and visit.status == VisitStatus.PRESCRIBED:
        move(visit, VisitStatus.DISPENSED, user)


@transaction.atomic
def do_cancel_prescription(*, acting_user, prescription_id: int) -> Prescription:
    check_clinician(acting_user)
    prescription, visit = _locked_prescription(acting_user, prescription_id)
    if prescription.status != Prescription.Status.ISSUED:
        raise Conflict(_("Only a prescription not yet dispensed can be cancelled."), code="not_cancellable")
    prescription.status = Prescription.Status.CANCELLED
    prescription.save(update_fields=["status"])
    prescription.fee_lines.all().delete()
    _after_prescription_change(visit, acting_user)
    refresh_total(visit)
    audit.record_change(acting_user, "clinic.prescription_cancelled", prescription,
                        resident_id=prescription.resident_id)
    return prescription


@transaction.atomic
def do_dispense_prescription(*, acting_user, prescription_id: int) -> Prescription:
    """Hand out the drugs: every line's quantity comes off the institution's batches, earliest expiry first.
    Not enough stock of any line → nothing is taken and the prescription stays issued."""
    check_clinician(acting_user)
    prescription, visit = _locked_prescription(acting_user, prescription_id)
    if prescription.status == Prescription.Status.DISPENSED:
        raise Conflict(_("This prescription has already been dispensed."), code="already_dispensed")
    if prescription.status != Prescription.Status.ISSUED:
        raise Conflict(_("This prescription was cancelled."), code="cancelled")
    take_stock(acting_user, organisation_id=prescription.organisation_id,
               needs=[(item.drug, item.quantity) for item in prescription.items.select_related("drug")],
               prescription=prescription)
    prescription.status = Prescription.Status.DISPENSED
    prescription.dispensed_at, prescription.dispensed_by = timezone.now(), acting_user
    prescription.save(update_fields=["status", "dispensed_at", "dispensed_by"])
    _after_prescription_change(visit, acting_user)
    audit.record_change(acting_user, "clinic.prescription_dispensed", prescription,
                        resident_id=prescription.resident_id)
    return prescription
