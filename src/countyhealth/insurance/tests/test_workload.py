"""Workload and money: every visit counts (settled or paid in cash), counter bills count, the patient pays the rest
of the fees after insurance."""

from decimal import Decimal

import pytest
from django.utils import timezone

from countyhealth.insurance import queries
from countyhealth.insurance.models import Settlement

from .factories import dispensed_visit

pytestmark = pytest.mark.django_db


def _settle_row(resident, org, user, *, visit_ref, total, fund_general, fund_lb, status="settled"):
    return Settlement.objects.create(  # test data: the row as a settlement leaves it
        resident=resident, catchment_org_id=resident.catchment_org_id, organisation=org, visit_ref=visit_ref,
        msgid=f"m-{visit_ref}", status=status, total=total, fund_general=fund_general, fund_two_disease=fund_lb,
        patient_pays=total - fund_general - fund_lb, settled_on=timezone.localdate(), created_by=user)


def test_workload_counts_every_visit_and_splits_the_money(users, county, make_resident):
    doctor, today = users.village_doctor_a1, timezone.localdate()
    cash = dispensed_visit(doctor, make_resident(county.village_a1))  # paid in cash: never settled
    insured = dispensed_visit(doctor, make_resident(county.village_a1))
    _settle_row(insured.resident, county.clinic_a1, doctor, visit_ref=f"clinic.visit:{insured.pk}",
                total=insured.fee_total, fund_general=Decimal("3.00"), fund_lb=Decimal("2.00"))
    counter = make_resident(county.village_a1)
    _settle_row(counter, county.clinic_a1, doctor, visit_ref="counter:1", total=Decimal("10.00"),
                fund_general=Decimal("6.00"), fund_lb=Decimal("0"))
    _settle_row(counter, county.clinic_a1, doctor, visit_ref="counter:2", total=Decimal("50.00"),
                fund_general=Decimal("30.00"), fund_lb=Decimal("0"), status="reversed")

    data = queries.workload(users.township_doctor_a, root=None, today=today)
    fees = float(cash.fee_total + insured.fee_total + Decimal("10.00"))
    assert data["series"]["visits"][-1] == 3
    assert data["series"]["prescriptions"][-1] == 2
    assert data["series"]["fees"][-1] == pytest.approx(fees)
    assert data["series"]["fund"][-1] == pytest.approx(11.0)
    assert data["series"]["lb"][-1] == pytest.approx(2.0)
    assert data["series"]["patient"][-1] == pytest.approx(fees - 11.0)
    [clinic] = data["institutions"]
    assert clinic["name"] == county.clinic_a1.name and clinic["visits"] == 3 and clinic["fund"] == pytest.approx(11.0)


def test_workload_of_another_township_shows_nothing_of_ours(users, county, make_resident):
    dispensed_visit(users.village_doctor_a1, make_resident(county.village_a1))
    data = queries.workload(users.township_doctor_b, root=None, today=timezone.localdate())
    assert sum(data["series"]["visits"]) == 0 and data["institutions"] == []
