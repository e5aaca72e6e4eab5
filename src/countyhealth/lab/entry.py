"""Results entered by hand (a form on the resident's page) or uploaded as a CSV file (README, "Lab results as
CSV"). Both check each result exactly as an HL7 message's (`intake.build_result`: catalogue code, unit,
number, abnormal flag) and store through `intake.store`, so critical values raise the same alerts.

A bad row refuses the whole file or form with every row's error and saves nothing. The same file (same bytes)
uploaded again by the same lab is answered with the first upload and stores nothing."""

import csv
import hashlib
import io
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError
from countyhealth.residents.models import Resident

from . import rules
from .ingest import MAY_SEND_RESULTS
from .intake import Directory, PatientKey, PlannedReport, build_result, store
from .models import LabReport, ResultUpload

MAY_ENTER = {*MAY_SEND_RESULTS, Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR}
CLINICIANS = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR}
CSV_COLUMNS = ("id_number", "name", "test_code", "value", "unit", "specimen_time", "report_number",
               "ordering_doctor", "qc")
REQUIRED_COLUMNS = ("id_number", "name", "test_code", "value", "unit", "specimen_time", "report_number")
QC_VALUES = {"passed": LabReport.QC.PASSED, "failed": LabReport.QC.FAILED, "": LabReport.QC.UNKNOWN}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000


def _check_specimen_time(specimen_at: datetime, now: datetime) -> None:
    if specimen_at > now + timedelta(minutes=5):
        raise ActionError(_("The specimen time lies in the future."), code="future_specimen")


def _refuse(errors: list[str], field: str):
    raise ActionError(_("Nothing was saved: correct the rows below and submit again."), code="invalid_rows",
                      fields={field: errors})


def do_enter_results(*, acting_user, resident_id: int, specimen_at: datetime, rows: list[tuple[str, str, str]],
                     report_number: str = "", qc_status: str = LabReport.QC.UNKNOWN) -> LabReport:
    """One report typed in by the acting user's institution (the performing lab) for a resident they may see.
    `rows` are (test code, value, unit); a blank unit means the test's stored unit."""
    if acting_user.role not in MAY_ENTER and not acting_user.is_superuser:
        raise ActionError(_("Your role may not enter lab results."), code="not_allowed")
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation."), code="no_organisation")
    resident = Resident.objects.visible_to(acting_user).select_related("catchment_org").filter(
        pk=resident_id, is_active=True).first()
    if resident is None:
        raise ActionError(_("Resident not found."), code="not_found")
    if qc_status not in LabReport.QC.values:
        raise ActionError(_("Unknown quality-control status."), code="bad_qc", field="qc_status")
    now = timezone.now()
    _check_specimen_time(specimen_at, now)
    rows = [(code, value, unit) for code, value, unit in rows if (code or "").strip() or (value or "").strip()]
    if not rows:
        raise ActionError(_("Enter at least one result."), code="no_results", field="rows")
    performing = acting_user.organisation
    age_days = rules.age_in_days(resident.birth_date, timezone.localdate())
    results, errors = [], []
    for number, (code, value, unit) in enumerate(rows, start=1):
        try:
            results.append(_result(code, value, unit, resident, performing, specimen_at, qc_status, age_days))
        except ActionError as error:
            errors.append(_("Row %(row)s: %(error)s") % {"row": number, "error": error.message})
    if errors:
        _refuse(errors, "rows")
    plan = PlannedReport(
        resident=resident, performing_org=performing, ordering_org=performing, results=results,
        source=LabReport.Source.FORM, qc_status=qc_status, specimen_at=specimen_at, reported_at=now,
        ordering_doctor_id=acting_user.pk if acting_user.role in CLINICIANS else None,
        ordering_department_id=acting_user.department_id if acting_user.role in CLINICIANS else None,
        report_number=report_number.strip(), audit_detail={"source": "form"})
    with transaction.atomic(durable=True):
        return store(acting_user, [plan], action="lab.results_entered", now=now)[0]


def _result(code, value, unit, resident, performing, specimen_at, qc_status, age_days):
    from . import catalogue

    test = catalogue.find(code)
    return build_result(code=code, raw_value=value, unit=unit if (unit or "").strip() or test is None else test.unit,
                        resident=resident, specimen_at=specimen_at, performing=performing,
                        qc_passed=qc_status == LabReport.QC.PASSED, age_days=age_days)


