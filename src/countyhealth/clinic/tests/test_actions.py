import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.clinic import actions
from countyhealth.clinic.actions.prescriptions import ReviewStopped
from countyhealth.clinic.models import FeeLine, Prescription, Shortage, StockBatch, StockMovement, Visit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.records.models import Diagnosis

from .conftest import line


def test_opening_a_visit_charges_the_consultation_fee_and_writes_history(open_visit):
    assert open_visit.status == "open"
    assert [f.code for f in FeeLine.objects.filter(visit=open_visit)] == ["GZ-V"]
    assert open_visit.fee_total == Decimal("5.00")
    assert open_visit.status_changes.get().to_status == "open"
    assert AuditLog.objects.filter(action="clinic.visit_opened").exists()


def test_implausible_vitals_are_refused_and_nothing_saved(htn_patient, users):
    with pytest.raises(ActionError) as error:
        actions.do_open_visit(acting_user=users.village_doctor_a1, resident_id=htn_patient.pk,
                              data={"chief_complaint": "头晕", "sbp": 80, "dbp": 120})
    assert "dbp" in error.value.fields
    assert not Visit.objects.exists()


def test_a_doctor_of_another_township_cannot_open_a_visit(htn_patient, users):
    with pytest.raises(NotVisible):
        actions.do_open_visit(acting_user=users.village_doctor_b1, resident_id=htn_patient.pk,
                              data={"chief_complaint": "头晕"})


def test_county_doctor_is_not_a_clinic_doctor(htn_patient, users):
    with pytest.raises(ActionError) as error:
        actions.do_open_visit(acting_user=users.county_doctor, resident_id=htn_patient.pk,
                              data={"chief_complaint": "头晕"})
    assert error.value.code == "forbidden"


def test_visit_diagnosis_is_a_records_diagnosis_with_the_visit_as_source(open_visit, users):
    diagnosis = actions.do_add_diagnosis(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, code="i10")
    assert (diagnosis.code_id, diagnosis.source) == ("I10", f"clinic.visit:{open_visit.pk}")
    with pytest.raises(Conflict):
        actions.do_add_diagnosis(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, code="I10")


def test_unknown_icd10_code_is_refused(open_visit, users):
    with pytest.raises(ActionError) as error:
        actions.do_add_diagnosis(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, code="X99.999")
    assert error.value.code == "unknown_icd10"
    assert not Diagnosis.objects.exists()


def test_order_adds_its_fee(open_visit, users):
    actions.do_add_order(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, fee_item_code="ECG-12")
    open_visit.refresh_from_db()
    assert open_visit.fee_total == Decimal("25.00")


def test_over_the_dose_limit_is_blocked_with_the_rules_message(open_visit, users, stocked):
    with pytest.raises(ReviewStopped) as stopped:
        actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk,
                                      items=[line("EM039", 10, "tid")], override_reason="我确定")
    assert stopped.value.code == "review_blocked"
    assert "10" in stopped.value.findings[0].message
    assert not Prescription.objects.exists()


def test_warnings_need_a_reason_which_is_kept(open_visit, users, stocked):
    items = [line("EM039", 5), line("EM041", 20, "bid")]  # two dihydropyridine CCBs: duplicate therapy
    with pytest.raises(ReviewStopped) as stopped:
        actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, items=items)
    assert stopped.value.code == "review_warnings"
    rx = actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk, items=items,
                                       override_reason="短效控制晨峰")
    finding = rx.findings.get()
    assert (finding.rule, finding.override_reason) == ("duplicate_class", "短效控制晨峰")
    open_visit.refresh_from_db()
    assert open_visit.status == "prescribed"
    assert open_visit.fee_total == Decimal("5.00") + Decimal("0.15") * 7 + Decimal("0.20") * 14


def test_dispensing_takes_earliest_expiry_first_and_moves_the_visit(open_visit, users, stocked):
    rx = actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk,
                                       items=[line("EM039", 5, "qd", 14)], override_reason="慢病稳定")
    actions.do_dispense_prescription(acting_user=users.village_doctor_a1, prescription_id=rx.pk)
    quantities = dict(StockBatch.objects.values_list("batch_number", "quantity"))
    assert quantities["A-SOON"] == 0 and quantities["A-LATE"] == 196
    open_visit.refresh_from_db()
    assert open_visit.status == "dispensed"
    with pytest.raises(Conflict):
        actions.do_dispense_prescription(acting_user=users.village_doctor_a1, prescription_id=rx.pk)


def test_dispensing_more_than_in_stock_takes_nothing(open_visit, users, stocked):
    rx = actions.do_issue_prescription(acting_user=users.village_doctor_a1, visit_id=open_visit.pk,
                                       items=[line("EM039", 5), line("EM076", 500, "tid")],
                                       override_reason="x")
    with pytest.raises(Conflict) as error:
        actions.do_dispense_prescription(acting_user=users.village_doctor_a1, prescription_id=rx.pk)
    assert error.value.code == "insufficient_stock"
    assert not StockMovement.objects.filter(kind="dispense").exists()
    assert StockBatch.objects.get(batch_number="A-SOON").quantity == 10
    rx.refresh_from_db()
    assert rx.status == "issued"


