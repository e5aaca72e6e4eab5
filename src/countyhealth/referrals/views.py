"""Thin HTTP for referrals: incoming/outgoing lists, refer up or down, the referral with its timeline and the
receiving side's answers, the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.appointments.forms import add_action_error, submit
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, dashboard, queries, rules
from .forms import AcceptForm, FeedbackForm, ReasonForm, ReferDownForm, ReferUpForm
from .models import Referral


def _resident(request, pk) -> Resident:
    return get_visible_or_404(Resident.objects, request.user, what="referrals.resident", pk=pk)


def _referral(request, pk) -> Referral:
    return get_visible_or_404(Referral.objects.select_related("resident", "from_org", "to_org", "department",
                                                             "booking__session__department"),
                              request.user, what="referrals.referral", pk=pk)


@login_required
def referral_list(request):
    which = request.GET.get("box") if request.GET.get("box") in queries.BOXES else "incoming"
    status = request.GET.get("status") if request.GET.get("status") in Referral.Status.values else None
    page = paginate(queries.box(request.user, which, status=status), request.GET.get("page"), size=30)
    audit.record_access(request.user, [r.resident_id for r in page.items], "referrals.list")
    return render(request, "referrals/list.html", {
        "page": page, "box": which, "status": status, "statuses": Referral.Status.choices,
        "query": f"box={which}" + (f"&status={status}" if status else "")})


@login_required
def resident_referrals(request, pk):
    resident = _resident(request, pk)
    rows = list(Referral.objects.visible_to(request.user).filter(resident=resident)
                .select_related("from_org", "to_org").order_by("-created_at")[:50])
    audit.record_access(request.user, [resident.pk], "referrals.resident")
    return render(request, "referrals/resident.html", {"resident": resident, "referrals": rows})


@login_required
@require_http_methods(["GET", "POST"])
def refer_up(request, pk):
    resident = _resident(request, pk)
    try:
        hospital = actions.county_hospital()
    except ActionError as error:
        messages.error(request, str(error.message))
        return redirect("referrals:resident", pk=resident.pk)
    form = ReferUpForm(request.POST or None, hospital=hospital)
    referral = submit(request, form, lambda f: actions.do_refer_up(acting_user=request.user, resident_id=resident.pk,
                                                                   **f.cleaned_data))
    if referral:
        messages.success(request, _("The referral has been sent to %(org)s.") % {"org": hospital.name})
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/form.html", {"resident": resident, "form": form,
                                                   "title": _("Refer to the county hospital")})


@login_required
@require_http_methods(["GET", "POST"])
def refer_down(request, pk):
    resident = _resident(request, pk)
    form = ReferDownForm(request.POST or None, resident=resident)
    referral = submit(request, form, lambda f: actions.do_refer_down(acting_user=request.user,
                                                                     resident_id=resident.pk, **f.action_kwargs()))
    if referral:
        messages.success(request, _("The patient has been referred back with the care plan."))
        return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/form.html", {"resident": resident, "form": form,
                                                   "title": _("Refer back to primary care")})


def _forms(referral, data=None, which=None):
    def bound(name):
        return data if which == name else None

    return {
        "accept_form": AcceptForm(bound("accept"), referral=referral, prefix="accept"),
        "decline_form": ReasonForm(bound("decline"), prefix="decline"),
        "cancel_form": ReasonForm(bound("cancel"), prefix="cancel"),
        "complete_form": FeedbackForm(bound("complete"), prefix="complete"),
    }


def _render_detail(request, referral, forms):
    sides = actions.sides(request.user, referral)
    allowed = {new for new, who in rules.TRANSITIONS.get(referral.status, {}).items() if who in sides}
    return render(request, "referrals/detail.html", {
        "referral": referral, "events": referral.events.select_related("by").order_by("at", "id"),
        "allowed": allowed, **forms})


@login_required
def referral_detail(request, pk):
    referral = _referral(request, pk)
    audit.record_access(request.user, [referral.resident_id], "referrals.detail")
    return _render_detail(request, referral, _forms(referral))


ACTIONS = {
    "accept": (lambda user, pk, d: actions.do_accept_referral(acting_user=user, referral_id=pk, **d)),
    "decline": (lambda user, pk, d: actions.do_decline_referral(acting_user=user, referral_id=pk, **d)),
    "cancel": (lambda user, pk, d: actions.do_cancel_referral(acting_user=user, referral_id=pk, **d)),
    "complete": (lambda user, pk, d: actions.do_complete_referral(acting_user=user, referral_id=pk, **d)),
    "arrive": (lambda user, pk, d: actions.do_mark_arrived(acting_user=user, referral_id=pk)),
}


@login_required
@require_POST
def referral_act(request, pk, action):
    referral = _referral(request, pk)
    if action not in ACTIONS:
        raise Http404
    forms = _forms(referral, request.POST, action)
    form = forms.get(f"{action}_form")
    if form is not None and not form.is_valid():
        return _render_detail(request, referral, forms)
    try:
        ACTIONS[action](request.user, referral.pk, form.cleaned_data if form is not None else {})
    except ActionError as error:
        if form is None or not error.fields:  # a status conflict: the form it came from may be gone
            messages.error(request, str(error.message))
            return redirect("referrals:detail", pk=referral.pk)
        add_action_error(form, error)
        return _render_detail(request, referral, forms)
    messages.success(request, _("Saved."))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
def dashboard_page(request):
    return render(request, "referrals/dashboard.html", {"figures": dashboard.figures(request.user)})
