"""HL7 ORU^R01 ingest: accepted messages store everything, rejected ones nothing but the message itself."""

import pytest

from countyhealth.audit.models import AuditLog
from countyhealth.lab import actions
from countyhealth.lab.ingest import do_ingest_hl7, do_ingest_hl7_batch
from countyhealth.lab.models import CriticalAlert, Hl7Message, LabOrder, LabReport, LabResult
from countyhealth.residents.models import ResidentIdentifier

from .factories import ingest, oru


@pytest.fixture
def patient(county, make_resident):
    return make_resident(county.village_a1, name="王建国", sex="1")


def msa(ack: str) -> list[str]:
    line = next(s for s in ack.split("\r") if s.startswith("MSA|"))
    return line.split("|")


def test_accepted_message_stores_report_results_and_flags(users, patient):
    outcome = ingest(users.lab_technician, patient, control_id="A1", doctor=users.township_doctor_a.username,
                     observations=(("2823-3", "4.2", "mmol/L"), ("GLU", "126", "mg/dL"), ("hba1c", "7.4", "%")))
    assert outcome.accepted and msa(outcome.ack)[:3] == ["MSA", "AA", "A1"]
    report = LabReport.objects.get()
    assert (report.resident, report.ordering_doctor, report.ordering_org) == (
        patient, users.township_doctor_a, users.township_doctor_a.organisation)
    values = {r.test_code: (str(r.value), r.flag, r.reported_value) for r in LabResult.objects.all()}
    assert values["potassium"] == ("4.2000", "N", "4.2")
    assert values["glucose"] == ("7.0000", "H", "126")  # 126 mg/dL ÷ 18 = 7.0 mmol/L
    assert values["hba1c"][1] == "H"
    assert not CriticalAlert.objects.exists()
    assert AuditLog.objects.filter(action="lab.results_received").count() == 1


def test_repeated_control_id_is_acknowledged_and_not_stored_twice(users, patient):
    first = ingest(users.lab_technician, patient, control_id="DUP", observations=(("2823-3", "4.0", "mmol/L"),))
    again = ingest(users.lab_technician, patient, control_id="DUP", observations=(("2823-3", "4.0", "mmol/L"),))
    assert first.accepted and again.accepted and again.replay
    assert LabResult.objects.count() == 1
    assert Hl7Message.objects.filter(status="accepted").count() == 1


@pytest.mark.parametrize(("change", "code", "ack_code"), [
    ({"observations": (("2823-3", "4.0", "mmol/L"), ("9999-9", "1", "mmol/L"))}, "unknown_test", "AE"),
    ({"observations": (("2823-3", "4.0", "mmol/L"), ("2951-2", "140", "g/L"))}, "unknown_unit", "AE"),
    ({"observations": (("2823-3", "abc", "mmol/L"),)}, "bad_value", "AE"),
    ({"observations": (("2823-3", "4.0", "mmol/L"),), "status": "P"}, "not_final", "AE"),
    ({"pid3": "110101190001010000^^^^ID"}, "unknown_patient", "AE"),
    ({"name": "李四"}, "patient_mismatch", "AE"),
    ({"placer": "LO999999"}, "unknown_order", "AE"),
])
def test_bad_content_is_rejected_with_the_reason_and_nothing_stored(users, patient, change, code, ack_code):
    outcome = ingest(users.lab_technician, patient, control_id="BAD", **change)
    assert outcome.code == ack_code and outcome.error_code == code
    fields = msa(outcome.ack)
    assert fields[1:3] == [ack_code, "BAD"] and fields[3]
    assert not LabReport.objects.exists() and not LabResult.objects.exists()
    assert Hl7Message.objects.get().status == "rejected"


@pytest.mark.parametrize("raw", ["garbage", "", "MSH|^~\\&|LIS|X|Y|Z|20260101||ADT^A01|1|P|2.5.1"])
def test_malformed_or_unsupported_message_is_refused(users, raw):
    outcome = do_ingest_hl7(acting_user=users.lab_technician, raw=raw)
    assert outcome.code == "AR"
    assert msa(outcome.ack)[1] == "AR" and msa(outcome.ack)[3]
    assert not LabReport.objects.exists()


def test_unknown_sending_facility_and_foreign_lab_are_refused(users, patient, county):
    raw = oru(patient, sender="NOPE", control_id="X1")
    assert do_ingest_hl7(acting_user=users.lab_technician, raw=raw).error_code == "unknown_sender"
    doctor_raw = oru(patient, sender=county.township_a.code, control_id="X2")
    assert do_ingest_hl7(acting_user=users.township_doctor_a, raw=doctor_raw).error_code == "not_allowed"


