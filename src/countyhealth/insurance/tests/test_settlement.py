"""Settlement against the simulator running as a real subprocess (conftest.insurance_sim)."""

import time
from decimal import Decimal

import pytest
from django.utils import timezone

from countyhealth.core.errors import ActionError, Conflict
from countyhealth.insurance import actions, adapter
from countyhealth.insurance.actions import settlement as settlement_actions
from countyhealth.insurance.models import Settlement

from .factories import CONSULTATION, NIFEDIPINE, insured, lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(simulator, make_resident, county):
    return insured(make_resident, county.village_a1)


def presettle(user, resident, org, visit_ref="visit-1", bill=((CONSULTATION, 1), (NIFEDIPINE, 1))):
    return actions.do_presettle(acting_user=user, resident_id=resident.pk, organisation_id=org.pk,
                                visit_ref=visit_ref, lines=lines(*bill))


def sim_settlements(org, day):
    return adapter.reconcile_details(day=day, institution_code=org.code)


def test_presettle_then_settle_splits_and_the_patient_pays_the_rest(patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    assert draft.status == "draft" and draft.total == Decimal("28.60")
    assert draft.fund_general == Decimal("17.16") and draft.patient_pays == Decimal("11.44")  # village 60 %
    settled = actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    assert settled.status == "settled" and settled.setl_id.startswith("ST")
    assert settled.patient_pays + settled.fund_total == settled.total
    assert [c.status for c in settled.changes.order_by("at", "pk")] == ["draft", "pending", "settled"]
    assert len(sim_settlements(county.clinic_a1, settled.settled_on)) == 1


def test_settling_an_already_settled_visit_is_refused(patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    with pytest.raises(Conflict) as error:
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    assert error.value.code == "settlement_settled"
    with pytest.raises(Conflict):  # a new pre-settlement of the same visit as well
        presettle(users.village_doctor_a1, patient, county.clinic_a1)


def test_reversal(patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    settled = actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    reversed_ = actions.do_reverse_settlement(acting_user=users.village_doctor_a1, settlement_id=settled.pk,
                                              reason="收费错误")
    assert reversed_.status == "reversed"
    assert sim_settlements(county.clinic_a1, settled.settled_on) == []
    with pytest.raises(Conflict):
        actions.do_reverse_settlement(acting_user=users.village_doctor_a1, settlement_id=settled.pk, reason="again")


def test_reversal_of_an_unsettled_or_unknown_settlement(patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    with pytest.raises(Conflict):
        actions.do_reverse_settlement(acting_user=users.village_doctor_a1, settlement_id=draft.pk, reason="x")
    with pytest.raises(adapter.Refused) as refused:  # the platform knows no such settlement
        adapter.call("2208", {"data": {"psn_no": "x", "mdtrt_id": "y", "setl_id": "STNOPE"}},
                     msgid=adapter.new_msgid(), institution_code=county.clinic_a1.code)
    assert "结算信息不存在" in refused.value.err_msg


def test_uninsured_resident_is_refused_and_nothing_stays_open(simulator, make_resident, users, county):
    stranger = make_resident(county.village_a1)  # never loaded into the platform
    with pytest.raises(adapter.Refused):
        presettle(users.village_doctor_a1, stranger, county.clinic_a1)
    assert list(Settlement.objects.values_list("status", flat=True)) == ["cancelled"]


def test_bad_fee_lines_are_refused_before_anything_is_sent(patient, users, county):
    with pytest.raises(ActionError) as error:
        presettle(users.village_doctor_a1, patient, county.clinic_a1, bill=())
    assert error.value.code == "no_fees"
    assert not Settlement.objects.exists()


def test_simulator_down_leaves_a_pending_row_that_reconciliation_fails(simulator, patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    simulator.fault("2207", "error", remaining=2)  # the first attempt and its one retry
    with pytest.raises(adapter.Unavailable):
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "pending"
    run = actions.do_reconcile(acting_user=users.township_doctor_a, organisation_id=county.clinic_a1.pk,
                               day=draft.created_at.date())
    draft.refresh_from_db()
    assert draft.status == "failed" and run.repaired == [{"settlement": draft.pk, "result": "failed"}]


def test_answer_lost_after_the_platform_settled_is_repaired_by_reconciliation(simulator, patient, users, county,
                                                                              settings):
    settings.INSURANCE_RETRIES = 0
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    simulator.fault("2207", "delay_after", seconds=1.5)  # settled there, the answer arrives after our timeout
    with pytest.raises(adapter.Unavailable):
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "pending"
    run = actions.do_reconcile(acting_user=users.township_doctor_a, organisation_id=county.clinic_a1.pk,
                               day=_today())
    draft.refresh_from_db()
    assert draft.status == "settled" and draft.repaired and run.balanced


def test_retry_after_timeout_reuses_the_msgid_and_settles_once(simulator, patient, users, county):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    simulator.fault("2207", "delay", seconds=1.5)  # the first attempt times out but is processed later
    settled = actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    assert settled.status == "settled"
    time.sleep(1.0)  # let the delayed first attempt finish: it must find the stored answer, not settle again
    assert [s["setl_id"] for s in sim_settlements(county.clinic_a1, settled.settled_on)] == [settled.setl_id]


def test_crash_between_the_answer_and_the_local_commit_is_repaired(patient, users, county, monkeypatch):
    """The settlement is killed after the platform settled and before our commit: nothing lost, nothing twice."""
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)

    def crash(settlement, output):
        raise SystemExit("killed between the platform's answer and the local commit")

    monkeypatch.setattr(settlement_actions, "after_answer", crash)
    with pytest.raises(SystemExit):
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "pending" and not draft.setl_id
    remote = sim_settlements(county.clinic_a1, _today())
    assert len(remote) == 1  # the platform did settle

    before = actions.do_reconcile(acting_user=users.township_doctor_a, organisation_id=county.clinic_a1.pk,
                                  day=_today())
    draft.refresh_from_db()
    assert draft.status == "settled" and draft.repaired and draft.setl_id == remote[0]["setl_id"]
    assert before.balanced and before.repaired[0]["result"] == "settled"
    assert len(sim_settlements(county.clinic_a1, _today())) == 1
    with pytest.raises(Conflict):  # and it cannot be settled a second time
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)


def test_pending_row_resent_by_the_cashier_gets_the_stored_answer(patient, users, county, monkeypatch):
    draft = presettle(users.village_doctor_a1, patient, county.clinic_a1)
    monkeypatch.setattr(settlement_actions, "after_answer", lambda s, o: (_ for _ in ()).throw(RuntimeError()))
    with pytest.raises(RuntimeError):
        actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    monkeypatch.undo()
    settled = actions.do_settle(acting_user=users.village_doctor_a1, settlement_id=draft.pk)
    assert settled.status == "settled"
    assert [s["setl_id"] for s in sim_settlements(county.clinic_a1, _today())] == [settled.setl_id]



def _today():
    return timezone.localdate()
