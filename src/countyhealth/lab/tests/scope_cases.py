"""The lab's pages and API operations for the scope matrix: a township-A resident's results, report and critical
value (ordered in township A, performed by the county lab), asked for by township B."""

from tests.support.scope import Case

from countyhealth.lab.tests.factories import critical_potassium


def _alert(world):
    resident = world.make_resident(world.county.village_a1)
    return critical_potassium(world.users.lab_technician, resident, world.township_doctor_a,
                              control_id=f"S{resident.pk}")


def report(world):
    alert = _alert(world)
    return alert.result.report, {"pk": alert.result.report_id, "report_id": alert.result.report_id}


def alert(world):
    found = _alert(world)
    return found, {"pk": found.pk, "alert_id": found.pk}


def resident(world):
    r = world.make_resident(world.county.village_a1)
    return r, {"pk": r.pk, "resident_id": r.pk, "test": "hba1c"}


URL_CASES = {
    "lab:resident-results": Case(resident),
    "lab:order-create": Case(resident),
    "lab:result-entry": Case(resident),
    "lab:report-detail": Case(report),
    "lab:report-pdf": Case(report),
    "lab:alert-detail": Case(alert),
}

API_CASES = {
    "GET /api/lab/residents/{resident_id}/results": Case(resident),
    "GET /api/lab/residents/{resident_id}/recognisable": Case(resident, query=("test",)),
    "GET /api/lab/reports/{report_id}": Case(report),
    "POST /api/lab/residents/{resident_id}/results": Case(
        resident, body={"specimen_at": "2026-01-05T08:00:00+08:00", "results": [{"test_code": "K", "value": "4.1"}]}),
    "GET /api/lab/critical-alerts/{alert_id}": Case(alert),
    "POST /api/lab/critical-alerts/{alert_id}/acknowledge": Case(
        alert, body={"readback_value": "6.9", "action_taken": "补液、复查"}),
}
