"""Report-card and signal rules (notifiable-diseases.md §1–§4). Pure functions and tables; no database.

Sources: ICD prefix matching §1; deadlines RPT2015/RPT2026 (§2.1); card fields CARD2019 (§2.2) and validation
§2.3; card workflow RPT2015 (§2.4); syndromes §4 (project decision); signal response CIDARS (§5)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError, Conflict

# --- ICD-10 matching (§1) --------------------------------------------------------------------------
_ICD = re.compile(r"^([A-Z]\d{2})(\.\d)?")
NEVER_AUTO_DRAFT = {"A09"}  # A09 drafts only when marked infectious (project decision); no such mark exists yet


def strip_extension(code: str) -> str:
    """Drop the national clinical-version extension: `A00.900x001` → `A00.9`, `J10` → `J10`."""
    m = _ICD.match((code or "").strip().upper())
    return (m.group(1) + (m.group(2) or "")) if m else ""


@dataclass(frozen=True)
class Match:
    disease_code: str
    subtype: str
    hours: int


def match_disease(code: str, catalogue: list[dict], on: date) -> Match | None:
    """The catalogue row whose ICD-10 prefix matches `code` (longest prefix wins), valid on `on`.

    `catalogue` rows are dicts with code, report_hours, icd10 ([[prefix, subtype, hours|None], …]), valid_from,
    valid_to."""
    base = strip_extension(code)
    if not base or base[:3] in NEVER_AUTO_DRAFT:
        return None
    best, best_len = None, 0
    for row in catalogue:
        if row["valid_from"] > on or (row["valid_to"] is not None and row["valid_to"] < on):
            continue
        for prefix, subtype, hours in row["icd10"]:
            if base.startswith(prefix) and len(prefix) > best_len:
                best, best_len = Match(row["code"], subtype, hours or row["report_hours"]), len(prefix)
    return best


def due_at(diagnosed_at: datetime, hours: int) -> datetime:
    """RPT2015 §2.1: network report within `hours` (2 or 24) of diagnosis."""
    return diagnosed_at + timedelta(hours=hours)


# --- Duplicate cards (重卡, §2.3 item 7, project decision) -------------------------------------------
LONG_DUPLICATE_WINDOW = {"hiv_aids", "viral_hepatitis", "syphilis", "pulmonary_tb", "schistosomiasis", "leprosy",
                         "echinococcosis"}  # chronic diseases: one card a year


def duplicate_window(disease_code: str) -> timedelta:
    """Two cards of the same person and disease with diagnoses closer than this are one case (365 or 30 days)."""
    return timedelta(days=365 if disease_code in LONG_DUPLICATE_WINDOW else 30)


# --- Card workflow (§2.4) ----------------------------------------------------------------------------
DRAFT, SUBMITTED, RETURNED, APPROVED, REPORTED, VOID = "draft", "submitted", "returned", "approved", "reported", "void"

# status → {next status: who moves it}
TRANSITIONS = {
    DRAFT: {SUBMITTED: "doctor", VOID: "officer"},
    SUBMITTED: {APPROVED: "officer", RETURNED: "officer"},
    RETURNED: {SUBMITTED: "doctor", VOID: "officer"},
    APPROVED: {REPORTED: "officer"},
    REPORTED: {},
    VOID: {},
}
EDITABLE = {DRAFT, RETURNED}
OPEN = {DRAFT, SUBMITTED, RETURNED}


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, {}):
        raise Conflict(_("This report card cannot move from its current status to the one asked for."),
                       code=f"card_{current}")


def sources_of(new: str) -> list[str]:
    return [status for status, targets in TRANSITIONS.items() if new in targets]


# --- Card validation (§2.3) --------------------------------------------------------------------------
MANDATORY = ("patient_name", "id_document_no", "sex", "residence_category", "current_address", "population_group",
             "case_classification", "onset_date", "diagnosed_at", "disease")
GUARDIAN_AGE = 14  # guardian's name required at age ≤ 14 (project decision, §2.2)
CONDITIONAL = ("guardian_name", "work_unit", "disease_subtype", "acute_chronic")
ACUTE_CHRONIC = {("viral_hepatitis", "hep_b"), ("viral_hepatitis", "hep_c"), ("schistosomiasis", "")}
STUDENT_GROUPS = {"student", "kindergarten_child"}
CHILD_GROUPS = {"scattered_child", "kindergarten_child"}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def needs_acute_chronic(disease: str, subtype: str) -> bool:
    """Hepatitis B, hepatitis C and schistosomiasis cards say acute or chronic (CARD2019)."""
    return (disease, subtype or "") in ACUTE_CHRONIC


def validate_card(card: dict, *, now: datetime, acute_chronic_required: bool, allows_carrier: bool,
                  subtypes: list[str]) -> tuple[dict, list[str]]:
    """Errors {field: message} that block submission, and warnings (§2.3). `card` maps field names to values."""
    errors, warnings = {}, []
    for field in MANDATORY:
        if card.get(field) in (None, ""):
            errors[field] = _("This field is required on the report card.")
    birth, onset, diagnosed = card.get("birth_date"), card.get("onset_date"), card.get("diagnosed_at")
    if birth and onset and onset < birth:
        errors["onset_date"] = _("The onset date is before the date of birth.")
    if onset and diagnosed and onset > diagnosed.date():
        errors["onset_date"] = _("The onset date is after the diagnosis date.")
    if diagnosed and diagnosed > now + timedelta(minutes=5):
        errors["diagnosed_at"] = _("The diagnosis time is in the future.")
    death = card.get("death_date")
    if death and ((onset and death < onset) or death > now.date()):
        errors["death_date"] = _("The death date must lie between the onset date and today.")
    if birth and diagnosed and age_on(birth, diagnosed.date()) <= GUARDIAN_AGE and not card.get("guardian_name"):
        errors["guardian_name"] = _("A parent's or guardian's name is required for children aged 14 or under.")
    if card.get("population_group") in STUDENT_GROUPS and not card.get("work_unit"):
        errors["work_unit"] = _("Enter the school or kindergarten.")
    subtype = card.get("disease_subtype") or ""
    if subtypes and subtype not in subtypes:
        errors["disease_subtype"] = _("Choose the subtype of this disease.")
    if acute_chronic_required and not card.get("acute_chronic"):
        errors["acute_chronic"] = _("Say whether the case is acute or chronic.")
    if not acute_chronic_required and card.get("acute_chronic"):
        errors["acute_chronic"] = _("Acute or chronic applies only to hepatitis B, C and schistosomiasis.")
    if card.get("case_classification") == "carrier" and not allows_carrier:
        errors["case_classification"] = _("Carriers are not reported for this disease.")
    if birth and diagnosed and card.get("population_group") in CHILD_GROUPS and age_on(birth, diagnosed.date()) >= 7:
        warnings.append(_("A child group was chosen for a patient aged 7 or older."))
    return errors, warnings


def raise_errors(errors: dict) -> None:
    """All problems at once: the message names the first, `fields` carries each field's message."""
    if errors:
        raise ActionError(next(iter(errors.values())), code="card_invalid",
                          fields={field: [message] for field, message in errors.items()})


