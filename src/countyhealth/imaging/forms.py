"""Input shapes only; the actions validate the content."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImagingStudy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".dcm,.zip,application/dicom,application/zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("DICOM files or a zip"),
                              help_text=_("Several .dcm files, or one zip of the study (up to 100 files at once; "
                                          "zip larger studies)."))
    clinical_question = forms.CharField(label=_("Clinical question"), max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=ImagingStudy.Urgency.choices,
                                initial=ImagingStudy.Urgency.ROUTINE)
    confirm_mismatch = forms.BooleanField(label=_("I checked: these images belong to this resident"),
                                          required=False)


class ReportForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 8}))
    impression = forms.CharField(label=_("Impression"), widget=forms.Textarea(attrs={"rows": 4}))


class AmendForm(ReportForm):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=500)
