"""HL7 v2 ORU^R01 ingest: one message or a batch of them (an HL7 batch file, or pipelined MLLP messages).

A batch is answered message by message. Each message is parsed and validated on its own — a bad one is answered
AE/AR with its reason and stored only as a rejected message, without touching its neighbours — and every
accepted message is written in one transaction per batch with bulk inserts. Look-ups (sending labs, ordering
institutions and doctors, placer orders, patients, replays) are one query per kind for the whole batch, so the
cost per message is the parsing and a share of a few round trips (bench/lab_ingest.py).

Idempotency (architecture §8): a repeated MSH-10 from the same sender — already stored or earlier in the same
batch — is answered AA without storing anything again."""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Role
from countyhealth.core.errors import ActionError

from . import hl7in, rules
from .intake import ID_TYPES, Directory, PatientKey, PlannedReport, build_result, store
from .models import Hl7Message, LabReport

MAY_SEND_RESULTS = {Role.LAB_TECHNICIAN, Role.CONSORTIUM_ADMIN}
# Messages written per transaction: many, to share the round trips, but only as many as the last transaction
# showed can be processed in TRANSACTION_SECONDS, so a critical value early in a long batch is committed (and
# its doctor notified) well inside the 1 s target of critical-values.md §2, even on a loaded machine.
BATCH_SIZE = 200
FIRST_CHUNK = 50
TRANSACTION_SECONDS = 0.3

@dataclass
class IngestOutcome:
    ack: str
    code: str  # AA, AE, AR
    reason: str = ""
    error_code: str = ""
    replay: bool = False
    report_ids: tuple = ()

    @property
    def accepted(self) -> bool:
        return self.code == "AA"


@dataclass
class _Received:
    raw: str
    message: hl7in.Er7Message | None = None
    oru: hl7in.OruMessage | None = None
    rejected: hl7in.Rejected | None = None
    replay: bool = False
    planned: list[PlannedReport] = field(default_factory=list)

    @property
    def control_id(self) -> str:
        return self.oru.control_id if self.oru else getattr(self.rejected, "control_id", "")


def do_ingest_hl7(*, acting_user, raw: str) -> IngestOutcome:
    """One ORU^R01 message: everything stored in one transaction and answered AA, or nothing stored (only the
    rejected message itself, for the record) and answered AE/AR with the reason."""
    return do_ingest_hl7_batch(acting_user=acting_user, raws=[raw])[0]


def do_ingest_hl7_batch(*, acting_user, raws: list[str]) -> list[IngestOutcome]:
    """Many messages, answered in order, written in transactions of up to BATCH_SIZE messages."""
    outcomes: list[IngestOutcome] = []
    size = FIRST_CHUNK
    while len(outcomes) < len(raws):
        chunk = raws[len(outcomes):len(outcomes) + size]
        started = time.perf_counter()
        outcomes += _ingest_chunk(acting_user, chunk)
        per_message = (time.perf_counter() - started) / len(chunk)
        size = max(1, min(BATCH_SIZE, int(TRANSACTION_SECONDS / max(per_message, 1e-6))))
    return outcomes


def _ingest_chunk(acting_user, raws: list[str]) -> list[IngestOutcome]:
    received = [_parse(raw) for raw in raws]
    _plan_all(acting_user, [r for r in received if r.rejected is None])
    now = timezone.now()
    try:
        with transaction.atomic(durable=True):
            rows = _store(acting_user, received, now)
    except IntegrityError:
        # Another delivery committed one of these messages meanwhile: answer each on its own, so that one
        # becomes a replay (AA, nothing stored) and the others are stored.
        if len(raws) > 1:
            return [_ingest_chunk(acting_user, [raw])[0] for raw in raws]
        return [IngestOutcome(hl7in.ack(received[0].message, "AA", control_id=received[0].control_id), "AA",
                              replay=True)]
    return [_outcome(r, rows.get(id(r))) for r in received]


def _parse(raw: str) -> _Received:
    try:
        message, oru = hl7in.parse(raw)
    except hl7in.Rejected as rejected:
        return _Received(raw, getattr(rejected, "hl7_message", None), rejected=rejected)
    return _Received(raw, message, oru)