def test_patient_found_by_hospital_mrn(users, patient, county):
    ResidentIdentifier.objects.create(resident=patient, system="mrn", issuer=county.hospital.code, value="MRN77")
    outcome = ingest(users.lab_technician, patient, control_id="M1", pid3=f"MRN77^^^{county.hospital.code}^MR",
                     observations=(("2823-3", "4.0", "mmol/L"),))
    assert outcome.accepted
    assert LabReport.objects.get().resident == patient


def test_placer_order_number_links_the_order_and_its_doctor(users, patient):
    order = actions.do_place_order(acting_user=users.township_doctor_a, resident_id=patient.pk, test_code="potassium")
    outcome = ingest(users.lab_technician, patient, control_id="O1", placer=f"LO{order.pk}",
                     observations=(("2823-3", "4.0", "mmol/L"),))
    assert outcome.accepted
    report = LabReport.objects.get()
    assert report.order == order and report.ordering_doctor == users.township_doctor_a
    assert LabOrder.objects.visible_to(users.township_doctor_b).count() == 0


def test_results_are_shared_with_the_ordering_and_performing_institutions(users, patient, county):
    ingest(users.lab_technician, patient, control_id="S1", doctor=users.township_doctor_a.username,
           observations=(("2823-3", "4.0", "mmol/L"),))
    assert LabReport.objects.visible_to(users.township_doctor_a).count() == 1
    assert LabReport.objects.visible_to(users.lab_technician).count() == 1  # performing lab, no access grant
    assert LabReport.objects.visible_to(users.township_doctor_b).count() == 0
    assert LabReport.objects.visible_to(users.bureau_viewer).count() == 0


def test_batch_answers_each_message_and_a_bad_one_leaves_its_neighbours_alone(users, patient):
    sender = users.lab_technician.organisation.code
    good = oru(patient, sender=sender, control_id="B1", observations=(("2823-3", "4.1", "mmol/L"),))
    bad = oru(patient, sender=sender, control_id="B2", observations=(("2823-3", "4.1", "g/L"),))
    critical = oru(patient, sender=sender, control_id="B3", doctor=users.township_doctor_a.username,
                   observations=(("2823-3", "6.9", "mmol/L"),))
    outcomes = do_ingest_hl7_batch(acting_user=users.lab_technician, raws=[good, bad, critical, good, "garbage"])
    assert [(o.code, o.error_code, o.replay) for o in outcomes] == [
        ("AA", "", False), ("AE", "unknown_unit", False), ("AA", "", False), ("AA", "", True),
        ("AR", "malformed", False)]
    assert [msa(o.ack)[2] for o in outcomes[:4]] == ["B1", "B2", "B3", "B1"]
    assert LabReport.objects.count() == 2 and LabResult.objects.count() == 2
    assert CriticalAlert.objects.get().result.report_id == outcomes[2].report_ids[0]
    assert sorted(Hl7Message.objects.values_list("control_id", "status")) == [
        ("", "rejected"), ("B1", "accepted"), ("B2", "rejected"), ("B3", "accepted")]
    assert AuditLog.objects.filter(action="lab.results_received").count() == 2


def test_a_batch_costs_a_few_queries_whatever_its_size(users, county, make_resident, django_assert_max_num_queries):
    """Look-ups and inserts are per batch: 30 messages for 30 residents cost about what 1 does."""
    people = [make_resident(county.village_a1) for _ in range(30)]
    raws = [oru(p, sender=users.lab_technician.organisation.code, control_id=f"Q{p.pk}",
                doctor=users.township_doctor_a.username, observations=(("2823-3", "4.1", "mmol/L"),
                                                                        ("2951-2", "140", "mmol/L"))) for p in people]
    with django_assert_max_num_queries(16):
        outcomes = do_ingest_hl7_batch(acting_user=users.lab_technician, raws=raws)
    assert all(o.accepted for o in outcomes)
    assert LabResult.objects.count() == 60


def test_hl7_escape_sequences_are_decoded(users, patient):
    raw = oru(patient, sender=users.lab_technician.organisation.code, control_id="E1",
              observations=(("2823-3", "4.1", "mmol/L"),))
    raw = raw.replace("|FE1|PANEL", "|LAB\\T\\7|PANEL")  # OBR-3 filler number "LAB&7", & escaped as \T\
    assert do_ingest_hl7(acting_user=users.lab_technician, raw=raw).accepted
    assert LabReport.objects.get().report_number == "LAB&7"
