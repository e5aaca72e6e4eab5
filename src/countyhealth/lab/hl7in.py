"""HL7 v2 ORU^R01 in: split a message into plain data, and build the acknowledgement.

Parsing: python-hl7's `hl7.parse` builds a container for every field, repetition and component of every
segment (~170 objects for a five-result ORU) and has no partial mode; measured alone it ran at 261 msg/s on
the loaded bench machine, below the 500 msg/s the whole ingest must reach (bench/lab_ingest.py prints both).
So `Er7Message` splits segments and fields with `str.split` on the delimiters the message declares in
MSH-1/MSH-2 and splits a field into repetitions and components only when it is read; escape sequences are
decoded and encoded by python-hl7 (`hl7.Message.unescape`/`escape`), which also frames MLLP (`mllp.py`).

No database here: `ingest.do_ingest_hl7` resolves codes, patients and organisations. Field positions follow
HL7 v2.5.1 chapter 7 (ORU^R01: MSH, PID, [ORC], OBR, {OBX}); a project profile fixes the local choices:
- PID-3 repetitions: CX.5 type `ID`/`NNCHN` carries the 18-digit ID number; `MR` with CX.4 = the issuing
  organisation's code carries a hospital MRN.
- OBR-2 placer order number `LO<id>` names our `LabOrder`; OBR-16 / ORC-12 XCN.1 is the ordering doctor's
  username; ORC-21 XON.10 or ORC-17 CE.1 the ordering institution's code; MSH-4 HD.1 the performing lab.
- OBX-3 CE.1: our test code, the LOINC code or the lab's mnemonic; OBX-11 `F`/`C` final or corrected.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import hl7
from django.utils import timezone
from django.utils.translation import gettext as _


class Rejected(Exception):
    """The message cannot be stored; `ack_code` AR (cannot be processed at all) or AE (content error)."""

    def __init__(self, message: str, *, code: str, ack_code: str = "AE"):
        super().__init__(message)
        self.message, self.code, self.ack_code = message, code, ack_code


@dataclass
class Identifier:
    value: str
    authority: str
    type_code: str


@dataclass
class Observation:
    set_id: str
    value_type: str
    code: str
    text: str
    value: str
    unit: str
    reference: str
    status: str
    observed_at: datetime | None


@dataclass
class Request:
    placer: str
    filler: str
    ordering_doctor: str
    specimen_at: datetime | None
    reported_at: datetime | None
    observations: list[Observation] = field(default_factory=list)


@dataclass
class OruMessage:
    sender: str
    control_id: str
    identifiers: list[Identifier]
    family_name: str
    given_name: str
    ordering_facility: str
    ordering_doctor: str
    requests: list[Request]


def normalise_text(raw: str) -> str:
    """Strip MLLP framing and use CR between segments, whatever line endings the sender used."""
    text = raw.strip("\x0b\x1c\r\n ")
    return re.sub(r"\r\n|\n|\r", "\r", text)


class Er7Message:
    """A message split into segments and fields; repetitions and components are split on access."""

    def __init__(self, text: str):
        if text[:3] != "MSH" or len(text) < 8:
            raise ValueError("no MSH segment")
        field_sep = text[3]
        encoding = text[4:text.find(field_sep, 4)] if text.find(field_sep, 4) > 0 else text[4:]
        component_sep, repetition_sep, esc, subcomponent_sep = (encoding + "^~\\&"[len(encoding):])[:4]
        self.component_sep, self.repetition_sep, self.esc = component_sep, repetition_sep, esc
        # python-hl7's container only for its escape handling (HL7 v2.5.1 §2.7), with this message's delimiters.
        self._escaper = hl7.Message("\r", [], esc=esc,
                                    separators="\r" + field_sep + repetition_sep + component_sep + subcomponent_sep)
        self.segments = [line.split(field_sep) for line in text.split("\r") if line]
        self.segments[0].insert(1, field_sep)  # MSH-1 is the field separator itself: msh[n] is MSH-n

    def segment(self, name: str) -> list[str]:
        for seg in self.segments:
            if seg[0] == name:
                return seg
        raise KeyError(name)

    def value(self, seg: list[str] | None, field_no: int, repetition: int = 0, comp: int = 0) -> str:
        """A component by 1-based field and 0-based repetition/component indexes, unescaped; '' where absent."""
        if seg is None or field_no >= len(seg):
            return ""
        text = seg[field_no]
        if seg[0] == "MSH" and field_no <= 2:
            return text
        reps = text.split(self.repetition_sep)
        return self.part(reps[repetition], comp) if repetition < len(reps) else ""

    def repetitions(self, seg: list[str], field_no: int) -> list[str]:
        return seg[field_no].split(self.repetition_sep) if field_no < len(seg) and seg[field_no] else []

    def part(self, repetition: str, comp: int) -> str:
        parts = repetition.split(self.component_sep)
        text = parts[comp].strip() if comp < len(parts) else ""
        return self._escaper.unescape(text) if self.esc in text else text

    def escape(self, text: str) -> str:
        return self._escaper.escape(text)


def parse_ts(value: str) -> datetime | None:
    """HL7 TS/DTM (YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]); local time (Asia/Shanghai) when no offset is given."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{8})(\d{4})?(\d{2})?(?:\.\d+)?([+-]\d{4})?", value)
    if not match:
        raise Rejected(_("Bad timestamp “%(value)s”.") % {"value": value}, code="bad_timestamp")
    d = match.group(1) + (match.group(2) or "0000") + (match.group(3) or "00")
    try:
        naive = datetime(int(d[0:4]), int(d[4:6]), int(d[6:8]), int(d[8:10]), int(d[10:12]), int(d[12:14]))
    except ValueError:
        raise Rejected(_("Bad timestamp “%(value)s”.") % {"value": value}, code="bad_timestamp") from None
    if match.group(4):
        sign = 1 if match.group(4)[0] == "+" else -1
        offset = timedelta(hours=int(match.group(4)[1:3]), minutes=int(match.group(4)[3:5])) * sign
        return naive.replace(tzinfo=dt_timezone(offset))
    return timezone.make_aware(naive)


