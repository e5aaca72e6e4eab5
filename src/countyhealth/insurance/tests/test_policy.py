"""The simulator's policy tables (src/insurance_simulator/policy.py): boundaries of deductible, ratio, caps."""

from insurance_simulator import policy

NO_USE = {"deductible": 0, "general": 0, "lb": 0}


def items(*pairs):
    return [{"feedetl_sn": str(n), "med_list_codg": code, "amount": amount} for n, (code, amount) in enumerate(pairs)]


def test_village_pays_sixty_percent_without_deductible():
    out = policy.split(items(("F110200001", 1000), ("XJ01CA04", 980)), level="village", conditions=set(), used=NO_USE)
    assert out["medfee_sumamt"] == 1980 and out["act_pay_dedc"] == 0
    assert out["hifp_pay"] == 1188 and out["lb_pay"] == 0 and out["psn_cash_pay"] == 792


def test_township_deductible_is_taken_once_a_year():
    first = policy.split(items(("F1", 4000)), level="township", conditions=set(), used=NO_USE)
    assert first["act_pay_dedc"] == 4000 and first["hifp_pay"] == 0
    second = policy.split(items(("F1", 4000)), level="township", conditions=set(),
                          used={"deductible": 4000, "general": 0, "lb": 0})
    assert second["act_pay_dedc"] == 1000 and second["hifp_pay"] == 1650  # (4000 − 1000) × 55 %


def test_annual_cap_limits_the_general_pool():
    out = policy.split(items(("F1", 10_000)), level="village", conditions=set(),
                       used={"deductible": 0, "general": 49_000, "lb": 0})
    assert out["hifp_pay"] == 1000 and out["psn_cash_pay"] == 9000


def test_listed_drug_goes_to_the_two_disease_pool_only_for_the_registered_condition():
    bill = items(("XC08CA05", 1860), ("XA10BA02", 1240))
    htn = policy.split(bill, level="village", conditions={"hypertension"}, used=NO_USE)
    assert [d["pool"] for d in htn["detail"]] == ["lb", "general"]
    assert htn["lb_pay"] == 1302 and htn["hifp_pay"] == 744  # 70 % and 60 %
    none = policy.split(bill, level="village", conditions=set(), used=NO_USE)
    assert none["lb_pay"] == 0 and none["hifp_pay"] == 1860


def test_two_disease_cap_for_both_conditions():
    assert policy.two_disease_cap({"hypertension"}) == 36_000
    assert policy.two_disease_cap({"hypertension", "diabetes"}) == 60_000
    out = policy.split(items(("XC08CA05", 10_000)), level="village", conditions={"hypertension"},
                       used={"deductible": 0, "general": 0, "lb": 35_000})
    assert out["lb_pay"] == 1000


def test_only_atc_groups_of_the_list_are_listed():
    assert policy.listed_for("XC09AA01", {"hypertension"})
    assert not policy.listed_for("XC10AA05", {"hypertension"})  # a statin is not an antihypertensive
    assert not policy.listed_for("F110200001", {"hypertension", "diabetes"})
