"""Demo referrals beyond those the follow-ups decided: upward referrals from the township centres and village
clinics over the past 6 months (answered within hours to two days, most completed with feedback), and
downward referrals from the county hospital with discharge summaries and care plans, each with its timeline
rows — as `do_refer_up`, `do_accept_referral`… and `do_refer_down` write them. Deterministic for the seed."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from countyhealth.accounts.models import User
from countyhealth.orgs.models import Department, Organisation, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from .models import Referral, ReferralEvent

DAYS = 182
UP_PER_DAY, DOWN_PER_DAY = 6, 3
UP_REASONS = (("血压控制不满意，需调整用药", "原发性高血压", "XNK"), ("胸闷胸痛待查", "冠心病?", "XNK"),
              ("血糖控制不佳，需专科评估", "2型糖尿病", "NK"), ("咳嗽发热一周，肺部啰音", "社区获得性肺炎", "NK"),
              ("右下腹痛", "急性阑尾炎?", "WK"), ("孕晚期血压升高", "妊娠期高血压", "FCK"),
              ("患儿高热惊厥", "热性惊厥", "EK"))
DOWN_PLANS = (("高血压病情稳定", "hypertension", "硝苯地平控释片 30mg qd，低盐饮食，每日监测血压"),
              ("2型糖尿病血糖达标", "diabetes", "二甲双胍 0.5g tid，监测空腹血糖"),
              ("肺炎治愈出院", "", "注意休息，2周后复查胸片"))


def seed(*, seeder, seed: int, as_of) -> str:
    rng = random.Random(seed * 104729 + 11)
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL, is_active=True).order_by("path").first()
    if hospital is None:
        return "referrals: no county hospital"
    departments = dict(Department.objects.filter(organisation=hospital).values_list("code", "id"))
    users_by_org = {}
    for user in User.objects.filter(is_active=True, is_system=False).exclude(role="").order_by("pk"):
        users_by_org.setdefault(user.organisation_id, user.pk)
    county_doctor = users_by_org.get(hospital.pk, seeder.pk)
    primary = set(Organisation.objects.filter(org_type__in=[OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC],
                                              is_active=True).values_list("id", flat=True))
    residents = [r for r in Resident.objects.filter(is_active=True, status="active")
                 .values_list("id", "catchment_org_id") if r[1] in primary]
    if not residents:
        return "referrals: no residents in primary care"
    now = timezone.now()
    tz = timezone.get_current_timezone()
    referrals, plans = [], []
    for day in range(DAYS, 0, -1):
        date = as_of - timedelta(days=day)
        for _ in range(rng.randint(UP_PER_DAY // 2, UP_PER_DAY * 3 // 2)):
            resident_id, org_id = residents[rng.randrange(len(residents))]
            reason, diagnosis, dept = rng.choice(UP_REASONS)
            at = timezone.make_aware(datetime.combine(date, time.min), tz) \
                + timedelta(minutes=rng.randint(8 * 60, 17 * 60))
            urgency = rng.choices(["routine", "urgent", "emergency"], weights=(80, 15, 5))[0]
            answer = timedelta(minutes=rng.randint(10, 60)) if urgency == "emergency" else \
                timedelta(hours=rng.uniform(1, 48))
            declined = rng.random() < 0.06
            status = "declined" if declined else ("completed" if day > 14 else rng.choice(["accepted", "arrived"]))
            referrals.append(Referral(
                resident_id=resident_id, direction="up", urgency=urgency, status=status, from_org_id=org_id,
                to_org=hospital, reason=reason, diagnosis=diagnosis, department_id=departments.get(dept),
                summary={"recent": []}, created_by_id=users_by_org.get(org_id, seeder.pk), created_at=at,
                responded_at=at + answer, responded_by_id=county_doctor,
                decline_reason="建议转上级医院" if declined else "",
                feedback="诊断明确，已调整治疗方案，建议基层随访" if status == "completed" else ""))
        for _ in range(rng.randint(DOWN_PER_DAY // 2, DOWN_PER_DAY * 3 // 2)):
            resident_id, org_id = residents[rng.randrange(len(residents))]
            summary, programme, notes = rng.choice(DOWN_PLANS)
            at = timezone.make_aware(datetime.combine(date, time.min), tz) \
                + timedelta(minutes=rng.randint(9 * 60, 16 * 60))
            next_on = date + timedelta(days=14)
            referrals.append(Referral(
                resident_id=resident_id, direction="down", urgency="routine",
                status="completed" if day > 20 else "sent", from_org=hospital, to_org_id=org_id,
                reason="病情稳定，转回基层继续管理", diagnosis=summary, discharge_summary=f"{summary}，准予出院。",
                care_plan={"programme": programme, "next_followup_on": next_on.isoformat(), "notes": notes},
                summary={"recent": []}, created_by_id=county_doctor, created_at=at,
                responded_at=at + timedelta(hours=rng.uniform(2, 72)) if day > 20 else None,
                feedback="已纳入管理并完成首次随访" if day > 20 else ""))
            plans.append(programme)
    intended = [r.created_at for r in referrals]
    Referral.objects.bulk_create(referrals, batch_size=2000)
    # auto_now_add overwrote the creation times the history needs: put them back in one pass.
    for r, at in zip(referrals, intended, strict=True):
        r.created_at = at
    Referral.objects.bulk_update(referrals, ["created_at"], batch_size=2000)
    events, grants = [], []
    for r in referrals:
        events.append(ReferralEvent(referral=r, status="sent", by_id=r.created_by_id))
        if r.responded_at:
            events.append(ReferralEvent(referral=r, status="declined" if r.status == "declined" else "accepted",
                                        note=r.decline_reason, by_id=r.responded_by_id or r.created_by_id))
        if r.status in ("arrived", "completed") and r.direction == "up":
            events.append(ReferralEvent(referral=r, status="arrived", by_id=county_doctor))
        if r.status == "completed":
            events.append(ReferralEvent(referral=r, status="completed", note=r.feedback, by_id=county_doctor))
        grants.append(AccessGrant(resident_id=r.resident_id, organisation_id=r.to_org_id,
                                  reason=AccessGrant.Reason.REFERRAL, note=f"referral:{r.pk}",
                                  granted_by_id=r.created_by_id))
    ReferralEvent.objects.bulk_create(events, batch_size=5000)
    AccessGrant.objects.bulk_create(grants, batch_size=5000)
    # Event times follow the referral's own (auto_now_add again): created → answered → closed.
    stamps = {r.pk: r for r in referrals}
    rows = list(ReferralEvent.objects.filter(referral_id__in=list(stamps)).only("id", "referral_id", "status"))
    for e in rows:
        r = stamps[e.referral_id]
        e.at = {"sent": r.created_at}.get(e.status) or r.responded_at or now
        if e.status in ("arrived", "completed"):
            e.at = (r.responded_at or r.created_at) + timedelta(days=1 if e.status == "arrived" else 5)
    ReferralEvent.objects.bulk_update(rows, ["at"], batch_size=5000)
    ups = sum(1 for r in referrals if r.direction == "up")
    return f"referrals: {ups:,} upward and {len(referrals) - ups:,} downward over {DAYS} days, {len(events):,} timeline rows"
