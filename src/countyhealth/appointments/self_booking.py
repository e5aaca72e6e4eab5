"""The resident's own booking page (居民自助预约): no account; the resident identifies with the ID number and the
phone number on their record, then books a public slot at the county hospital or their own institutions. The
booking is made by the system user `system:self-booking`, so the audit log says who did it; reserved referral
slots are never offered here. Failed identifications are answered alike (no hint whether the ID exists)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from countyhealth.accounts.system import system_user
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.rules import PhoneError, normalise_id_number, normalise_phone

from . import actions
from .forms import free_slots, slot_label
from .models import Booking, Slot
from .queries import ancestor_paths

SESSION_KEY = "appointments_self_resident"


class IdentifyForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=18)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20)


def _identify(form) -> Resident | None:
    try:
        phone = normalise_phone(form.cleaned_data["phone"])
    except PhoneError:
        return None
    return Resident.objects.filter(id_number=normalise_id_number(form.cleaned_data["id_number"]), phone=phone,
                                   is_active=True).select_related("catchment_org").first()


def _offered(resident: Resident) -> list[Slot]:
    """Public slots at the resident's own clinic, its township centre and the county hospital."""
    orgs = Organisation.objects.filter(path__in=ancestor_paths(resident.catchment_org))
    slots = []
    for org in orgs:
        slots += free_slots(org, pools=(Slot.Pool.PUBLIC,), limit=60)
    return sorted(slots, key=lambda s: (s.starts_at, s.pk))


@require_http_methods(["GET", "POST"])
def self_booking(request):
    resident_id = request.session.get(SESSION_KEY)
    resident = Resident.objects.filter(pk=resident_id, is_active=True).select_related("catchment_org").first() \
        if resident_id else None
    form = IdentifyForm(request.POST if request.POST.get("step") == "identify" else None)
    if request.method == "POST" and request.POST.get("step") == "identify" and form.is_valid():
        resident = _identify(form)
        if resident is None:
            form.add_error(None, _("No record matches this ID number and phone number."))
        else:
            request.session[SESSION_KEY] = resident.pk
            return redirect("appointments:self-book")
    if request.method == "POST" and request.POST.get("step") == "book" and resident is not None:
        try:
            slot_id = int(request.POST.get("slot_id", ""))
            booking = actions.do_book(acting_user=system_user("self-booking"), slot_id=slot_id,
                                      resident_id=resident.pk, source=Booking.Source.SELF)
        except (ValueError, ActionError) as error:
            messages.error(request, str(getattr(error, "message", _("Choose a time slot."))))
        else:
            messages.success(request, _("Booked: %(when)s, %(org)s %(dept)s.") % {
                "when": timezone.localtime(booking.starts_at).strftime("%Y-%m-%d %H:%M"), "org": booking.organisation.name,
                "dept": booking.session.department.name})
        return redirect("appointments:self-book")
    if request.method == "POST" and request.POST.get("step") == "leave":
        request.session.pop(SESSION_KEY, None)
        return redirect("appointments:self-book")
    context = {"form": form, "resident": resident}
    if resident is not None:
        audit.record_access(system_user("self-booking"), [resident.pk], "appointments.self_booking")
        context["slots"] = [(s, slot_label(s)) for s in _offered(resident)]
        context["bookings"] = list(Booking.objects.filter(resident=resident).active()
                                   .select_related("organisation", "session__department").order_by("starts_at"))
    return render(request, "appointments/self_booking.html", context)
