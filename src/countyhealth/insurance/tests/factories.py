"""Helpers for insurance tests: an insured hypertension patient, fee lines from the counter's catalogue."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from countyhealth.publichealth.models import Enrolment, FollowUpVisit

from ..catalogue import counter_line, drug_code
from ..reference import load_simulator

NIFEDIPINE = drug_code("硝苯地平", "")
CONSULTATION = "F110200001"


def insured(make_resident, village, **kwargs):
    resident = make_resident(village, **kwargs)
    load_simulator()
    return resident


def lines(*pairs):
    return [counter_line(code, Decimal(qty)) for code, qty in pairs]


def hypertension_patient(resident, doctor, *, medications=("硝苯地平缓释片 20mg qd",), days_ago=30):
    """Enrolment with a diagnosis date and a follow-up recording the drugs taken (test data: direct inserts)."""
    today = timezone.localdate()
    enrolment = Enrolment.objects.create(resident=resident, programme="hypertension", enrolled_on=today - timedelta(400),
                                         diagnosis_date=today - timedelta(400), catchment_org=resident.catchment_org,
                                         responsible_doctor=doctor)
    FollowUpVisit.objects.create(
        resident=resident, enrolment=enrolment, programme="hypertension", visit_date=today - timedelta(days_ago),
        mode="clinic", organisation=resident.catchment_org, doctor=doctor, sbp=132, dbp=82,
        adherence=FollowUpVisit.Adherence.REGULAR, medications=list(medications), follow_up_class="CONTROLLED",
        controlled=True, next_action="ROUTINE", next_due=today + timedelta(60))
    return enrolment


def dispensed_visit(doctor, resident, *, drug="EM041", dose=30, days=7):
    """A clinic visit with a prescription of a listed antihypertensive, dispensed from fresh stock."""
    from countyhealth.clinic import actions as clinic

    clinic.do_receive_stock(acting_user=doctor, drug=drug, batch_number=f"INS-{resident.pk}",
                            expiry_date=timezone.localdate() + timedelta(days=400), quantity=200)
    visit = clinic.do_open_visit(acting_user=doctor, resident_id=resident.pk,
                                 data={"chief_complaint": "头晕", "sbp": 138, "dbp": 86})
    rx = clinic.do_issue_prescription(acting_user=doctor, visit_id=visit.pk,
                                      items=[{"drug": drug, "dose": dose, "frequency": "qd", "days": days}])
    clinic.do_dispense_prescription(acting_user=doctor, prescription_id=rx.pk)
    visit.refresh_from_db()
    return visit