# --- Signals (§5) ------------------------------------------------------------------------------------
NEW, DISMISSED, INVESTIGATING, CLOSED = "new", "dismissed", "investigating", "closed"
SIGNAL_TRANSITIONS = {NEW: {DISMISSED, INVESTIGATING}, INVESTIGATING: {CLOSED}, DISMISSED: set(), CLOSED: set()}


def check_signal_transition(current: str, new: str) -> None:
    if new not in SIGNAL_TRANSITIONS.get(current, set()):
        raise Conflict(_("This signal has already been verified."), code=f"signal_{current}")


# --- Syndromes (§4, project decision) ----------------------------------------------------------------
@dataclass(frozen=True)
class Syndrome:
    code: str
    label: str
    prefixes: tuple  # ICD-10 prefixes of a visit diagnosis
    keywords: tuple  # chief-complaint keywords
    fever_at: float | None = None  # a recorded temperature at or above this counts too


def _codes(letter, lo, hi):
    return tuple(f"{letter}{n:02d}" for n in range(lo, hi + 1))


SYNDROMES = (
    Syndrome("fever", _("Fever"), ("R50",), ("发热", "发烧", "高热", "低热", "体温升高", "寒战"), fever_at=37.5),
    Syndrome("ili", _("Influenza-like illness"), ("J09", "J10", "J11"), ()),  # plus the FLU rule in classify()
    Syndrome("respiratory", _("Respiratory syndrome"), _codes("J", 0, 22) + ("U04", "U07.1"),
             ("咳嗽", "咳痰", "咽痛", "流涕", "鼻塞", "气促", "呼吸困难")),
    Syndrome("diarrhoea", _("Diarrhoea"), _codes("A", 0, 9) + ("K52.9",), ("腹泻", "拉肚子", "稀便", "水样便", "便次增多")),
    Syndrome("rash", _("Fever with rash"), ("A38", "B01", "B05", "B06", "B08.4", "B09", "R21"),
             ("皮疹", "出疹", "疱疹", "斑丘疹", "手足疱疹")),
    Syndrome("conjunctivitis", _("Conjunctivitis"), ("B30", "H10"), ("红眼", "眼红", "结膜充血")),
    Syndrome("jaundice", _("Jaundice"), ("R17",) + _codes("B", 15, 19), ("黄疸", "皮肤黄染", "巩膜黄染")),
    Syndrome("cns", _("Encephalitis or meningitis"), ("A39",) + _codes("A", 83, 87) + _codes("G", 0, 5),
             ("颈项强直", "抽搐", "意识障碍", "头痛伴呕吐")),
)
# 不明原因肺炎 (§4) needs a clinician's "no pathogen" flag that no visit records yet; it is not counted.
SYNDROME_LABELS = {s.code: s.label for s in SYNDROMES}
ILI_FEVER = 38.0  # FLU: T ≥ 38 ℃ with cough or sore throat; or J00–J06 with T ≥ 38 ℃
ILI_URTI = _codes("J", 0, 6)
ILI_KEYWORDS = ("咳嗽", "咽痛")
NEGATIONS = ("无", "否认", "不伴", "未")


