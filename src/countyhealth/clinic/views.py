"""Pages of the clinic: the day's visits, the visit workspace (vitals, public-health prompts, diagnoses, orders,
prescription with review, dispensing, fees), stock and shortages. Thin: forms in, actions do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.forms import FollowUpForm
from countyhealth.publichealth.rules import Programme
from countyhealth.residents import queries as residents
from countyhealth.residents.models import Resident

from . import actions, queries
from .actions.common import CLINICIANS
from .actions.prescriptions import ReviewStopped
from .actions.visits import visit_diagnoses
from .forms import (
    AdjustStockForm,
    CancelVisitForm,
    DiagnosisForm,
    OrderForm,
    PrescriptionForm,
    ReceiveStockForm,
    ReturnStockForm,
    ShortageForm,
    VisitForm,
)
from .models import Prescription, StockBatch, Visit
from .rules.status import EDITABLE


def _form_errors(form, error: ActionError) -> None:
    for name, msgs in error.fields.items():
        target = name if name in form.fields else None
        for msg in msgs:
            form.add_error(target, str(msg))
    if not error.fields:
        form.add_error(None, str(error.message))


def _submit(request, form, action):
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form)
    except ActionError as error:
        _form_errors(form, error)
        return None


def _is_clinician(user) -> bool:
    return user.role in CLINICIANS


def _visit(request, pk) -> Visit:
    return get_visible_or_404(Visit.objects.select_related("resident", "resident__village", "doctor", "organisation"),
                              request.user, what="clinic.visit", pk=pk)


@login_required
def visit_list(request):
    """Today's (or a chosen day's) visits at the user's institution, and a search to start a new one."""
    day = request.GET.get("day") or ""
    try:
        on = timezone.datetime.strptime(day, "%Y-%m-%d").date() if day else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    page = paginate(queries.visits_at(request.user, on=on), request.GET.get("page"), size=50)
    q = (request.GET.get("q") or "").strip()
    found = []
    if q:
        found = list(residents.search(Resident.objects.visible_to(request.user).listed(), q)
                     .select_related("village")[:20])
    audit.record_access(request.user, [v.resident_id for v in page.items] + [r.pk for r in found], "clinic.visit_list")
    return render(request, "clinic/visit_list.html", {
        "page": page, "on": on, "q": q, "found": found, "may_open": _is_clinician(request.user),
        "querystring": f"day={on:%Y-%m-%d}"})


@login_required
@require_http_methods(["GET", "POST"])
def visit_open(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="clinic.resident", pk=pk)
    if not _is_clinician(request.user):
        raise Http404
    form = VisitForm(request.POST or None)
    visit = _submit(request, form, lambda f: actions.do_open_visit(acting_user=request.user, resident_id=resident.pk,
                                                                    data=f.cleaned_data))
    if visit:
        return redirect("clinic:visit-detail", pk=visit.pk)
    return render(request, "clinic/visit_open.html", {"resident": resident, "form": form},
                  status=400 if form.errors else 200)


def _workspace(request, visit, status=200, **forms):
    """The visit page; a failed POST re-renders it with its bound form and errors."""
    editable = visit.status in EDITABLE and visit.organisation_id == request.user.organisation_id \
        and _is_clinician(request.user)
    initial = {name: getattr(visit, name) for name in VisitForm.base_fields}
    prescriptions = list(visit.prescriptions.prefetch_related("items__drug", "findings").order_by("id"))
    audit.record_access(request.user, [visit.resident_id], "clinic.visit")
    context = {
        "visit": visit, "resident": visit.resident, "editable": editable,
        "due": queries.due_services(visit, timezone.localdate()) if editable else [],
        "diagnoses": list(visit_diagnoses(visit)),
        "orders": [(o, queries.order_link(o.kind)) for o in visit.orders.select_related("fee_item").order_by("id")],
        "prescriptions": prescriptions, "fees": queries.visit_fees(visit),
        "history": visit.status_changes.select_related("by").order_by("at", "id"),
        "visit_form": forms.get("visit_form") or VisitForm(initial=initial),
        "diagnosis_form": forms.get("diagnosis_form") or DiagnosisForm(),
        "order_form": forms.get("order_form") or OrderForm(),
        "prescription_form": forms.get("prescription_form") or PrescriptionForm(),
        "findings": forms.get("findings") or [],
        "cancel_form": CancelVisitForm(),
        "insurance": queries.settlement_links(visit),
    }
    return render(request, "clinic/visit_detail.html", context, status=status)


