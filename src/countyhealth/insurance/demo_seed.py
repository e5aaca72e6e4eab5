"""Demo insurance data, after the clinic's demo visits exist: 两病 qualification of the county's hypertension and
diabetes patients (decided by the same rule as the nightly run), and the real-time settlements of the clinic's
past visits — most insured patients settle at the clinic, a few pay cash — split by the simulator's own policy
table with each person's deductible and caps used up in date order. The visits move dispensed → settled → closed
as a settlement leaves them. `insurance_load_simulator` hands these settlements and the qualifications to the
simulator, so reconciliation of a past day balances. Bulk inserts; deterministic for the seed."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from countyhealth.accounts.system import system_user
from countyhealth.clinic.models import FeeLine, Visit, VisitStatusChange
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from . import rules
from .actions.qualification import CHUNK, _candidates, _facts, decide
from .catalogue import clinic_drug_code
from .fees import INSTITUTION_LEVEL, VISIT_PREFIX
from .models import Qualification, QualificationChange, Settlement, SettlementChange, SettlementItem

CASH_SHARE = 0.08  # visits paid in cash at the counter (no insurance card, or the patient declines)
CENT = Decimal("0.01")


def seed(*, seeder, seed: int, as_of) -> str:
    # The region's policy table and the platform's person numbers: the split the platform would have made.
    from insurance_simulator import policy
    from insurance_simulator.app import psn_no_for

    rng = random.Random(seed * 104_729 + 17)
    system = system_user("insurance-qualification")
    qualified = _qualify(system, rng, as_of)

    conditions = {resident_id: set(diseases) for resident_id, diseases, since in qualified}
    visits = list(Visit.objects.filter(status="closed", settlement_ref="", organisation__org_type__in=list(
        INSTITUTION_LEVEL), resident__id_number__gt="").order_by("closed_at", "pk")
        .values("pk", "resident_id", "organisation_id", "catchment_org_id", "doctor_id", "closed_at",
                "resident__id_number"))
    if not visits:
        return f"insurance: {len(qualified)} residents qualified for 两病, no clinic visits to settle"
    levels = {o.pk: INSTITUTION_LEVEL[o.org_type] for o in Organisation.objects.filter(
        org_type__in=list(INSTITUTION_LEVEL))}
    lines = {}
    for f in FeeLine.objects.filter(visit_id__in=[v["pk"] for v in visits]).select_related("drug").order_by("pk"):
        code = clinic_drug_code(f.drug) if f.drug_id else f"F{f.code}"
        lines.setdefault(f.visit_id, []).append((code, f.name[:100], f.quantity, f.unit_price, f.amount))

    used, settlements, items, settled_visits = {}, [], [], []
    for v in visits:
        if rng.random() < CASH_SHARE or v["pk"] not in lines:
            continue
        fees = lines[v["pk"]]
        at = timezone.localtime(v["closed_at"])
        key = (v["resident_id"], at.year)
        year_used = used.setdefault(key, {"deductible": 0, "general": 0, "lb": 0})
        split = policy.split([{"feedetl_sn": str(n), "med_list_codg": code, "amount": int(amount * 100)}
                              for n, (code, _name, _q, _p, amount) in enumerate(fees, start=1)],
                             level=levels[v["organisation_id"]], conditions=conditions.get(v["resident_id"], set()),
                             used=year_used)
        year_used["deductible"] += split["act_pay_dedc"]
        year_used["general"] += split["hifp_pay"]
        year_used["lb"] += split["lb_pay"]
        yuan = {k: (Decimal(split[k]) / 100).quantize(CENT) for k in
                ("medfee_sumamt", "act_pay_dedc", "hifp_pay", "lb_pay", "psn_cash_pay")}
        setl_id, mdtrt_id = f"ST{rng.getrandbits(80):020X}", f"MD{rng.getrandbits(80):020X}"
        setlinfo = {"setl_id": setl_id, "mdtrt_id": mdtrt_id, "setl_time": at.replace(tzinfo=None).isoformat(
            timespec="seconds"), **{k: f"{value:.2f}" for k, value in yuan.items()}}
        settlements.append(Settlement(
            resident_id=v["resident_id"], catchment_org_id=v["catchment_org_id"],
            organisation_id=v["organisation_id"], visit_ref=f"{VISIT_PREFIX}{v['pk']}",
            msgid=f"demo{seed}-{rng.getrandbits(96):024x}", status=rules.SETTLED,
            psn_no=psn_no_for(v["resident__id_number"]), mdtrt_id=mdtrt_id, setl_id=setl_id,
            total=yuan["medfee_sumamt"], deductible=yuan["act_pay_dedc"], fund_general=yuan["hifp_pay"],
            fund_two_disease=yuan["lb_pay"], patient_pays=yuan["psn_cash_pay"],
            answer={"setlinfo": setlinfo, "setldetail": split["detail"]}, settled_on=at.date(), settled_at=at,
            created_by_id=v["doctor_id"]))
        pools = {d["feedetl_sn"]: d["pool"] for d in split["detail"]}
        items.append([SettlementItem(sn=n, code=code, name=name, quantity=q, unit_price=p, amount=amount,
                                     pool=pools[str(n)]) for n, (code, name, q, p, amount) in enumerate(fees, 1)])
        settled_visits.append(v)

    Settlement.objects.bulk_create(settlements, batch_size=2000)
    # auto_now_add wrote "now": one UPDATE puts each settlement's creation just before its settlement.
    Settlement.objects.filter(msgid__startswith=f"demo{seed}-").update(created_at=F("settled_at") - timedelta(minutes=2))
    for settlement, rows in zip(settlements, items, strict=True):
        for item in rows:
            item.settlement = settlement
    SettlementItem.objects.bulk_create([i for rows in items for i in rows], batch_size=5000)
    SettlementChange.objects.bulk_create([
        SettlementChange(settlement=s, status=status, by_id=s.created_by_id)
        for s in settlements for status in (rules.DRAFT, rules.PENDING, rules.SETTLED)], batch_size=5000)
    _visits_settled(settled_visits)
    lb = sum(1 for s in settlements if s.fund_two_disease > 0)
    return (f"insurance: {len(qualified)} residents qualified for 两病, {len(settlements)} settlements of "
            f"{len(visits)} clinic visits ({lb} with the 两病 benefit, the rest of the visits paid in cash)")


def _visits_settled(visits) -> None:
    """dispensed → closed becomes dispensed → settled → closed, with the settlement's reference on the visit."""
    ids = [v["pk"] for v in visits]
    settlement_of = Settlement.objects.filter(status=rules.SETTLED, visit_ref=Concat(
        Value(VISIT_PREFIX), Cast(OuterRef("pk"), CharField()))).values("pk")[:1]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        VisitStatusChange.objects.filter(visit_id__in=chunk, from_status="dispensed", to_status="closed").update(
            to_status="settled")
        Visit.objects.filter(pk__in=chunk).update(settlement_ref=Concat(
            Value("insurance:"), Cast(Subquery(settlement_of), CharField())))
    VisitStatusChange.objects.bulk_create([
        VisitStatusChange(visit_id=v["pk"], from_status="settled", to_status="closed", by_id=v["doctor_id"])
        for v in visits], batch_size=5000)


def _qualify(system, rng, as_of) -> list[tuple[int, list[str], object]]:
    """The nightly rule over every hypertension and diabetes patient; qualified residents get their row and one
    history row, qualified since some day of the past year. Returns (resident, diseases, since)."""
    ids = _candidates(None)
    catchment = dict(Resident.objects.filter(pk__in=ids).values_list("pk", "catchment_org_id"))
    out, rows = [], []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        facts = _facts(chunk, today=as_of)
        for resident_id in chunk:
            diseases, reasons = decide(facts.get(resident_id, []))
            if not diseases:
                continue
            since = as_of - timedelta(days=rng.randint(30, 365))
            rows.append(Qualification(resident_id=resident_id, catchment_org_id=catchment[resident_id], qualified=True,
                                      diseases=diseases, reasons=reasons, since=since, in_sync=False))
            out.append((resident_id, diseases, since))
    Qualification.objects.bulk_create(rows, batch_size=2000)
    QualificationChange.objects.bulk_create([
        QualificationChange(qualification=q, qualified=True, diseases=q.diseases, reasons=q.reasons, by=system)
        for q in rows], batch_size=5000)
    return out
