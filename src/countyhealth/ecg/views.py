"""Thin HTTP for remote ECG: upload, worklist (live fragment), viewer with report form, PDF, turnaround."""

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries, rules
from .forms import AmendForm, ReportForm, UploadForm, initial_report
from .models import Ecg
from .presentation import signal_json


def _ecg(request, pk) -> Ecg:
    return get_visible_or_404(Ecg.objects.select_related("resident", "organisation", "uploaded_by", "claimed_by"),
                              request.user, what="ecg.ecg", pk=pk)


def _errors_to_form(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@login_required
def resident_ecgs(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="ecg.resident", pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [(f.name, f.read()) for f in (form.cleaned_data["file"], form.cleaned_data["file2"]) if f]
        try:
            ecg, created = actions.do_upload_ecg(
                acting_user=request.user, resident_id=resident.pk, files=files,
                symptoms=form.cleaned_data["symptoms"], chest_pain=form.cleaned_data["chest_pain"],
                chest_pain_onset=form.cleaned_data["chest_pain_onset"],
                requested_urgency=form.cleaned_data["requested_urgency"])
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("ECG uploaded.") if created else
                             _("This file was already uploaded for this resident; here it is."))
            return redirect("ecg:detail", ecg.pk)
    ecgs = list(Ecg.objects.visible_to(request.user).filter(resident=resident).select_related("organisation")
                .order_by("-uploaded_at")[:50])
    audit.record_access(request.user, [resident.pk], "ecg.resident_ecgs")
    return render(request, "ecg/resident_ecgs.html", {"resident": resident, "form": form, "ecgs": ecgs,
                                                      "may_upload": request.user.role in actions.UPLOADERS})


# How often an open worklist asks whether it changed. The answer is one aggregate query and usually an empty 204,
# so a new upload shows within this interval plus one redraw (< 1 s; bench/ecg_worklist_latency.py measures it).
WORKLIST_POLL_MS = 400


def _worklist_context(request, version):
    page = paginate(queries.worklist(request.user), request.GET.get("page"), size=50)
    audit.record_access(request.user, [e.resident_id for e in page.items], "ecg.worklist")
    now = timezone.now()
    for ecg in page.items:
        ecg.waiting_minutes = int((now - ecg.uploaded_at).total_seconds() // 60)
        ecg.overdue = ecg.urgent and now - ecg.uploaded_at > rules.URGENT_TURNAROUND
        ecg.reason_labels = rules.reason_labels(ecg.urgent_reasons)
        ecg.claim_active = ecg.claimed_by_id and ecg.claim_expires_at and ecg.claim_expires_at > now
    return {"page": page, "now": now, "version": version, "poll_ms": WORKLIST_POLL_MS}


@login_required
def worklist(request):
    version = queries.worklist_version(request.user, timezone.now())
    return render(request, "ecg/worklist.html", _worklist_context(request, version))


@login_required
def worklist_rows(request):
    """The live fragment the open worklist polls every WORKLIST_POLL_MS with the version it shows: 204 (htmx
    keeps the page as it is) while nothing changed, else the redrawn rows carrying the new version."""
    version = queries.worklist_version(request.user, timezone.now())
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    return render(request, "ecg/_worklist_rows.html", _worklist_context(request, version))


@login_required
def uploads(request):
    page = paginate(queries.uploads(request.user), request.GET.get("page"), size=50)
    audit.record_access(request.user, [e.resident_id for e in page.items], "ecg.uploads")
    return render(request, "ecg/uploads.html", {"page": page})


@login_required
def detail(request, pk):
    ecg = _ecg(request, pk)
    audit.record_access(request.user, [ecg.resident_id], "ecg.detail")
    if actions.is_reader(request.user) and ecg.first_viewed_at is None:
        actions.do_mark_viewed(acting_user=request.user, ecg_id=ecg.pk)
    reports = list(ecg.reports.select_related("signed_by").order_by("-version"))
    reader = actions.is_reader(request.user)
    form = None
    if reader:
        form = (AmendForm if reports else ReportForm)(initial=initial_report(ecg))
    return render(request, "ecg/detail.html", _detail_context(request, ecg, reports, form))


def _detail_context(request, ecg, reports, form):
    a = ecg.analysis
    return {
        "ecg": ecg, "a": a, "reports": reports, "form": form, "reader": actions.is_reader(request.user),
        "rhythm_label": rules.RHYTHM_LABELS.get(a.get("rhythm"), a.get("rhythm")),
        "reason_labels": rules.reason_labels(ecg.urgent_reasons),
        "st_rows": [(lead, a.get("st_j_mv", {}).get(lead), a.get("st_mv", {}).get(lead)) for lead in
                    ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")],
        "may_green_channel": ecg.referral_id is None and (
            actions.is_reader(request.user) or request.user.organisation_id == ecg.organisation_id),
        "green_suggested": ecg.referral_id is None and "acute_mi" in ecg.urgent_reasons,
        "quality": a.get("quality", []),
    }


@login_required
def signal(request, pk):
    ecg = _ecg(request, pk)
    audit.record_access(request.user, [ecg.resident_id], "ecg.signal")
    return JsonResponse(signal_json(ecg))


@login_required
@require_POST
def claim(request, pk):
    ecg = _ecg(request, pk)
    try:
        actions.do_claim_ecg(acting_user=request.user, ecg_id=ecg.pk)
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("ecg:detail", ecg.pk)


@login_required
@require_POST
def sign(request, pk):
    ecg = _ecg(request, pk)
    reports = list(ecg.reports.order_by("-version"))
    form = (AmendForm if reports else ReportForm)(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if reports:
                reason = data.pop("reason")
                actions.do_amend_report(acting_user=request.user, ecg_id=ecg.pk, findings=data, reason=reason)
            else:
                actions.do_sign_report(acting_user=request.user, ecg_id=ecg.pk, findings=data)
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Report signed and sent to the uploading centre."))
            return redirect("ecg:detail", ecg.pk)
    return render(request, "ecg/detail.html", _detail_context(request, ecg, reports, form), status=400)


@login_required
@require_POST
def green_channel(request, pk):
    ecg = _ecg(request, pk)
    try:
        actions.do_start_green_channel(acting_user=request.user, ecg_id=ecg.pk, reason=request.POST.get("reason", ""))
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Green channel started: the chest-pain centre has been notified."))
    return redirect("ecg:detail", ecg.pk)


@login_required
def report_pdf(request, pk):
    from .pdf import report_pdf as build

    ecg = _ecg(request, pk)
    audit.record_access(request.user, [ecg.resident_id], "ecg.report_pdf")
    return FileResponse(build(ecg), content_type="application/pdf", filename=f"ecg-{ecg.pk}.pdf")


@login_required
def turnaround(request):
    if not (actions.is_reader(request.user) or request.user.is_superuser
            or request.user.role in {"consortium_admin", "bureau_viewer", "county_doctor", "township_doctor"}):
        raise PermissionDenied
    days = 90
    since = timezone.now() - timedelta(days=days)
    figures = queries.turnaround(request.user, since=since)
    late = list(queries.overdue_urgent(request.user)[:50])
    return render(request, "ecg/turnaround.html", {"figures": figures, "days": days, "late": late,
                                                    "chart_data": json.loads(json.dumps(figures))})
