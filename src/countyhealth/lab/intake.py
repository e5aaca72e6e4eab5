"""Results in, whatever the route (HL7 message, form, CSV file): the batch look-ups, the validation of one
result (test code, unit, value → stored unit, abnormal flag) and the one bulk write of reports, results,
critical-value alerts and audit rows. The actions (`ingest.py`, `entry.py`) decide what a batch is and how an
error is answered; everything they store goes through `store`, so the three routes flag alike.

Look-ups are per batch (one query per kind for all its messages or rows), not cached per process: an
organisation or account deactivated a second ago must stop being accepted."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident, ResidentIdentifier
from countyhealth.residents.queries import MAX_MERGE_CHAIN

from . import catalogue, rules
from .models import LabOrder, LabReport, LabResult

ID_TYPES = {"ID", "NNCHN", "NI"}


@dataclass(frozen=True)
class PatientKey:
    """How a sender names the patient: ID numbers and (issuer, MRN) pairs, and the name it gave."""

    id_numbers: tuple[str, ...]
    mrns: tuple[tuple[str, str], ...]
    name: str


class Directory:
    """Organisations, doctors, orders and patients of one batch, each kind fetched in one query."""

    def __init__(self, *, org_codes=(), usernames=(), order_ids=(), patients: list[PatientKey] = ()):
        self.orgs = {o.code: o for o in Organisation.objects.filter(code__in=set(org_codes) - {""}, is_active=True)}
        self.doctors = {u.username: u for u in get_user_model().objects.filter(
            username__in=set(usernames) - {""}, is_active=True).select_related("organisation")}
        self.orders = {o.pk: o for o in LabOrder.objects.filter(pk__in=set(order_ids)).select_related("ordering_org")}
        self._holders: dict[str, set[int]] = {}
        self._mrns: dict[tuple[str, str], set[int]] = {}
        self._residents: dict[int, Resident] = {}
        self._load_patients(patients)

    def _load_patients(self, patients: list[PatientKey]) -> None:
        """The batch form of `residents.queries.id_number_holders`: holders of the ID numbers, records carrying
        them as identifiers (kept from a merge), MRNs, then the masters of merged records."""
        numbers = {n for p in patients for n in p.id_numbers}
        mrn_values = {value for p in patients for _issuer, value in p.mrns}
        if numbers:
            for resident in Resident.objects.filter(id_number__in=numbers).select_related("catchment_org"):
                self._residents[resident.pk] = resident
                self._holders.setdefault(resident.id_number, set()).add(resident.pk)
        carried = ResidentIdentifier.objects.none()
        if numbers:
            carried = ResidentIdentifier.objects.filter(system=ResidentIdentifier.System.ID_NUMBER, value__in=numbers)
        if mrn_values:
            carried = carried | ResidentIdentifier.objects.filter(system=ResidentIdentifier.System.MRN,
                                                                  value__in=mrn_values)
        for system, issuer, value, resident_id in carried.values_list("system", "issuer", "value", "resident_id"):
            if system == ResidentIdentifier.System.MRN:
                self._mrns.setdefault((issuer, value), set()).add(resident_id)
            else:
                self._holders.setdefault(value, set()).add(resident_id)
        missing = {pk for ids in (*self._holders.values(), *self._mrns.values()) for pk in ids} - set(self._residents)
        for _depth in range(MAX_MERGE_CHAIN + 1):
            if missing:
                for resident in Resident.objects.filter(pk__in=missing).select_related("catchment_org"):
                    self._residents[resident.pk] = resident
            missing = {r.master_id for r in self._residents.values() if r.master_id} - set(self._residents)
            if not missing:
                break

    def resident(self, key: PatientKey) -> Resident:
        """The one active resident the identifiers lead to (merged records lead to their master)."""
        found: set[int] = set()
        for number in key.id_numbers:
            found |= self._holders.get(number, set())
        for issuer_value in key.mrns:
            found |= self._mrns.get(issuer_value, set())
        reached, frontier = set(found), set(found)
        for _depth in range(MAX_MERGE_CHAIN):
            frontier = {self._residents[pk].master_id for pk in frontier
                        if pk in self._residents and self._residents[pk].master_id} - reached
            reached |= frontier
        active = [self._residents[pk] for pk in sorted(reached) if pk in self._residents
                  and self._residents[pk].is_active]
        if not active:
            raise ActionError(_("Unknown patient: no resident matches the identifiers."), code="unknown_patient")
        if len(active) > 1:
            raise ActionError(_("The identifiers lead to more than one resident."), code="ambiguous_patient")
        resident = active[0]
        if key.name and key.name.replace(" ", "") != resident.name.replace(" ", ""):
            raise ActionError(_("The patient's name does not match the resident found by the identifiers."),
                              code="patient_mismatch")
        return resident


def build_result(*, code: str, raw_value: str, unit: str, resident: Resident, specimen_at: datetime,
                 performing: Organisation, qc_passed: bool, age_days: int) -> LabResult:
    """One result checked against the catalogue (critical-values.md §3): a known test, a number, a unit the
    test accepts (converted to the stored unit) — then the abnormal flag for the resident's sex and age."""
    test = catalogue.find(code)
    if test is None:
        raise ActionError(_("Unknown test code “%(code)s”.") % {"code": code}, code="unknown_test")
    value = rules.normalise(test, rules.parse_value(raw_value), unit)
    return LabResult(
        resident_id=resident.pk, test_code=test.code, value=value, unit=test.unit, reported_value=str(raw_value)[:40],
        reported_unit=(unit or "")[:20], reference=rules.reference_text(test, sex=resident.sex, age_days=age_days),
        flag=rules.classify(test, value, sex=resident.sex, age_days=age_days), specimen_at=specimen_at,
        performing_org_type=performing.org_type, qc_passed=qc_passed)


