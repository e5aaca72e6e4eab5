"""Writes of the public-health programmes: enrol, record follow-ups and child visits, end an enrolment.

Each `do_*` re-reads what it changes under lock, applies `rules`, writes in one transaction with an audit row;
an emergency or upward referral decided by a follow-up is created in the same transaction."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core import bulk
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.referrals import actions as referrals
from countyhealth.referrals.models import Referral
from countyhealth.residents.models import Resident
from countyhealth.residents.rules import age_on

from . import rules
from .models import ChildVisit, Enrolment, FollowUpVisit
from .rules import NextAction, Programme, VisitMode
from .rules.dates import add_months
from .rules.measures import glucose_mmol

CHRONIC = (Programme.HYPERTENSION, Programme.DIABETES)
FACE_TO_FACE = (VisitMode.CLINIC, VisitMode.HOME)


def _today() -> date:
    return timezone.localdate()


def _check_may_write(user) -> None:
    if user.role not in EDITS_RESIDENTS and not user.is_superuser:
        raise ActionError(_("Your role cannot record public-health services."), code="forbidden")


def _visible_resident(user, resident_id: int, *, lock: bool = False) -> Resident:
    qs = Resident.objects.visible_to(user).listed()
    if lock:
        qs = qs.select_for_update()
    resident = qs.filter(pk=resident_id).first()
    if resident is None:
        raise NotVisible()
    return resident


def _visible_enrolment(user, enrolment_id: int) -> Enrolment:
    enrolment = (Enrolment.objects.visible_to(user).select_for_update().select_related("resident")
                 .filter(pk=enrolment_id).first())
    if enrolment is None:
        raise NotVisible()
    return enrolment


# --- enrolment ------------------------------------------------------------------------------------------

def check_eligible(programme: Programme, birth_date: date, on: date) -> None:
    """Target populations: HTN and T2DM patients ≥ 35 (PHS3 §3, §4), residents ≥ 65 by the year rule (§5.2),
    children < 7 (§6)."""
    age = age_on(birth_date, on)
    if programme in CHRONIC and age < rules.CURRENT_RULES.enrolment_min_age:
        raise ActionError(_("The chronic-disease programmes manage residents aged 35 and over."),
                          code="not_eligible", field="programme")
    if programme == Programme.ELDERLY and not rules.in_elderly_target(birth_date, on.year):
        raise ActionError(_("The elderly programme is for residents aged 65 and over."),
                          code="not_eligible", field="programme")
    if programme == Programme.CHILD and not rules.is_child_age(birth_date, on):
        raise ActionError(_("The child programme is for children under 7."), code="not_eligible",
                          field="programme")
    if programme == Programme.MATERNAL:
        raise ActionError(_("Maternal care starts by registering the pregnancy."), code="use_pregnancy_registration",
                          field="programme")


def initial_due(programme: Programme, resident: Resident, enrolled_on: date) -> tuple[date, str]:
    """Where a new enrolment starts on the due list."""
    if programme in CHRONIC:
        # Project decision: the first follow-up is due one routine interval after enrolment (PHS3: ≥ 4 a year).
        return add_months(enrolled_on, rules.CURRENT_RULES.routine_months), str(_("Follow-up"))
    if programme == Programme.ELDERLY:
        return date(enrolled_on.year, 1, 1), str(_("Annual health check"))
    return child_next_due(resident.birth_date, [], enrolled_on=enrolled_on, on=enrolled_on)


def child_next_due(birth_date: date, visit_dates: list[date], *, enrolled_on: date | None, on: date):
    """The first slot not done and not missed: its window opening is when the child is due."""
    for status in rules.child_slot_statuses(birth_date, visit_dates, on, enrolled_on=enrolled_on):
        if status.state in (rules.SlotState.UPCOMING, rules.SlotState.DUE, rules.SlotState.OVERDUE):
            return status.slot.opens, status.slot.label
    return None, ""


@transaction.atomic
def do_enrol(*, acting_user, resident_id: int, programme: str, enrolled_on: date,
             diagnosis_date: date | None = None, responsible_doctor=None) -> Enrolment:
    _check_may_write(acting_user)
    try:
        programme = Programme(programme)
    except ValueError:
        raise ActionError(_("Unknown programme."), code="invalid", field="programme") from None
    resident = _visible_resident(acting_user, resident_id, lock=True)
    if resident.status != Resident.Status.ACTIVE:
        raise ActionError(_("Only residents whose record is active can be enrolled."), code="not_active")
    if enrolled_on > _today():
        raise ActionError(_("The enrolment date is in the future."), code="invalid", field="enrolled_on")
    if enrolled_on < resident.birth_date:
        raise ActionError(_("The enrolment date is before the date of birth."), code="invalid",
                          field="enrolled_on")
    if diagnosis_date and not resident.birth_date <= diagnosis_date <= enrolled_on:
        raise ActionError(_("The diagnosis date must fall between birth and enrolment."), code="invalid",
                          field="diagnosis_date")
    check_eligible(programme, resident.birth_date, enrolled_on)
    if Enrolment.objects.current().filter(resident=resident, programme=programme).exists():
        raise ActionError(_("The resident is already enrolled in this programme."), code="already_enrolled",
                          field="programme")
    next_due, label = initial_due(programme, resident, enrolled_on)
    enrolment = Enrolment.objects.create(
        resident=resident, programme=programme, enrolled_on=enrolled_on, diagnosis_date=diagnosis_date,
        responsible_doctor=responsible_doctor or acting_user, catchment_org_id=resident.catchment_org_id,
        next_due=next_due, next_due_label=label, created_by=acting_user,
    )
    audit.record_change(acting_user, "publichealth.enrolment_created", enrolment, resident_id=resident.pk,
                        detail={"programme": programme.value})
    return enrolment


@transaction.atomic
def do_end_enrolment(*, acting_user, enrolment_id: int, reason: str, ended_on: date) -> Enrolment:
    _check_may_write(acting_user)
    enrolment = _visible_enrolment(acting_user, enrolment_id)
    if enrolment.status == Enrolment.Status.ENDED:
        raise ActionError(_("This enrolment has already ended."), code="already_ended")
    if reason not in Enrolment.EndReason.values and reason != "lost" or reason == Enrolment.EndReason.COMPLETED:
        raise ActionError(_("Choose why the enrolment ends."), code="invalid", field="reason")
    if reason == Enrolment.EndReason.PREGNANCY_LOSS and enrolment.programme != Programme.MATERNAL:
        raise ActionError(_("Only maternal care ends with the pregnancy."), code="invalid", field="reason")
    if not enrolment.enrolled_on <= ended_on <= _today():
        raise ActionError(_("The end date must fall between enrolment and today."), code="invalid",
                          field="ended_on")
    if reason == "lost":  # 失访 keeps the patient in the indicators (§8.1)
        enrolment.status, enrolment.ended_on, enrolment.end_reason = Enrolment.Status.LOST, ended_on, ""
    else:
        enrolment.status, enrolment.ended_on, enrolment.end_reason = Enrolment.Status.ENDED, ended_on, reason
        enrolment.next_due = None
    enrolment.save(update_fields=["status", "ended_on", "end_reason", "next_due"])
    audit.record_change(acting_user, "publichealth.enrolment_ended", enrolment, resident_id=enrolment.resident_id,
                        detail={"reason": reason, "ended_on": ended_on.isoformat()})
    return enrolment


# --- chronic follow-ups ---------------------------------------------------------------------------------

DANGER_SIGNS = {
    Programme.HYPERTENSION: {s.value: s for s in rules.HypertensionDangerSign},
    Programme.DIABETES: {s.value: s for s in rules.DiabetesDangerSign},
}
FOLLOWUP_MEASURES = ("sbp", "dbp", "heart_rate", "temperature", "weight_kg", "height_cm", "fpg", "random_glucose")
FOLLOWUP_FIELDS = (
    "symptoms", "dorsalis_pedis", "cigarettes_per_day", "alcohol_ml_per_day", "exercise_sessions_per_week",
    "exercise_minutes", "salt", "staple_food_g_per_day", "adherence", "medications", "adr_uncontrollable",
    "new_or_worse_complication", "pregnant", "lactating", "other_unmanageable", "notes",
)
NEXT_DUE_LABELS = {
    NextAction.ROUTINE: _("Follow-up"),
    NextAction.ADJUST_AND_REVISIT: _("Re-visit after medication change"),
    NextAction.REFERRAL: _("Follow-up after referral"),
    NextAction.EMERGENCY_REFERRAL: _("Follow-up after emergency referral"),
}


def _current_enrolment(user, resident_id: int, programme: Programme) -> Enrolment:
    resident = _visible_resident(user, resident_id)
    enrolment = (Enrolment.objects.current().select_for_update().select_related("resident")
                 .filter(resident=resident, programme=programme).first())
    if enrolment is None:
        raise ActionError(_("The resident is not enrolled in this programme."), code="not_enrolled",
                          field="programme")
    return enrolment


def previous_visit(enrolment: Enrolment, visit_date: date) -> rules.PreviousVisit | None:
    """The latest earlier face-to-face follow-up in the programme (§3.5 project decision)."""
    row = (FollowUpVisit.objects.filter(enrolment=enrolment, visit_date__lt=visit_date, mode__in=FACE_TO_FACE)
           .order_by("-visit_date", "-id").first())
    if row is None:
        return None
    return rules.PreviousVisit(visit_date=row.visit_date, sbp=row.sbp, dbp=row.dbp, fpg=row.fpg, adr=row.adr,
                               next_action=NextAction(row.next_action))


def _decimal(value):
    return None if value in (None, "") else Decimal(str(value))


def visit_facts(enrolment: Enrolment, data: dict, others: frozenset | None = None) -> rules.VisitFacts:
    """The rules' view of a follow-up form. `others`: the resident's other current chronic programmes, read
    here unless the caller (the phone's batch push) already has them."""
    programme = Programme(enrolment.programme)
    signs = DANGER_SIGNS[programme]
    unknown = [s for s in data.get("danger_signs", []) if s not in signs]
    if unknown:
        raise ActionError(_("Unknown danger sign."), code="invalid", field="danger_signs")
    if others is None:
        others = frozenset(Programme(p) for p in Enrolment.objects.current().filter(
            resident_id=enrolment.resident_id, programme__in=CHRONIC).exclude(pk=enrolment.pk)
            .values_list("programme", flat=True))
    try:
        mode = VisitMode(data.get("mode") or VisitMode.CLINIC)
    except ValueError:
        raise ActionError(_("Unknown visit mode."), code="invalid", field="mode") from None
    return rules.VisitFacts(
        programme=programme, visit_date=data["visit_date"], birth_date=enrolment.resident.birth_date,
        sbp=data.get("sbp"), dbp=data.get("dbp"), fpg=_decimal(data.get("fpg")),
        random_glucose=_decimal(data.get("random_glucose")), heart_rate=data.get("heart_rate"),
        temperature=_decimal(data.get("temperature")), pregnant=bool(data.get("pregnant")),
        lactating=bool(data.get("lactating")), danger_signs=frozenset(signs[s] for s in data.get("danger_signs", [])),
        adr=bool(data.get("adr")), adr_uncontrollable=bool(data.get("adr_uncontrollable")),
        new_or_worse_complication=bool(data.get("new_or_worse_complication")),
        other_unmanageable=bool(data.get("other_unmanageable")), mode=mode, other_programmes=others,
    )


def validate_followup(facts: rules.VisitFacts, data: dict, today: date | None = None) -> None:
    """`today`: the caller's, when it validates many follow-ups at once."""
    errors = rules.validate_follow_up(facts, today=today or _today())
    extra = rules.validate_vitals(weight_kg=_decimal(data.get("weight_kg")), height_cm=_decimal(data.get("height_cm")))
    errors.update(extra)
    if errors:
        raise ActionError(_("Please correct the errors below."), code="invalid",
                          fields={name: [message] for name, message in errors.items()})


def decide_followup(enrolment: Enrolment, data: dict) -> tuple[rules.VisitFacts, rules.FollowUpDecision]:
    """Validate and classify without saving (the form's preview and the phone app use the same path)."""
    facts = visit_facts(enrolment, data)
    validate_followup(facts, data)
    if facts.visit_date < enrolment.enrolled_on:
        raise ActionError(_("The visit date is before the enrolment date."), code="invalid", field="visit_date")
    return facts, rules.classify_visit(facts, previous_visit(enrolment, facts.visit_date))


@transaction.atomic
def do_record_followup(*, acting_user, resident_id: int, programme: str, data: dict,
                       client_uuid=None) -> FollowUpVisit:
    """Record a hypertension or diabetes follow-up; classify it (PHS3 §3.5), schedule the next one, and refer
    to the county hospital when the rules say so. A repeated `client_uuid` returns the visit already saved."""
    _check_may_write(acting_user)
    if client_uuid is not None:
        existing = FollowUpVisit.objects.visible_to(acting_user).filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    try:
        programme = Programme(programme)
    except ValueError:
        raise ActionError(_("Unknown programme."), code="invalid", field="programme") from None
    if programme not in CHRONIC:
        raise ActionError(_("Follow-up visits are recorded for the hypertension and diabetes programmes."),
                          code="invalid", field="programme")
    enrolment = _current_enrolment(acting_user, resident_id, programme)
    facts, decision = decide_followup(enrolment, data)
    visit = followup_row(enrolment, facts, decision, data, acting_user, client_uuid)
    visit.save()
    if decision.next_action.is_referral:
        visit.referral = refer_followup(acting_user, enrolment, visit, decision)
        visit.save(update_fields=["referral"])
    advance_enrolment(enrolment, visit, facts, decision)
    enrolment.save(update_fields=["last_visit_date", "last_class", "next_due", "next_due_label", "status",
                                  "ended_on"])
    audit.record_change(acting_user, "publichealth.followup_recorded", visit, resident_id=visit.resident_id,
                        detail={"class": visit.follow_up_class, "next_action": visit.next_action,
                                "next_due": visit.next_due.isoformat()})
    return visit


def followup_row(enrolment: Enrolment, facts: rules.VisitFacts, decision: rules.FollowUpDecision, data: dict,
                 user, client_uuid=None) -> FollowUpVisit:
    """The unsaved visit a decided follow-up stores (the phone's batch push builds the same rows in bulk)."""
    weight, height = _decimal(data.get("weight_kg")), _decimal(data.get("height_cm"))
    visit = bulk.build(FollowUpVisit, {
        "resident_id": enrolment.resident_id, "programme": facts.programme, "visit_date": facts.visit_date,
        "mode": facts.mode, "organisation_id": user.organisation_id,
        "danger_signs": sorted(s.value for s in facts.danger_signs), "sbp": facts.sbp, "dbp": facts.dbp,
        "heart_rate": facts.heart_rate, "temperature": facts.temperature, "weight_kg": weight, "height_cm": height,
        "bmi": rules.bmi(weight, height) if weight and height else None,
        "fpg": glucose_mmol(facts.fpg) if facts.fpg is not None else None,
        "random_glucose": glucose_mmol(facts.random_glucose) if facts.random_glucose is not None else None,
        "adr": facts.has_adr, "follow_up_class": decision.follow_up_class, "controlled": decision.controlled,
        "next_action": decision.next_action, "next_due": decision.next_due, "reasons": stored_reasons(decision),
        "client_uuid": client_uuid,
        **{name: data[name] for name in FOLLOWUP_FIELDS if data.get(name) not in (None, "")},
    })
    visit.enrolment, visit.doctor = enrolment, user  # their ids set and the objects cached
    return visit


def advance_enrolment(enrolment: Enrolment, visit: FollowUpVisit, facts: rules.VisitFacts,
                      decision: rules.FollowUpDecision) -> None:
    """The latest visit sets the due date; a face-to-face visit brings a lost patient back (unsaved)."""
    if enrolment.last_visit_date is None or visit.visit_date >= enrolment.last_visit_date:
        enrolment.last_visit_date, enrolment.last_class = visit.visit_date, visit.follow_up_class
        enrolment.next_due, enrolment.next_due_label = visit.next_due, str(NEXT_DUE_LABELS[decision.next_action])
    if enrolment.status == Enrolment.Status.LOST and facts.mode.face_to_face:
        enrolment.status, enrolment.ended_on = Enrolment.Status.ACTIVE, None


def stored_reasons(decision: rules.FollowUpDecision) -> list[dict]:
    """The decision's reasons, warnings and advisories as a visit stores them (labels in the language of the
    moment of recording: the visit is a record of what the doctor was told)."""
    return ([{"code": r.code, "label": r.label} for r in decision.reasons]
            + [{"code": r.code, "label": r.label, "kind": "warning"} for r in decision.warnings]
            + [{"code": r.code, "label": r.label, "kind": "advisory"} for r in decision.advisories])


def refer_followup(acting_user, enrolment: Enrolment, visit: FollowUpVisit, decision) -> Referral:
    """The referral to the county hospital a saved follow-up's decision asks for."""
    return refer_followups(acting_user, [(enrolment, visit, decision)])[0]


def refer_followups(acting_user, items) -> list[Referral]:
    """The referrals many saved follow-ups' decisions ask for, one per (enrolment, visit, decision), in as many
    queries as one (the phone's batch push calls it for the visits it wrote in bulk)."""
    if not items:
        return []
    hospital = referrals.county_hospital()
    return referrals.create_referrals(acting_user=acting_user, requests=[referrals.ReferralRequest(
        resident=enrolment.resident, to_org=hospital, direction=Referral.Direction.UP,
        urgency=(Referral.Urgency.EMERGENCY if decision.next_action == NextAction.EMERGENCY_REFERRAL
                 else Referral.Urgency.ROUTINE),
        reason="; ".join(r.label for r in decision.reasons),
        summary={"programme": enrolment.programme, "visit_date": visit.visit_date.isoformat(), "sbp": visit.sbp,
                 "dbp": visit.dbp, "fpg": str(visit.fpg) if visit.fpg is not None else None,
                 "heart_rate": visit.heart_rate, "reasons": [r.code for r in decision.reasons]},
        source=f"publichealth.followupvisit:{visit.pk}",
    ) for enrolment, visit, decision in items])


# --- child visits ---------------------------------------------------------------------------------------

CHILD_MEASURES = {"weight_kg": (Decimal("0.3"), Decimal("60")), "length_cm": (Decimal("20"), Decimal("160")),
                  "head_circumference_cm": (Decimal("20"), Decimal("60")), "haemoglobin": (30, 250)}
CHILD_FIELDS = ("hearing_normal", "vision_normal", "development_normal", "findings", "guidance", "referred")


def out_of_range(data: dict, ranges: dict) -> dict[str, str]:
    """Field → message for each measure given outside its plausible (low, high) range."""
    return {name: _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
            for name, (low, high) in ranges.items()
            if data.get(name) is not None and not low <= data[name] <= high}


@transaction.atomic
def do_record_child_visit(*, acting_user, resident_id: int, data: dict, client_uuid=None) -> ChildVisit:
    """A 0–6 visit fulfils the earliest open slot of the schedule (§6 project decision)."""
    _check_may_write(acting_user)
    if client_uuid is not None:
        existing = ChildVisit.objects.visible_to(acting_user).filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    enrolment = _current_enrolment(acting_user, resident_id, Programme.CHILD)
    resident = enrolment.resident
    visit_date = data["visit_date"]
    errors = rules.validate_vitals(visit_date=visit_date, birth_date=resident.birth_date, today=_today())
    errors.update(out_of_range(data, CHILD_MEASURES))
    if errors:
        raise ActionError(_("Please correct the errors below."), code="invalid",
                          fields={k: [v] for k, v in errors.items()})
    earlier = list(ChildVisit.objects.filter(enrolment=enrolment).values_list("visit_date", flat=True))
    if visit_date in earlier:
        raise ActionError(_("A child-health visit is already recorded on this date."), code="duplicate",
                          field="visit_date")
    schedule = rules.child_schedule(resident.birth_date, enrolled_on=enrolment.enrolled_on)
    before = rules.fulfilled_slots(schedule, earlier)
    after = rules.fulfilled_slots(schedule, [*earlier, visit_date])
    slot = next((code for code, day in after.items() if day == visit_date and before.get(code) != day), None)
    if slot is None:
        raise ActionError(_("No scheduled child-health visit is open on this date."), code="no_open_slot",
                          field="visit_date")
    visit = ChildVisit.objects.create(
        resident=resident, enrolment=enrolment, slot=slot, visit_date=visit_date,
        organisation_id=acting_user.organisation_id, doctor=acting_user, client_uuid=client_uuid,
        **{name: data[name] for name in (*CHILD_MEASURES, *CHILD_FIELDS) if data.get(name) is not None},
    )
    enrolment.next_due, enrolment.next_due_label = child_next_due(
        resident.birth_date, [*earlier, visit_date], enrolled_on=enrolment.enrolled_on, on=_today())
    enrolment.last_visit_date = max(enrolment.last_visit_date or visit_date, visit_date)
    enrolment.save(update_fields=["next_due", "next_due_label", "last_visit_date"])
    audit.record_change(acting_user, "publichealth.child_visit_recorded", visit, resident_id=resident.pk,
                        detail={"slot": slot})
    return visit


# --- age programmes -------------------------------------------------------------------------------------

@transaction.atomic
def do_enrol_age_programmes(*, acting_user, on: date | None = None) -> dict[str, int]:
    """Every resident who turns 65 this year enters the elderly list (§5.2 year rule: born ≤ Y − 65) and every
    child under 7 the child list (PHS3 §5, §6); run daily by the scheduler. Bulk, one audit row."""
    on = on or _today()
    active = Resident.objects.listed().filter(status=Resident.Status.ACTIVE)
    created = {}
    for programme, people in (
        (Programme.ELDERLY, active.filter(birth_date__lte=date(on.year - 65, 12, 31))),
        (Programme.CHILD, active.filter(birth_date__gte=date(on.year - 8, 1, 1))),
    ):
        current = Enrolment.objects.current().filter(programme=programme).values("resident_id")
        rows = []
        for resident in people.exclude(pk__in=current).only("pk", "birth_date", "catchment_org_id").iterator(2000):
            if programme == Programme.CHILD and not rules.is_child_age(resident.birth_date, on):
                continue
            # A child is in the programme from birth; the schedule then skips the slots already missed.
            enrolled_on = on if programme == Programme.ELDERLY else resident.birth_date
            next_due, label = initial_due(programme, resident, enrolled_on)
            rows.append(Enrolment(resident_id=resident.pk, programme=programme, enrolled_on=enrolled_on,
                                  catchment_org_id=resident.catchment_org_id, next_due=next_due,
                                  next_due_label=label, created_by=acting_user))
        Enrolment.objects.bulk_create(rows, batch_size=1000)
        created[programme.value] = len(rows)
    audit.record_change(acting_user, "publichealth.age_programmes_enrolled", detail=created)
    return created
