"""The demo's insurance data: qualified 两病 patients, settlements of the clinic's past visits consistent with the
visits and with the simulator, which balances reconciliation of a past day once it has been handed the history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.clinic import demo_seed as clinic_seed
from countyhealth.clinic.models import Visit, VisitStatusChange
from countyhealth.insurance import actions, demo_seed
from countyhealth.insurance.models import Qualification, Settlement
from countyhealth.insurance.reference import load_simulator

from .factories import hypertension_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(county, users, make_resident):
    patients = [make_resident(village) for village in (county.village_a1, county.village_b1) for _ in range(4)]
    hypertension_patient(patients[0], users.village_doctor_a1)
    today = timezone.localdate()
    clinic_seed.seed(seeder=users.admin, seed=3, as_of=today)
    return demo_seed.seed(seeder=users.admin, seed=3, as_of=today), patients


def test_past_visits_are_settled_consistently(demo):
    summary, patients = demo
    assert summary.startswith("insurance: 1 residents qualified")
    assert Qualification.objects.get(resident=patients[0]).diseases == ["hypertension"]
    settlements = list(Settlement.objects.all())
    visits = Visit.objects.filter(status="closed").count()
    assert 0.8 * visits <= len(settlements) < visits  # most settle, a few pay cash
    for s in settlements[:50]:
        visit = Visit.objects.get(pk=int(s.visit_ref.split(":")[1]))
        assert visit.settlement_ref == f"insurance:{s.pk}" and visit.fee_total == s.total
        assert s.total == s.fund_general + s.fund_two_disease + s.patient_pays
        assert sum(i.amount for i in s.items.all()) == s.total
        assert [c.to_status for c in VisitStatusChange.objects.filter(visit=visit).order_by("id")] == [
            "open", "prescribed", "dispensed", "settled", "closed"]
        assert s.settled_on == timezone.localdate(visit.closed_at)
    for s in settlements:  # only the qualified patient's listed drugs are paid from the 两病 benefit
        lb_lines = [i for i in s.items.all() if i.pool == "lb"]
        assert bool(lb_lines) == (s.fund_two_disease > 0)
        assert not lb_lines or s.resident_id == patients[0].pk


def test_the_simulator_handed_the_history_balances_a_past_day(demo, simulator, users, county):
    load_simulator(history=True)
    day = timezone.localdate() - timedelta(days=3)
    org = Settlement.objects.filter(settled_on=day).values_list("organisation_id", flat=True).first()
    if org is None:
        pytest.skip("no settlement on that day for this seed")
    run = actions.do_reconcile(acting_user=users.township_doctor_a, organisation_id=org, day=day)
    assert run.balanced and not run.mismatches
    assert run.local["fixmedins_setl_cnt"] == Settlement.objects.filter(settled_on=day, organisation_id=org).count()