def parse(raw: str) -> tuple[Er7Message | None, OruMessage]:
    text = normalise_text(raw)
    try:
        message = Er7Message(text)
    except ValueError:
        raise Rejected(_("Malformed HL7 message: no MSH segment could be parsed."), code="malformed",
                       ack_code="AR") from None
    msh = message.segments[0]
    msg_type = f"{message.value(msh, 9, 0, 0)}^{message.value(msh, 9, 0, 1)}"
    control_id = message.value(msh, 10)
    sender = message.value(msh, 4)
    try:
        if msg_type != "ORU^R01":
            raise Rejected(_("Unsupported message type %(type)s (only ORU^R01).") % {"type": msg_type},
                           code="unsupported_type", ack_code="AR")
        if not control_id:
            raise Rejected(_("MSH-10 (message control id) is missing."), code="no_control_id", ack_code="AR")
        if not sender:
            raise Rejected(_("MSH-4 (sending facility) is missing."), code="no_sender", ack_code="AR")
        return message, _content(message, sender, control_id)
    except Rejected as rejected:
        rejected.hl7_message, rejected.control_id = message, control_id
        raise


def _content(message: Er7Message, sender: str, control_id: str) -> OruMessage:
    value = message.value
    try:
        pid = message.segment("PID")
    except KeyError:
        raise Rejected(_("The message has no PID segment."), code="no_patient", ack_code="AR") from None
    identifiers = []
    for rep in message.repetitions(pid, 3):
        number = message.part(rep, 0)
        if number:
            identifiers.append(Identifier(number, message.part(rep, 3), message.part(rep, 4).upper()))
    orc = next((seg for seg in message.segments if seg[0] == "ORC"), None)
    requests: list[Request] = []
    for seg in message.segments:
        name = seg[0]
        if name == "OBR":
            requests.append(Request(
                placer=value(seg, 2), filler=value(seg, 3), ordering_doctor=value(seg, 16),
                specimen_at=parse_ts(value(seg, 7)), reported_at=parse_ts(value(seg, 22))))
        elif name == "OBX":
            if not requests:
                raise Rejected(_("OBX segment before any OBR segment."), code="malformed", ack_code="AR")
            requests[-1].observations.append(Observation(
                set_id=value(seg, 1), value_type=value(seg, 2), code=value(seg, 3), text=value(seg, 3, 0, 1),
                value=value(seg, 5), unit=value(seg, 6), reference=value(seg, 7), status=value(seg, 11),
                observed_at=parse_ts(value(seg, 14))))
    if not requests or not any(r.observations for r in requests):
        raise Rejected(_("The message carries no OBR/OBX results."), code="no_results", ack_code="AR")
    return OruMessage(
        sender=sender, control_id=control_id, identifiers=identifiers,
        family_name=value(pid, 5, 0, 0), given_name=value(pid, 5, 0, 1),
        ordering_facility=(value(orc, 21, 0, 9) or value(orc, 17, 0, 0)) if orc is not None else "",
        ordering_doctor=value(orc, 12, 0, 0) if orc is not None else "",
        requests=requests,
    )


