"""Test data for the family-doctor app: a valid PNG signature, teams and contracts written directly."""

import base64
import struct
import zlib
from datetime import date

from countyhealth.familydoctor import rules
from countyhealth.familydoctor.models import (
    Contract,
    ContractPackage,
    FamilyDoctorTeam,
    ServicePackage,
    TeamMember,
)


def png_bytes(width: int = 60, height: int = 20) -> bytes:
    """A real (white) RGB PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return rules.PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def data_url(raw: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(raw).decode()


SIGNATURE = data_url(png_bytes())


def make_team(organisation, villages, *, lead, members=(), name="家庭医生团队一", phone="0731-84120001"):
    """`members`: (user, role) pairs besides the lead, who is the team's general practitioner."""
    team = FamilyDoctorTeam.objects.create(name=name, organisation=organisation, phone=phone)
    team.villages.set(villages)
    TeamMember.objects.create(team=team, user=lead, role=TeamMember.Role.GP, is_lead=True, phone="13800000001")
    for user, role in members:
        TeamMember.objects.create(team=team, user=user, role=role, phone="13800000002")
    return team


def township_a_team(county, users, **kwargs):
    """Township A's team: GP township_doctor_a (lead) and village doctor vd_a1, serving villages a1 and a2."""
    return make_team(county.township_a, [county.village_a1, county.village_a2], lead=users.township_doctor_a,
                     members=[(users.village_doctor_a1, TeamMember.Role.VILLAGE_DOCTOR)], **kwargs)


def package(code: str) -> ServicePackage:
    return ServicePackage.objects.get(code=code)


def make_contract(resident, team, doctor, *, start: date, end: date | None = None, codes=("JC",), previous=None,
                  terminated_on: date | None = None, status=None):
    contract = Contract.objects.create(
        resident=resident, team=team, doctor=doctor, start_date=start, end_date=end or rules.default_end_date(start),
        previous=previous, signed_by_name=resident.name, signature=SIGNATURE, terminated_on=terminated_on,
        status=status or (Contract.Status.TERMINATED if terminated_on else Contract.Status.ACTIVE),
        termination_reason="resident_request" if terminated_on else "",
    )
    for code in codes:
        p = package(code)
        ContractPackage.objects.create(contract=contract, package=p, annual_fee=p.annual_fee,
                                       resident_amount=p.resident_amount)
    return contract
