"""Indicator pages: scope by role, drill-down, the residents behind a number (masked, audited), bad periods and
a constant number of queries however many villages or residents there are."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.orgs.tests.factories import OrganisationFactory, VillageFactory
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import Programme

from .test_indicators_semantics import enrol, followup


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def _this_year(month: int, day: int = 10) -> date:
    today = timezone.localdate()
    return min(date(today.year, month, day), today)


@pytest.fixture
def patients(county, users, make_resident):
    """Two hypertension patients at clinic a1 (one followed up, one not) and one at b1."""
    doctor = users.village_doctor_a1
    followed = make_resident(county.village_a1, name="王建国", birth_date=date(1958, 4, 2), phone="13812345678",
                             record_number="43012410120100001")
    missed = make_resident(county.village_a1, name="李秀英", birth_date=date(1962, 8, 9),
                           record_number="43012410120100002")
    other = make_resident(county.village_b1, name="赵明", birth_date=date(1960, 1, 1))
    e1 = enrol(followed, Programme.HYPERTENSION, date(2020, 1, 1))
    enrol(missed, Programme.HYPERTENSION, date(2020, 1, 1))
    enrol(other, Programme.HYPERTENSION, date(2020, 1, 1))
    FollowUpVisit.objects.bulk_create([followup(e1, doctor, _this_year(1), sbp=130, dbp=80)])
    return followed, missed, other


def _chart(response) -> dict:
    html = response.content.decode()
    start = html.index('id="indicator-chart-data"')
    body = html[html.index(">", start) + 1:html.index("</script>", start)]
    return json.loads(body)


def test_village_doctor_sees_own_clinic_with_links_to_residents(login, users, county, patients):
    response = login(users.village_doctor_a1).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert response.status_code == 200
    assert response.context["org"] == county.clinic_a1
    html = response.content.decode()
    assert f"· {county.clinic_a1.name}</h1>" in html
    cards = {c.indicator.code: c for cards in response.context["groups"].values() for c in cards}
    assert (cards["htn_control"].tally.numerator, cards["htn_control"].tally.denominator) == (1, 2)
    assert reverse("indicators:residents", args=["htn_control"]) in html
    chart = _chart(response)
    assert chart["bars"] == [] and chart["trend"][-1]["denominator"] == 2
    assert 'src="/static/vendor/echarts-5.6.0.min.js"' in html and "<script>" not in html


def test_township_sees_its_clinics_as_bars_that_drill_down(login, users, county, patients):
    response = login(users.township_doctor_a).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    bars = _chart(response)["bars"]
    assert [b["name"] for b in bars] == [county.clinic_a1.name, county.clinic_a2.name]
    assert (bars[0]["numerator"], bars[0]["denominator"], bars[0]["rate"]) == (1, 2, 50.0)
    assert f"org={county.clinic_a1.pk}" in bars[0]["url"]
    assert reverse("indicators:residents", args=["htn_control"]) not in response.content.decode()
    drilled = login(users.township_doctor_a).get(bars[0]["url"])
    assert drilled.status_code == 200 and drilled.context["org"] == county.clinic_a1


def test_bureau_viewer_sees_figures_but_no_residents(login, users, county, patients):
    client = login(users.bureau_viewer)
    response = client.get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert response.status_code == 200
    assert {b["name"] for b in _chart(response)["bars"]} == {county.township_a.name, county.township_b.name}
    clinic = client.get(reverse("indicators:dashboard"), {"org": county.clinic_a1.pk})
    assert clinic.status_code == 200 and not clinic.context["lists_residents"]
    url = reverse("indicators:residents", args=["htn_control"])
    assert client.get(url, {"org": county.clinic_a1.pk}).status_code == 404
    assert not AccessLog.objects.exists()


def test_granted_reach_clinicians_see_no_indicators(login, users):
    assert login(users.county_doctor).get(reverse("indicators:dashboard")).status_code == 404


def test_other_township_is_404_and_audited(login, users, county, patients):
    client = login(users.village_doctor_a1)
    assert client.get(reverse("indicators:dashboard"), {"org": county.clinic_b1.pk}).status_code == 404
    url = reverse("indicators:residents", args=["htn_control"])
    assert client.get(url, {"org": county.township_b.pk}).status_code == 404
    denied = AuditLog.objects.filter(action="access.scope_denied", user_id=users.village_doctor_a1.pk)
    assert denied.count() == 2
    assert client.get(reverse("indicators:dashboard"), {"org": "abc"}).status_code == 404
    assert client.get(reverse("indicators:residents", args=["no_such_indicator"])).status_code == 404


def test_bad_period_is_explained_and_year_to_date_shown(login, users, patients):
    response = login(users.village_doctor_a1).get(
        reverse("indicators:dashboard"), {"period_start": "2026-05-01", "period_end": "2026-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"]
    today = timezone.localdate()
    assert response.context["period"].start == date(today.year, 1, 1)
    assert login(users.village_doctor_a1).get(reverse("indicators:dashboard"),
                                              {"period_start": "not-a-date"}).context["form"].errors


def test_period_is_honoured(login, users, county, patients):
    year = timezone.localdate().year - 1
    response = login(users.village_doctor_a1).get(
        reverse("indicators:dashboard"),
        {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31", "indicator": "htn_control"})
    cards = {c.indicator.code: c for cards in response.context["groups"].values() for c in cards}
    assert (cards["htn_control"].tally.numerator, cards["htn_control"].tally.denominator) == (0, 2)
    assert len(_chart(response)["trend"]) == 12


def test_residents_behind_a_number_are_masked_linked_and_audited(login, users, county, patients):
    followed, missed, _other = patients
    client = login(users.village_doctor_a1)
    url = reverse("indicators:residents", args=["htn_control"])
    response = client.get(url, {"org": county.clinic_a1.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert followed.name in html and missed.name in html and _other.name not in html
    assert followed.id_number not in html and f"{followed.id_number[:6]}********{followed.id_number[-4:]}" in html
    assert "138****5678" in html and "13812345678" not in html
    assert reverse("residents:resident-detail", args=[followed.pk]) in html
    assert set(AccessLog.objects.values_list("resident_id", flat=True)) == {followed.pk, missed.pk}
    missing = client.get(url, {"org": county.clinic_a1.pk, "which": "missing"})
    assert [r.resident.pk for r in missing.context["rows"]] == [missed.pk]
    counted = client.get(url, {"org": county.clinic_a1.pk, "which": "numerator"})
    assert [r.resident.pk for r in counted.context["rows"]] == [followed.pk]


def _grow(county, n: int, make_resident, doctor):
    """n villages under township A, each with a clinic, a resident, an enrolment and a follow-up."""
    for i in range(n):
        clinic = OrganisationFactory(name=f"新村{i}卫生室", parent=county.township_a,
                                     division_code=f"430124101{300 + i}")
        village = VillageFactory(name=f"新村{i}", clinic=clinic, division_code=f"430124101{300 + i}",
                                 population=None if i % 2 else 100)
        resident = make_resident(village, birth_date=date(1950, 1, 1) + timedelta(days=i),
                                 record_number=f"430124101{300 + i}00001")
        enrolment = enrol(resident, Programme.HYPERTENSION, date(2020, 1, 1))
        FollowUpVisit.objects.bulk_create([followup(enrolment, doctor, _this_year(1), sbp=130, dbp=80)])


def _queries_for(django_assert_max_num_queries, client, url, params, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("villages", [3, 30])
def test_dashboard_queries_do_not_grow_with_villages(login, users, county, make_resident, villages,
                                                     django_assert_max_num_queries):
    _grow(county, villages, make_resident, users.village_doctor_a1)
    client = login(users.township_doctor_a)
    _queries_for(django_assert_max_num_queries, client, reverse("indicators:dashboard"),
                 {"indicator": "htn_control"}, 40)
    bars = _chart(client.get(reverse("indicators:dashboard"), {"indicator": "htn_control"}))["bars"]
    assert len(bars) == villages + 2


@pytest.mark.parametrize("count", [3, 30])
def test_residents_list_queries_do_not_grow_with_residents(login, users, county, make_resident, count,
                                                           django_assert_max_num_queries):
    for i in range(count):
        resident = make_resident(county.village_a1, birth_date=date(1950, 1, 1) + timedelta(days=i))
        enrol(resident, Programme.DIABETES, date(2021, 1, 1))
    client = login(users.village_doctor_a1)
    url = reverse("indicators:residents", args=["dm_standardised_mgmt"])
    _queries_for(django_assert_max_num_queries, client, url, {"org": county.clinic_a1.pk}, 12)
    assert Enrolment.objects.count() == count


def test_exact_query_counts_are_equal_for_3_and_30(login, users, county, make_resident,
                                                   django_assert_max_num_queries):
    """The bound above is generous; here the counts themselves are compared."""
    client = login(users.township_doctor_a)
    url = reverse("indicators:dashboard")
    _grow(county, 3, make_resident, users.village_doctor_a1)
    small = _queries_for(django_assert_max_num_queries, client, url, {"indicator": "htn_control"}, 40)
    for i in range(27):
        clinic = OrganisationFactory(name=f"后村{i}卫生室", parent=county.township_a,
                                     division_code=f"430124101{500 + i}")
        VillageFactory(name=f"后村{i}", clinic=clinic, division_code=f"430124101{500 + i}")
    large = _queries_for(django_assert_max_num_queries, client, url, {"indicator": "htn_control"}, 40)
    assert small == large
