"""Referral rules: the status transition table and the care-plan shape. Pure functions.

Workflow after 国家卫生健康委《关于推进紧密型县域医疗卫生共同体建设的通知》(2019) and the 双向转诊 practice of
county consortia: the receiving institution answers (accept with an appointment or an admission time, or decline
with a reason), the patient arrives, the episode completes with feedback to the sender."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError, Conflict

SENT, ACCEPTED, DECLINED, ARRIVED, COMPLETED, CANCELLED = (
    "sent", "accepted", "declined", "arrived", "completed", "cancelled")

# status → {next status: who may make the change ("receiver" or "sender")}
TRANSITIONS = {
    SENT: {ACCEPTED: "receiver", DECLINED: "receiver", CANCELLED: "sender"},
    ACCEPTED: {ARRIVED: "receiver", CANCELLED: "sender"},
    ARRIVED: {COMPLETED: "receiver"},
    DECLINED: {},
    COMPLETED: {},
    CANCELLED: {},
}

_ALREADY = {
    ACCEPTED: _("This referral has already been accepted."),
    DECLINED: _("This referral has been declined and can no longer be changed."),
    COMPLETED: _("This referral is completed."),
    CANCELLED: _("This referral has been cancelled."),
    ARRIVED: _("The patient has already arrived."),
}


def sources_of(new: str) -> list[str]:
    """Statuses a referral may move to `new` from: the WHERE of the conditional UPDATE."""
    return [status for status, targets in TRANSITIONS.items() if new in targets]


def who_may(current: str, new: str) -> str | None:
    return TRANSITIONS.get(current, {}).get(new)


def check_transition(current: str, new: str) -> None:
    """Raise the localised reason a referral in `current` cannot move to `new` (409: someone else changed it)."""
    if new in TRANSITIONS.get(current, {}):
        return
    message = _ALREADY.get(current) or _("This referral cannot change from its current status.")
    raise Conflict(message, code=f"referral_{current}")


CARE_PROGRAMMES = ("hypertension", "diabetes")


def clean_care_plan(plan: dict | None, *, today: date) -> dict:
    """The downward care plan: {"programme", "next_followup_on" (ISO date, not in the past), "notes"}."""
    plan = dict(plan or {})
    programme = plan.get("programme") or ""
    if programme and programme not in CARE_PROGRAMMES:
        raise ActionError(_("Choose hypertension or diabetes management, or no programme."), code="bad_care_plan",
                          field="care_plan")
    raw = plan.get("next_followup_on") or ""
    next_on = None
    if raw:
        try:
            next_on = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError as error:
            raise ActionError(_("Enter the next follow-up date as YYYY-MM-DD."), code="bad_care_plan",
                              field="care_plan") from error
        if next_on < today:
            raise ActionError(_("The next follow-up date cannot be in the past."), code="bad_care_plan",
                              field="care_plan")
    if programme and next_on is None:
        raise ActionError(_("A programme in the care plan needs the next follow-up date."), code="bad_care_plan",
                          field="care_plan")
    return {"programme": programme, "next_followup_on": next_on.isoformat() if next_on else "",
            "notes": str(plan.get("notes") or "")[:1000]}


SUMMARY_PER_KIND = 3
# A referral's summary is about care: not earlier referrals, nor the record's own history (opened, details
# changed, status) or the family-doctor contract, which would take the places of clinical entries in its 20.
NOT_SUMMARISED = frozenset({"referral", "record", "contract"})


def pick_summary(entries) -> list[dict]:
    """The referral's attached summary: the latest few timeline entries of each clinical kind (vitals from the
    follow-ups and checks, ECG and lab reports), newest first, as plain data frozen at sending time."""
    counts: dict[str, int] = {}
    picked = []
    for entry in entries:
        if entry.kind in NOT_SUMMARISED or counts.get(entry.kind, 0) >= SUMMARY_PER_KIND:
            continue
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
        picked.append({"at": entry.at.isoformat(), "kind": entry.kind, "title": str(entry.title),
                       "summary": str(entry.summary), "organisation": entry.organisation})
    return picked[:20]
