from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit.log import record_access
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from . import actions, catalogue, queries, rules
from .forms import BillForm, ReconcileForm, ReverseForm
from .models import Settlement
from .permissions import MANAGES, SETTLES, may


def _require(user, roles):
    if not may(user, roles):
        raise PermissionDenied


def _settlement(request, pk):
    return get_visible_or_404(Settlement.objects, request.user, what="insurance.settlement", pk=pk)


def _form_error(form, error: ActionError):
    form.add_error(None, str(error.message))


@login_required
def settlement_list(request):
    status = request.GET.get("status", "")
    if status not in Settlement.Status.values:
        status = ""
    page = paginate(queries.settlements(request.user, status=status), request.GET.get("page"), size=30)
    waiting = list(queries.visits_to_settle(request.user)[:20]) if may(request.user, SETTLES) else []
    record_access(request.user, [s.resident_id for s in page.items] + [v.resident_id for v in waiting],
                  "insurance.settlement_list")
    return render(request, "insurance/settlement_list.html", {
        "page": page, "status": status, "statuses": Settlement.Status.choices, "waiting": waiting,
        "query": f"status={status}" if status else ""})


@login_required
def resident_bill(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="insurance.resident", pk=pk)
    _require(request.user, SETTLES)
    institutions = queries.institutions(request.user)
    form = BillForm(request.POST or None, institutions=institutions,
                    initial={"organisation": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        lines = [catalogue.counter_line(code, qty) for code, qty in form.quantities()]
        visit_ref = request.POST.get("visit_ref") or f"counter:{resident.pk}:{timezone.now():%Y%m%d%H%M%S%f}"
        try:
            settlement = actions.do_presettle(acting_user=request.user, resident_id=resident.pk,
                                              organisation_id=form.cleaned_data["organisation"].pk,
                                              visit_ref=visit_ref, lines=lines)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect("insurance:settlement-detail", pk=settlement.pk)
    record_access(request.user, [resident.pk], "insurance.bill")
    return render(request, "insurance/bill.html", {"resident": resident, "form": form})


@login_required
@require_POST
def visit_presettle(request, pk):
    from countyhealth.clinic.models import Visit

    visit = get_visible_or_404(Visit.objects, request.user, what="insurance.visit", pk=pk)
    _require(request.user, SETTLES)
    try:
        settlement = actions.do_presettle_visit(acting_user=request.user, visit=visit)
    except ActionError as error:
        messages.error(request, str(error.message))
        return redirect("insurance:settlement-list")
    return redirect("insurance:settlement-detail", pk=settlement.pk)


@login_required
def settlement_detail(request, pk):
    settlement = _settlement(request, pk)
    record_access(request.user, [settlement.resident_id], "insurance.settlement")
    return render(request, "insurance/settlement_detail.html", {
        "s": settlement, "items": settlement.items.all(), "changes": settlement.changes.select_related("by"),
        "reverse_form": ReverseForm(), "may_settle": may(request.user, SETTLES)})


def _act(request, pk, run, done: str):
    settlement = _settlement(request, pk)
    _require(request.user, SETTLES)
    try:
        run(settlement)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("insurance:settlement-detail", pk=settlement.pk)


@login_required
@require_POST
def settlement_settle(request, pk):
    return _act(request, pk, lambda s: actions.do_settle(acting_user=request.user, settlement_id=s.pk),
                _("Settled. The patient pays their share only."))


@login_required
@require_POST
def settlement_reverse(request, pk):
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda s: actions.do_reverse_settlement(acting_user=request.user, settlement_id=s.pk,
                                                                     reason=reason),
                _("The settlement has been reversed."))


@login_required
def settlement_receipt(request, pk):
    settlement = _settlement(request, pk)
    if settlement.status not in (rules.SETTLED, rules.REVERSED):
        return redirect("insurance:settlement-detail", pk=settlement.pk)
    record_access(request.user, [settlement.resident_id], "insurance.receipt")
    return render(request, "insurance/receipt.html", {"s": settlement, "items": settlement.items.all()})


@login_required
def qualification_list(request):
    qualified = request.GET.get("qualified", "1")
    page = paginate(queries.qualifications(request.user, qualified=qualified), request.GET.get("page"), size=30)
    record_access(request.user, [q.resident_id for q in page.items], "insurance.qualification_list")
    for q in page.items:
        q.reason_text = [rules.describe(r) for r in q.reasons]
    return render(request, "insurance/qualification_list.html", {
        "page": page, "qualified": qualified, "query": f"qualified={qualified}",
        "may_run": may(request.user, MANAGES)})


@login_required
@require_POST
def qualification_run(request):
    _require(request.user, MANAGES)
    org = request.user.organisation
    scope = None if org.parent_id is None else list(Organisation.objects.subtree_of(org).values_list("id", flat=True))
    try:
        counts = actions.do_run_qualification(acting_user=request.user, organisation_ids=scope)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Checked %(checked)s residents: %(qualified)s qualify, %(changed)s changed, "
                                    "%(sent)s sent to insurance.") % counts)
    return redirect("insurance:qualification-list")


@login_required
def reconciliation(request):
    _require(request.user, MANAGES | SETTLES)
    form = ReconcileForm(request.POST or None, institutions=queries.institutions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            run = actions.do_reconcile(acting_user=request.user, organisation_id=form.cleaned_data["organisation"].pk,
                                       day=form.cleaned_data["day"])
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Balanced.") if run.balanced else _("Not balanced: see the mismatches."))
            return redirect("insurance:reconciliation")
    page = paginate(queries.reconciliation_runs(request.user), request.GET.get("page"), size=20)
    return render(request, "insurance/reconciliation.html", {"form": form, "page": page})


@login_required
def workload(request):
    institutions = queries.institutions(request.user)
    roots = Organisation.objects.filter(org_type__in=["health_bureau", "county_hospital", "township_centre"])
    root = None
    if request.GET.get("org"):
        root = roots.filter(pk=request.GET["org"]).first()
        if root is not None and not institutions.filter(path__startswith=root.path).exists():
            root = None
    data = queries.workload(request.user, root=root, today=timezone.localdate())
    data["text"] = {"visits": _("Visits"), "prescriptions": _("Prescriptions"), "fund": _("Insurance pays"), "patient": _("Patient pays"),
                    "lb": _("of which hypertension/diabetes benefit"), "fees": _("Fees"), "yuan": _("yuan")}
    return render(request, "insurance/workload.html", {"data": data, "root": root,
                                                       "roots": roots.filter(pk__in=_visible_roots(institutions))})


def _visible_roots(institutions):
    parents = set(institutions.values_list("parent_id", flat=True))
    return parents | set(institutions.filter(org_type="township_centre").values_list("pk", flat=True))
