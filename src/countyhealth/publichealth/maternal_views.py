"""Thin HTTP for maternal care: register a pregnancy, record visits and the delivery."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import maternal, rules
from .forms import DeliveryForm, MaternalVisitForm, PregnancyForm
from .views import _may_write, _resident, _submit


def _form_page(request, pk, form_class, action, *, title, done_message):
    """GET shows the form; a valid POST runs `action(resident, form)` and returns to the programmes page."""
    resident = _resident(request, pk)
    if not _may_write(request.user):
        raise Http404
    form = form_class(request.POST or None)
    result = _submit(request, form, lambda f: action(resident, f))
    if result:
        messages.success(request, done_message(result))
        return redirect("publichealth:resident-programmes", pk=resident.pk)
    return render(request, "publichealth/visit_form.html", {"resident": resident, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def register_pregnancy(request, pk):
    return _form_page(
        request, pk, PregnancyForm,
        lambda resident, f: maternal.do_register_pregnancy(acting_user=request.user, resident_id=resident.pk,
                                                           **f.cleaned_data),
        title=_("Register a pregnancy"),
        done_message=lambda p: _("Pregnancy registered; expected delivery %(edd)s.") % {"edd": p.edd.isoformat()})


@login_required
@require_http_methods(["GET", "POST"])
def maternal_visit_create(request, pk):
    return _form_page(
        request, pk, MaternalVisitForm,
        lambda resident, f: maternal.do_record_maternal_visit(acting_user=request.user, resident_id=resident.pk,
                                                              data=f.action_data()),
        title=_("Maternal visit"), done_message=visit_message)


def visit_message(visit) -> str:
    message = _("Recorded: %(visit)s.") % {"visit": rules.maternal_visit_label(visit.code)}
    if visit.findings:
        message += " " + _("Referred to the county hospital: %(reasons)s.") % {
            "reasons": "; ".join(f["label"] for f in visit.findings)}
    return message


@login_required
@require_http_methods(["GET", "POST"])
def delivery_create(request, pk):
    return _form_page(
        request, pk, DeliveryForm,
        lambda resident, f: maternal.do_record_delivery(acting_user=request.user, resident_id=resident.pk,
                                                        **f.cleaned_data),
        title=_("Record the delivery"), done_message=lambda p: _("Delivery recorded; postpartum visits scheduled."))
