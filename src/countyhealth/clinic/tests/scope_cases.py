"""Scope-matrix cases: every clinic page and API operation taking an id, built in township A."""

import datetime as dt

from django.utils import timezone
from tests.support.scope import Case


def _visit(world):
    from countyhealth.clinic import actions

    resident = world.make_resident(world.county.village_a1)
    return actions.do_open_visit(acting_user=world.township_doctor_a, resident_id=resident.pk,
                                 data={"chief_complaint": "咳嗽"})


def _followup_visit(world):
    visit = _visit(world)
    return visit, {"pk": visit.pk, "programme": "hypertension"}


def _prescription(world):
    from countyhealth.clinic import actions

    visit = _visit(world)
    return actions.do_issue_prescription(acting_user=world.township_doctor_a, visit_id=visit.pk,
                                         items=[{"drug": "EM090", "dose": 30, "frequency": "tid", "days": 3}])


def _batch(world):
    from countyhealth.clinic import actions

    return actions.do_receive_stock(acting_user=world.township_doctor_a, drug="EM090", batch_number="S1",
                                    expiry_date=timezone.localdate() + dt.timedelta(days=200), quantity=20)


def _resident(world):
    return world.make_resident(world.county.village_a1)


RX = {"items": [{"drug": "EM090", "dose": 30, "frequency": "tid", "days": 3}]}

URL_CASES = {
    "clinic:visit-open": Case(_resident),
    "clinic:visit-detail": Case(_visit),
    "clinic:visit-update": Case(_visit, method="post"),
    "clinic:diagnosis-add": Case(_visit, method="post"),
    "clinic:order-add": Case(_visit, method="post"),
    "clinic:prescription-add": Case(_visit, method="post"),
    "clinic:visit-followup": Case(_followup_visit),
    "clinic:visit-close": Case(_visit, method="post"),
    "clinic:visit-cancel": Case(_visit, method="post"),
    "clinic:prescription-dispense": Case(_prescription, method="post"),
    "clinic:prescription-cancel": Case(_prescription, method="post"),
    "clinic:batch-detail": Case(_batch),
}

API_CASES = {
    "GET /api/clinic/visits/{visit_id}": Case(_visit),
    "POST /api/clinic/visits/{visit_id}/diagnoses": Case(_visit, body={"code": "J06.9"}),
    "POST /api/clinic/visits/{visit_id}/orders": Case(_visit, body={"fee_item_code": "LAB-CBC"}),
    "POST /api/clinic/visits/{visit_id}/review": Case(_visit, body=RX),
    "POST /api/clinic/visits/{visit_id}/prescriptions": Case(_visit, body=RX),
    "POST /api/clinic/visits/{visit_id}/close": Case(_visit),
    "GET /api/clinic/prescriptions/{prescription_id}": Case(_prescription),
    "POST /api/clinic/prescriptions/{prescription_id}/dispense": Case(_prescription),
    "POST /api/clinic/prescriptions/{prescription_id}/cancel": Case(_prescription),
    "POST /api/clinic/stock/{batch_id}/adjust": Case(_batch, body={"change": 1, "reason": "x"}),
    "POST /api/clinic/stock/{batch_id}/return": Case(_batch, body={"quantity": 1, "reason": "x"}),
}