@login_required
def visit_detail(request, pk):
    return _workspace(request, _visit(request, pk))


def _post_to_visit(request, pk, form_class, form_name, action, success):
    visit = _visit(request, pk)
    form = form_class(request.POST)
    if _submit(request, form, lambda f: action(visit, f)) is not None:
        messages.success(request, success)
        return redirect("clinic:visit-detail", pk=visit.pk)
    return _workspace(request, _visit(request, pk), status=400, **{form_name: form})


@login_required
@require_POST
def visit_update(request, pk):
    return _post_to_visit(request, pk, VisitForm, "visit_form", lambda v, f: actions.do_update_visit(
        acting_user=request.user, visit_id=v.pk, data=f.cleaned_data), _("Saved."))


@login_required
@require_POST
def diagnosis_add(request, pk):
    return _post_to_visit(request, pk, DiagnosisForm, "diagnosis_form", lambda v, f: actions.do_add_diagnosis(
        acting_user=request.user, visit_id=v.pk, **f.cleaned_data), _("Diagnosis recorded."))


@login_required
@require_POST
def order_add(request, pk):
    return _post_to_visit(request, pk, OrderForm, "order_form", lambda v, f: actions.do_add_order(
        acting_user=request.user, visit_id=v.pk, **f.cleaned_data), _("Order added."))


@login_required
@require_POST
def prescription_add(request, pk):
    visit = _visit(request, pk)
    form = PrescriptionForm(request.POST)
    findings = []
    if form.is_valid():
        try:
            actions.do_issue_prescription(acting_user=request.user, visit_id=visit.pk, items=form.items(),
                                          kind=form.cleaned_data["kind"],
                                          override_reason=form.cleaned_data["override_reason"])
        except ReviewStopped as stopped:
            findings = stopped.findings
            form.add_error(None, str(stopped.message))
        except ActionError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Prescription issued."))
            return redirect("clinic:visit-detail", pk=visit.pk)
    return _workspace(request, _visit(request, pk), status=400, prescription_form=form, findings=findings)


def _prescription_action(request, pk, action, success):
    prescription = get_visible_or_404(Prescription.objects, request.user, what="clinic.prescription", pk=pk)
    try:
        action(acting_user=request.user, prescription_id=prescription.pk)
        messages.success(request, success)
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("clinic:visit-detail", pk=prescription.visit_id)


@login_required
@require_POST
def prescription_dispense(request, pk):
    return _prescription_action(request, pk, actions.do_dispense_prescription, _("Drugs dispensed."))


@login_required
@require_POST
def prescription_cancel(request, pk):
    return _prescription_action(request, pk, actions.do_cancel_prescription, _("Prescription cancelled."))


@login_required
@require_POST
def visit_close(request, pk):
    visit = _visit(request, pk)
    try:
        actions.do_close_visit(acting_user=request.user, visit_id=visit.pk)
        messages.success(request, _("Visit closed."))
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("clinic:visit-detail", pk=visit.pk)


