from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalogue
from .models import LabReport


class AcknowledgeForm(forms.Form):
    readback_value = forms.CharField(label=_("Read-back: type the value you received"), max_length=40)
    action_taken = forms.CharField(label=_("Action taken"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class OrderForm(forms.Form):
    test_code = forms.ChoiceField(label=_("Test"), choices=catalogue.choices())
    reason = forms.CharField(label=_("Reason for repeating the test"), max_length=300, required=False)
    accept_result_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


ENTRY_ROWS = 6


class ResultEntryForm(forms.Form):
    """A report typed in: when the specimen was taken, the lab's report number, QC, then up to six results."""

    specimen_at = forms.DateTimeField(label=_("Specimen collected"), input_formats=["%Y-%m-%dT%H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    report_number = forms.CharField(label=_("Report number"), max_length=64, required=False)
    qc_status = forms.ChoiceField(label=_("Quality control"), choices=LabReport.QC.choices,
                                  initial=LabReport.QC.PASSED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tests = [("", "—"), *catalogue.choices()]
        for n in range(1, ENTRY_ROWS + 1):
            # Rendered in a table without <label>s: aria-label names each cell's control, the placeholders
            # stand in for the column headings hidden on a phone.
            self.fields[f"test_{n}"] = forms.ChoiceField(label=_("Test"), choices=tests, required=False,
                                                         widget=forms.Select(attrs={"aria-label": _("Test")}))
            self.fields[f"value_{n}"] = forms.CharField(label=_("Value"), max_length=40, required=False,
                                                        widget=forms.TextInput(attrs={
                                                            "placeholder": _("Value"), "aria-label": _("Value"),
                                                            "inputmode": "decimal"}))
            self.fields[f"unit_{n}"] = forms.CharField(label=_("Unit"), max_length=20, required=False,
                                                       help_text=_("Blank: the test's usual unit"),
                                                       widget=forms.TextInput(attrs={
                                                           "placeholder": _("Usual unit"), "aria-label": _("Unit")}))

    def row_fields(self):
        return [(self[f"test_{n}"], self[f"value_{n}"], self[f"unit_{n}"]) for n in range(1, ENTRY_ROWS + 1)]

    def rows(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(data[f"test_{n}"], data[f"value_{n}"], data[f"unit_{n}"]) for n in range(1, ENTRY_ROWS + 1)]


class ResultUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file of results"))
