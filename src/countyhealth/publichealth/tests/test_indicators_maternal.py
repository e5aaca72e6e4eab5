"""The maternal indicators (早孕建册率, 产后访视率; public-health-rules.md §7, §8) from records the maternal
actions write: the boundaries (registration and first exam at 12w6d count, 13w0d does not — appendix #22; a
postpartum visit on day 28 after discharge counts, day 29 does not), live births as the denominator (twins count
2), scope through the API and the pages, and a list that does not grow its queries with the women in it."""

import datetime as dt
import json
from dataclasses import replace

import pytest
from django.urls import reverse

from countyhealth.publichealth import maternal
from countyhealth.publichealth.indicators import compute, snapshots
from countyhealth.publichealth.indicators import maternal as maternal_sql
from countyhealth.publichealth.indicators.definitions import BY_CODE
from countyhealth.publichealth.models import IndicatorSnapshot, Pregnancy
from countyhealth.publichealth.rules import CURRENT_RULES, Period

D = dt.timedelta
LMP = dt.date(2026, 1, 1)  # appendix #22: GA 12w6d on 2026-04-01, 13w0d on 2026-04-02
DELIVERED = dt.date(2026, 10, 6)
DISCHARGED = dt.date(2026, 10, 8)
YEAR = Period.calendar_year(2026)
CODES = ("early_registration", "postpartum_visit")


def _woman(make_resident, village, n: int):
    return make_resident(village, sex="2", birth_date=dt.date(1995, 3, 1) + D(days=n))


def _pregnancy(doctor, resident, *, registered=dt.date(2026, 3, 1), first_exam=None, delivered=DELIVERED,
               place="hospital", discharged=DISCHARGED, live_births=1, postpartum=()):
    maternal.do_register_pregnancy(acting_user=doctor, resident_id=resident.pk, lmp=LMP, registered_on=registered)
    if first_exam is not None:
        maternal.do_record_maternal_visit(acting_user=doctor, resident_id=resident.pk,
                                          data={"visit_date": first_exam, "sbp": 112, "dbp": 70})
    maternal.do_record_delivery(acting_user=doctor, resident_id=resident.pk, delivery_date=delivered, place=place,
                                discharge_date=discharged if place == "hospital" else None, live_births=live_births)
    for day in postpartum:
        maternal.do_record_maternal_visit(acting_user=doctor, resident_id=resident.pk,
                                          data={"visit_date": day, "sbp": 110, "dbp": 70})
    return Pregnancy.objects.get(resident=resident)


def _counted(org, period=YEAR) -> dict[str, compute.Tally]:
    tallies = compute.tally([BY_CODE[c] for c in CODES], period, [org.pk])
    return tallies.get(org.pk, {})


def _in_numerator(code, pregnancy, org, period=YEAR) -> bool:
    return compute.members_of(BY_CODE[code], period, [org.pk]).get(pk=pregnancy.pk).in_numerator


@pytest.mark.parametrize(("registered", "first_exam", "counted"), [
    (dt.date(2026, 4, 1), dt.date(2026, 4, 1), True),  # 12w6d: both on the last day
    (dt.date(2026, 4, 2), dt.date(2026, 4, 2), False),  # 13w0d
    (dt.date(2026, 3, 20), dt.date(2026, 4, 2), False),  # registered early, first examined at 13w0d
    (dt.date(2026, 3, 20), None, False),  # registered early, never examined
])
def test_early_registration_needs_registration_and_first_exam_by_12w6d(county, users, make_resident, registered,
                                                                       first_exam, counted):
    pregnancy = _pregnancy(users.village_doctor_a1, _woman(make_resident, county.village_a1, 0),
                           registered=registered, first_exam=first_exam)
    assert _in_numerator("early_registration", pregnancy, county.clinic_a1) is counted
    assert _counted(county.clinic_a1)["early_registration"] == compute.Tally(int(counted), 1)


def test_the_cut_off_is_the_rule_sets(county, users, make_resident):
    """Some provinces count 建册 up to 13w6d (§7: the cut-off is data): 13w0d counts under such a rule set."""
    pregnancy = _pregnancy(users.village_doctor_a1, _woman(make_resident, county.village_a1, 0),
                           registered=dt.date(2026, 4, 2), first_exam=dt.date(2026, 4, 2))
    provincial = maternal_sql.registered_early(replace(CURRENT_RULES, antenatal_1_max_ga_days=97))
    assert Pregnancy.objects.filter(provincial(YEAR)).get() == pregnancy
    assert not Pregnancy.objects.filter(maternal_sql.registered_early()(YEAR)).exists()


