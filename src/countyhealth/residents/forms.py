"""Input shape for the resident pages. The identity rules live in the actions, whose errors land on these
fields (`add_action_error`), so the browser and the API give the same messages."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from countyhealth.core.codes import ETHNICITY, SEX, choices
from countyhealth.core.forms import ActionErrorsMixin

from .actions import ResidentData
from .models import Household, Resident
from .queries import villages_for

# Action field names that differ from the form's.
ACTION_TO_FORM_FIELD = {"village_id": "village", "household_id": "household"}


def _optional_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ResidentForm(ActionErrorsMixin, forms.Form):
    # Name and village are required by the action, which reports them together with the identity checks;
    # a form-level "required" would hide those until the user had fixed these two.
    name = forms.CharField(label=pgettext_lazy("resident", "Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number"), max_length=24, required=False,
        help_text=_("18 characters. Date of birth and sex are taken from it when left empty."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            help_text=_("Mobile (11 digits) or landline with area code."),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), initial="01")
    residence_type = forms.ChoiceField(label=_("Residence type"), choices=Resident.ResidenceType.choices,
                                       initial=Resident.ResidenceType.REGISTERED)
    village = forms.TypedChoiceField(label=_("Village"), coerce=int, required=False, empty_value=None)
    household = forms.TypedChoiceField(label=_("Household"), coerce=int, required=False, empty_value=None,
                                       help_text=_("Choose the family's household, or leave empty and enter an "
                                                   "address to create one."))
    household_address = forms.CharField(label=_("Address of a new household"), max_length=200, required=False)
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked the similar records: this is a different person, save anyway."), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", _("— from the ID number —")), *choices(SEX)]
        self.fields["ethnicity"].choices = choices(ETHNICITY)
        villages = list(villages_for(user).order_by("division_code").values_list("id", "name"))
        self.fields["village"].choices = [("", _("— select —")), *villages]
        if len(villages) == 1 and not self.is_bound and not self.initial.get("village"):
            self.initial["village"] = villages[0][0]
        village_id = self.data.get(self.add_prefix("village")) if self.is_bound else self.initial.get("village")
        self.fields["household"].choices = [("", _("— new household / none —")),
                                            *household_choices(_optional_int(village_id))]
        # Picking a village reloads the household choices (htmx); without JavaScript the form re-renders them.
        self.fields["village"].widget.attrs.update({
            "hx-get": reverse("residents:household-options"), "hx-trigger": "change", "hx-target": "#id_household",
        })

    def to_data(self) -> ResidentData:
        d = self.cleaned_data
        return ResidentData(
            name=d["name"], village_id=d["village"], sex=d["sex"] or "", birth_date=d["birth_date"],
            id_number=d["id_number"], phone=d["phone"], ethnicity=d["ethnicity"],
            residence_type=d["residence_type"], household_id=d["household"],
            household_address=d["household_address"],
        )

    def form_field_for(self, action_field: str) -> str:
        return ACTION_TO_FORM_FIELD.get(action_field, action_field)

    @classmethod
    def initial_for(cls, resident: Resident) -> dict:
        return {
            "name": resident.name, "id_number": resident.id_number or "", "sex": resident.sex,
            "birth_date": resident.birth_date, "phone": resident.phone, "ethnicity": resident.ethnicity,
            "residence_type": resident.residence_type, "village": resident.village_id,
            "household": resident.household_id,
        }


def household_choices(village_id: int | None) -> list[tuple[int, str]]:
    if village_id is None:
        return []
    rows = Household.objects.filter(village_id=village_id).order_by("number").values_list("id", "number", "address")
    return [(pk, f"{number} · {address}" if address else number) for pk, number, address in rows]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"size": 60}))


class MergeForm(ReasonForm):
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        a, b = candidate.resident_a, candidate.resident_b
        self.fields["keep"].choices = [(a.pk, f"{a.name} (#{a.pk})"), (b.pk, f"{b.name} (#{b.pk})")]


class BreakGlassForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=24)
    reason = forms.CharField(label=_("Reason for emergency access"), max_length=200,
                             help_text=_("Recorded in the audit log and reviewed by the consortium."))
