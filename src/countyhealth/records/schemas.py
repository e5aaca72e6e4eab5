"""API shapes of the health record, generated from the models so the form, the API and the table cannot
drift: codes are Literals of the code tables, texts carry their column's max_length, numbers the plausible
ranges of rules.PLAUSIBLE (with translated messages), row lists the printed form's row count. The actions
check everything again; these give early 422s and the OpenAPI description."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db import models
from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, create_model

from . import rows, rules
from .models import AnnualHealthCheck, PersonalInfo, input_fields


def _in_range(name: str):
    bounds = rules.PLAUSIBLE[name]

    def check(value):
        if value is not None and not bounds.low <= Decimal(str(value)) <= bounds.high:
            raise ValueError(gettext("Enter a value between %(low)s and %(high)s.")
                             % {"low": bounds.low, "high": bounds.high})
        return value

    return AfterValidator(check)


def _code(table: dict, *, blank: bool = False):
    """A Literal of the table's codes; one Literal (not a union) so a bad value gives one error."""
    return Literal[tuple(table) + (("",) if blank else ())]  # type: ignore[valid-type]


def _row_model(spec: rows.RowSpec):
    fields = {}
    for f in spec.fields:
        if f.kind == "date":
            fields[f.name] = (date | None, None)
        elif f.kind == "month":
            fields[f.name] = (str, Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM"))
        elif f.kind == "code":
            fields[f.name] = (_code(f.table, blank=True), "")
        else:
            fields[f.name] = (str, Field("", max_length=f.max_length))
    return create_model(f"{spec.name.title().replace('_', '')}Row", __config__=ConfigDict(extra="forbid"), **fields)


def _input_type(f: models.Field):
    """(annotation, default) of one model field as API input."""
    if hasattr(f, "row_spec"):
        return list[_row_model(f.row_spec)], Field([], max_length=f.row_spec.max_rows)
    if hasattr(f, "code_table") and isinstance(f, models.JSONField):
        return list[_code(f.code_table)], Field([], max_length=len(f.code_table))
    if hasattr(f, "code_table"):
        return _code(f.code_table, blank=True), Field("", description=" ".join(
            f"{code} {zh}" for code, (zh, _en) in f.code_table.items()))
    if isinstance(f, models.DateField):
        return date, ...
    if isinstance(f, models.DecimalField | models.IntegerField):
        base = Decimal if isinstance(f, models.DecimalField) else int
        annotation = Annotated[base | None, _in_range(f.name)] if f.name in rules.PLAUSIBLE else base | None
        return annotation, None
    return str, Field("", max_length=f.max_length)


def _input_schema(model, name: str, *, extra: dict | None = None, optional: bool = False):
    fields = {}
    for f in input_fields(model):
        if f.is_relation:
            continue
        annotation, default = _input_type(f)
        if optional:
            annotation, default = annotation | None, None
        fields[f.name] = (annotation, default)
    fields.update(extra or {})
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _output_type(f: models.Field):
    if hasattr(f, "row_spec"):
        return list[dict]
    if isinstance(f, models.JSONField):
        return list[str]
    if isinstance(f, models.DateTimeField):
        return datetime | None
    if isinstance(f, models.DateField):
        return date | None
    if isinstance(f, models.DecimalField):
        return float | None
    if isinstance(f, models.IntegerField):
        return int | None
    if isinstance(f, models.BooleanField):
        return bool
    return str


def _output_schema(model, name: str, skip=()):
    fields = {"id": (int, ...)}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in skip:
            continue
        if f.is_relation:
            fields[f.attname] = (int | None, None)
        else:
            fields[f.name] = (_output_type(f), None)
    return create_model(name, __base__=Schema, **fields)


PersonalInfoIn = _input_schema(PersonalInfo, "PersonalInfoIn")
PersonalInfoPatch = _input_schema(PersonalInfo, "PersonalInfoPatch", optional=True)
PersonalInfoOut = _output_schema(PersonalInfo, "PersonalInfoOut")
HealthCheckIn = _input_schema(AnnualHealthCheck, "HealthCheckIn", extra={
    "responsible_doctor_id": (int | None, Field(None, description="Default: the user recording the check")),
})
HealthCheckOut = _output_schema(AnnualHealthCheck, "HealthCheckOut")


class RecordOut(Schema):
    resident_id: int
    name: str
    record_number: str | None
    status: str
    personal_info: PersonalInfoOut | None  # type: ignore[valid-type]


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "lost", "dead", "moved_out"]
    reason: str = Field("", max_length=200, description="失访 reason, or why a record returns to active")
    death_date: date | None = None
    death_cause: str = Field("", max_length=200)
    destination: str = Field("", max_length=200, description="迁出 destination")


class CheckListItem(Schema):
    id: int
    check_date: date
    sbp: int | None
    dbp: int | None
    bmi: float | None
    fpg: float | None
    waist_cm: float | None
    is_complete_for_elderly: bool
    organisation_id: int | None


class CheckPage(Schema):
    items: list[CheckListItem]
    page: int
    has_next: bool


class TimelineEntryOut(Schema):
    at: datetime | date
    kind: str
    title: str
    summary: str
    organisation: str
    url: str | None


class TimelinePage(Schema):
    items: list[TimelineEntryOut]
    next: str | None = Field(None, description="pass as `before` for the next (older) page; null on the last page")
    has_next: bool
    kinds: dict[str, str]
