"""Input shapes of the appointment pages; the rules live in the actions."""

from datetime import time, timedelta

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError
from countyhealth.orgs.models import Department

from .models import Slot


def add_action_error(form, error: ActionError) -> None:
    """An action's refusal lands on the form field it names, or on the form."""
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))
    if not error.fields or not any(name in form.fields for name in error.fields):
        if not form.non_field_errors():
            form.add_error(None, str(error.message))


def submit(request, form, action):
    """On a valid POST run `action(form)`; an ActionError lands on the form. The action's result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form)
    except ActionError as error:
        add_action_error(form, error)
        return None


class SessionForm(forms.Form):
    department_id = forms.TypedChoiceField(label=_("Department"), coerce=int)
    doctor_id = forms.TypedChoiceField(label=_("Doctor"), coerce=int, required=False, empty_value=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts"), initial=time(8, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends"), initial=time(11, 30), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label=_("Minutes per time slot"), initial=30, min_value=5, max_value=240)
    capacity = forms.IntegerField(label=_("Patients per time slot"), initial=4, min_value=1, max_value=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organisation
        departments = Department.objects.filter(organisation=org).order_by("name") if org else []
        self.fields["department_id"].choices = [(d.pk, d.name) for d in departments]
        doctors = org.users.filter(is_active=True, is_system=False).order_by("full_name") if org else []
        self.fields["doctor_id"].choices = [("", _("Any doctor of the department"))] + [
            (u.pk, u.display_name) for u in doctors]
        self.fields["date"].initial = timezone.localdate() + timedelta(days=1)


def slot_label(slot: Slot) -> str:
    local = timezone.localtime(slot.starts_at)
    pool = _("reserved") if slot.pool == Slot.Pool.REFERRAL else _("public")
    doctor = slot.session.doctor.display_name if slot.session.doctor_id else ""
    return (f"{local:%Y-%m-%d %H:%M} · {slot.session.department.name}{' · ' + doctor if doctor else ''}"
            f" · {pool} · {_('free')} {slot.capacity - slot.booked}")


def free_slots(organisation, *, pools, department_id=None, days: int = 14, limit: int = 200):
    now = timezone.now()
    slots = (Slot.objects.filter(session__organisation=organisation, is_open=True, pool__in=pools,
                                 booked__lt=F("capacity"), starts_at__gt=now,
                                 starts_at__lt=now + timedelta(days=days))
             .select_related("session__department", "session__doctor", "session__organisation").order_by("starts_at", "-pool", "id"))
    if department_id:
        slots = slots.filter(session__department_id=department_id)
    return list(slots[:limit])


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("completed", _("Seen")), ("no_show", _("No-show"))])
