"""Maternal care (PHS3 §7): the risk rules at their boundaries, and registration → visits → delivery → 42-day
check through the actions, the pages and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.publichealth import maternal, rules
from countyhealth.publichealth.models import Enrolment, MaternalVisit
from countyhealth.publichealth.rules import MaternalAction, MaternalDangerSign, MaternalState
from countyhealth.referrals.models import Referral

TODAY = timezone.localdate()
D = dt.timedelta


# --- rules ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sbp", "dbp", "expected"), [
    (139, 89, []), (140, 89, ["hypertension"]), (139, 90, ["hypertension"]),
    (159, 109, ["hypertension"]), (160, 80, ["severe_hypertension"]), (150, 110, ["severe_hypertension"]),
])
def test_blood_pressure_in_pregnancy_refers_at_140_90_and_at_once_at_160_110(sbp, dbp, expected):
    findings = rules.maternal_findings(antenatal=True, sbp=sbp, dbp=dbp)
    assert [f.code for f in findings] == expected
    emergency = expected == ["severe_hypertension"]
    assert rules.maternal_action(findings) == (MaternalAction.EMERGENCY_REFERRAL if emergency else
                                               MaternalAction.REFERRAL if expected else MaternalAction.ROUTINE)


@pytest.mark.parametrize(("antenatal", "hb", "anaemic"), [(True, 110, False), (True, 109, True),
                                                          (False, 100, False), (False, 99, True)])
def test_anaemia_is_below_110_in_pregnancy_and_below_100_after_delivery(antenatal, hb, anaemic):
    codes = [f.code for f in rules.maternal_findings(antenatal=antenatal, haemoglobin=hb)]
    assert codes == (["anaemia"] if anaemic else [])


@pytest.mark.parametrize(("fhr", "abnormal"), [(110, False), (160, False), (109, True), (161, True)])
def test_fetal_heart_rate_outside_110_to_160_refers(fhr, abnormal):
    codes = [f.code for f in rules.maternal_findings(antenatal=True, fetal_heart_rate=fhr)]
    assert codes == (["fetal_heart_rate"] if abnormal else [])


def test_a_danger_sign_refers_at_once():
    findings = rules.maternal_findings(antenatal=True, danger_signs=[MaternalDangerSign.BLEEDING])
    assert rules.maternal_action(findings) == MaternalAction.EMERGENCY_REFERRAL


@pytest.mark.parametrize(("days", "done", "code"), [
    (0, [], "postpartum_home"), (41, [], "postpartum_home"), (41, ["postpartum_home"], "postpartum_extra"),
    (42, ["postpartum_home"], "postpartum_42d"), (42, [], "postpartum_42d"), (60, ["postpartum_42d"], None),
])
def test_the_42_day_check_counts_from_delivery_plus_42_days(days, done, code):
    delivered = dt.date(2026, 3, 1)
    assert rules.postpartum_visit_code(delivered, delivered + D(days=days), done) == code


def test_window_states_on_a_day():
    windows = rules.antenatal_schedule(lmp=dt.date(2026, 1, 1))
    statuses = rules.maternal_statuses(windows, {"antenatal_1": dt.date(2026, 2, 20)}, dt.date(2026, 4, 23))
    assert [s.state for s in statuses] == [MaternalState.DONE, MaternalState.DUE, *[MaternalState.UPCOMING] * 3]
    later = rules.maternal_statuses(windows, {}, windows[1].closes + D(days=1))
    # antenatal_3 opens (21w0d) the day after antenatal_2 closes (20w6d)
    assert [s.state for s in later[:3]] == [MaternalState.MISSED, MaternalState.MISSED, MaternalState.DUE]


# --- actions --------------------------------------------------------------------------------------------

@pytest.fixture
def woman(county, make_resident):
    return make_resident(county.village_a1, birth_date=dt.date(TODAY.year - 28, 3, 1), sex="2")


def register(user, resident, *, weeks_pregnant: int, **extra):
    return maternal.do_register_pregnancy(acting_user=user, resident_id=resident.pk, registered_on=TODAY,
                                          lmp=TODAY - D(weeks=weeks_pregnant), **extra)


def visit(user, resident, **data):
    data.setdefault("visit_date", TODAY)
    return maternal.do_record_maternal_visit(acting_user=user, resident_id=resident.pk, data=data)


def test_registration_enrols_the_woman_and_puts_the_first_visit_on_the_due_list(woman, users):
    pregnancy = register(users.village_doctor_a1, woman, weeks_pregnant=8)
    assert pregnancy.edd == pregnancy.lmp + D(days=280) and not pregnancy.edd_corrected
    enrolment = pregnancy.enrolment
    assert (enrolment.programme, enrolment.status, enrolment.catchment_org_id) == (
        "maternal", "active", woman.catchment_org_id)
    assert enrolment.next_due == TODAY  # the first window opened at the LMP, before registration
    assert enrolment.next_due_label.startswith(rules.maternal_visit_label("antenatal_1"))
    assert AuditLog.objects.filter(action="publichealth.pregnancy_registered", resident_id=woman.pk).exists()


def test_a_corrected_edd_moves_the_schedule(woman, users):
    lmp = TODAY - D(weeks=10)
    pregnancy = register(users.village_doctor_a1, woman, weeks_pregnant=10, edd=lmp + D(days=290))
    assert pregnancy.edd_corrected
    first = visit(users.village_doctor_a1, woman)
    assert first.ga_days == 60  # 280 − (EDD − today): ten days younger than the LMP says


@pytest.mark.parametrize(("changes", "field"), [
    ({"sex": "1"}, "resident"),
    ({"birth_date": dt.date(TODAY.year - 70, 1, 1)}, "resident"),
])
def test_registration_refuses_who_cannot_be_pregnant(county, users, make_resident, changes, field):
    resident = make_resident(county.village_a1, **{"birth_date": dt.date(TODAY.year - 30, 1, 1), "sex": "2",
                                                   **changes})
    with pytest.raises(ActionError) as error:
        register(users.village_doctor_a1, resident, weeks_pregnant=8)
    assert field in error.value.fields
    assert not Enrolment.objects.filter(resident=resident).exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lmp": TODAY + D(days=1)}, "lmp"),
    ({"lmp": TODAY - D(weeks=45)}, "edd"),
    ({"lmp": TODAY - D(weeks=8), "gravidity": 1, "parity": 1}, "parity"),
])
def test_registration_refuses_impossible_dates_and_counts(woman, users, kwargs, field):
    with pytest.raises(ActionError) as error:
        maternal.do_register_pregnancy(acting_user=users.village_doctor_a1, resident_id=woman.pk,
                                       registered_on=TODAY, **kwargs)
    assert field in error.value.fields
    assert not Enrolment.objects.filter(resident=woman).exists()


def test_one_pregnancy_under_care_at_a_time(woman, users):
    register(users.village_doctor_a1, woman, weeks_pregnant=8)
    with pytest.raises(ActionError) as error:
        register(users.village_doctor_a1, woman, weeks_pregnant=8)
    assert error.value.code == "already_enrolled"


def test_a_first_visit_before_13_weeks_fulfils_antenatal_1_and_schedules_antenatal_2(woman, users):
    pregnancy = register(users.village_doctor_a1, woman, weeks_pregnant=12)
    first = visit(users.village_doctor_a1, woman, sbp=112, dbp=70, haemoglobin=124)
    assert (first.code, first.ga_days, first.next_action, first.findings) == ("antenatal_1", 84, "routine", [])
    assert first.next_due == pregnancy.lmp + D(weeks=16)
    pregnancy.enrolment.refresh_from_db()
    assert pregnancy.enrolment.next_due == first.next_due


def test_a_visit_between_windows_is_an_additional_one(woman, users):
    register(users.village_doctor_a1, woman, weeks_pregnant=14)
    assert visit(users.village_doctor_a1, woman).code == "antenatal_extra"


def test_raised_pressure_refers_upward_and_brings_the_next_visit_to_two_weeks(woman, users, county):
    register(users.village_doctor_a1, woman, weeks_pregnant=17)
    second = visit(users.village_doctor_a1, woman, sbp=146, dbp=92)
    assert (second.code, second.next_action) == ("antenatal_2", "referral")
    assert second.referral.to_org == county.hospital and second.referral.urgency == Referral.Urgency.ROUTINE
    assert second.next_due == TODAY + D(days=14)


def test_a_danger_sign_opens_an_emergency_referral(woman, users):
    register(users.village_doctor_a1, woman, weeks_pregnant=30)
    seen = visit(users.village_doctor_a1, woman, danger_signs=["bleeding"])
    assert seen.next_action == "emergency_referral"
    assert seen.referral.urgency == Referral.Urgency.EMERGENCY


def test_bad_visits_change_nothing(woman, users):
    register(users.village_doctor_a1, woman, weeks_pregnant=17)
    for data, field in (({"sbp": 90, "dbp": 120}, "dbp"), ({"sbp": 120}, "dbp"), ({"haemoglobin": 400}, "haemoglobin"),
                        ({"danger_signs": ["dizzy"]}, "danger_signs"),
                        ({"visit_date": TODAY + D(days=1)}, "visit_date")):
        with pytest.raises(ActionError) as error:
            visit(users.village_doctor_a1, woman, **data)
        assert field in error.value.fields, data
    visit(users.village_doctor_a1, woman)
    with pytest.raises(ActionError) as error:
        visit(users.village_doctor_a1, woman)
    assert error.value.code == "duplicate"
    assert MaternalVisit.objects.filter(resident=woman).count() == 1


def test_delivery_then_home_visit_then_42_day_check_completes_the_programme(woman, users):
    doctor = users.village_doctor_a1
    pregnancy = register(doctor, woman, weeks_pregnant=38)
    with pytest.raises(ActionError) as error:  # a hospital birth needs its discharge date
        maternal.do_record_delivery(acting_user=doctor, resident_id=woman.pk, delivery_date=TODAY, place="hospital",
                                    live_births=1)
    assert "discharge_date" in error.value.fields
    pregnancy.lmp = pregnancy.lmp - D(days=50)  # move the story back: delivered 45 days ago
    pregnancy.edd = pregnancy.edd - D(days=50)
    pregnancy.registered_on = pregnancy.registered_on - D(days=50)
    pregnancy.save()
    delivered = TODAY - D(days=45)
    maternal.do_record_delivery(acting_user=doctor, resident_id=woman.pk, delivery_date=delivered, place="hospital",
                                discharge_date=delivered + D(days=3), live_births=2)
    pregnancy.refresh_from_db()
    assert pregnancy.live_births == 2
    assert pregnancy.enrolment.next_due == delivered + D(days=42)  # the home-visit window has closed
    home = visit(doctor, woman, visit_date=delivered + D(days=5))
    assert home.code == "postpartum_home" and home.ga_days is None
    check = visit(doctor, woman, visit_date=TODAY, haemoglobin=118)
    assert check.code == "postpartum_42d"
    enrolment = Enrolment.objects.get(pk=pregnancy.enrolment_id)
    assert (enrolment.status, enrolment.end_reason, enrolment.next_due) == ("ended", "completed", None)


def test_a_township_b_doctor_cannot_see_or_write_township_a_pregnancies(woman, users):
    register(users.village_doctor_a1, woman, weeks_pregnant=12)
    with pytest.raises(NotVisible):
        visit(users.township_doctor_b, woman)


def test_a_lost_pregnancy_ends_the_enrolment_and_only_maternal_care_ends_that_way(woman, users, htn_patient):
    from countyhealth.publichealth import actions

    pregnancy = register(users.village_doctor_a1, woman, weeks_pregnant=10)
    actions.do_end_enrolment(acting_user=users.village_doctor_a1, enrolment_id=pregnancy.enrolment_id,
                             reason="pregnancy_loss", ended_on=TODAY)
    with pytest.raises(ActionError):
        actions.do_end_enrolment(acting_user=users.village_doctor_a1, enrolment_id=htn_patient[1].pk,
                                 reason="pregnancy_loss", ended_on=TODAY)
    register(users.village_doctor_a1, woman, weeks_pregnant=2)  # a new pregnancy can be registered


# --- pages and API --------------------------------------------------------------------------------------

def test_the_doctor_registers_and_records_visits_in_the_browser(client, woman, users):
    client.force_login(users.village_doctor_a1)
    page = client.get(reverse("publichealth:resident-programmes", args=[woman.pk]))
    assert reverse("publichealth:pregnancy-register", args=[woman.pk]) in page.content.decode()
    url = reverse("publichealth:pregnancy-register", args=[woman.pk])
    bad = client.post(url, {"lmp": (TODAY + D(days=3)).isoformat(), "registered_on": TODAY.isoformat(),
                            "gravidity": 1, "parity": 0})
    assert bad.status_code == 200 and not Enrolment.objects.filter(resident=woman).exists()
    ok = client.post(url, {"lmp": (TODAY - D(weeks=17)).isoformat(), "registered_on": TODAY.isoformat(),
                           "gravidity": 2, "parity": 1})
    assert ok.status_code == 302
    saved = client.post(reverse("publichealth:maternal-visit-create", args=[woman.pk]),
                        {"visit_date": TODAY.isoformat(), "sbp": 150, "dbp": 96}, follow=True)
    body = saved.content.decode()
    assert MaternalVisit.objects.get(resident=woman).next_action == "referral"
    assert 'id="maternal"' in body and "146" not in body and "150/96" in body


def test_the_due_list_shows_the_visit_due_this_week_with_its_deadline(client, woman, users):
    pregnancy = register(users.village_doctor_a1, woman, weeks_pregnant=8)
    client.force_login(users.village_doctor_a1)
    page = client.get(reverse("publichealth:due-list"), {"bucket": "week", "programme": "maternal"}).content.decode()
    assert woman.name in page
    assert (pregnancy.lmp + D(days=90)).isoformat() in page  # antenatal_1 closes at 12w6d


def test_the_same_through_the_api(client, woman, users):
    client.force_login(users.village_doctor_a1)
    created = client.post("/api/publichealth/pregnancies", {
        "resident_id": woman.pk, "lmp": (TODAY - D(weeks=12)).isoformat(), "registered_on": TODAY.isoformat()},
        content_type="application/json")
    assert created.status_code == 201, created.content
    seen = client.post("/api/publichealth/maternal-visits", {
        "resident_id": woman.pk, "visit_date": TODAY.isoformat(), "haemoglobin": 100},
        content_type="application/json")
    assert seen.status_code == 201
    assert seen.json()["code"] == "antenatal_1" and seen.json()["findings"][0]["code"] == "anaemia"
    assert seen.json()["referral_id"] is not None
    refused = client.post(f"/api/publichealth/residents/{woman.pk}/delivery", {
        "delivery_date": TODAY.isoformat(), "place": "home", "live_births": 1}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["fields"].get("delivery_date")  # at 12 weeks
    listed = client.get(f"/api/publichealth/residents/{woman.pk}/pregnancies")
    assert [p["enrolment_id"] for p in listed.json()] == [created.json()["enrolment_id"]]


def test_maternal_visits_are_on_the_360_timeline(woman, users):
    from countyhealth.core import timeline

    register(users.village_doctor_a1, woman, weeks_pregnant=17)
    visit(users.village_doctor_a1, woman, haemoglobin=100)
    entries = [e for e in timeline.entries_for(woman, users.township_doctor_a) if e.kind == "maternal_visit"]
    assert [e.title for e in entries] == [rules.maternal_visit_label("antenatal_2")]
    assert "17w0d" in entries[0].summary and "110" in entries[0].summary  # GA and the anaemia finding
