"""Input shape of the record pages, built from the models' fields: each coded field becomes a choice in the
user's language, each multi-select a row of checkboxes, each repeatable list the printed form's number of
rows. The rules are checked by the actions, whose errors land back on these fields (`add_action_error`)."""

from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.models import User
from countyhealth.core.codes import choices, label
from countyhealth.core.forms import ActionErrorsMixin
from countyhealth.residents.models import Resident

from . import rules
from .models import AnnualHealthCheck, PersonalInfo, input_fields

# Sections of the printed forms, each starting at a model field (fields keep the printed order).
PERSONAL_INFO_SECTIONS = (
    ("work_unit", _("Work and contact")),
    ("blood_type", _("Social information")),
    ("drug_allergies", _("Allergies and exposure")),
    ("past_diseases", _("Past history")),
    ("family_father", _("Family history")),
    ("disabilities", _("Disability")),
    ("kitchen_exhaust", _("Living environment")),
)
HEALTH_CHECK_SECTIONS = (
    ("check_date", _("Check")),
    ("symptoms", _("Symptoms")),
    ("temperature", _("General state")),
    ("exercise_frequency", _("Lifestyle")),
    ("lips", _("Organ function")),
    ("fundus", _("Physical examination")),
    ("haemoglobin", _("Auxiliary tests")),
    ("cerebrovascular", _("Main current health problems")),
    ("hospitalisations", _("Hospitalisation")),
    ("medications", _("Main medications")),
    ("vaccinations", _("Non-programme vaccinations")),
    ("health_evaluation", _("Health evaluation")),
    ("guidance", _("Health guidance")),
)
HELP = {
    "self_rated_health": _("Residents aged 65 and over."),
    "mmse_score": _("When the cognitive screen is positive."),
    "depression_score": _("When the emotional screen is positive."),
    "alcohol_liang_per_day": _("1 liang = 50 g."),
    "fundus": _("Hypertension and diabetes patients."),
    "dorsalis_pedis": _("Diabetes patients."),
}
EMPTY_CHOICE = ("", "—")


@dataclass
class Table:
    name: str
    label: str
    headers: list
    rows: list = field(default_factory=list)  # list of lists of BoundFields


@dataclass
class Section:
    title: str
    fields: list = field(default_factory=list)
    tables: list = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.fields) or any(b.errors for t in self.tables for r in t.rows for b in r)


def sections_of(model, starts) -> list[tuple[str, list[models.Field]]]:
    """The model's input fields grouped into the printed form's sections."""
    begins = dict(starts)
    out: list[tuple[str, list]] = []
    for f in input_fields(model):
        if f.name in begins:
            out.append((begins[f.name], []))
        out[-1][1].append(f)
    return out


def _row_field(row_field, prefix_label):
    """One cell of a repeatable row; the table header shows the column, the aria-label says the whole."""
    field = _row_cell(row_field, f"{prefix_label} · {row_field.label}")
    field.widget.attrs["aria-label"] = field.label
    return field


def _row_cell(row_field, cell_label):
    common = {"label": cell_label, "required": False}
    if row_field.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if row_field.kind == "month":
        return forms.RegexField(regex=r"^\d{4}-\d{2}$", max_length=7,
                                widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}), **common)
    if row_field.kind == "code":
        return forms.ChoiceField(choices=[EMPTY_CHOICE, *choices(row_field.table)], **common)
    return forms.CharField(max_length=row_field.max_length, **common)


def _form_field(f: models.Field):
    common = {"label": f.verbose_name, "required": False, "help_text": HELP.get(f.name, "")}
    if hasattr(f, "code_table") and isinstance(f, models.JSONField):
        return forms.MultipleChoiceField(choices=choices(f.code_table), widget=forms.CheckboxSelectMultiple,
                                         **common)
    if hasattr(f, "code_table"):
        options = choices(f.code_table)
        item = f.name.removeprefix("self_care_")
        if item in rules.SELF_CARE_ITEMS:
            options = [(code, f"{text}（{rules.SELF_CARE_SCORES[item][int(code) - 1]}）") for code, text in options
                       if rules.self_care_offered(item, code)]
        return forms.ChoiceField(choices=[EMPTY_CHOICE, *options], **common)
    if isinstance(f, models.DateField):
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if isinstance(f, models.DecimalField):
        step = "0." + "0" * (f.decimal_places - 1) + "1" if f.decimal_places else "1"
        return forms.DecimalField(max_digits=f.max_digits, decimal_places=f.decimal_places,
                                  widget=forms.NumberInput(attrs={"step": step, "inputmode": "decimal"}), **common)
    if isinstance(f, models.IntegerField):
        return forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common)
    return forms.CharField(max_length=f.max_length, **common)


