"""Outpatient policy for residents' basic medical insurance (城乡居民基本医疗保险 普通门诊统筹), as data.

Sources: 国家医保局 财政部《关于完善城乡居民高血压糖尿病门诊用药保障机制的指导意见》（医保发〔2019〕54号）—
两病 outpatient drugs: no deductible, pooled-fund share ≥ 50 %, listed drugs of the national insurance drug list;
《关于建立健全职工基本医疗保险门诊共济保障机制的指导意见》 for the tiering by institution level. The figures below
are one coordinating region's settings; another region changes this table, not the code. Money is in fen (分).
"""

from decimal import ROUND_HALF_UP, Decimal

POLICY = {
    "year_start": "01-01",
    # Deductible per calendar year (起付线), reimbursement ratio (报销比例) and the yearly cap (年度限额) of the
    # general outpatient pool, by the level of the designated institution.
    "general": {
        "deductible": {"village": 0, "township": 5_000, "county": 10_000},
        "ratio": {"village": Decimal("0.60"), "township": Decimal("0.55"), "county": Decimal("0.50")},
        "annual_cap": 50_000,
    },
    # 两病 benefit: listed drugs for a registered condition, any level, no deductible, its own cap.
    "two_disease": {
        "ratio": Decimal("0.70"),
        "annual_cap": {"hypertension": 36_000, "diabetes": 48_000, "both": 60_000},
        # Listed drugs by the ATC group inside the national insurance drug code (X + ATC, e.g. XC08CAA…):
        # antihypertensives (C02 C03 C07 C08 C09) and antidiabetics (A10).
        "listed_atc": {"hypertension": ("C02", "C03", "C07", "C08", "C09"), "diabetes": ("A10",)},
        # 门诊慢特病 codes used in 2503 registrations.
        "diseases": {"I10": "hypertension", "E11": "diabetes"},
    },
}


def atc_of(med_list_codg: str) -> str:
    """National insurance drug codes start with X followed by the ATC code; other items have none."""
    return med_list_codg[1:] if med_list_codg.startswith("X") else ""


def listed_for(med_list_codg: str, conditions: set[str]) -> bool:
    atc = atc_of(med_list_codg)
    groups = POLICY["two_disease"]["listed_atc"]
    return bool(atc) and any(atc.startswith(prefix) for c in conditions for prefix in groups.get(c, ()))


def _share(amount: int, ratio: Decimal) -> int:
    return int((Decimal(amount) * ratio).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def two_disease_cap(conditions: set[str]) -> int:
    caps = POLICY["two_disease"]["annual_cap"]
    if {"hypertension", "diabetes"} <= conditions:
        return caps["both"]
    return max((caps[c] for c in conditions), default=0)


def split(items: list[dict], *, level: str, conditions: set[str], used: dict) -> dict:
    """Divide a visit's fees between the pooled fund and the patient.

    items: [{"feedetl_sn", "med_list_codg", "amount"}] in fen; used: this year's {"deductible", "general", "lb"}
    already consumed by earlier settlements. Returns the totals and a per-item pool ("general" or "lb")."""
    general = POLICY["general"]
    lb_items = [i for i in items if listed_for(i["med_list_codg"], conditions)]
    lb_sns = {i["feedetl_sn"] for i in lb_items}
    general_amount = sum(i["amount"] for i in items if i["feedetl_sn"] not in lb_sns)
    lb_amount = sum(i["amount"] for i in lb_items)

    deductible_left = max(0, general["deductible"][level] - used["deductible"])
    deductible = min(general_amount, deductible_left)
    hifp = _share(general_amount - deductible, general["ratio"][level])
    hifp = min(hifp, max(0, general["annual_cap"] - used["general"]))

    lb = _share(lb_amount, POLICY["two_disease"]["ratio"]) if lb_amount else 0
    lb = min(lb, max(0, two_disease_cap(conditions) - used["lb"]))

    total = general_amount + lb_amount
    return {
        "medfee_sumamt": total,
        "act_pay_dedc": deductible,
        "hifp_pay": hifp,
        "lb_pay": lb,
        "fund_pay_sumamt": hifp + lb,
        "psn_cash_pay": total - hifp - lb,
        "detail": [{"feedetl_sn": i["feedetl_sn"], "pool": "lb" if i["feedetl_sn"] in lb_sns else "general"}
                   for i in items],
    }