def ack(message: Er7Message | None, code: str, reason: str = "", *, control_id: str = "") -> str:
    """ACK^R01 with MSA-1 = AA/AE/AR, MSA-2 = the message's control id, MSA-3 = the reason (escaped).

    Built as text from the received MSH (HL7 v2.5.1 §2.9.2: our application and facility as sender, theirs as
    receiver, same trigger event, processing id and version) rather than with python-hl7's `create_ack`, which
    rebuilds containers field by field and cost ~0.9 ms a message on the loaded bench machine."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    reply_to, trigger, processing, version = "|", "R01", "P", "2.5.1"
    escaped = ""
    if message is not None:
        try:
            msh, value = message.segments[0], message.value
            reply_to = f"{_plain(value(msh, 3))}|{_plain(value(msh, 4))}"
            trigger = _plain(value(msh, 9, 0, 1)) or trigger
            processing = _plain(value(msh, 11)) or processing
            version = _plain(value(msh, 12)) or version
            escaped = message.escape(reason) if reason else ""
        except Exception:  # an MSH too broken to answer from: answer with the defaults
            escaped = ""
    escaped = escaped or _plain(reason)
    return (f"MSH|^~\\&|COUNTYHEALTH|COUNTYHEALTH|{reply_to}|{stamp}||ACK^{trigger}^ACK|"
            f"A{_plain(control_id)}|{processing}|{version}\r"
            f"MSA|{code}|{_plain(control_id)}" + (f"|{escaped}" if escaped else ""))


def _plain(text: str) -> str:
    """Text without HL7 delimiters, for values echoed from a message we could not parse with its own."""
    return re.sub(r"[|^~\\&\r\n]", " ", text or "")


def split_batch(raw: str) -> list[str] | None:
    """The messages of an HL7 batch (FHS/BHS … BTS/FTS, HL7 v2.5.1 §2.10.3) or of several MSH-led messages in
    one body; None for a body holding one message (or none)."""
    text = normalise_text(raw)
    segments = text.split("\r")
    if not segments or segments[0][:3] not in ("FHS", "BHS") and sum(s[:3] == "MSH" for s in segments) < 2:
        return None
    messages: list[list[str]] = []
    for segment in segments:
        kind = segment[:3]
        if kind in ("FHS", "BHS", "BTS", "FTS") or not segment.strip():
            continue
        if kind == "MSH" or not messages:
            messages.append([])
        messages[-1].append(segment)
    return ["\r".join(m) for m in messages]


def batch_ack(acks: list[str], *, file: bool) -> str:
    """The acknowledgement of a batch: the ACK of every message in order inside BHS/BTS (and FHS/FTS when the
    sender sent a file), BTS-1 the number of messages (HL7 v2.5.1 §2.10.3)."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    lines = [f"BHS|^~\\&|COUNTYHEALTH|COUNTYHEALTH|||{stamp}", *acks, f"BTS|{len(acks)}"]
    if file:
        lines = [f"FHS|^~\\&|COUNTYHEALTH|COUNTYHEALTH|||{stamp}", *lines, "FTS|1"]
    return "\r".join(lines)