class RecordForm(forms.Form):
    """A form generated from one of the record models; `sections` lays it out as on paper."""

    model: type[models.Model]
    section_starts: tuple

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_lists = {}
        self.layout = sections_of(self.model, self.section_starts)
        for _title, model_fields in self.layout:
            for f in model_fields:
                if f.is_relation:
                    continue
                if hasattr(f, "row_spec"):
                    spec = f.row_spec
                    self.row_lists[f.name] = spec
                    for i in range(spec.max_rows):
                        for rf in spec.fields:
                            self.fields[f"{f.name}-{i}-{rf.name}"] = _row_field(rf, f"{f.verbose_name} {i + 1}")
                else:
                    self.fields[f.name] = _form_field(f)

    @property
    def sections(self) -> list[Section]:
        out = []
        for title, model_fields in self.layout:
            section = Section(title)
            for f in model_fields:
                if f.name in self.row_lists:
                    spec = self.row_lists[f.name]
                    table = Table(f.name, f.verbose_name, [rf.label for rf in spec.fields])
                    table.rows = [[self[f"{f.name}-{i}-{rf.name}"] for rf in spec.fields] for i in range(spec.max_rows)]
                    section.tables.append(table)
                elif f.name in self.fields:
                    section.fields.append(self[f.name])
            out.append(section)
        return out

    def to_data(self) -> dict:
        d = self.cleaned_data
        data = {}
        for name in self.fields:
            if "-" not in name:
                data[name] = d.get(name)
        for list_name, spec in self.row_lists.items():
            data[list_name] = []
            for i in range(spec.max_rows):
                row = {rf.name: d.get(f"{list_name}-{i}-{rf.name}") or "" for rf in spec.fields}
                if any(row.values()):
                    data[list_name].append(row)
        return data

    @classmethod
    def initial_for(cls, obj) -> dict:
        initial = {}
        for f in input_fields(cls.model):
            value = getattr(obj, f.attname)
            if hasattr(f, "row_spec"):
                for i, row in enumerate(value or []):
                    for key, cell in row.items():
                        initial[f"{f.name}-{i}-{key}"] = cell
            else:
                initial[f.name] = value
        return initial

    def add_action_error(self, exc) -> None:
        """An ActionError's field messages on the matching inputs ("medications.2.dose" → its cell), anything
        else above the form."""
        if not exc.fields:
            self.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            target = name.replace(".", "-")
            for message in messages:
                if target in self.fields:
                    self.add_error(target, message)
                elif name in self.row_lists:
                    self.add_error(None, f"{self.model._meta.get_field(name).verbose_name}: {message}")
                else:
                    self.add_error(None, message)


class PersonalInfoForm(RecordForm):
    model = PersonalInfo
    section_starts = PERSONAL_INFO_SECTIONS


class HealthCheckForm(RecordForm):
    model = AnnualHealthCheck
    section_starts = HEALTH_CHECK_SECTIONS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_date"].required = True
        scope = scope_for(user)
        doctors = User.objects.filter(is_active=True)
        if not scope.everything:
            doctors = doctors.filter(organisation_id__in=scope.org_ids)
        doctor_choices = [(u.pk, u.display_name) for u in doctors.order_by("full_name", "username")[:500]]
        self.fields["responsible_doctor"] = forms.TypedChoiceField(
            label=pgettext_lazy("health check", "Responsible doctor"), coerce=int, required=False, empty_value=None,
            choices=[("", _("— me —")), *doctor_choices])

    def to_data(self) -> dict:
        data = super().to_data()
        data["responsible_doctor_id"] = data.pop("responsible_doctor", None)
        return data


class StatusChangeForm(ActionErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Resident.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("Required for lost to follow-up and for returning a record to active."))
    death_date = forms.DateField(label=_("Date of death"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    death_cause = forms.CharField(label=_("Cause of death"), max_length=200, required=False)
    destination = forms.CharField(label=_("Moved to"), max_length=200, required=False)


def display_value(f: models.Field, value) -> str | list[str]:
    """A stored value as the user reads it: code labels in their language, rows as lines."""
    from .rows import describe_row

    if value in (None, "", []):
        return ""
    if hasattr(f, "row_spec"):
        return [describe_row(f.row_spec, row) for row in value]
    if hasattr(f, "code_table") and isinstance(value, list):
        return "、".join(label(f.code_table, code) for code in value)
    if hasattr(f, "code_table"):
        return label(f.code_table, value)
    if f.is_relation:
        return getattr(value, "display_name", str(value))
    return f"{value:%Y-%m-%d}" if hasattr(value, "strftime") else str(value)


def answered_sections(obj, starts) -> list[tuple[str, list[tuple[str, object]]]]:
    """The answered fields of a stored form, by section, for detail pages: (section, [(label, lines)])."""
    out = []
    for title, model_fields in sections_of(type(obj), starts):
        items = []
        for f in model_fields:
            value = display_value(f, getattr(obj, f.name))
            if value:
                items.append((f.verbose_name, value if isinstance(value, list) else [value]))
        if items:
            out.append((title, items))
    return out