@login_required
@require_POST
def visit_cancel(request, pk):
    visit = _visit(request, pk)
    form = CancelVisitForm(request.POST)
    if _submit(request, form, lambda f: actions.do_cancel_visit(acting_user=request.user, visit_id=visit.pk,
                                                                reason=f.cleaned_data["reason"])):
        messages.success(request, _("Visit cancelled."))
    elif form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("clinic:visit-detail", pk=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_followup(request, pk, programme):
    """The programme's follow-up form inside the visit, the visit's vitals already filled in; saved by
    publichealth's own action, so its classification and scheduling rules apply unchanged."""
    visit = _visit(request, pk)
    if programme not in (Programme.HYPERTENSION, Programme.DIABETES) or not _is_clinician(request.user):
        raise Http404
    programme = Programme(programme)
    initial = {"visit_date": visit.visit_date, "mode": "clinic", "sbp": visit.sbp, "dbp": visit.dbp,
               "heart_rate": visit.heart_rate, "temperature": visit.temperature, "weight_kg": visit.weight_kg,
               "height_cm": visit.height_cm, "fpg": visit.fpg, "random_glucose": visit.random_glucose}
    form = FollowUpForm(request.POST or None, programme=programme, initial=initial)
    followup = _submit(request, form, lambda f: publichealth.do_record_followup(
        acting_user=request.user, resident_id=visit.resident_id, programme=programme, data=f.action_data()))
    if followup:
        messages.success(request, _("Follow-up recorded: %(cls)s.") % {"cls": followup.get_follow_up_class_display()})
        return redirect("clinic:visit-detail", pk=visit.pk)
    return render(request, "clinic/visit_followup.html", {"visit": visit, "resident": visit.resident, "form": form,
                                                          "programme": programme},
                  status=400 if form.errors else 200)


@login_required
def drug_options(request):
    """The drug fields' suggestions (htmx datalist): the catalogue is not patient data."""
    text = request.GET.get("q") or next((v for k, v in request.GET.items() if k.startswith("drug")), "")
    return render(request, "clinic/_drug_options.html", {"drugs": queries.drug_search(text)})


@login_required
@require_http_methods(["GET", "POST"])
def stock(request):
    """The institution's stock (usable units per drug) and goods received."""
    org_id = request.user.organisation_id
    if org_id is None:
        raise Http404
    form = ReceiveStockForm(request.POST or None)
    if _submit(request, form, lambda f: actions.do_receive_stock(acting_user=request.user, **f.cleaned_data)):
        messages.success(request, _("Stock received."))
        return redirect("clinic:stock")
    text = (request.GET.get("q") or "").strip()
    page = paginate(queries.batches_at(request.user, org_id, text=text), request.GET.get("page"), size=50)
    return render(request, "clinic/stock.html", {"page": page, "form": form, "q": text,
                                                 "may_edit": _is_clinician(request.user),
                                                 "querystring": f"q={text}", "today": timezone.localdate()}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request, pk):
    batch = get_visible_or_404(StockBatch.objects.select_related("drug", "organisation"), request.user,
                               what="clinic.batch", pk=pk)
    adjust, give_back = AdjustStockForm(prefix="adjust"), ReturnStockForm(prefix="return")
    if request.method == "POST":
        if "adjust-change" in request.POST:
            adjust = AdjustStockForm(request.POST, prefix="adjust")
            done = _submit(request, adjust, lambda f: actions.do_adjust_stock(acting_user=request.user,
                                                                              batch_id=batch.pk, **f.cleaned_data))
        else:
            give_back = ReturnStockForm(request.POST, prefix="return")
            done = _submit(request, give_back, lambda f: actions.do_return_stock(acting_user=request.user,
                                                                                 batch_id=batch.pk, **f.cleaned_data))
        if done:
            messages.success(request, _("Stock updated."))
            return redirect("clinic:batch-detail", pk=batch.pk)
    movements = batch.movements.select_related("by").order_by("-at", "-id")[:50]
    return render(request, "clinic/batch_detail.html", {
        "batch": batch, "adjust": adjust, "give_back": give_back, "movements": movements,
        "may_edit": _is_clinician(request.user) and batch.organisation_id == request.user.organisation_id},
        status=400 if adjust.errors or give_back.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def shortage_list(request):
    """缺药登记: open shortages of the user's institution and, for a township, of its village clinics."""
    form = ShortageForm(request.POST or None)
    if _submit(request, form, lambda f: actions.do_register_shortage(acting_user=request.user, **f.cleaned_data)):
        messages.success(request, _("Shortage registered."))
        return redirect("clinic:shortage-list")
    page = paginate(queries.shortages_for(request.user), request.GET.get("page"), size=50)
    return render(request, "clinic/shortage_list.html", {"page": page, "form": form,
                                                         "may_edit": _is_clinician(request.user)},
                  status=400 if form.errors else 200)