def _plan_all(acting_user, received: list[_Received]) -> None:
    """Resolve and validate every message before anything is written: a bad OBX rejects its message only."""
    orus = [r.oru for r in received]
    directory = Directory(
        org_codes={code for o in orus for code in (o.sender, o.ordering_facility)},
        usernames={name for o in orus for name in (o.ordering_doctor, *(q.ordering_doctor for q in o.requests))},
        order_ids={_order_id(q.placer) for o in orus for q in o.requests} - {None},
        patients=[_patient_key(o) for o in orus])
    done = set(Hl7Message.objects.filter(status=Hl7Message.Status.ACCEPTED, control_id__in={o.control_id for o in orus},
                                         sender__in={o.sender for o in orus}).values_list("sender", "control_id"))
    scope = scope_for(acting_user)
    may_send = acting_user.role in MAY_SEND_RESULTS or acting_user.is_superuser
    for item in received:
        key = (item.oru.sender, item.oru.control_id)
        if key in done:
            item.replay = True
            continue
        try:
            item.planned = _plan(item.oru, directory, scope, may_send)
        except hl7in.Rejected as rejected:
            item.rejected = rejected
        except ActionError as error:
            item.rejected = hl7in.Rejected(str(error.message), code=error.code, ack_code="AE")
        else:
            done.add(key)  # the same MSH-10 later in this batch is a replay


def _reject(message: str, code: str, ack_code: str = "AE"):
    raise hl7in.Rejected(message, code=code, ack_code=ack_code)


def _plan(oru: hl7in.OruMessage, directory: Directory, scope, may_send: bool) -> list[PlannedReport]:
    if not may_send:
        _reject(_("Your account may not send lab results."), "not_allowed", "AR")
    performing = directory.orgs.get(oru.sender)
    if performing is None:
        _reject(_("Unknown sending facility “%(code)s” (MSH-4).") % {"code": oru.sender}, "unknown_sender", "AR")
    if not scope.everything and performing.pk not in scope.org_ids:
        _reject(_("You may not send results for %(org)s.") % {"org": performing.name}, "not_allowed", "AR")
    resident = directory.resident(_patient_key(oru))
    now = timezone.now()
    age_days = rules.age_in_days(resident.birth_date, timezone.localdate())
    planned = []
    for request in oru.requests:
        order, doctor_id, department_id, ordering_org = _ordering(oru, request, resident, directory)
        specimen_at = request.specimen_at or next((o.observed_at for o in request.observations if o.observed_at), None)
        if specimen_at is None:
            _reject(_("OBR-7 (specimen collection time) is missing."), "no_specimen_time")
        if specimen_at > now + timedelta(minutes=5):
            _reject(_("The specimen time lies in the future."), "future_specimen")
        results = [_result(obs, resident, performing, specimen_at, age_days) for obs in request.observations]
        planned.append(PlannedReport(
            resident=resident, performing_org=performing, ordering_org=ordering_org, results=results,
            source=LabReport.Source.HL7, qc_status=LabReport.QC.PASSED, specimen_at=specimen_at,
            reported_at=request.reported_at or now, order=order, ordering_doctor_id=doctor_id,
            ordering_department_id=department_id, report_number=request.filler,
            audit_detail={"control_id": oru.control_id}))
    return planned


def _patient_key(oru: hl7in.OruMessage) -> PatientKey:
    """PID-3: an ID number (type ID/NNCHN/NI, or an untyped 18-character value) or a hospital MRN (type MR with
    the issuing organisation's code); PID-5 the name, checked against the resident found."""
    numbers, mrns = [], []
    for ident in oru.identifiers:
        if ident.type_code in ID_TYPES or (len(ident.value) == 18 and not ident.type_code):
            numbers.append(ident.value.upper())
        elif ident.type_code == "MR" and ident.authority:
            mrns.append((ident.authority, ident.value))
    return PatientKey(tuple(numbers), tuple(mrns), f"{oru.family_name}{oru.given_name}")


