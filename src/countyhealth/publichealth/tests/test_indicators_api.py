"""/api/indicators/: values with formulas, the breakdown by child organisation, the residents behind a number;
scope (404 + audit), masking, bad periods, bureau viewers and a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.publichealth.models import FollowUpVisit
from countyhealth.publichealth.rules import Period, Programme

from .test_indicators_semantics import enrol, followup
from .test_indicators_views import _this_year, patients  # noqa: F401 (fixture)

URL = "/api/indicators/"


@pytest.fixture
def api(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_values_carry_formula_and_counts(api, users, county, patients):  # noqa: F811
    body = api(users.township_doctor_a).get(URL).json()
    assert body["org"] == {"id": county.township_a.pk, "name": county.township_a.name}
    items = {i["code"]: i for i in body["items"]}
    assert (items["htn_control"]["numerator"], items["htn_control"]["denominator"]) == (1, 2)
    assert items["htn_control"]["rate"] == 50.0
    assert "÷" in items["htn_control"]["formula"] and items["htn_control"]["source"]
    assert items["newborn_visit"]["rate"] is None  # no births: no rate rather than 0 %
    assert {"record_coverage", "e_record_coverage", "contract_coverage", "contract_coverage_key_dm"} <= set(items)


def test_period_parameters(api, users, county, patients):  # noqa: F811
    year = timezone.localdate().year - 1
    body = api(users.township_doctor_a).get(URL, {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
                                                  "org": county.clinic_a1.pk}).json()
    assert (body["period_start"], body["period_end"]) == (f"{year}-01-01", f"{year}-12-31")
    items = {i["code"]: i for i in body["items"]}
    assert (items["htn_control"]["numerator"], items["htn_control"]["denominator"]) == (0, 2)


@pytest.mark.parametrize("params, field", [
    ({"period_start": "2026-05-01", "period_end": "2026-04-01"}, "period_end"),
    ({"period_start": "2026-05-01"}, "period_end"),
    ({"period_start": "2026-13-01", "period_end": "2026-12-31"}, "period_start"),
])
def test_bad_periods_are_refused_with_the_field(api, users, params, field):
    response = api(users.village_doctor_a1).get(URL, params)
    assert response.status_code in (400, 422)
    assert field in response.json()["fields"]


def test_breakdown_lists_child_organisations(api, users, county, patients):  # noqa: F811
    body = api(users.public_health_officer).get(f"{URL}htn_control/breakdown").json()
    rows = {r["org"]["name"]: r for r in body["items"]}
    assert set(rows) == {county.township_a.name, county.township_b.name}
    assert (rows[county.township_a.name]["numerator"], rows[county.township_a.name]["denominator"]) == (1, 2)
    assert (rows[county.township_b.name]["numerator"], rows[county.township_b.name]["denominator"]) == (0, 1)
    assert body["indicator"]["denominator"] == 3
    assert api(users.public_health_officer).get(f"{URL}no_such/breakdown").status_code == 404


def test_residents_are_paged_masked_and_audited(api, users, county, patients):  # noqa: F811
    followed, missed, _other = patients
    body = api(users.village_doctor_a1).get(f"{URL}htn_control/residents", {"org": county.clinic_a1.pk}).json()
    items = {i["resident_id"]: i for i in body["items"]}
    assert set(items) == {followed.pk, missed.pk}
    assert items[followed.pk]["in_numerator"] and not items[missed.pk]["in_numerator"]
    assert items[followed.pk]["id_number"] == f"{followed.id_number[:6]}********{followed.id_number[-4:]}"
    assert items[followed.pk]["phone"] == "138****5678"
    assert body["has_next"] is False and body["page"] == 1
    assert set(AccessLog.objects.values_list("resident_id", flat=True)) == {followed.pk, missed.pk}
    missing = api(users.village_doctor_a1).get(f"{URL}htn_control/residents",
                                               {"org": county.clinic_a1.pk, "which": "missing"}).json()
    assert [i["resident_id"] for i in missing["items"]] == [missed.pk]


def test_out_of_scope_org_is_404_with_an_audit_row(api, users, county, patients):  # noqa: F811
    client = api(users.village_doctor_a1)
    for path in ("", "htn_control/breakdown", "htn_control/residents"):
        response = client.get(f"{URL}{path}", {"org": county.clinic_b1.pk})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert AuditLog.objects.filter(action="access.scope_denied", user_id=users.village_doctor_a1.pk).count() == 3
    assert client.get(URL, {"org": 999999}).status_code == 404


def test_bureau_viewer_gets_figures_but_never_residents(api, users, county, patients):  # noqa: F811
    client = api(users.bureau_viewer)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}htn_control/breakdown", {"org": county.township_a.pk}).status_code == 200
    assert client.get(f"{URL}htn_control/residents", {"org": county.clinic_a1.pk}).status_code == 404
    assert not AccessLog.objects.exists()


def test_granted_reach_and_anonymous_are_refused(api, users, client):
    assert client.get(URL).status_code == 401
    assert api(users.county_doctor).get(URL).status_code == 404


def test_residents_pages_through_more_than_one_page(api, users, county, make_resident):
    doctor = users.village_doctor_a1
    for i in range(55):
        r = make_resident(county.village_a2, birth_date=date(1950, 1, 1) + timedelta(days=i))
        e = enrol(r, Programme.HYPERTENSION, date(2021, 1, 1))
        FollowUpVisit.objects.bulk_create([followup(e, doctor, _this_year(1), sbp=120, dbp=70)])
    client = api(users.township_doctor_a)
    first = client.get(f"{URL}htn_control/residents", {"org": county.clinic_a2.pk}).json()
    second = client.get(f"{URL}htn_control/residents", {"org": county.clinic_a2.pk, "page": 2}).json()
    assert (len(first["items"]), first["has_next"], len(second["items"]), second["has_next"]) == (50, True, 5, False)
    assert not {i["resident_id"] for i in first["items"]} & {i["resident_id"] for i in second["items"]}


def test_values_equal_the_computation(api, users, county, patients):  # noqa: F811
    from countyhealth.publichealth.indicators import compute
    from countyhealth.publichealth.indicators.definitions import INDICATORS

    today = timezone.localdate()
    tree = compute.OrgTree(county.hospital)
    expected = tree.at(compute.tally(INDICATORS, Period(date(today.year, 1, 1), today)))
    body = api(users.admin).get(URL).json()
    for item in body["items"]:
        t = expected.get(item["code"], compute.Tally())
        assert (item["numerator"], item["denominator"]) == (t.numerator, t.denominator), item["code"]