def test_a_corrected_edd_moves_the_13_week_line(county, users, make_resident):
    """§7: with an ultrasound-corrected EDD, GA = 280 d − (EDD − date); EDD a week later → a week more."""
    resident = _woman(make_resident, county.village_a1, 0)
    doctor = users.village_doctor_a1
    maternal.do_register_pregnancy(acting_user=doctor, resident_id=resident.pk, lmp=LMP, edd=dt.date(2026, 10, 15),
                                   registered_on=dt.date(2026, 4, 8))  # GA 12w6d by the corrected EDD
    maternal.do_record_maternal_visit(acting_user=doctor, resident_id=resident.pk,
                                      data={"visit_date": dt.date(2026, 4, 8), "sbp": 112, "dbp": 70})
    maternal.do_record_delivery(acting_user=doctor, resident_id=resident.pk, delivery_date=DELIVERED,
                                place="home", live_births=1)
    assert _counted(county.clinic_a1)["early_registration"] == compute.Tally(1, 1)


@pytest.mark.parametrize(("place", "visit", "counted"), [
    ("hospital", DISCHARGED + D(days=28), True),  # the window's last day
    ("hospital", DISCHARGED + D(days=29), False),
    ("hospital", DISCHARGED, True),  # day 0
    ("hospital", DELIVERED + D(days=1), False),  # before discharge: still in hospital
    ("home", DELIVERED + D(days=28), True),  # home birth: counted from the delivery
    ("home", DELIVERED + D(days=29), False),
])
def test_postpartum_visit_within_28_days_of_discharge(county, users, make_resident, place, visit, counted):
    pregnancy = _pregnancy(users.village_doctor_a1, _woman(make_resident, county.village_a1, 0), place=place,
                           postpartum=[visit])
    assert _in_numerator("postpartum_visit", pregnancy, county.clinic_a1) is counted
    assert _counted(county.clinic_a1)["postpartum_visit"] == compute.Tally(int(counted), 1)


def test_live_births_are_the_denominator_and_the_period_is_the_delivery_date(county, users, make_resident):
    doctor = users.village_doctor_a1
    _pregnancy(doctor, _woman(make_resident, county.village_a1, 0), registered=dt.date(2026, 3, 1),
               first_exam=dt.date(2026, 3, 1), live_births=2, postpartum=[DISCHARGED + D(days=3)])
    _pregnancy(doctor, _woman(make_resident, county.village_a1, 1), delivered=DELIVERED + D(days=1),
               discharged=DISCHARGED + D(days=1))
    twins = _counted(county.clinic_a1, Period(DELIVERED, DELIVERED))
    assert twins["early_registration"] == compute.Tally(1, 2)  # one woman ÷ two live births, as §8 writes
    assert twins["postpartum_visit"] == compute.Tally(1, 2)
    assert _counted(county.clinic_a1)["early_registration"] == compute.Tally(1, 3)
    assert _counted(county.clinic_a1, Period(dt.date(2026, 1, 1), DELIVERED - D(days=1))) == {}


def test_undelivered_pregnancies_are_not_counted(county, users, make_resident):
    resident = _woman(make_resident, county.village_a1, 0)
    maternal.do_register_pregnancy(acting_user=users.village_doctor_a1, resident_id=resident.pk, lmp=LMP,
                                   registered_on=dt.date(2026, 3, 1))
    assert _counted(county.clinic_a1) == {}


@pytest.fixture
def deliveries(county, users, make_resident):
    """One delivery at clinic a1 (registered early, visited), one at a2 (neither), one in township B."""
    _pregnancy(users.village_doctor_a1, _woman(make_resident, county.village_a1, 0), first_exam=dt.date(2026, 3, 1),
               postpartum=[DISCHARGED + D(days=2)])
    _pregnancy(users.township_doctor_a, _woman(make_resident, county.village_a2, 1),
               registered=dt.date(2026, 5, 1), first_exam=dt.date(2026, 5, 1))
    _pregnancy(users.village_doctor_b1, _woman(make_resident, county.village_b1, 2), first_exam=dt.date(2026, 3, 1))


def _items(client, **params) -> dict:
    body = client.get("/api/indicators/", {"period_start": "2026-01-01", "period_end": "2026-12-31", **params})
    assert body.status_code == 200, body.content
    return {i["code"]: i for i in body.json()["items"]}


def _pair(item) -> tuple:
    return item["numerator"], item["denominator"], item["rate"]


def test_api_scope_township_subtree_and_bureau_aggregate(client, county, users, deliveries):
    client.force_login(users.township_doctor_a)
    items = _items(client)
    assert _pair(items["early_registration"]) == (1, 2, 50.0)
    assert _pair(items["postpartum_visit"]) == (1, 2, 50.0)
    assert "÷" in items["early_registration"]["formula"] and items["early_registration"]["source"]
    assert client.get("/api/indicators/", {"org": county.township_b.pk}).status_code == 404
    client.force_login(users.bureau_viewer)
    county_items = _items(client)
    assert _pair(county_items["early_registration"]) == (2, 3, 66.7)
    assert _pair(county_items["postpartum_visit"]) == (1, 3, 33.3)
    breakdown = client.get("/api/indicators/postpartum_visit/breakdown",
                           {"period_start": "2026-01-01", "period_end": "2026-12-31"}).json()
    assert {row["org"]["id"]: (row["numerator"], row["denominator"]) for row in breakdown["items"]} == {
        county.township_a.pk: (1, 2), county.township_b.pk: (0, 1)}
    assert client.get("/api/indicators/early_registration/residents").status_code == 404  # aggregate only


