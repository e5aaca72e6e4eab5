"""Input shapes of the referral pages; the rules live in the actions."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.appointments.forms import free_slots, slot_label
from countyhealth.appointments.models import Slot
from countyhealth.orgs.models import Department, Organisation, OrgType

from .models import Referral


def _slot_choices(organisation, pools, department_id=None):
    return [("", _("No appointment now"))] + [
        (s.pk, slot_label(s)) for s in free_slots(organisation, pools=pools, department_id=department_id)]


class ReferUpForm(forms.Form):
    reason = forms.CharField(label=_("Reason for referral"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices)
    department_id = forms.TypedChoiceField(label=_("Target department"), coerce=int, required=False,
                                           empty_value=None)
    slot_id = forms.TypedChoiceField(label=_("Appointment (reserved for referrals)"), coerce=int, required=False,
                                     empty_value=None)

    def __init__(self, *args, hospital, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(organisation=hospital).exclude(kind__in=["ecg", "lab", "radiology"])
        self.fields["department_id"].choices = [("", "—")] + [(d.pk, d.name) for d in departments.order_by("name")]
        self.fields["slot_id"].choices = _slot_choices(hospital, (Slot.Pool.REFERRAL, Slot.Pool.PUBLIC))


class ReferDownForm(forms.Form):
    to_org_id = forms.TypedChoiceField(label=_("Refer to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500, initial=_("Condition stable: continued management in primary care"))
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=200, required=False)
    discharge_summary = forms.CharField(label=_("Discharge summary"), widget=forms.Textarea(attrs={"rows": 4}))
    programme = forms.ChoiceField(label=_("Continued management"), required=False, choices=[
        ("", _("No programme")), ("hypertension", _("Hypertension management")),
        ("diabetes", _("Type 2 diabetes management"))])
    next_followup_on = forms.DateField(label=_("Next follow-up by"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Care plan notes"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(is_active=True, org_type__in=[OrgType.TOWNSHIP_CENTRE,
                                                                         OrgType.VILLAGE_CLINIC]).order_by("path")
        self.fields["to_org_id"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["to_org_id"].initial = resident.catchment_org_id
        self.fields["next_followup_on"].initial = timezone.localdate() + timedelta(days=14)

    def action_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        next_on = data.pop("next_followup_on")
        data["care_plan"] = {"programme": data.pop("programme"), "notes": data.pop("notes"),
                             "next_followup_on": next_on.isoformat() if next_on else ""}
        return data


class AcceptForm(forms.Form):
    slot_id = forms.TypedChoiceField(label=_("Appointment slot"), coerce=int, required=False, empty_value=None)
    admission_at = forms.DateTimeField(label=_("or admission time"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot_id"].choices = _slot_choices(referral.to_org, (Slot.Pool.REFERRAL, Slot.Pool.PUBLIC),
                                                       referral.department_id)
        if referral.booking_id:
            self.fields["slot_id"].choices[0] = ("", _("Keep the slot the sender booked"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback to the referring doctor"), widget=forms.Textarea(attrs={"rows": 3}))
