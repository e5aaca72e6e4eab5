import datetime as dt

import pytest

from countyhealth.core.errors import ActionError, Conflict
from countyhealth.core.timeline import TimelineEntry
from countyhealth.referrals import rules

TODAY = dt.date(2026, 11, 23)


def test_transition_table():
    assert rules.who_may("sent", "accepted") == "receiver"
    assert rules.who_may("sent", "cancelled") == "sender"
    assert set(rules.sources_of("cancelled")) == {"sent", "accepted"}
    with pytest.raises(Conflict) as error:
        rules.check_transition("declined", "accepted")
    assert error.value.code == "referral_declined"
    with pytest.raises(Conflict) as error:
        rules.check_transition("accepted", "accepted")
    assert error.value.code == "referral_accepted"


def test_care_plan_is_cleaned():
    plan = rules.clean_care_plan({"programme": "hypertension", "next_followup_on": "2026-12-07", "notes": "低盐"},
                                 today=TODAY)
    assert plan == {"programme": "hypertension", "next_followup_on": "2026-12-07", "notes": "低盐"}
    assert rules.clean_care_plan(None, today=TODAY)["programme"] == ""


@pytest.mark.parametrize("plan", [
    {"programme": "asthma", "next_followup_on": "2026-12-07"},
    {"programme": "diabetes", "next_followup_on": "2026-13-07"},
    {"programme": "diabetes", "next_followup_on": "2026-11-22"},
    {"programme": "diabetes"},
])
def test_bad_care_plans(plan):
    with pytest.raises(ActionError) as error:
        rules.clean_care_plan(plan, today=TODAY)
    assert error.value.code == "bad_care_plan"


def test_pick_summary_keeps_latest_per_kind_and_skips_referrals_and_the_records_history():
    entries = [TimelineEntry(at=TODAY - dt.timedelta(days=i), kind="followup", title=f"随访{i}") for i in range(5)]
    entries.append(TimelineEntry(at=TODAY, kind="referral", title="转诊"))
    entries.append(TimelineEntry(at=TODAY, kind="record", title="建档"))
    entries.append(TimelineEntry(at=TODAY, kind="contract", title="签约"))
    entries.append(TimelineEntry(at=TODAY, kind="ecg", title="心电图", summary="窦性心律"))
    picked = rules.pick_summary(entries)
    assert [p["title"] for p in picked] == ["随访0", "随访1", "随访2", "心电图"]