def test_expired_batches_are_not_dispensed(open_visit, users):
    doctor = users.village_doctor_a1
    batch = actions.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="OLD",
                                     expiry_date=timezone.localdate() + dt.timedelta(days=1), quantity=50)
    StockBatch.objects.filter(pk=batch.pk).update(expiry_date=timezone.localdate() - dt.timedelta(days=1))
    rx = actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk, items=[line("EM039", 5)])
    with pytest.raises(Conflict):
        actions.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)


def test_low_stock_opens_a_shortage_for_the_township_and_receiving_closes_it(open_visit, users, stocked):
    doctor = users.village_doctor_a1
    rx = actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk,
                                       items=[line("EM039", 5, "qd", 7)])
    actions.do_adjust_stock(acting_user=doctor, batch_id=StockBatch.objects.get(batch_number="A-LATE").pk,
                            change=-110, reason="盘点")
    actions.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
    shortage = Shortage.objects.get(resolved_at=None)
    assert (shortage.drug.code, shortage.level) == ("EM039", "low")
    from countyhealth.clinic.queries import shortages_for

    assert list(shortages_for(users.township_doctor_a)) == [shortage]
    assert list(shortages_for(users.township_doctor_b)) == []
    assert users.township_doctor_a.notifications.filter(kind="clinic.shortage").exists()
    actions.do_receive_stock(acting_user=doctor, drug="EM039", batch_number="NEW",
                             expiry_date=timezone.localdate() + dt.timedelta(days=500), quantity=300)
    assert not Shortage.objects.filter(resolved_at=None).exists()


def test_stock_never_goes_negative(users, stocked):
    batch = StockBatch.objects.get(batch_number="A-SOON")
    with pytest.raises(Conflict):
        actions.do_adjust_stock(acting_user=users.village_doctor_a1, batch_id=batch.pk, change=-11, reason="破损")
    with pytest.raises(Conflict):
        actions.do_return_stock(acting_user=users.village_doctor_a1, batch_id=batch.pk, quantity=11, reason="退货")
    actions.do_return_stock(acting_user=users.village_doctor_a1, batch_id=batch.pk, quantity=10, reason="近效期退货")
    batch.refresh_from_db()
    assert batch.quantity == 0


def test_another_clinics_batch_is_not_visible(users, stocked):
    batch = StockBatch.objects.get(batch_number="A-SOON")
    with pytest.raises(NotVisible):
        actions.do_adjust_stock(acting_user=users.village_doctor_b1, batch_id=batch.pk, change=5, reason="x")


def test_settlement_moves_and_replays_and_reversal(open_visit, users, stocked):
    doctor = users.village_doctor_a1
    with pytest.raises(Conflict):
        actions.do_mark_settled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="S1")
    rx = actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk, items=[line("EM039", 5)])
    actions.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
    actions.do_mark_settled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="S1")
    assert actions.do_mark_settled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="S1").status == "settled"
    with pytest.raises(Conflict):
        actions.do_mark_settled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="S2")
    with pytest.raises(Conflict):
        actions.do_mark_unsettled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="nope")
    visit = actions.do_mark_unsettled(acting_user=doctor, visit_id=open_visit.pk, settlement_ref="S1")
    assert (visit.status, visit.settlement_ref) == ("dispensed", "")
    assert actions.do_close_visit(acting_user=doctor, visit_id=open_visit.pk).status == "closed"
    assert [c.to_status for c in visit.status_changes.order_by("id")] == [
        "open", "prescribed", "dispensed", "settled", "dispensed", "closed"]


def test_cancelling_the_prescription_reopens_the_visit_and_drops_its_fees(open_visit, users, stocked):
    doctor = users.village_doctor_a1
    rx = actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk, items=[line("EM039", 5)])
    actions.do_cancel_prescription(acting_user=doctor, prescription_id=rx.pk)
    open_visit.refresh_from_db()
    assert (open_visit.status, open_visit.fee_total) == ("open", Decimal("5.00"))


def test_long_prescription_for_a_stable_patient_up_to_twelve_weeks(open_visit, users, stocked, htn_patient):
    from countyhealth.publichealth.models import Enrolment

    doctor = users.village_doctor_a1
    with pytest.raises(ReviewStopped) as stopped:  # not yet controlled at a follow-up
        actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk, kind="long_term",
                                      items=[line("EM039", 5, "qd", 56)])
    assert [f.rule for f in stopped.value.findings] == ["days_supply"]
    Enrolment.objects.filter(resident=htn_patient).update(last_class="CONTROLLED")
    rx = actions.do_issue_prescription(acting_user=doctor, visit_id=open_visit.pk, kind="long_term",
                                       items=[line("EM039", 5, "qd", 84)])
    assert rx.items.get().quantity == 84
