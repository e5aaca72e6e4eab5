"""HL7 v2 ORU^R01 in: parse a message with python-hl7 into plain data, and build the acknowledgement.

No database here: `actions.do_ingest_hl7` resolves codes, patients and organisations. Field positions follow
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

ID_TYPES = {"ID", "NNCHN", "NI"}


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


def component(seg, *path) -> str:
    """A component by 1-based field and 0-based repetition/component indexes; '' where absent."""
    try:
        node = seg[path[0]]
        for depth, index in enumerate(path[1:], start=1):
            if not isinstance(node, hl7.Container):  # a plain string: no repetitions or components below
                return str(node).strip() if all(i == 0 for i in path[depth:]) else ""
            node = node[index]
        return str(node).strip()
    except (IndexError, KeyError, TypeError):
        return ""


def parse_ts(value: str) -> datetime | None:
    """HL7 TS/DTM (YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]); local time (Asia/Shanghai) when no offset is given."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{8})(\d{4})?(\d{2})?(?:\.\d+)?([+-]\d{4})?", value)
    if not match:
        raise Rejected(_("Bad timestamp “%(value)s”.") % {"value": value}, code="bad_timestamp")
    digits = match.group(1) + (match.group(2) or "0000") + (match.group(3) or "00")
    try:
        naive = datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        raise Rejected(_("Bad timestamp “%(value)s”.") % {"value": value}, code="bad_timestamp") from None
    if match.group(4):
        sign = 1 if match.group(4)[0] == "+" else -1
        offset = timedelta(hours=int(match.group(4)[1:3]), minutes=int(match.group(4)[3:5])) * sign
        return naive.replace(tzinfo=dt_timezone(offset))
    return timezone.make_aware(naive)


def parse(raw: str) -> tuple[hl7.Message | None, OruMessage]:
    text = normalise_text(raw)
    try:
        message = hl7.parse(text)
        msh = message.segment("MSH")
    except Exception:  # python-hl7 raises several types (ParseException, KeyError...) on garbage
        raise Rejected(_("Malformed HL7 message: no MSH segment could be parsed."), code="malformed",
                       ack_code="AR") from None
    msg_type = f"{component(msh, 9, 0, 0)}^{component(msh, 9, 0, 1)}"
    control_id = component(msh, 10)
    sender = component(msh, 4, 0, 0) or component(msh, 4)
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
        rejected.hl7_message = message
        raise


def _content(message: hl7.Message, sender: str, control_id: str) -> OruMessage:
    try:
        pid = message.segment("PID")
    except KeyError:
        raise Rejected(_("The message has no PID segment."), code="no_patient", ack_code="AR") from None
    identifiers = []
    try:
        repetitions = pid[3]
    except IndexError:
        repetitions = []
    for rep in repetitions:
        value = component(rep, 0)
        if value:
            identifiers.append(Identifier(value, component(rep, 3, 0) or component(rep, 3), component(rep, 4).upper()))
    orc = next((seg for seg in message if str(seg[0]) == "ORC"), None)
    requests: list[Request] = []
    for seg in message:
        name = str(seg[0])
        if name == "OBR":
            requests.append(Request(
                placer=component(seg, 2, 0, 0) or component(seg, 2), filler=component(seg, 3, 0, 0) or component(seg, 3),
                ordering_doctor=component(seg, 16, 0, 0) or component(seg, 16),
                specimen_at=parse_ts(component(seg, 7)), reported_at=parse_ts(component(seg, 22))))
        elif name == "OBX":
            if not requests:
                raise Rejected(_("OBX segment before any OBR segment."), code="malformed", ack_code="AR")
            requests[-1].observations.append(Observation(
                set_id=component(seg, 1), value_type=component(seg, 2), code=component(seg, 3, 0, 0) or component(seg, 3),
                text=component(seg, 3, 0, 1), value=component(seg, 5), unit=component(seg, 6, 0, 0) or component(seg, 6),
                reference=component(seg, 7), status=component(seg, 11), observed_at=parse_ts(component(seg, 14))))
    if not requests or not any(r.observations for r in requests):
        raise Rejected(_("The message carries no OBR/OBX results."), code="no_results", ack_code="AR")
    return OruMessage(
        sender=sender, control_id=control_id, identifiers=identifiers,
        family_name=component(pid, 5, 0, 0), given_name=component(pid, 5, 0, 1),
        ordering_facility=(component(orc, 21, 0, 9) or component(orc, 17, 0, 0)) if orc is not None else "",
        ordering_doctor=component(orc, 12, 0, 0) if orc is not None else "",
        requests=requests,
    )


def ack(message: hl7.Message | None, code: str, reason: str = "", *, control_id: str = "") -> str:
    """ACK^R01 with MSA-1 = AA/AE/AR, MSA-2 = the message's control id, MSA-3 = the reason (escaped)."""
    if message is not None:
        try:
            reply = message.create_ack(code, application="COUNTYHEALTH", facility="COUNTYHEALTH")
            text = str(reply)
            escaped = message.escape(reason) if reason else ""
            segments = [s if not s.startswith("MSA|") else f"MSA|{code}|{control_id}" + (f"|{escaped}" if escaped else "")
                        for s in text.split("\r")]
            return "\r".join(segments)
        except Exception:  # an MSH too broken to answer from: fall through to the plain reply
            pass
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    cleaned, control = (re.sub(r"[|^~\\&\r\n]", " ", text) for text in (reason, control_id))
    return (f"MSH|^~\\&|COUNTYHEALTH|COUNTYHEALTH|||{stamp}||ACK|{stamp}|P|2.5.1\r"
            f"MSA|{code}|{control}|{cleaned}")
