"""The demo county's shape: townships, villages and their clinics, departments and staff, decided from a seed.

Pure data (no database): `seed.py` writes it. 清溪县 is fictional; it borrows a Hunan county code (430124)
so every division code, ID number and record number below has a realistic shape. Township codes follow
GB/T 10114 (镇 100–199, 乡 200–399) and village codes too (居委会 001–099, 村委会 101–199)."""

import random
from dataclasses import dataclass

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import DepartmentKind

from . import names

COUNTY_CODE = "430124"
COUNTY_NAME = "清溪县"
HOSPITAL_NAME = "清溪县人民医院"


@dataclass(frozen=True)
class TownshipSpec:
    code: str  # three digits (GB/T 10114)
    name: str
    pinyin: str  # for usernames: td_<pinyin>, ph_<pinyin>
    centre_name: str
    communities: int  # 居委会 at the township seat
    villages: int  # 村委会


TOWNSHIPS = (
    TownshipSpec("101", "清溪镇", "qingxi", "清溪镇中心卫生院", communities=4, villages=38),
    TownshipSpec("102", "石门镇", "shimen", "石门镇卫生院", communities=0, villages=40),
    TownshipSpec("201", "龙田乡", "longtian", "龙田乡卫生院", communities=0, villages=33),
)

# (code, name, kind) of the county hospital's departments.
HOSPITAL_DEPARTMENTS = (
    ("NK", "内科", DepartmentKind.CLINICAL),
    ("WK", "外科", DepartmentKind.CLINICAL),
    ("FCK", "妇产科", DepartmentKind.CLINICAL),
    ("EK", "儿科", DepartmentKind.CLINICAL),
    ("XNK", "心血管内科", DepartmentKind.CARDIOLOGY),
    ("FSK", "放射科", DepartmentKind.RADIOLOGY),
    ("JYK", "检验科", DepartmentKind.LAB),
    ("JZK", "急诊科（胸痛中心）", DepartmentKind.EMERGENCY),
    ("YCXD", "远程心电诊断中心", DepartmentKind.ECG),
    ("GWK", "公共卫生科", DepartmentKind.PUBLIC_HEALTH),
    ("YWK", "医务科", DepartmentKind.MEDICAL_AFFAIRS),
)
CENTRE_DEPARTMENTS = (
    ("QK", "全科门诊", DepartmentKind.CLINICAL),
    ("GWK", "公共卫生科", DepartmentKind.PUBLIC_HEALTH),
)


@dataclass(frozen=True)
class VillageSpec:
    division_code: str  # 12 digits
    name: str
    clinic_name: str
    weight: float  # share of the county's residents, relative
    lineage_surname: str | None  # 李家湾: a village where one lineage is common
    township: TownshipSpec

    @property
    def is_community(self) -> bool:
        return int(self.division_code[9:]) < 100


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: Role
    org: str  # "hospital", a township code, or a village division code
    department: str | None  # department code within that organisation
    superuser: bool = False


@dataclass(frozen=True)
class CountyPlan:
    townships: tuple[TownshipSpec, ...]
    villages: tuple[VillageSpec, ...]  # in division-code order
    staff: tuple[StaffSpec, ...]

    def villages_of(self, township: TownshipSpec) -> list[VillageSpec]:
        return [v for v in self.villages if v.township is township]


def plan_county(seed: int) -> CountyPlan:
    rng = random.Random(f"{seed}:county")
    taken: set[str] = set()
    villages = []
    for township in TOWNSHIPS:
        prefix = COUNTY_CODE + township.code
        for i in range(township.communities):
            name = _unique(rng, taken, lambda: rng.choice(names.COMMUNITY_NAMES) + "社区")
            villages.append(VillageSpec(f"{prefix}{i + 1:03d}", name, f"{name}卫生服务站",
                                        weight=rng.lognormvariate(0.6, 0.25), lineage_surname=None,
                                        township=township))
        for i in range(township.villages):
            name, lineage = _village_name(rng, taken)
            villages.append(VillageSpec(f"{prefix}{101 + i:03d}", name, f"{name}卫生室",
                                        weight=rng.lognormvariate(0, 0.35), lineage_surname=lineage,
                                        township=township))
    return CountyPlan(townships=TOWNSHIPS, villages=tuple(villages), staff=_staff(villages))


def _unique(rng, taken: set[str], make) -> str:
    for _ in range(1000):
        name = make()
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of distinct place names")


def _village_name(rng, taken: set[str]) -> tuple[str, str | None]:
    surnames = [s for s, _ in names.SURNAMES[:40]]
    lineage = None

    def make():
        nonlocal lineage
        lineage = None
        kind = rng.random()
        if kind < 0.35:
            lineage = rng.choice(surnames)
            return f"{lineage}家{rng.choice(names.LANDFORMS)}村"
        if kind < 0.85:
            word, landform = rng.choice(names.LANDSCAPE_WORDS), rng.choice(names.LANDFORMS)
            if landform and word.endswith(landform):
                landform = ""
            return f"{word}{landform}村"
        return f"{rng.choice(names.COLLECTIVE_NAMES)}村"

    name = _unique(rng, taken, make)
    return name, lineage


def _staff(villages: list[VillageSpec]) -> tuple[StaffSpec, ...]:
    staff = [
        StaffSpec("admin", Role.CONSORTIUM_ADMIN, "hospital", "YWK", superuser=True),
        StaffSpec("bureau", Role.BUREAU_VIEWER, "hospital", None),
        StaffSpec("ecg1", Role.ECG_READER, "hospital", "YCXD"),
        StaffSpec("ecg2", Role.ECG_READER, "hospital", "YCXD"),
        StaffSpec("radiologist", Role.RADIOLOGIST, "hospital", "FSK"),
        StaffSpec("lab", Role.LAB_TECHNICIAN, "hospital", "JYK"),
        StaffSpec("county_doc", Role.COUNTY_DOCTOR, "hospital", "XNK"),
        StaffSpec("er_doc", Role.COUNTY_DOCTOR, "hospital", "JZK"),
        StaffSpec("cdc", Role.PUBLIC_HEALTH_OFFICER, "hospital", "GWK"),
    ]
    for township in TOWNSHIPS:
        staff.append(StaffSpec(f"ph_{township.pinyin}", Role.PUBLIC_HEALTH_OFFICER, township.code, "GWK"))
        staff.append(StaffSpec(f"td_{township.pinyin}", Role.TOWNSHIP_DOCTOR, township.code, "QK"))
    for i, village in enumerate(villages, 1):
        staff.append(StaffSpec(f"vd_{i:03d}", Role.VILLAGE_DOCTOR, village.division_code, None))
    return tuple(staff)