def complaint_mentions(text: str, keyword: str) -> bool:
    """A keyword counts unless 无 / 否认 / 不伴 / 未 stands within the 3 characters before it."""
    start = text.find(keyword)
    while start != -1:
        if not any(neg in text[max(0, start - 3):start] for neg in NEGATIONS):
            return True
        start = text.find(keyword, start + 1)
    return False


def classify(*, codes=(), complaints=(), temperature: float | None = None) -> set[str]:
    """The syndromes of one resident at one institution on one day, from the day's diagnosis codes, chief
    complaints and highest recorded temperature (℃)."""
    bases = [c for c in (strip_extension(code) for code in codes) if c]
    found = set()
    for syndrome in SYNDROMES:
        if (any(b.startswith(p) for b in bases for p in syndrome.prefixes)
                or any(complaint_mentions(text, k) for text in complaints for k in syndrome.keywords)
                or (syndrome.fever_at is not None and temperature is not None and temperature >= syndrome.fever_at)):
            found.add(syndrome.code)
    if temperature is not None and temperature >= ILI_FEVER and (
            any(b.startswith(p) for b in bases for p in ILI_URTI)
            or any(complaint_mentions(text, k) for text in complaints for k in ILI_KEYWORDS)):
        found.add("ili")
    return found


def syndromic_counts(diagnoses, visits=()) -> dict[tuple, int]:
    """Counts per (institution id, day, syndrome) from visit diagnoses and visits.

    `diagnoses`: iterable of (org_id, day, resident_id, icd10); `visits`: (org_id, day, resident_id, chief
    complaint, temperature or None). A resident counts once per syndrome per institution per day, whichever
    source named it; the day's codes, complaints and temperature are judged together (ILI needs two of them)."""
    people: dict[tuple, list] = {}
    for org, day, resident, code in diagnoses:
        people.setdefault((org, day, resident), [[], [], None])[0].append(code)
    for org, day, resident, text, temperature in visits:
        entry = people.setdefault((org, day, resident), [[], [], None])
        entry[1].append(text or "")
        if temperature is not None:
            entry[2] = max(float(temperature), entry[2] or float(temperature))
    counts: dict[tuple, int] = {}
    for (org, day, _resident), (codes, texts, temperature) in people.items():
        for syndrome in classify(codes=codes, complaints=texts, temperature=temperature):
            counts[(org, day, syndrome)] = counts.get((org, day, syndrome), 0) + 1
    return counts
