"""Input shape of the programme forms; the rules are applied by `actions` (one source for browser and API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FollowUpVisit, Pregnancy
from .rules import DiabetesDangerSign, HypertensionDangerSign, MaternalDangerSign, Programme, VisitMode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ENROLLABLE = [(p.value, p.label) for p in Programme if p != Programme.MATERNAL]


class EnrolForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=ENROLLABLE)
    enrolled_on = forms.DateField(label=_("Enrolled on"), widget=DATE, initial=timezone.localdate)
    diagnosis_date = forms.DateField(label=_("Diagnosis date"), widget=DATE, required=False)


class EndEnrolmentForm(forms.Form):
    REASONS = [("lost", _("Lost to follow-up")), ("dead", _("Death")), ("moved_out", _("Moved out")),
               ("diagnosis_revised", _("Diagnosis revised")), ("aged_out", _("Aged out of the programme")),
               ("pregnancy_loss", _("Pregnancy ended without a birth"))]
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    ended_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)


class FollowUpForm(forms.Form):
    """PHS3 附件 高血压/2型糖尿病患者随访服务记录表."""

    visit_date = forms.DateField(label=_("Visit date"), widget=DATE, initial=timezone.localdate)
    mode = forms.ChoiceField(label=_("Visit mode"), choices=[(m.value, m.label) for m in VisitMode],
                             initial=VisitMode.CLINIC.value)
    danger_signs = forms.MultipleChoiceField(label=_("Danger signs"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    sbp = forms.IntegerField(label=_("Systolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    dbp = forms.IntegerField(label=_("Diastolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    heart_rate = forms.IntegerField(label=_("Heart rate (/min)"), required=False, min_value=0, max_value=999)
    temperature = forms.DecimalField(label=_("Temperature (℃)"), required=False, max_digits=3, decimal_places=1)
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, max_digits=4, decimal_places=1,
                                   min_value=0)
    height_cm = forms.DecimalField(label=_("Height (cm)"), required=False, max_digits=4, decimal_places=1,
                                   min_value=0)
    fpg = forms.DecimalField(label=_("Fasting glucose (mmol/L)"), required=False, max_digits=4, decimal_places=2,
                             min_value=0)
    random_glucose = forms.DecimalField(label=_("Random glucose (mmol/L)"), required=False, max_digits=4,
                                        decimal_places=2, min_value=0)
    dorsalis_pedis = forms.ChoiceField(label=_("Dorsalis pedis pulse"), required=False,
                                       choices=[("", "—"), *FollowUpVisit.Pulse.choices])
    cigarettes_per_day = forms.IntegerField(label=_("Cigarettes per day"), required=False, min_value=0,
                                            max_value=200)
    alcohol_ml_per_day = forms.IntegerField(label=_("Liquor per day (ml)"), required=False, min_value=0,
                                            max_value=5000)
    exercise_sessions_per_week = forms.IntegerField(label=_("Exercise sessions per week"), required=False,
                                                    min_value=0, max_value=50)
    exercise_minutes = forms.IntegerField(label=_("Minutes per session"), required=False, min_value=0,
                                          max_value=1440)
    salt = forms.ChoiceField(label=_("Salt intake"), required=False, choices=[("", "—"), *FollowUpVisit.Salt.choices])
    staple_food_g_per_day = forms.IntegerField(label=_("Staple food per day (g)"), required=False, min_value=0,
                                               max_value=5000)
    adherence = forms.ChoiceField(label=_("Medication adherence"), required=False,
                                  choices=[("", "—"), *FollowUpVisit.Adherence.choices])
    adr = forms.BooleanField(label=_("Adverse drug reaction"), required=False)
    adr_uncontrollable = forms.BooleanField(label=_("Adverse reaction cannot be controlled"), required=False)
    new_or_worse_complication = forms.BooleanField(label=_("New or worse complication"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    lactating = forms.BooleanField(label=_("Lactating"), required=False)
    other_unmanageable = forms.BooleanField(label=_("Another condition the clinic cannot handle"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        signs = HypertensionDangerSign if programme == Programme.HYPERTENSION else DiabetesDangerSign
        self.fields["danger_signs"].choices = [(s.value, s.label) for s in signs]
        if programme == Programme.HYPERTENSION:
            for name in ("fpg", "random_glucose", "dorsalis_pedis", "staple_food_g_per_day"):
                del self.fields[name]

    def action_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])} | {
            "danger_signs": self.cleaned_data.get("danger_signs") or []}


class ChildVisitForm(forms.Form):
    TRISTATE = [("", "—"), ("true", _("Normal")), ("false", _("Abnormal"))]
    visit_date = forms.DateField(label=_("Visit date"), widget=DATE, initial=timezone.localdate)
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, max_digits=4, decimal_places=2, min_value=0)
    length_cm = forms.DecimalField(label=_("Length/height (cm)"), required=False, max_digits=4, decimal_places=1,
                                   min_value=0)
    head_circumference_cm = forms.DecimalField(label=_("Head circumference (cm)"), required=False, max_digits=3,
                                               decimal_places=1, min_value=0)
    haemoglobin = forms.IntegerField(label=_("Haemoglobin (g/L)"), required=False, min_value=0, max_value=999)
    hearing_normal = forms.NullBooleanField(label=_("Hearing screen"), required=False,
                                            widget=forms.Select(choices=TRISTATE))
    vision_normal = forms.NullBooleanField(label=_("Vision screen"), required=False,
                                           widget=forms.Select(choices=TRISTATE))
    development_normal = forms.NullBooleanField(label=_("Development"), required=False,
                                                widget=forms.Select(choices=TRISTATE))
    guidance = forms.CharField(label=_("Guidance"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    referred = forms.BooleanField(label=_("Referred"), required=False)

    def action_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class PregnancyForm(forms.Form):
    """PHS3 §7 建册: 第1次产前检查服务记录表's header."""

    lmp = forms.DateField(label=_("Last menstrual period"), widget=DATE)
    edd = forms.DateField(label=_("Expected date of delivery (if corrected by ultrasound)"), widget=DATE,
                          required=False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, initial=timezone.localdate)
    gravidity = forms.IntegerField(label=_("Gravidity"), min_value=1, max_value=20, initial=1)
    parity = forms.IntegerField(label=_("Parity"), min_value=0, max_value=19, initial=0)


