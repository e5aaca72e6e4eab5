"""Demo maternal care: 8 pregnancies per 1,000 residents registered by the village doctors through the same
actions a doctor uses, with the LMPs spread over the last ~20 months — about 5 births per 1,000 a year, the rate
of a rural county today — so that deliveries fall in every month of the past year (the maternal indicators count
deliveries in the period) and some women are still pregnant. Most register, and have their first antenatal
exam, at one visit before 13 weeks; they attend most later windows, deliver around term and get their postpartum
visits, a few of them late — so the due lists, referrals, the maternal card and the 早孕建册率 / 产后访视率 show a
realistic mix. Deterministic for the seed. Few rows (~1 % of residents), so the actions' cost is fine."""

import random
from datetime import date, timedelta

from django.db.models import Q

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role
from countyhealth.residents.models import Resident

from . import maternal
from .rules import antenatal_schedule, postpartum_schedule

BIRTHS_PER_THOUSAND = 8
ATTENDANCE = 0.85  # share of windows a woman attends
LMP_DAYS_AGO = (40, 330 + 300)  # from "just registered" to delivered about ten months ago
FIRST_EXAM_AT_REGISTRATION = 0.93  # 建册 and the first antenatal exam are one visit (§7 antenatal_1) for most
LATE_POSTPARTUM = 0.12  # home visits that slip past the first week (some past the indicator's 28 days)


def seed(*, seeder, seed: int, as_of: date) -> str:
    rng = random.Random(seed * 7919 + 3)
    doctors = {}
    for user in User.objects.filter(is_active=True, role__in=[Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR]).order_by("pk"):
        doctors.setdefault(user.organisation_id, user)
    women = list(Resident.objects.listed().filter(
        status=Resident.Status.ACTIVE, sex=maternal.FEMALE,
        birth_date__gt=date(as_of.year - 40, 1, 1), birth_date__lte=date(as_of.year - 20, 1, 1))
        .filter(Q(catchment_org__in=list(doctors)) | Q(catchment_org__parent__in=list(doctors)))
        .select_related("catchment_org").order_by("pk").values_list("pk", "catchment_org_id", "catchment_org__parent_id"))
    wanted = min(len(women), Resident.objects.listed().count() * BIRTHS_PER_THOUSAND // 1000)
    visits = delivered = 0
    for resident_id, org_id, parent_id in rng.sample(women, wanted):
        doctor = doctors.get(org_id) or doctors[parent_id]
        lmp = as_of - timedelta(days=rng.randint(*LMP_DAYS_AGO))
        registered = lmp + timedelta(days=rng.randint(42, 96))  # ~9 in 10 before 13 weeks
        if registered > as_of:
            continue
        maternal.do_register_pregnancy(acting_user=doctor, resident_id=resident_id, lmp=lmp, registered_on=registered,
                                       gravidity=(g := rng.choice([1, 1, 2, 2, 3])), parity=rng.randint(0, g - 1))
        delivery = lmp + timedelta(days=rng.randint(266, 287))
        visited = set()
        if rng.random() < FIRST_EXAM_AT_REGISTRATION and registered < delivery:
            visits += _visit(doctor, resident_id, registered, rng, antenatal=True)
            visited.add(registered)
        for window in antenatal_schedule(lmp=lmp)[1:]:
            day = window.opens + timedelta(days=rng.randint(0, (window.closes - window.opens).days))
            if registered < day < min(as_of, delivery) and day not in visited and rng.random() < ATTENDANCE:
                visits += _visit(doctor, resident_id, day, rng, antenatal=True)
        if delivery >= as_of - timedelta(days=1):
            continue
        home = rng.random() < 0.03
        discharge = None if home else delivery + timedelta(days=rng.randint(2, 5))
        if discharge and discharge > as_of:
            continue
        maternal.do_record_delivery(acting_user=doctor, resident_id=resident_id, delivery_date=delivery,
                                    place="home" if home else "hospital", discharge_date=discharge,
                                    live_births=2 if rng.random() < 0.01 else 1)
        delivered += 1
        for window in postpartum_schedule(delivery, discharge):
            late = window.code == "postpartum_home" and rng.random() < LATE_POSTPARTUM
            day = window.opens + timedelta(days=rng.randint(8, 36) if late else rng.randint(0, 5))
            if day <= as_of and rng.random() < ATTENDANCE:
                visits += _visit(doctor, resident_id, day, rng, antenatal=False)
    return f"maternal care: {wanted:,} pregnancies, {visits:,} visits, {delivered:,} deliveries"


def _visit(doctor, resident_id: int, day: date, rng: random.Random, *, antenatal: bool) -> int:
    sbp = int(rng.gauss(114, 11))
    data = {"visit_date": day, "sbp": sbp, "dbp": max(50, min(sbp - 25, int(rng.gauss(72, 8)))),
            "haemoglobin": int(rng.gauss(122, 11)), "weight_kg": round(rng.gauss(60, 8), 1)}
    if antenatal:
        data["fetal_heart_rate"] = int(rng.gauss(140, 9))
    maternal.do_record_maternal_visit(acting_user=doctor, resident_id=resident_id, data=data)
    return 1
