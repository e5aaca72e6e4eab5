"""Pages: card worklists and the card, missed reports, export, signals with verification, epidemic curve,
heat map. Thin: reads through `queries` (scoped), writes through `actions`."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate

from . import actions, detection, queries, rules, syndromic
from . import export as card_export
from .charts import curve_data, heat_map_data, syndrome_curve_data
from .forms import CardForm, NotesForm, ReasonForm
from .models import CaseReport, NotifiableDisease, Signal


def _is_officer(user):
    return user.role in actions.OFFICERS


@login_required
def home(request):
    if scope_for(request.user).reach is None:
        raise Http404
    today = timezone.localdate()
    todays = list(queries.signals(request.user).filter(day__gte=today - timedelta(days=1))[:100])
    return render(request, "surveillance/home.html", {
        "signals": todays, "today": today, "heat": heat_map_data(request.user, today),
        "is_officer": _is_officer(request.user)})


LISTS = (("draft", gettext_lazy("To complete")), ("review", gettext_lazy("To review")),
         ("approved", gettext_lazy("Approved, not sent")), ("overdue", gettext_lazy("Overdue")),
         ("all", gettext_lazy("All cards")))


@login_required
def card_list(request):
    which = request.GET.get("list") if request.GET.get("list") in dict(LISTS) else "draft"
    page = paginate(queries.cards(request.user, which), request.GET.get("page"), size=30)
    audit.record_access(request.user, [c.resident_id for c in page.items], "surveillance.cards")
    return render(request, "surveillance/card_list.html", {
        "page": page, "which": which, "lists": LISTS, "query": f"list={which}", "now": timezone.now(),
        "is_officer": _is_officer(request.user)})


def _card(request, pk) -> CaseReport:
    return get_visible_or_404(CaseReport.objects.select_related("disease", "reporting_org", "revises", "duplicate_of"),
                              request.user, what="surveillance.card", pk=pk)


def _render_card(request, card, form=None, reason_form=None):
    user = request.user
    return render(request, "surveillance/card_detail.html", {
        "card": card, "form": form or CardForm(instance=card), "reason_form": reason_form or ReasonForm(),
        "events": card.events.select_related("by"), "now": timezone.now(),
        "may_edit": card.status in rules.EDITABLE and user.role in actions.DOCTORS | actions.OFFICERS,
        "may_submit": card.status in rules.EDITABLE and user.role in actions.DOCTORS,
        "may_review": card.status == rules.SUBMITTED and _is_officer(user),
        "may_amend": card.status in (rules.APPROVED, rules.REPORTED),
        "may_resolve_duplicate": bool(card.duplicate_of_id) and not card.duplicate_kept
        and card.status in rules.OPEN and _is_officer(user),
        "revisions": list(card.revisions.all())})


@login_required
def card_detail(request, pk):
    card = _card(request, pk)
    audit.record_access(request.user, [card.resident_id], "surveillance.card")
    return _render_card(request, card)


def _card_fields(form):
    return {k: v for k, v in form.cleaned_data.items() if k in actions.CARD_FIELDS}


@login_required
@require_POST
def card_act(request, pk, action):
    card = _card(request, pk)
    user = request.user
    if action in ("save", "submit"):
        form = CardForm(request.POST, instance=CaseReport.objects.select_related("disease").get(pk=card.pk))
        if not form.is_valid():
            return _render_card(request, card, form=form)
        fn = actions.do_save_card if action == "save" else actions.do_submit_card
        try:
            fn(acting_user=user, card_id=card.pk, fields=_card_fields(form))
        except ActionError as error:
            form.add_action_error(error)
            return _render_card(request, _card(request, pk), form=form)
    elif action in ("approve", "keep", "merge"):
        try:
            if action == "approve":
                actions.do_approve_card(acting_user=user, card_id=card.pk)
            else:
                result = actions.do_resolve_duplicate(acting_user=user, card_id=card.pk, keep=action == "keep")
                if result.pk != card.pk:  # merged into an approved card: its revision opens
                    return redirect("surveillance:card", pk=result.pk)
        except ActionError as error:
            messages.error(request, str(error.message))
    elif action in ("return", "void", "amend"):
        reason_form = ReasonForm(request.POST)
        if not reason_form.is_valid():
            return _render_card(request, card, reason_form=reason_form)
        fn = {"return": actions.do_return_card, "void": actions.do_void_card, "amend": actions.do_amend_card}[action]
        try:
            result = fn(acting_user=user, card_id=card.pk, reason=reason_form.cleaned_data["reason"])
        except ActionError as error:
            reason_form.add_error("reason", str(error.message))
            return _render_card(request, card, reason_form=reason_form)
        if action == "amend":
            return redirect("surveillance:card", pk=result.pk)
    else:
        raise Http404
    messages.success(request, _("Saved."))
    return redirect("surveillance:card", pk=card.pk)


@login_required
def missed(request):
    page = paginate(queries.missed_diagnoses(request.user), request.GET.get("page"), size=30)
    audit.record_access(request.user, [d.resident_id for d in page.items], "surveillance.missed")
    overdue = paginate(queries.cards(request.user, "overdue").filter(status__in=[rules.DRAFT, rules.RETURNED]),
                       request.GET.get("opage"), size=30)
    return render(request, "surveillance/missed.html", {"page": page, "overdue": overdue})


@login_required
@require_POST
def export(request):
    """Approved cards as the direct-reporting CSV (export.py documents the columns); they become `reported`."""
    ids = list(queries.cards(request.user, "approved").values_list("id", flat=True)[:1000])
    try:
        cards = actions.do_mark_reported(acting_user=request.user, card_ids=ids)
    except ActionError as error:
        messages.error(request, str(error.message))
        return redirect("surveillance:cards")
    cards = list(CaseReport.objects.filter(pk__in=[c.pk for c in cards])
                 .select_related("disease", "reporting_org", "reporting_doctor", "revises").order_by("pk"))
    response = HttpResponse(card_export.to_csv(cards), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cards-{timezone.localdate():%Y%m%d}.csv"'
    return response


@login_required
def signal_list(request):
    qs = queries.signals(request.user)
    status = request.GET.get("status")
    if status in Signal.Status.values:
        qs = qs.filter(status=status)
    page = paginate(qs, request.GET.get("page"), size=50)
    return render(request, "surveillance/signal_list.html", {
        "page": page, "status": status, "statuses": Signal.Status.choices,
        "response": queries.response_summary(request.user, since=timezone.localdate() - timedelta(days=30)),
        "query": f"status={status}" if status else ""})


def _signal(request, pk) -> Signal:
    return get_visible_or_404(Signal.objects.select_related("area", "disease", "responded_by"), request.user,
                              what="surveillance.signal", pk=pk)


def _render_signal(request, signal, reason_form=None, notes_form=None):
    end = min(signal.day + timedelta(days=30), timezone.localdate())
    chart = (curve_data(signal.area, signal.disease, end, user=request.user) if signal.disease_id
             else syndrome_curve_data(signal.area, signal.syndrome, end, user=request.user))
    return render(request, "surveillance/signal_detail.html", {
        "signal": signal, "reason_form": reason_form or ReasonForm(), "notes_form": notes_form or NotesForm(),
        "is_officer": _is_officer(request.user), "chart": chart})


@login_required
def signal_detail(request, pk):
    return _render_signal(request, _signal(request, pk))


@login_required
@require_POST
def signal_act(request, pk, action):
    signal = _signal(request, pk)
    try:
        if action == "dismiss":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return _render_signal(request, signal, reason_form=form)
            actions.do_dismiss_signal(acting_user=request.user, signal_id=pk, reason=form.cleaned_data["reason"])
        elif action in ("escalate", "close"):
            form = NotesForm(request.POST)
            if action == "escalate" and not form.is_valid():
                return _render_signal(request, signal, notes_form=form)
            notes = request.POST.get("notes", "")
            fn = actions.do_escalate_signal if action == "escalate" else actions.do_close_signal
            fn(acting_user=request.user, signal_id=pk, notes=notes)
        else:
            raise Http404
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("surveillance:signal", pk=pk)


@login_required
def curve(request):
    area_list = [a for a in queries.areas() if scope_for(request.user).everything
                 or a.id in scope_for(request.user).org_ids]
    diseases = list(queries.current_diseases().exclude(method=NotifiableDisease.Method.FIXED))
    area = next((a for a in area_list if str(a.id) == request.GET.get("area")), area_list[0] if area_list else None)
    disease = next((d for d in diseases if str(d.id) == request.GET.get("disease")),
                   next((d for d in diseases if d.code == "influenza"), None))
    chart = curve_data(area, disease, timezone.localdate(), user=request.user) if area and disease else None
    return render(request, "surveillance/curve.html", {
        "areas": area_list, "diseases": diseases, "area": area, "disease": disease, "chart": chart})


@login_required
@require_POST
def run_now(request):
    if not _is_officer(request.user):
        raise Http404
    n = detection.evaluate(acting_user=request.user, as_of=timezone.localdate(), days=7)
    messages.success(request, _("Early-warning run finished: %(n)s new signals.") % {"n": n})
    return redirect("surveillance:home")


@login_required
def syndromes(request):
    """症状监测: one institution × syndrome curve with its threshold and signals, the last week's counts per
    institution and syndrome, and the syndromic signals of the last days."""
    if scope_for(request.user).reach is None:
        raise Http404
    today = timezone.localdate()
    orgs = syndromic.institutions(request.user, today - timedelta(days=365))
    org = next((o for o in orgs if str(o.id) == request.GET.get("org")), orgs[0] if orgs else None)
    syndrome = request.GET.get("syndrome") if request.GET.get("syndrome") in rules.SYNDROME_LABELS else "fever"
    recent = list(queries.signals(request.user).filter(disease=None, day__gte=today - timedelta(days=7))[:50])
    return render(request, "surveillance/syndromes.html", {
        "orgs": orgs, "org": org, "syndrome": syndrome, "syndromes": rules.SYNDROMES, "signals": recent,
        "week": queries.syndrome_week(orgs, today), "is_officer": _is_officer(request.user),
        "chart": syndrome_curve_data(org, syndrome, today, user=request.user) if org else None})


@login_required
@require_POST
def syndromes_run(request):
    """Officers' "count and evaluate now": recount the last seven days, then evaluate the last two."""
    if not _is_officer(request.user):
        raise Http404
    today = timezone.localdate()
    syndromic.do_count_syndromes(acting_user=request.user, start=today - timedelta(days=6), end=today)
    n = syndromic.evaluate(acting_user=request.user, as_of=today, days=2)
    messages.success(request, _("Syndromic surveillance run finished: %(n)s new signals.") % {"n": n})
    return redirect("surveillance:syndromes")
