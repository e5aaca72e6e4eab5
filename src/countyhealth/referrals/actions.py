"""Every write of the referrals app. Status changes are conditional UPDATEs from the statuses the transition
table allows (rules.TRANSITIONS), so a double acceptance or accepting a declined referral changes nothing and
says why; each change writes a `ReferralEvent` and notifies the other side in the same transaction."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Role
from countyhealth.appointments.actions import book_slot
from countyhealth.appointments.models import Booking, Slot
from countyhealth.audit import log as audit
from countyhealth.core import bulk, hooks, timeline
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.notifications.actions import notify_each, notify_org, org_users
from countyhealth.orgs.models import Department, Organisation, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from . import rules
from .models import Referral, ReferralEvent

CLINICAL_ROLES = [Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.CONSORTIUM_ADMIN]


def county_hospital() -> Organisation:
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL, is_active=True).order_by("path").first()
    if hospital is None:
        raise ActionError(gettext_lazy("No county hospital is configured to receive referrals."),
                          code="no_county_hospital")
    return hospital


def _url(referral) -> str:
    return f"/referrals/{referral.pk}/"


def _notify(referral: Referral, org_id: int, title: str, *, urgent: bool = False) -> None:
    notify_org(org_id, roles=CLINICAL_ROLES, **_message(referral, title, urgent=urgent))


def _message(referral: Referral, title: str, *, urgent: bool = False) -> dict:
    return {"kind": f"referrals.{referral.status}", "title": title, "body": referral.reason, "url": _url(referral),
            "urgent": urgent, "resident_id": referral.resident_id}


def recent_summaries(residents, acting_user) -> dict[int, list[dict]]:
    """Each resident's latest vitals, follow-ups, ECG and lab reports (resident id → summary), from whatever
    apps registered timeline providers, in as many queries as for one resident."""
    entries = timeline.newest_of_each_source_by_resident(residents, acting_user, count=rules.SUMMARY_PER_KIND,
                                                         leave_out=rules.NOT_SUMMARISED)
    return {resident_id: rules.pick_summary(newest) for resident_id, newest in entries.items()}


@dataclass(frozen=True)
class ReferralRequest:
    """One referral `create_referrals` writes: `create_referral`'s keyword arguments but `acting_user`."""

    resident: Resident
    to_org: Organisation
    direction: str
    urgency: str
    reason: str
    summary: dict | None = None
    source: str = ""
    diagnosis: str = ""
    department: Department | None = None
    discharge_summary: str = ""
    care_plan: dict | None = None


def create_referral(*, acting_user, **request) -> Referral:
    """Runs inside the caller's action: the referral commits with the record that triggered it. The recent
    records are attached to the summary under "recent" (the caller's own keys are kept). Takes
    `ReferralRequest`'s fields as keywords."""
    return create_referrals(acting_user=acting_user, requests=[ReferralRequest(**request)])[0]


def _check(acting_user, request: ReferralRequest) -> None:
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation, so it cannot refer."), code="no_organisation")
    if not request.reason.strip():
        raise ActionError(_("Give the reason for the referral."), code="no_reason", field="reason")
    if request.urgency not in Referral.Urgency.values:
        raise ActionError(_("Choose the urgency."), code="bad_urgency", field="urgency")
    if request.department is not None and request.department.organisation_id != request.to_org.pk:
        raise ActionError(_("The department is not part of the receiving institution."), code="bad_department",
                          field="department_id")


@transaction.atomic(savepoint=False)
def create_referrals(*, acting_user, requests: list[ReferralRequest]) -> list[Referral]:
    """Many referrals at once (a phone's push), with what `create_referral` writes for each — the referral
    and its summary, the receiving institution's access grant, the SENT event, the audit row, the
    notification of the receiving institution's clinicians — in a number of queries that does not grow with
    the number of requests. The first invalid request raises its ActionError before anything is written."""
    for request in requests:
        _check(acting_user, request)
    if not requests:
        return []
    recent = recent_summaries([r.resident for r in requests if "recent" not in (r.summary or {})], acting_user)
    referrals = bulk.insert([Referral(
        resident=r.resident, direction=r.direction, urgency=r.urgency, from_org_id=acting_user.organisation_id,
        to_org=r.to_org, reason=r.reason[:500], summary=_summary(r, recent),
        source=r.source, created_by=acting_user, diagnosis=r.diagnosis[:200], department=r.department,
        discharge_summary=r.discharge_summary, care_plan=r.care_plan or {}) for r in requests])
    # The receiving institution needs the resident's record to treat them.
    bulk.insert([AccessGrant(resident=r.resident, organisation=r.to_org, reason=AccessGrant.Reason.REFERRAL,
                             note=f"referral:{referral.pk}", granted_by=acting_user)
                 for r, referral in zip(requests, referrals, strict=True)], with_ids=False)
    bulk.insert([ReferralEvent(referral=referral, status=Referral.Status.SENT, by=acting_user) for referral in referrals],
                with_ids=False)
    audit.record_changes(acting_user, "referrals.referral_created", [
        (referral, r.resident.pk, {"urgency": r.urgency, "to_org": r.to_org.pk, "source": r.source,
                                   "direction": r.direction})
        for r, referral in zip(requests, referrals, strict=True)])
    recipients = org_users({r.to_org.pk for r in requests}, roles=CLINICAL_ROLES)
    notify_each([(recipients[r.to_org.pk], _message(referral, _title(r), urgent=r.urgency == Referral.Urgency.EMERGENCY))
                 for r, referral in zip(requests, referrals, strict=True)])
    for referral in referrals:
        if referral.direction == Referral.Direction.DOWN:
            hooks.announce("referrals.downward_referral_created", referral=referral, acting_user=acting_user)
    return referrals