def _order_id(placer: str) -> int | None:
    return int(placer[2:]) if placer.upper().startswith("LO") and placer[2:].isdigit() else None


def _ordering(oru, request, resident, directory: Directory):
    order_id = _order_id(request.placer)
    if order_id is not None:
        order = directory.orders.get(order_id)
        if order is None or order.resident_id != resident.pk:
            _reject(_("Placer order %(number)s is not an order of this patient.") % {"number": request.placer},
                    "unknown_order")
        return order, order.ordering_doctor_id, order.ordering_department_id, order.ordering_org
    doctor = directory.doctors.get(request.ordering_doctor or oru.ordering_doctor)
    facility = None
    if oru.ordering_facility:
        facility = directory.orgs.get(oru.ordering_facility)
        if facility is None:
            _reject(_("Unknown ordering facility “%(code)s”.") % {"code": oru.ordering_facility}, "unknown_facility")
    org = facility or (doctor.organisation if doctor and doctor.organisation else resident.catchment_org)
    return None, doctor.pk if doctor else None, doctor.department_id if doctor else None, org


def _result(obs: hl7in.Observation, resident, performing, specimen_at, age_days: int):
    where = {"n": obs.set_id}
    if obs.value_type not in ("NM", "SN", ""):
        _reject(_("OBX %(n)s: only numeric results (NM) are accepted.") % where, "unsupported_value")
    if obs.status not in ("F", "C"):
        _reject(_("OBX %(n)s: only final or corrected results (OBX-11 F or C) are stored.") % where, "not_final")
    try:
        return build_result(code=obs.code, raw_value=obs.value, unit=obs.unit, resident=resident,
                            specimen_at=specimen_at, performing=performing, qc_passed=True, age_days=age_days)
    except ActionError as error:
        _reject(_("OBX %(n)s: %(error)s") % {**where, "error": error.message}, error.code)


def _store(acting_user, received: list[_Received], now) -> dict[int, Hl7Message]:
    """Every message that is not a replay is kept (accepted or rejected, with its ACK); accepted ones get their
    reports. Returns the stored message row of each received item, by the item's id()."""
    kept = [r for r in received if not r.replay]
    rows = Hl7Message.objects.bulk_create([_row(acting_user, r) for r in kept])
    planned = []
    for item, row in zip(kept, rows, strict=True):
        for plan in item.planned:
            plan.message_id = row.pk
            planned.append(plan)
    reports = store(acting_user, planned, action="lab.results_received", now=now)
    by_message: dict[int, list[int]] = {}
    for report in reports:
        by_message.setdefault(report.message_id, []).append(report.pk)
    for row in rows:
        row.report_ids = tuple(by_message.get(row.pk, ()))
    return {id(item): row for item, row in zip(kept, rows, strict=True)}


def _row(acting_user, item: _Received) -> Hl7Message:
    if item.rejected is not None:
        rejected = item.rejected
        sender = item.message.value(item.message.segments[0], 4) if item.message is not None else ""
        return Hl7Message(sender=sender[:64], control_id=item.control_id[:64], status=Hl7Message.Status.REJECTED,
                          raw=item.raw, ack=hl7in.ack(item.message, rejected.ack_code, rejected.message,
                                                      control_id=item.control_id),
                          error_code=rejected.code, error=rejected.message[:500], received_by=acting_user)
    return Hl7Message(sender=item.oru.sender, control_id=item.oru.control_id, status=Hl7Message.Status.ACCEPTED,
                      raw=item.raw, ack=hl7in.ack(item.message, "AA", control_id=item.oru.control_id),
                      received_by=acting_user)


def _outcome(item: _Received, row: Hl7Message | None) -> IngestOutcome:
    if item.replay:
        return IngestOutcome(hl7in.ack(item.message, "AA", control_id=item.control_id), "AA", replay=True)
    if item.rejected is not None:
        return IngestOutcome(row.ack, item.rejected.ack_code, item.rejected.message, item.rejected.code)
    return IngestOutcome(row.ack, "AA", report_ids=row.report_ids)
