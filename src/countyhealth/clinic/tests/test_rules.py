from decimal import Decimal

import pytest

from countyhealth.clinic import catalogue
from countyhealth.clinic.rules import review as rx
from countyhealth.clinic.rules.status import check_transition, may_transition
from countyhealth.core.errors import Conflict


def drug(code="EM039", name="苯磺酸氨氯地平片", ingredient="amlodipine", cls="ccb_dhp", allergy="", amount="5",
         unit="mg", chronic=True):
    return rx.DrugFacts(code, name, ingredient, cls, allergy, Decimal(amount), unit, chronic)


def item(d=None, dose="5", frequency="qd", days=7):
    return rx.ItemFacts(drug=d or drug(), dose=Decimal(dose), frequency=frequency, days=days)


ADULT = rx.PatientFacts(age=60, allergy_codes=frozenset(), allergy_text="", chronic_patient=True, stable=True)
LIMITS = catalogue.max_daily_doses()


def test_max_daily_dose_boundary():
    assert rx.check_max_daily_dose([item(dose="10")], LIMITS) == []  # 10 mg = the label's maximum
    [finding] = rx.check_max_daily_dose([item(dose="5", frequency="tid")], LIMITS)  # 15 mg
    assert finding.severity == rx.Severity.BLOCK and finding.source == "说明书"


def test_allergy_blocks_and_cross_allergy_warns():
    amoxicillin = drug("EM001", "阿莫西林胶囊", "amoxicillin", "penicillin", "penicillin", "250", chronic=False)
    cefalexin = drug("EM005", "头孢氨苄胶囊", "cefalexin", "cephalosporin_1", "cephalosporin", "125", chronic=False)
    allergic = rx.PatientFacts(60, frozenset({"2"}), "", False, False)
    assert [f.severity for f in rx.check_allergy([item(amoxicillin, "500", "tid")], allergic)] == ["block"]
    assert [f.severity for f in rx.check_allergy([item(cefalexin, "250", "qid")], allergic)] == ["warn"]
    by_name = rx.PatientFacts(60, frozenset({"5"}), "阿莫西林、花粉", False, False)
    assert rx.check_allergy([item(amoxicillin, "500", "tid")], by_name)[0].rule == "allergy"
    assert rx.check_allergy([item()], by_name) == []


def test_duplicates_interactions_and_age():
    nifedipine = drug("EM041", "硝苯地平缓释片", "nifedipine", "ccb_dhp", amount="20")
    assert [f.rule for f in rx.check_duplicates([item(), item(nifedipine, "20")])] == ["duplicate_class"]
    assert [f.rule for f in rx.check_duplicates([item(), item()])] == ["duplicate_ingredient"]
    simva = drug("EM071", "辛伐他汀片", "simvastatin", "statin", amount="20")
    clari = drug("EM012", "克拉霉素片", "clarithromycin", "macrolide", amount="250", chronic=False)
    [hit] = rx.check_interactions([item(simva, "20"), item(clari, "250", "bid")])
    assert hit.severity == rx.Severity.BLOCK
    levo = drug("EM013", "左氧氟沙星片", "levofloxacin", "quinolone", amount="500", chronic=False)
    assert [f.severity for f in rx.check_age([item(levo, "500")], 17)] == ["block"]
    assert rx.check_age([item(levo, "500")], 18) == []


@pytest.mark.parametrize(("long_term", "days", "patient", "rules"), [
    (False, 7, ADULT, []),
    (False, 8, ADULT, ["days_supply"]),
    (True, 28, rx.PatientFacts(60, frozenset(), "", True, False), []),
    (True, 29, rx.PatientFacts(60, frozenset(), "", True, False), ["days_supply"]),
    (True, 84, ADULT, []),
    (True, 85, ADULT, ["days_supply"]),
    (True, 28, rx.PatientFacts(60, frozenset(), "", False, False), ["long_term_patient"]),
])
def test_days_supply_boundaries(long_term, days, patient, rules):
    findings = rx.check_days_supply([item(days=days)], long_term=long_term, patient=patient)
    assert [f.rule for f in findings] == rules


def test_quantity_rounds_up_to_whole_units():
    insulin = drug("EM088", "预混胰岛素", "insulin_premix", "insulin_premix", amount="300", unit="IU")
    assert rx.quantity_needed(item(insulin, "12", "bid", 14)) == 2  # 336 IU → two 300 IU pens
    assert rx.quantity_needed(item(dose="2.5", days=7)) == 4


def test_status_transitions():
    assert may_transition("dispensed", "settled") and may_transition("settled", "dispensed")
    with pytest.raises(Conflict):
        check_transition("closed", "open")
    with pytest.raises(Conflict):
        check_transition("open", "settled")


def test_catalogue_has_a_realistic_essential_medicines_subset():
    rows = catalogue.drug_rows()
    assert len(rows) >= 150
    assert sum(r["antihypertensive"] == "1" for r in rows) >= 20 and sum(r["antidiabetic"] == "1" for r in rows) >= 10
    assert all(r["max_daily_source"] for r in rows if r["max_daily"])