def _summary(request: ReferralRequest, recent: dict[int, list[dict]]) -> dict:
    summary = dict(request.summary or {})
    if "recent" not in summary:  # the caller's own keys are kept
        summary["recent"] = recent[request.resident.pk]
    return summary


def _title(request: ReferralRequest) -> str:
    return (_("Downward referral: %(name)s") if request.direction == Referral.Direction.DOWN
            else _("Referral received: %(name)s")) % {"name": request.resident.name}


def _resident_for(acting_user, resident_id: int) -> Resident:
    resident = Resident.objects.visible_to(acting_user).filter(pk=resident_id, is_active=True).first()
    if resident is None:
        raise NotVisible()
    return resident


@transaction.atomic
def do_refer_up(*, acting_user, resident_id: int, reason: str, urgency: str, diagnosis: str = "",
                department_id: int | None = None, slot_id: int | None = None) -> Referral:
    """A township or village doctor refers a resident to the county hospital, optionally booking one of the
    slots the hospital reserves for referrals in the same step."""
    if acting_user.organisation is None or acting_user.organisation.org_type not in (
            OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC):
        raise ActionError(_("Upward referrals are sent from township and village institutions."),
                          code="not_primary_care")
    resident = _resident_for(acting_user, resident_id)
    hospital = county_hospital()
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id, organisation=hospital).first()
        if department is None:
            raise ActionError(_("Choose a department of the county hospital."), code="bad_department",
                              field="department_id")
    referral = create_referral(acting_user=acting_user, resident=resident, to_org=hospital,
                               direction=Referral.Direction.UP, urgency=urgency, reason=reason,
                               diagnosis=diagnosis, department=department)
    if slot_id is not None:
        booking = book_slot(acting_user=acting_user, slot_id=slot_id, resident_id=resident.pk,
                            source=Booking.Source.REFERRAL)
        if booking.organisation_id != hospital.pk:
            raise ActionError(_("Choose a slot at the county hospital."), code="bad_slot", field="slot_id")
        Referral.objects.filter(pk=referral.pk).update(booking=booking)
        referral.booking = booking
    return referral


@transaction.atomic
def do_refer_down(*, acting_user, resident_id: int, to_org_id: int, reason: str, discharge_summary: str,
                  care_plan: dict | None = None, diagnosis: str = "", urgency: str = Referral.Urgency.ROUTINE,
                  source: str = "") -> Referral:
    """The county hospital hands a patient back to primary care with a discharge summary and a care plan."""
    resident = _resident_for(acting_user, resident_id)
    to_org = Organisation.objects.filter(pk=to_org_id, is_active=True,
                                         org_type__in=[OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC]).first()
    if to_org is None:
        raise ActionError(_("Choose a township or village institution."), code="bad_to_org", field="to_org_id")
    if acting_user.organisation_id == to_org.pk:
        raise ActionError(_("Choose another institution than your own."), code="bad_to_org", field="to_org_id")
    if not discharge_summary.strip():
        raise ActionError(_("Write the discharge summary."), code="no_discharge_summary", field="discharge_summary")
    plan = rules.clean_care_plan(care_plan, today=timezone.localdate())
    return create_referral(acting_user=acting_user, resident=resident, to_org=to_org,
                           direction=Referral.Direction.DOWN, urgency=urgency, reason=reason,
                           diagnosis=diagnosis, discharge_summary=discharge_summary, care_plan=plan, source=source)


