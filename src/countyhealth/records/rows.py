"""Repeatable rows of the forms (手术, 外伤, 输血, 住院史, 用药…), stored as JSON lists of dicts.

Each list has a fixed number of rows on the printed form (`max_rows`); the page shows that many, the API
accepts up to that many. `clean_rows` is the one validation both use."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from countyhealth.core.codes import label

from . import codes

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class RowField:
    name: str
    label: str
    kind: str = "text"  # text | date | month | code
    max_length: int = 50
    table: dict | None = None
    required: bool = False  # a row with anything in it must fill this


@dataclass(frozen=True)
class RowSpec:
    name: str
    fields: tuple[RowField, ...]
    max_rows: int

    def field(self, name: str) -> RowField:
        return next(f for f in self.fields if f.name == name)


def _named(*fields: RowField) -> tuple[RowField, ...]:
    return fields


PAST_DISEASES = RowSpec("past_diseases", _named(
    RowField("code", _("Disease"), "code", table=codes.PAST_DISEASE, required=True),
    RowField("diagnosed", _("Diagnosed (year-month)"), "month"),
    RowField("note", _("Name or detail"), max_length=50),
), 6)
OPERATIONS = RowSpec("operations", _named(
    RowField("name", _("Operation"), required=True), RowField("date", _("Date"), "date", required=True),
), 2)
INJURIES = RowSpec("injuries", _named(
    RowField("name", _("Injury"), required=True), RowField("date", _("Date"), "date", required=True),
), 2)
TRANSFUSIONS = RowSpec("transfusions", _named(
    RowField("reason", _("Reason"), required=True), RowField("date", _("Date"), "date", required=True),
), 2)
HAZARDS = RowSpec("occupational_hazards", _named(
    RowField("kind", _("Hazard"), "code", table=codes.HAZARD_KIND, required=True),
    RowField("name", _("Substance or factor"), required=True),
    RowField("protection", _("Protective measures"), "code", table=codes.PROTECTION),
), 5)
HOSPITALISATIONS = RowSpec("hospitalisations", _named(
    RowField("admitted", _("Admitted"), "date", required=True), RowField("discharged", _("Discharged"), "date"),
    RowField("reason", _("Reason"), max_length=100, required=True),
    RowField("institution", _("Institution"), max_length=100),
    RowField("case_number", _("Case number"), max_length=30),
), 2)
HOME_SICKBEDS = RowSpec("home_sickbeds", _named(
    RowField("opened", _("Bed opened"), "date", required=True), RowField("closed", _("Bed closed"), "date"),
    RowField("reason", _("Reason"), max_length=100, required=True),
    RowField("institution", _("Institution"), max_length=100),
    RowField("case_number", _("Case number"), max_length=30),
), 2)
MEDICATIONS = RowSpec("medications", _named(
    RowField("drug", _("Drug"), max_length=50, required=True), RowField("usage", _("Usage"), max_length=30),
    RowField("dose", _("Dose"), max_length=30), RowField("duration", _("Duration"), max_length=30),
    RowField("adherence", _("Adherence"), "code", table=codes.ADHERENCE, required=True),
), 6)
VACCINATIONS = RowSpec("vaccinations", _named(
    RowField("vaccine", _("Vaccine"), required=True), RowField("date", _("Date"), "date", required=True),
    RowField("institution", _("Institution"), max_length=100),
), 3)
ABNORMALITIES = RowSpec("abnormalities", _named(
    RowField("finding", _("Abnormal finding"), max_length=100, required=True),
), 4)

ROW_SPECS = {spec.name: spec for spec in (PAST_DISEASES, OPERATIONS, INJURIES, TRANSFUSIONS, HAZARDS,
                                          HOSPITALISATIONS, HOME_SICKBEDS, MEDICATIONS, VACCINATIONS,
                                          ABNORMALITIES)}


def _parse(value, kind: str):
    """The stored text of one cell (ISO date, YYYY-MM month, code or text) or raise ValueError."""
    if value is None or value == "":
        return ""
    if kind == "date":
        if isinstance(value, date):
            return value.isoformat()
        return date.fromisoformat(str(value)).isoformat()
    if kind == "month":
        text = value.strftime("%Y-%m") if isinstance(value, date) else str(value)
        match = MONTH_RE.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(text)
        return text
    return " ".join(str(value).split())


def clean_rows(spec: RowSpec, rows, *, birth_date: date | None, today: date) -> tuple[list[dict], dict]:
    """Normalise a list of row dicts; drop empty rows. Returns (rows, errors keyed "<list>.<i>.<field>")."""
    errors: dict[str, list] = {}
    cleaned: list[dict] = []
    if rows is None:
        rows = []
    if not isinstance(rows, list | tuple):
        return [], {spec.name: [_("Enter a list of rows.")]}
    if len(rows) > spec.max_rows:
        errors[spec.name] = [_("At most %(n)d rows.") % {"n": spec.max_rows}]
        return [], errors
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"{spec.name}.{i}"] = [_("Enter a valid row.")]
            continue
        unknown = set(row) - {f.name for f in spec.fields}
        if unknown:
            errors[f"{spec.name}.{i}"] = [_("This field is not accepted.")]
            continue
        out = {}
        for f in spec.fields:
            key = f"{spec.name}.{i}.{f.name}"
            try:
                value = _parse(row.get(f.name), f.kind)
            except (TypeError, ValueError):
                errors[key] = [_("Enter a valid date (YYYY-MM-DD).") if f.kind == "date"
                               else _("Enter a valid month (YYYY-MM).")]
                continue
            if f.kind == "code" and value and value not in f.table:
                errors[key] = [_("Select a valid choice.")]
            elif len(value) > f.max_length:
                errors[key] = [_("Ensure this value has at most %(max)s characters.") % {"max": f.max_length}]
            elif value and f.kind == "date" and not _date_ok(date.fromisoformat(value), birth_date, today):
                errors[key] = [_("The date must lie between the date of birth and today.")]
            elif value and f.kind == "month" and not _month_ok(value, birth_date, today):
                errors[key] = [_("The month must lie between the month of birth and this month.")]
            out[f.name] = value
        if not any(out.values()):
            continue
        for f in spec.fields:
            key = f"{spec.name}.{i}.{f.name}"
            if f.required and not out.get(f.name) and key not in errors:
                errors[key] = [_("This field is required.")]
        cleaned.append(out)
    return cleaned, errors


def _date_ok(value: date, birth_date: date | None, today: date) -> bool:
    return (birth_date is None or value >= birth_date) and value <= today


def _month_ok(value: str, birth_date: date | None, today: date) -> bool:
    low = birth_date.strftime("%Y-%m") if birth_date else "0000-00"
    return low <= value <= today.strftime("%Y-%m")


def describe_row(spec: RowSpec, row: dict) -> str:
    """One row as text in the user's language, for detail pages."""
    parts = []
    for f in spec.fields:
        value = row.get(f.name) or ""
        if value and f.kind == "code":
            value = label(f.table, value)
        if value:
            parts.append(str(value))
    return " · ".join(parts)