def do_upload_results_csv(*, acting_user, content: bytes, filename: str) -> tuple[ResultUpload, bool]:
    """A lab's CSV file of results: every row checked, then everything saved in one transaction or nothing.
    Returns the upload and whether it was new (False: the same file was uploaded before; nothing stored)."""
    if acting_user.role not in MAY_SEND_RESULTS and not acting_user.is_superuser:
        raise ActionError(_("Your account may not send lab results."), code="not_allowed")
    performing = acting_user.organisation
    if performing is None:
        raise ActionError(_("Your account belongs to no organisation."), code="no_organisation")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ActionError(_("The file is larger than 5 MB; split it."), code="too_large", field="file")
    digest = hashlib.sha256(content).hexdigest()
    earlier = ResultUpload.objects.filter(performing_org=performing, sha256=digest).first()
    if earlier is not None:
        return earlier, False
    rows = _read_csv(content)
    now = timezone.now()
    planned = _plan_rows(rows, performing, now)
    try:
        with transaction.atomic(durable=True):
            upload = ResultUpload.objects.create(performing_org=performing, sha256=digest, filename=filename[:200],
                                                 rows=len(rows), uploaded_by=acting_user)
            for plan in planned:
                plan.upload_id = upload.pk
            store(acting_user, planned, action="lab.results_uploaded", now=now)
    except IntegrityError:  # the same file committed by a concurrent upload
        return ResultUpload.objects.get(performing_org=performing, sha256=digest), False
    return upload, True


def _read_csv(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(_("The file is not UTF-8 text; save it as CSV UTF-8."), code="bad_encoding",
                          field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ActionError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}, code="bad_header",
                          field="file")
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
            if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    if not rows:
        raise ActionError(_("The file has no result rows."), code="no_results", field="file")
    if len(rows) > MAX_ROWS:
        raise ActionError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}, code="too_large",
                          field="file")
    return rows


def _plan_rows(rows: list[tuple[int, dict]], performing, now) -> list[PlannedReport]:
    """Rows of one report (same ID number, report number and specimen time) become one report."""
    directory = Directory(usernames={r["ordering_doctor"] for _n, r in rows if r.get("ordering_doctor")},
                          patients=[PatientKey((r["id_number"].upper(),), (), r["name"]) for _n, r in rows])
    reports: dict[tuple, PlannedReport] = {}
    errors = []
    for line, row in rows:
        try:
            key, plan_args = _row_plan(row, directory, now)
            qc = plan_args.pop("qc_status")
            result = _result(row["test_code"], row["value"], row["unit"], plan_args["resident"], performing,
                             plan_args["specimen_at"], qc, plan_args.pop("age_days"))
        except ActionError as error:
            errors.append(_("Row %(row)s: %(error)s") % {"row": line, "error": error.message})
            continue
        if key not in reports:
            reports[key] = PlannedReport(performing_org=performing, results=[], source=LabReport.Source.CSV,
                                         qc_status=qc, reported_at=now, report_number=row["report_number"],
                                         audit_detail={"source": "csv"}, **plan_args)
        reports[key].results.append(result)
    if errors:
        _refuse(errors, "file")
    return list(reports.values())


def _row_plan(row: dict, directory: Directory, now) -> tuple[tuple, dict]:
    if row.get("qc", "").lower() not in QC_VALUES:
        raise ActionError(_("qc must be “passed”, “failed” or empty."), code="bad_qc")
    if not row["report_number"]:
        raise ActionError(_("report_number is required."), code="required")
    try:
        specimen_at = timezone.make_aware(datetime.strptime(row["specimen_time"], "%Y-%m-%d %H:%M"))
    except ValueError:
        raise ActionError(_("specimen_time “%(value)s” is not YYYY-MM-DD HH:MM.") % {"value": row["specimen_time"]},
                          code="bad_timestamp") from None
    _check_specimen_time(specimen_at, now)
    resident = directory.resident(PatientKey((row["id_number"].upper(),), (), row["name"]))
    doctor = None
    if row.get("ordering_doctor"):
        doctor = directory.doctors.get(row["ordering_doctor"])
        if doctor is None:
            raise ActionError(_("Unknown ordering doctor “%(name)s”.") % {"name": row["ordering_doctor"]},
                              code="unknown_doctor")
    ordering_org = doctor.organisation if doctor and doctor.organisation else resident.catchment_org
    key = (resident.pk, row["report_number"], specimen_at)
    return key, {"resident": resident, "ordering_org": ordering_org, "specimen_at": specimen_at,
                 "ordering_doctor_id": doctor.pk if doctor else None,
                 "ordering_department_id": doctor.department_id if doctor else None,
                 "qc_status": QC_VALUES[row.get("qc", "").lower()],
                 "age_days": rules.age_in_days(resident.birth_date, timezone.localdate())}
