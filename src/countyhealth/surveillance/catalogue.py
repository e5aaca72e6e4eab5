"""The notifiable-disease catalogue as data (notifiable-diseases.md §1, §3.1, §3.2), seeded by migration 0002.

Each row: code, 中文, English, class, managed as class A, report hours, ICD-10 prefixes (each optionally bound to
a subtype and its own hours: 肺炭疽 is 2 h), early-warning method and MPM percentile, valid_from, valid_to.
Ranges of the design table (B20–B24) are written out. Sources: LAW2025 Art. 3–4, NHC2026-3, RPT2015/2026,
Zhang 2014 (percentiles); items marked [confirm] in the design stay marked there."""

from datetime import date

D2004 = date(2004, 12, 1)
FIXED, MPM = "fixed_threshold", "mpm"
# Further algorithms besides the default method (§3.1: "available per disease in configuration", not default).
# Project decision: HFMD also runs EARS C1/C2/C3 (the published C3, as the daily job uses), as in the provincial
# HFMD evaluation Lai S 2011 (§5); influenza also runs Farrington Flexible on rolling weeks with b = 3 (the demo
# and a new installation hold about four years, not the package default's five).
EARS_ALL = ({"algorithm": "C1"}, {"algorithm": "C2"}, {"algorithm": "C3_textbook"})
FARRINGTON_B3 = ({"algorithm": "farrington", "params": {"b": 3, "w": 3}},)


def _r(code, zh, en, cls, hours, icd, *, as_a=False, method=MPM, pct=0.8, since=D2004, until=None,
       carrier=False, subtypes=(), extra=()):
    return {"code": code, "name_zh": zh, "name_en": en, "disease_class": cls, "managed_as_class_a": as_a,
            "report_hours": hours, "icd10": [p if isinstance(p, list) else [p, "", None] for p in icd],
            "method": method, "percentile": pct, "valid_from": since, "valid_to": until,
            "allows_carrier": carrier, "subtypes": [{"code": c, "name_zh": n} for c, n in subtypes],
            "algorithms": list(extra)}


def _range(letter, lo, hi):
    return [f"{letter}{n:02d}" for n in range(lo, hi + 1)]


