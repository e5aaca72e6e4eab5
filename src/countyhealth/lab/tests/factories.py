"""Building ORU^R01 messages and results for the lab's tests (and the scope matrix's builders)."""

from datetime import datetime

from django.utils import timezone

from countyhealth.lab.ingest import do_ingest_hl7


def oru(resident, *, sender: str, control_id: str = "MSG1", observations=(("2823-3", "6.9", "mmol/L"),),
        specimen_at: datetime | None = None, doctor: str = "", placer: str = "", facility: str = "",
        pid3: str | None = None, name: str | None = None, status: str = "F") -> str:
    """An ORU^R01 from `sender` (MSH-4) about `resident` (PID-3 ID number, PID-5 name)."""
    when = timezone.localtime(specimen_at or timezone.now()).strftime("%Y%m%d%H%M%S")
    ident = pid3 if pid3 is not None else f"{resident.id_number}^^^^ID"
    full = name if name is not None else resident.name
    segments = [
        f"MSH|^~\\&|LIS|{sender}|COUNTYHEALTH|CH|{when}||ORU^R01^ORU_R01|{control_id}|P|2.5.1",
        f"PID|1||{ident}||{full[:1]}^{full[1:]}||{resident.birth_date:%Y%m%d}|{'M' if resident.sex == '1' else 'F'}",
        f"ORC|RE|{placer}|F{control_id}|||||||||{doctor}|||||||||{'^^^^^^^^^' + facility if facility else ''}",
        f"OBR|1|{placer}|F{control_id}|PANEL^检验^L|||{when}|||||||||{doctor}||||||{when}|||F",
    ]
    for n, (code, value, unit) in enumerate(observations, start=1):
        segments.append(f"OBX|{n}|NM|{code}^^LN||{value}|{unit}|||||{status}")
    return "\r".join(segments)


def ingest(lab_user, resident, **kwargs):
    return do_ingest_hl7(acting_user=lab_user, raw=oru(resident, sender=lab_user.organisation.code, **kwargs))


def critical_potassium(lab_user, resident, doctor, *, control_id="K1", value="6.9"):
    """A critical K⁺ for `resident`, ordered by `doctor`: returns the alert."""
    from countyhealth.lab.models import CriticalAlert

    outcome = ingest(lab_user, resident, control_id=control_id, doctor=doctor.username,
                     observations=(("2823-3", value, "mmol/L"),))
    assert outcome.accepted, outcome.reason
    return CriticalAlert.objects.get(result__report_id=outcome.report_ids[0])