class MaternalVisitForm(forms.Form):
    visit_date = forms.DateField(label=_("Visit date"), widget=DATE, initial=timezone.localdate)
    danger_signs = forms.MultipleChoiceField(label=_("Danger signs"), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             choices=[(s.value, s.label) for s in MaternalDangerSign])
    sbp = forms.IntegerField(label=_("Systolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    dbp = forms.IntegerField(label=_("Diastolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, max_digits=4, decimal_places=1,
                                   min_value=0)
    haemoglobin = forms.IntegerField(label=_("Haemoglobin (g/L)"), required=False, min_value=0, max_value=999)
    fundal_height_cm = forms.DecimalField(label=_("Fundal height (cm)"), required=False, max_digits=3,
                                          decimal_places=1, min_value=0)
    fetal_heart_rate = forms.IntegerField(label=_("Fetal heart rate (/min)"), required=False, min_value=0,
                                          max_value=999)
    guidance = forms.CharField(label=_("Guidance"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def action_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])} | {
            "danger_signs": self.cleaned_data.get("danger_signs") or []}


class DeliveryForm(forms.Form):
    delivery_date = forms.DateField(label=_("Delivery date"), widget=DATE, initial=timezone.localdate)
    place = forms.ChoiceField(label=_("Place of delivery"), choices=Pregnancy.Place.choices)
    discharge_date = forms.DateField(label=_("Discharge date"), widget=DATE, required=False)
    live_births = forms.IntegerField(label=_("Live births"), min_value=0, max_value=6, initial=1)