DISEASES = [
    _r("plague", "鼠疫", "Plague", "A", 2, ["A20"], method=FIXED),
    _r("cholera", "霍乱", "Cholera", "A", 2, ["A00"], method=FIXED, carrier=True),
    _r("covid19", "新型冠状病毒感染", "COVID-19", "B", 24, ["U07.1", "U07.2"], since=date(2020, 1, 20)),
    _r("sars", "传染性非典型肺炎", "SARS", "B", 2, ["U04"], as_a=True, method=FIXED),
    _r("hiv_aids", "艾滋病", "HIV infection / AIDS", "B", 24, [*_range("B", 20, 24), "Z21"],
       subtypes=[("aids", "艾滋病病人"), ("hiv", "HIV感染者")]),
    _r("viral_hepatitis", "病毒性肝炎", "Viral hepatitis", "B", 24, [
        ["B15", "hep_a", None], ["B16", "hep_b", None], ["B18.0", "hep_b", None], ["B18.1", "hep_b", None],
        ["B17.1", "hep_c", None], ["B18.2", "hep_c", None], ["B17.0", "hep_d", None], ["B17.2", "hep_e", None],
        ["B17.8", "hep_unspecified", None], ["B17.9", "hep_unspecified", None], ["B19", "hep_unspecified", None]],
       subtypes=[("hep_a", "甲型"), ("hep_b", "乙型"), ("hep_c", "丙型"), ("hep_d", "丁型"), ("hep_e", "戊型"),
                 ("hep_unspecified", "未分型")]),
    _r("polio", "脊髓灰质炎", "Poliomyelitis", "B", 24, ["A80"], method=FIXED),
    _r("novel_influenza", "人感染新亚型流感", "Human infection with a novel influenza subtype", "B", 24, ["J09"],
       method=FIXED, since=date(2025, 9, 1)),
    _r("measles", "麻疹", "Measles", "B", 24, ["B05"], pct=0.9),
    _r("hfrs", "流行性出血热", "Haemorrhagic fever with renal syndrome", "B", 24, ["A98.5"]),
    _r("rabies", "狂犬病", "Rabies", "B", 24, ["A82"]),
    _r("japanese_encephalitis", "流行性乙型脑炎", "Japanese encephalitis", "B", 24, ["A83.0"], pct=0.9),
    _r("dengue", "登革热", "Dengue", "B", 24, ["A90", "A91", "A97"], pct=0.9),
    _r("mpox", "猴痘", "Mpox", "B", 24, ["B04"], since=date(2023, 9, 20)),
    _r("anthrax", "炭疽", "Anthrax", "B", 24, [
        ["A22.1", "pulmonary", 2], ["A22.0", "cutaneous", None], *[[f"A22.{n}", "unspecified", None]
                                                                  for n in range(2, 10)]],
       subtypes=[("pulmonary", "肺炭疽"), ("cutaneous", "皮肤炭疽"), ("unspecified", "未分型")]),
    _r("dysentery", "细菌性和阿米巴性痢疾", "Bacillary and amoebic dysentery", "B", 24, ["A03", "A06.0", "A06.1"],
       pct=0.9, carrier=True),
    _r("pulmonary_tb", "肺结核", "Pulmonary tuberculosis", "B", 24, ["A15", "A16"],
       subtypes=[("rif_resistant", "利福平耐药"), ("pathogen_positive", "病原学阳性"),
                 ("pathogen_negative", "病原学阴性"), ("no_pathogen_result", "无病原学结果")]),
    _r("typhoid_paratyphoid", "伤寒和副伤寒", "Typhoid and paratyphoid fever", "B", 24, ["A01"], pct=0.9,
       carrier=True),
    _r("meningococcal_meningitis", "流行性脑脊髓膜炎", "Meningococcal meningitis", "B", 24, ["A39"], pct=0.9),
    _r("pertussis", "百日咳", "Pertussis", "B", 24, ["A37"]),
    _r("diphtheria", "白喉", "Diphtheria", "B", 24, ["A36"], method=FIXED),
    _r("neonatal_tetanus", "新生儿破伤风", "Neonatal tetanus", "B", 24, ["A33"]),
    _r("scarlet_fever", "猩红热", "Scarlet fever", "B", 24, ["A38"], pct=0.9),
    _r("brucellosis", "布鲁氏菌病", "Brucellosis", "B", 24, ["A23"]),
    _r("gonorrhoea", "淋病", "Gonorrhoea", "B", 24, ["A54"]),
    _r("syphilis", "梅毒", "Syphilis", "B", 24, _range("A", 50, 53)),
    _r("leptospirosis", "钩端螺旋体病", "Leptospirosis", "B", 24, ["A27"], pct=0.9),
    _r("schistosomiasis", "血吸虫病", "Schistosomiasis", "B", 24, ["B65"]),
    _r("malaria", "疟疾", "Malaria", "B", 24, _range("B", 50, 54)),
    _r("chikungunya", "基孔肯雅热", "Chikungunya fever", "B", 24, ["A92.0"], since=date(2026, 4, 1)),
    _r("sfts", "发热伴血小板减少综合征", "Severe fever with thrombocytopenia syndrome", "B", 24, ["A93.8"],
       since=date(2026, 4, 1)),
    _r("influenza", "流行性感冒", "Influenza", "C", 24, ["J10", "J11"], extra=FARRINGTON_B3),
    _r("mumps", "流行性腮腺炎", "Mumps", "C", 24, ["B26"]),
    _r("rubella", "风疹", "Rubella", "C", 24, ["B06"]),
    _r("ahc", "急性出血性结膜炎", "Acute haemorrhagic conjunctivitis", "C", 24, ["B30.3"]),
    _r("leprosy", "麻风病", "Leprosy", "C", 24, ["A30"]),
    _r("typhus", "流行性和地方性斑疹伤寒", "Epidemic and endemic (murine) typhus", "C", 24,
       ["A75.0", "A75.1", "A75.2", "A75.9"], pct=0.9),
    _r("kala_azar", "黑热病", "Visceral leishmaniasis", "C", 24, ["B55.0"]),
    _r("echinococcosis", "包虫病", "Echinococcosis", "C", 24, ["B67"]),
    _r("filariasis", "丝虫病", "Lymphatic filariasis", "C", 24, ["B74"]),
    _r("hfmd", "手足口病", "Hand, foot and mouth disease", "C", 24, ["B08.4"], since=date(2008, 5, 2),
       extra=EARS_ALL),
    _r("other_infectious_diarrhoea", "其他感染性腹泻病", "Other infectious diarrhoea", "C", 24,
       ["A02", "A04", "A07", "A08", "A09"]),
    # History rows (valid_to set): superseded by novel_influenza / folded into influenza.
    _r("hpai", "人感染高致病性禽流感", "Human infection with highly pathogenic avian influenza", "B", 24, ["J09"],
       method=FIXED, until=date(2025, 8, 31)),
    _r("h7n9", "人感染H7N9禽流感", "Human infection with avian influenza A(H7N9)", "B", 24, ["J09"],
       method=FIXED, since=date(2013, 11, 4), until=date(2025, 8, 31)),
    _r("h1n1", "甲型H1N1流感", "Influenza A(H1N1)", "B", 24, [], since=date(2009, 4, 30), until=date(2013, 11, 3)),
]
