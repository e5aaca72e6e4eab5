"""Maternal care (PHS3 §7): register a pregnancy (建册), record antenatal and postpartum visits and the delivery.

The pregnancy's enrolment carries the next due visit, so maternal care joins the village doctor's due list like
every other programme; a risk finding refers to the county hospital in the same transaction and brings the next
visit forward to two weeks."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.referrals import actions as referrals
from countyhealth.referrals.models import Referral
from countyhealth.residents.rules import age_on

from . import rules
from .actions import _check_may_write, _current_enrolment, _today, _visible_resident, out_of_range
from .models import Enrolment, MaternalVisit, Pregnancy
from .rules import MaternalAction, MaternalDangerSign, MaternalState, Programme
from .rules.dates import add_days
from .rules.maternal import REFERRAL_FOLLOW_UP_DAYS, TERM_DAYS

FEMALE = "2"  # GB/T 2261.1 sex code (core.codes.SEX)
CHILDBEARING_AGE = (10, 60)  # a sanity bound on the record, not a clinical rule
LONGEST_PREGNANCY_DAYS = 44 * 7  # a pregnancy past 44 weeks is a data error (post-term induction by 42 w)
MEASURE_RANGES = {"sbp": (50, 300), "dbp": (30, 200), "haemoglobin": (30, 250), "fetal_heart_rate": (50, 240),
                  "weight_kg": (25, 250), "fundal_height_cm": (5, 50)}
VISIT_FIELDS = ("weight_kg", "sbp", "dbp", "haemoglobin", "fundal_height_cm", "fetal_heart_rate", "guidance")


def _ga_days(on: date, edd: date) -> int:
    """Gestational age in days from the EDD (§7); negative before the pregnancy began."""
    return TERM_DAYS - (edd - on).days


def _invalid(message, field: str):
    return ActionError(message, code="invalid", field=field)


def pregnancy_windows(pregnancy: Pregnancy) -> tuple[rules.MaternalWindow, ...]:
    """The antenatal windows, then (once delivered) the postpartum ones."""
    windows = rules.antenatal_schedule(edd=pregnancy.edd)
    if pregnancy.delivery_date:
        windows += rules.postpartum_schedule(pregnancy.delivery_date,
                                             pregnancy.discharge_date if pregnancy.delivery_place == "hospital"
                                             else None)
    return windows


def schedule(pregnancy: Pregnancy, visits, on: date) -> tuple[rules.MaternalWindowStatus, ...]:
    windows = pregnancy_windows(pregnancy)
    if pregnancy.delivery_date:  # antenatal windows after the delivery are no longer due, only done or missed
        windows = tuple(w for w in windows if w.code.startswith("postpartum") or w.opens <= pregnancy.delivery_date)
    return rules.maternal_statuses(windows, {v.code: v.visit_date for v in visits}, on)


def next_due(pregnancy: Pregnancy, visits, on: date) -> tuple[date | None, str]:
    """The first window still open or to come, due from its opening (not before registration: the first
    window opens at the LMP) with its closing day in the label; before delivery with every antenatal window
    gone, the delivery itself (at the EDD)."""
    for status in schedule(pregnancy, visits, on):
        if status.state in (MaternalState.UPCOMING, MaternalState.DUE):
            window = status.window
            label = _("%(visit)s (by %(closes)s)") % {"visit": window.label, "closes": window.closes.isoformat()}
            return max(window.opens, pregnancy.registered_on), str(label)
    if pregnancy.delivery_date is None:
        return pregnancy.edd, str(_("Record the delivery"))
    return None, ""


@transaction.atomic
def do_register_pregnancy(*, acting_user, resident_id: int, lmp: date, registered_on: date,
                          edd: date | None = None, gravidity: int = 1, parity: int = 0) -> Pregnancy:
    """建册: enrol the woman in maternal care. A corrected EDD (ultrasound) overrides LMP + 280 d (§7)."""
    _check_may_write(acting_user)
    resident = _visible_resident(acting_user, resident_id, lock=True)
    if resident.sex != FEMALE:
        raise ActionError(_("Maternal care is for women."), code="not_eligible", field="resident")
    if not CHILDBEARING_AGE[0] <= age_on(resident.birth_date, registered_on) <= CHILDBEARING_AGE[1]:
        raise ActionError(_("The resident's age does not fit a pregnancy."), code="not_eligible", field="resident")
    if registered_on > _today():
        raise _invalid(_("The registration date is in the future."), "registered_on")
    if lmp > registered_on:
        raise _invalid(_("The last menstrual period is after the registration date."), "lmp")
    edd_corrected = edd is not None and edd != add_days(lmp, TERM_DAYS)
    edd = edd or add_days(lmp, TERM_DAYS)
    if not 0 <= _ga_days(registered_on, edd) <= LONGEST_PREGNANCY_DAYS:
        raise _invalid(_("The expected date of delivery does not fit the registration date."), "edd")
    if not 1 <= gravidity <= 20 or not 0 <= parity < gravidity:
        raise _invalid(_("Parity must be less than gravidity (this pregnancy counts)."), "parity")
    if Enrolment.objects.current().filter(resident=resident, programme=Programme.MATERNAL).exists():
        raise ActionError(_("The resident already has a pregnancy under care."), code="already_enrolled",
                          field="resident")
    enrolment = Enrolment.objects.create(
        resident=resident, programme=Programme.MATERNAL, enrolled_on=registered_on, responsible_doctor=acting_user,
        catchment_org_id=resident.catchment_org_id, created_by=acting_user)
    pregnancy = Pregnancy.objects.create(
        resident=resident, enrolment=enrolment, lmp=lmp, edd=edd, edd_corrected=edd_corrected,
        registered_on=registered_on, gravidity=gravidity, parity=parity, registered_by=acting_user)
    enrolment.next_due, enrolment.next_due_label = next_due(pregnancy, [], _today())
    enrolment.save(update_fields=["next_due", "next_due_label"])
    audit.record_change(acting_user, "publichealth.pregnancy_registered", pregnancy, resident_id=resident.pk,
                        detail={"edd": edd.isoformat(), "edd_corrected": edd_corrected})
    return pregnancy


def _current_pregnancy(user, resident_id: int) -> Pregnancy:
    enrolment = _current_enrolment(user, resident_id, Programme.MATERNAL)
    return Pregnancy.objects.select_related("enrolment", "resident").get(enrolment=enrolment)


def _check_measures(data: dict) -> None:
    errors = {name: [message] for name, message in out_of_range(data, MEASURE_RANGES).items()}
    if (data.get("sbp") is None) != (data.get("dbp") is None):
        errors["dbp"] = [_("Enter both systolic and diastolic pressure.")]
    elif data.get("sbp") is not None and data["sbp"] <= data["dbp"]:
        errors["dbp"] = [_("Diastolic pressure must be lower than systolic.")]
    if errors:
        raise ActionError(_("Please correct the errors below."), code="invalid", fields=errors)


def _danger_signs(data: dict) -> list[MaternalDangerSign]:
    try:
        return [MaternalDangerSign(s) for s in data.get("danger_signs") or []]
    except ValueError:
        raise _invalid(_("Unknown danger sign."), "danger_signs") from None


def _visit_code(pregnancy: Pregnancy, visit_date: date, done: set[str]) -> tuple[str, int | None]:
    if pregnancy.delivery_date is None or visit_date < pregnancy.delivery_date:
        try:
            ga = rules.gestational_age(visit_date, edd=pregnancy.edd)
        except ValueError:
            raise _invalid(_("The visit date is before the start of the pregnancy."), "visit_date") from None
        if ga.days > LONGEST_PREGNANCY_DAYS:
            raise _invalid(_("Record the delivery before a visit this late."), "visit_date")
        code = rules.antenatal_visit_code(ga)
        return (code if code and code not in done else "antenatal_extra"), ga.days
    code = rules.postpartum_visit_code(pregnancy.delivery_date, visit_date, done)
    if code is None:
        raise ActionError(_("The 42-day postpartum check is already recorded."), code="duplicate",
                          field="visit_date")
    return code, None


@transaction.atomic
def do_record_maternal_visit(*, acting_user, resident_id: int, data: dict, client_uuid=None) -> MaternalVisit:
    """An antenatal visit fulfils the window its gestational age falls in (else it is an additional visit); a
    postpartum visit is the home visit before delivery + 42 d and the 42-day check from then. The 42-day check
    completes the programme."""
    _check_may_write(acting_user)
    if client_uuid is not None:
        existing = MaternalVisit.objects.visible_to(acting_user).filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing
    pregnancy = _current_pregnancy(acting_user, resident_id)
    visit_date = data["visit_date"]
    if visit_date > _today():
        raise _invalid(_("The visit date is in the future."), "visit_date")
    _check_measures(data)
    signs = _danger_signs(data)
    earlier = list(pregnancy.visits.all())
    if any(v.visit_date == visit_date for v in earlier):
        raise ActionError(_("A maternal visit is already recorded on this date."), code="duplicate",
                          field="visit_date")
    code, ga_days = _visit_code(pregnancy, visit_date, {v.code for v in earlier})
    findings = rules.maternal_findings(antenatal=ga_days is not None, sbp=data.get("sbp"), dbp=data.get("dbp"),
                                       haemoglobin=data.get("haemoglobin"),
                                       fetal_heart_rate=data.get("fetal_heart_rate"), danger_signs=signs)
    action = rules.maternal_action(findings)
    visit = MaternalVisit(
        resident_id=pregnancy.resident_id, pregnancy=pregnancy, code=code, visit_date=visit_date, ga_days=ga_days,
        organisation_id=acting_user.organisation_id, doctor=acting_user, danger_signs=[s.value for s in signs],
        findings=[{"code": f.code, "label": f.label, "emergency": f.emergency} for f in findings],
        next_action=action, client_uuid=client_uuid,
        **{name: data[name] for name in VISIT_FIELDS if data.get(name) not in (None, "")})
    enrolment = pregnancy.enrolment
    due, label = next_due(pregnancy, [*earlier, visit], _today())
    if action != MaternalAction.ROUTINE:
        visit.save()
        visit.referral = _refer(acting_user, pregnancy, visit, action)
        follow_up = add_days(visit_date, REFERRAL_FOLLOW_UP_DAYS)
        if due is None or follow_up < due:
            due, label = follow_up, str(_("Follow-up after referral"))
    visit.next_due = due
    visit.save()
    enrolment.next_due, enrolment.next_due_label = due, label
    enrolment.last_visit_date = max(enrolment.last_visit_date or visit_date, visit_date)
    if code == "postpartum_42d" and action == MaternalAction.ROUTINE:
        enrolment.status, enrolment.ended_on = Enrolment.Status.ENDED, visit_date
        enrolment.end_reason, enrolment.next_due, enrolment.next_due_label = Enrolment.EndReason.COMPLETED, None, ""
    enrolment.save(update_fields=["next_due", "next_due_label", "last_visit_date", "status", "ended_on",
                                  "end_reason"])
    audit.record_change(acting_user, "publichealth.maternal_visit_recorded", visit, resident_id=visit.resident_id,
                        detail={"code": code, "next_action": action.value,
                                "findings": [f.code for f in findings]})
    return visit


def _refer(acting_user, pregnancy: Pregnancy, visit: MaternalVisit, action: MaternalAction) -> Referral:
    return referrals.create_referral(
        acting_user=acting_user, resident=pregnancy.resident, to_org=referrals.county_hospital(),
        direction=Referral.Direction.UP,
        urgency=Referral.Urgency.EMERGENCY if action == MaternalAction.EMERGENCY_REFERRAL else Referral.Urgency.ROUTINE,
        reason="; ".join(f["label"] for f in visit.findings),
        summary={"programme": Programme.MATERNAL.value, "visit": visit.code, "visit_date": visit.visit_date.isoformat(),
                 "ga_days": visit.ga_days, "sbp": visit.sbp, "dbp": visit.dbp, "haemoglobin": visit.haemoglobin,
                 "findings": [f["code"] for f in visit.findings]},
        source=f"publichealth.maternalvisit:{visit.pk}",
    )


@transaction.atomic
def do_record_delivery(*, acting_user, resident_id: int, delivery_date: date, place: str, live_births: int,
                       discharge_date: date | None = None) -> Pregnancy:
    """The delivery opens the postpartum windows: the home visit within a week of discharge (home birth: of
    delivery) and the 42-day check."""
    _check_may_write(acting_user)
    pregnancy = _current_pregnancy(acting_user, resident_id)
    if pregnancy.delivery_date is not None:
        raise ActionError(_("The delivery is already recorded."), code="duplicate", field="delivery_date")
    if place not in Pregnancy.Place.values:
        raise _invalid(_("Choose where the delivery took place."), "place")
    if delivery_date > _today():
        raise _invalid(_("The delivery date is in the future."), "delivery_date")
    if _ga_days(delivery_date, pregnancy.edd) < 20 * 7:
        raise _invalid(_("A delivery is recorded from 20 weeks of pregnancy."), "delivery_date")
    if pregnancy.visits.filter(visit_date__gt=delivery_date).exists():
        raise _invalid(_("An antenatal visit is recorded after this date."), "delivery_date")
    if place == Pregnancy.Place.HOSPITAL and discharge_date is None:
        raise _invalid(_("Enter the discharge date of a hospital delivery."), "discharge_date")
    if discharge_date is not None and not delivery_date <= discharge_date <= _today():
        raise _invalid(_("The discharge date must fall between the delivery and today."), "discharge_date")
    if not 0 <= live_births <= 6:
        raise _invalid(_("Enter the number of live births (0–6)."), "live_births")
    pregnancy.delivery_date, pregnancy.delivery_place, pregnancy.live_births = delivery_date, place, live_births
    pregnancy.discharge_date = discharge_date if place == Pregnancy.Place.HOSPITAL else None
    pregnancy.save(update_fields=["delivery_date", "delivery_place", "live_births", "discharge_date"])
    enrolment = pregnancy.enrolment
    enrolment.next_due, enrolment.next_due_label = next_due(pregnancy, list(pregnancy.visits.all()), _today())
    enrolment.save(update_fields=["next_due", "next_due_label"])
    audit.record_change(acting_user, "publichealth.delivery_recorded", pregnancy, resident_id=pregnancy.resident_id,
                        detail={"delivery_date": delivery_date.isoformat(), "place": place,
                                "live_births": live_births})
    return pregnancy
