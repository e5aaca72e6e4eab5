from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Ecg


class UploadForm(forms.Form):
    file = forms.FileField(label=_("ECG file"), help_text=_(
        "DICOM 12-lead ECG, HL7 aECG XML, GE MUSE XML, SCP-ECG, WFDB (.zip, or the .hea with its .dat below) or CSV; at most 50 MB."))
    file2 = forms.FileField(label=_("Second WFDB file (.dat or .hea)"), required=False)
    chest_pain = forms.BooleanField(label=_("Chest pain"), required=False)
    chest_pain_onset = forms.DateTimeField(label=_("Chest pain onset"), required=False,
                                           widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    symptoms = forms.CharField(label=_("Symptoms"), max_length=300, required=False)
    requested_urgency = forms.ChoiceField(label=_("Urgency"), choices=Ecg.Urgency.choices, initial="routine")


class ReportForm(forms.Form):
    rhythm = forms.CharField(label=_("Rhythm"), max_length=100)
    heart_rate = forms.IntegerField(label=_("Heart rate (/min)"), min_value=10, max_value=350, required=False)
    axis_deg = forms.IntegerField(label=_("QRS axis (°)"), min_value=-180, max_value=180, required=False)
    pr_ms = forms.IntegerField(label=_("PR (ms)"), min_value=0, max_value=600, required=False)
    qrs_ms = forms.IntegerField(label=_("QRS (ms)"), min_value=0, max_value=400, required=False)
    qt_ms = forms.IntegerField(label=_("QT (ms)"), min_value=0, max_value=900, required=False)
    qtc_ms = forms.IntegerField(label=_("QTc (ms)"), min_value=0, max_value=900, required=False)
    phrases = forms.MultipleChoiceField(label=_("Conclusion"), choices=list(rules.PHRASES.items()), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    conclusion = forms.CharField(label=_("Free-text conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AmendForm(ReportForm):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)


def initial_report(ecg) -> dict:
    """The pre-analysis as the report form's starting point (the reader corrects it)."""
    a = ecg.analysis
    latest = ecg.reports.order_by("-version").first()
    if latest is not None:
        return {key: getattr(latest, key) for key in ReportForm.base_fields}
    return {"rhythm": str(rules.RHYTHM_LABELS.get(a.get("rhythm"), "")), "heart_rate": a.get("heart_rate"),
            "axis_deg": a.get("axis_deg"), "pr_ms": a.get("pr_ms"), "qrs_ms": a.get("qrs_ms"),
            "qt_ms": a.get("qt_ms"), "qtc_ms": a.get("qtc_bazett_ms")}