def test_api_lists_the_women_behind_a_number(client, county, users, deliveries):
    client.force_login(users.village_doctor_a1)
    body = client.get("/api/indicators/postpartum_visit/residents",
                      {"period_start": "2026-01-01", "period_end": "2026-12-31"}).json()
    assert [(i["sex"], i["in_numerator"]) for i in body["items"]] == [("2", True)]
    client.force_login(users.village_doctor_b1)
    assert client.get("/api/indicators/postpartum_visit/residents", {"org": county.clinic_a1.pk}).status_code == 404


def _chart(response) -> dict:
    html = response.content.decode()
    start = html.index('id="indicator-chart-data"')
    return json.loads(html[html.index(">", start) + 1:html.index("</script>", start)])


def test_dashboard_shows_the_maternal_cards_and_charts(client, county, users, deliveries):
    client.force_login(users.township_doctor_a)
    response = client.get(reverse("indicators:dashboard"), {"indicator": "early_registration",
                                                            "period_start": "2026-01-01",
                                                            "period_end": "2026-12-31"})
    html = response.content.decode()
    assert 'id="ind-early_registration"' in html and 'id="ind-postpartum_visit"' in html
    chart = _chart(response)
    assert {b["name"]: (b["numerator"], b["denominator"]) for b in chart["bars"]} == {
        county.clinic_a1.name: (1, 1), county.clinic_a2.name: (0, 1)}
    assert chart["trend"][-1]["numerator"] == 1 and chart["trend"][-1]["denominator"] == 2
    assert [p["denominator"] for p in chart["trend"]][8:10] == [0, 2]  # September none, October both


@pytest.mark.parametrize("women", [3, 30])
def test_residents_page_lists_the_women_in_constant_queries(client, county, users, make_resident, women,
                                                            django_assert_max_num_queries):
    doctor = users.village_doctor_a1
    for n in range(women):
        _pregnancy(doctor, _woman(make_resident, county.village_a1, n), first_exam=dt.date(2026, 3, 1))
    client.force_login(doctor)
    url = reverse("indicators:residents", args=["early_registration"])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == women
    assert 'id="women-listed"' in response.content.decode()


def test_the_hourly_recount_stores_them_for_the_county_dashboard(client, county, users, deliveries):
    snapshots.refresh([YEAR])
    stored = IndicatorSnapshot.objects.filter(period_start=YEAR.start, period_end=YEAR.end,
                                              indicator="early_registration")
    assert {(r.organisation_id, r.numerator, r.denominator) for r in stored} == {
        (county.clinic_a1.pk, 1, 1), (county.clinic_a2.pk, 0, 1), (county.clinic_b1.pk, 1, 1)}
    client.force_login(users.admin)
    page = client.get(reverse("indicators:dashboard"), {"indicator": "postpartum_visit", "period_start": "2026-01-01",
                                                        "period_end": "2026-12-31"})
    assert page.context["counted_at"] is not None
    cards = {c.indicator.code: c.tally for cards in page.context["groups"].values() for c in cards}
    assert cards["early_registration"] == compute.Tally(2, 3)
    assert cards["postpartum_visit"] == compute.Tally(1, 3)


def test_counts_stored_before_the_maternal_indicators_existed_count_them_live(client, county, users, deliveries):
    """After a deploy the stored counts lack the new indicators until the next hourly recount: the county
    dashboard counts those live instead of showing them empty."""
    snapshots.refresh([YEAR])
    IndicatorSnapshot.objects.filter(indicator__in=CODES).delete()
    client.force_login(users.admin)
    page = client.get(reverse("indicators:dashboard"), {"indicator": "early_registration",
                                                        "period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert page.context["counted_at"] is not None
    cards = {c.indicator.code: c.tally for cards in page.context["groups"].values() for c in cards}
    assert cards["early_registration"] == compute.Tally(2, 3)
    assert _chart(page)["trend"][-1]["denominator"] == 3


def test_a_period_without_deliveries_is_stored_as_counted(county, users, deliveries):
    empty = Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    snapshots.refresh([empty])
    stored, _ = snapshots.stored(empty)
    assert snapshots.not_counted(stored) == []
    assert stored[county.hospital.pk]["postpartum_visit"] == compute.Tally(0, 0)