def sides(user, referral: Referral) -> set[str]:
    """"receiver" and/or "sender": which side of the referral the user acts for. An institution's subtree acts
    for it (a township doctor for a village clinic), but never answers its own institution's referral."""
    if user.role not in CLINICAL_ROLES:
        return set()
    org_ids = scope_for(user).org_ids
    found = set()
    if referral.to_org_id in org_ids and referral.from_org_id != user.organisation_id:
        found.add("receiver")
    if referral.from_org_id in org_ids and referral.to_org_id != user.organisation_id:
        found.add("sender")
    return found


def _transition(acting_user, referral_id: int, new: str, *, note: str = "", **fields) -> Referral:
    referral = Referral.objects.filter(pk=referral_id).select_related("resident").first()
    if referral is None:
        raise NotVisible()
    who = rules.who_may(referral.status, new)
    if who is not None and who not in sides(acting_user, referral):
        raise NotVisible()
    changed = (Referral.objects.filter(pk=referral_id, status__in=rules.sources_of(new))
               .update(status=new, updated_at=timezone.now(), **fields))
    if not changed:  # someone else moved it first, or it was never allowed: say which, change nothing
        rules.check_transition(Referral.objects.get(pk=referral_id).status, new)
    referral.refresh_from_db()
    ReferralEvent.objects.create(referral=referral, status=new, note=note[:500], by=acting_user)
    audit.record_change(acting_user, f"referrals.referral_{new}", referral, resident_id=referral.resident_id,
                        detail={"note": note[:200]} if note else {})
    return referral


@transaction.atomic
def do_accept_referral(*, acting_user, referral_id: int, slot_id: int | None = None,
                       admission_at: datetime | None = None, note: str = "") -> Referral:
    """Accept with an appointment slot (reserved for referrals) or an admission time — or with the slot the
    sender already booked."""
    current = Referral.objects.filter(pk=referral_id).values("booking_id", "status").first()
    if current is None:
        raise NotVisible()
    if slot_id is None and admission_at is None and current["booking_id"] is None:
        raise ActionError(_("Give an appointment slot or an admission time."), code="no_slot_or_admission",
                          field="slot_id")
    if admission_at is not None and admission_at <= timezone.now():
        raise ActionError(_("The admission time must be in the future."), code="admission_past", field="admission_at")
    now = timezone.now()
    referral = _transition(acting_user, referral_id, Referral.Status.ACCEPTED, note=note, responded_at=now,
                           responded_by=acting_user, admission_at=admission_at)
    if slot_id is not None:
        booking = book_slot(acting_user=acting_user, slot_id=slot_id, resident_id=referral.resident_id,
                            source=Booking.Source.REFERRAL, pools=(Slot.Pool.REFERRAL, Slot.Pool.PUBLIC))
        Referral.objects.filter(pk=referral.pk).update(booking=booking)
        referral.booking = booking
    _notify(referral, referral.from_org_id, _("Referral accepted: %(name)s") % {"name": referral.resident.name})
    return referral


@transaction.atomic
def do_decline_referral(*, acting_user, referral_id: int, reason: str) -> Referral:
    if not reason.strip():
        raise ActionError(_("Give the reason for declining."), code="no_reason", field="reason")
    referral = _transition(acting_user, referral_id, Referral.Status.DECLINED, note=reason,
                           decline_reason=reason[:500], responded_at=timezone.now(), responded_by=acting_user)
    _notify(referral, referral.from_org_id, _("Referral declined: %(name)s") % {"name": referral.resident.name})
    return referral


@transaction.atomic
def do_mark_arrived(*, acting_user, referral_id: int) -> Referral:
    referral = _transition(acting_user, referral_id, Referral.Status.ARRIVED)
    _notify(referral, referral.from_org_id, _("Referred patient arrived: %(name)s") % {"name": referral.resident.name})
    return referral


@transaction.atomic
def do_complete_referral(*, acting_user, referral_id: int, feedback: str) -> Referral:
    """The episode ends with feedback to the sender (diagnosis, treatment, advice)."""
    if not feedback.strip():
        raise ActionError(_("Write the feedback to the referring doctor."), code="no_feedback", field="feedback")
    referral = _transition(acting_user, referral_id, Referral.Status.COMPLETED, note=feedback, feedback=feedback)
    _notify(referral, referral.from_org_id, _("Referral completed, feedback: %(name)s") % {"name": referral.resident.name})
    return referral


@transaction.atomic
def do_cancel_referral(*, acting_user, referral_id: int, reason: str) -> Referral:
    if not reason.strip():
        raise ActionError(_("Give the reason for cancelling."), code="no_reason", field="reason")
    referral = _transition(acting_user, referral_id, Referral.Status.CANCELLED, note=reason)
    _notify(referral, referral.to_org_id, _("Referral cancelled: %(name)s") % {"name": referral.resident.name})
    return referral
