from django import forms
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError

from .actions import CARD_FIELDS
from .models import CaseReport


class CardForm(forms.ModelForm):
    class Meta:
        model = CaseReport
        fields = list(CARD_FIELDS)
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "onset_date": forms.DateInput(attrs={"type": "date"}),
            "death_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # mandatory fields are checked by the action on submission (§2.3)
        subtypes = self.instance.disease.subtypes if self.instance.pk else []
        self.fields["disease_subtype"] = forms.ChoiceField(
            label=_("subtype"), required=False,
            choices=[("", "—")] + [(s["code"], s["name_zh"]) for s in subtypes])
        self.fields["sex"] = forms.ChoiceField(label=_("sex"), choices=[("1", _("Male")), ("2", _("Female"))])

    def add_action_error(self, error: ActionError) -> None:
        placed = False
        for field, msgs in error.fields.items():
            if field in self.fields:
                for message in msgs:
                    self.add_error(field, str(message))
                placed = True
        if not placed:
            self.add_error(None, str(error.message))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))