@dataclass
class PlannedReport:
    """A report ready to be written: everything resolved and validated, nothing saved yet."""

    resident: Resident
    performing_org: Organisation
    ordering_org: Organisation
    results: list[LabResult]
    source: str
    qc_status: str
    specimen_at: datetime
    reported_at: datetime
    order: LabOrder | None = None
    ordering_doctor_id: int | None = None
    ordering_department_id: int | None = None
    report_number: str = ""
    message_id: int | None = None
    upload_id: int | None = None
    audit_detail: dict = field(default_factory=dict)


def store(acting_user, planned: list[PlannedReport], *, action: str, now: datetime) -> list[LabReport]:
    """Write the planned reports with bulk inserts inside the caller's transaction, then raise an alert for each
    critical result (its notifications commit with it) and one audit row per report."""
    from .actions import raise_alert  # alerts live with the rest of the critical-value actions

    reports = LabReport.objects.bulk_create([LabReport(
        resident=p.resident, order=p.order, ordering_org=p.ordering_org, ordering_department_id=p.ordering_department_id,
        ordering_doctor_id=p.ordering_doctor_id, performing_org=p.performing_org, report_number=p.report_number[:64],
        specimen_at=p.specimen_at, reported_at=p.reported_at, qc_status=p.qc_status, source=p.source,
        message_id=p.message_id, upload_id=p.upload_id) for p in planned])
    for report, plan in zip(reports, planned, strict=True):
        for result in plan.results:
            result.report_id = report.pk  # ids, not instances: the FK descriptor's checks cost more than the insert
    LabResult.objects.bulk_create([r for p in planned for r in p.results])
    for report, plan in zip(reports, planned, strict=True):
        for result in plan.results:
            if rules.is_critical(result.flag):
                raise_alert(acting_user=acting_user, report=report, result=result, now=now)
    audit.record_changes(acting_user, action, [
        (report, report.resident_id, {**plan.audit_detail, "report": report.pk, "results": len(plan.results)})
        for report, plan in zip(reports, planned, strict=True)])
    return reports
