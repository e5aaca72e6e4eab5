"""Health record pages: the record (personal information, status, checks), its forms, and the 360° timeline.

Reads: any role that may see the resident (fetched with `get_visible_or_404`, read audited). Writes: roles in
EDITS_RESIDENTS. A role that may not write gets 403 before any lookup — the answer is about the role, so it
tells nothing about the resident — and a writer reaching a resident out of scope gets 404 with an audit row."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core import timeline
from countyhealth.core.codes import label
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.residents.models import Resident
from countyhealth.residents.rules import age_on

from . import actions, codes, queries, rules
from .forms import (
    HEALTH_CHECK_SECTIONS,
    PERSONAL_INFO_SECTIONS,
    HealthCheckForm,
    PersonalInfoForm,
    StatusChangeForm,
    answered_sections,
)
from .models import AnnualHealthCheck

TIMELINE_PAGE_SIZE = 50
CHILD_AGE_LIMIT = 7  # "0–6岁" = under 7 (public-health-rules.md §0)
RECENT_CHECKS = 10


def editors_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.role not in EDITS_RESIDENTS:
            raise PermissionDenied(_("Your role does not allow changing health records."))
        return view(request, *args, **kwargs)

    return wrapped


def _resident(request, pk) -> Resident:
    return get_visible_or_404(Resident.objects.select_related("village", "catchment_org"), request.user,
                              what="residents.resident", pk=pk)


def _check(request, resident, check_pk) -> AnnualHealthCheck:
    return get_visible_or_404(AnnualHealthCheck.objects.select_related("organisation", "responsible_doctor"),
                              request.user, what="records.health_check", pk=check_pk, resident_id=resident.pk)


def _run(form, action, **kwargs):
    """Call an action; its errors become form errors. Returns the result or None."""
    try:
        return action(**kwargs)
    except NotVisible as exc:
        raise Http404 from exc
    except actions.NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        form.add_action_error(exc)
        return None


@login_required
def record_detail(request, pk):
    resident = _resident(request, pk)
    info = queries.personal_info_of(resident)
    checks = list(queries.checks_of(resident)[:RECENT_CHECKS])
    audit.record_access(request.user, [resident.pk], "records.record")
    latest = checks[0] if checks else None
    return render(request, "records/detail.html", {
        "resident": resident,
        "info": info,
        "info_sections": answered_sections(info, PERSONAL_INFO_SECTIONS) if info else [],
        "checks": checks,
        "latest": latest,
        "latest_missing": _missing_labels(latest) if latest else [],
        "status_changes": list(queries.status_changes_of(resident)[:20]),
        "may_edit": request.user.role in EDITS_RESIDENTS and resident.is_active,
    })


def _missing_labels(check: AnnualHealthCheck) -> list[str]:
    values = {f.name: getattr(check, f.name) for f in AnnualHealthCheck._meta.concrete_fields}
    labels = []
    for name in rules.missing_for_elderly(values):
        if name == "guidance":
            labels.append(_("Health guidance"))
        else:
            labels.append(str(AnnualHealthCheck._meta.get_field(name).verbose_name))
    return labels


@editors_only
def record_open(request, pk):
    resident = _resident(request, pk)
    if queries.personal_info_of(resident) is not None:
        messages.info(request, _("This resident's health record is already open."))
        return redirect("records:personal-info-edit", pk=resident.pk)
    form = PersonalInfoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        info = _run(form, actions.do_open_health_record, acting_user=request.user, resident_id=resident.pk,
                    personal_info=form.to_data())
        if info is not None:
            resident.refresh_from_db(fields=["record_number"])
            messages.success(request, _("The health record has been opened: number %(number)s.")
                             % {"number": resident.record_number})
            return redirect("records:record-detail", pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "records.record_open")
    return _personal_info_page(request, form, resident, opening=True)


@editors_only
def personal_info_edit(request, pk):
    resident = _resident(request, pk)
    info = queries.personal_info_of(resident)
    if info is None:
        return redirect("records:record-open", pk=resident.pk)
    form = PersonalInfoForm(request.POST or None, initial=PersonalInfoForm.initial_for(info))
    if request.method == "POST" and form.is_valid():
        if _run(form, actions.do_update_personal_info, acting_user=request.user, resident_id=resident.pk,
                personal_info=form.to_data()) is not None:
            messages.success(request, _("The personal information has been saved."))
            return redirect("records:record-detail", pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "records.personal_info_edit")
    return _personal_info_page(request, form, resident, opening=False)


def _personal_info_page(request, form, resident, *, opening: bool):
    # PHS3 §2.1: the personal basic information form is not used for children 0–6 (their record is kept by
    # the child-health visits); the page says so rather than refusing, since the record number is still given.
    is_child = age_on(resident.birth_date, timezone.localdate()) < CHILD_AGE_LIMIT
    return render(request, "records/personal_info_form.html",
                  {"form": form, "resident": resident, "opening": opening, "is_child": is_child})


@editors_only
def check_create(request, pk):
    resident = _resident(request, pk)
    if resident.record_number is None:
        messages.info(request, _("Open the health record first."))
        return redirect("records:record-open", pk=resident.pk)
    form = HealthCheckForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        check = _run(form, actions.do_record_health_check, acting_user=request.user, resident_id=resident.pk,
                     data=form.to_data())
        if check is not None:
            messages.success(request, _("The health check has been saved."))
            return redirect("records:check-detail", pk=resident.pk, check_pk=check.pk)
    audit.record_access(request.user, [resident.pk], "records.check_create")
    return render(request, "records/check_form.html", {"form": form, "resident": resident, "check": None})


@login_required
def check_detail(request, pk, check_pk):
    resident = _resident(request, pk)
    check = _check(request, resident, check_pk)
    audit.record_access(request.user, [resident.pk], "records.health_check")
    return render(request, "records/check_detail.html", {
        "resident": resident,
        "check": check,
        "sections": answered_sections(check, HEALTH_CHECK_SECTIONS),
        "missing": _missing_labels(check),
        "self_care_band": (label(codes.SELF_CARE_LEVEL, rules.self_care_band(check.self_care_score))
                           if check.self_care_score is not None else ""),
        "may_edit": request.user.role in EDITS_RESIDENTS and resident.is_active,
    })


@editors_only
def check_edit(request, pk, check_pk):
    resident = _resident(request, pk)
    check = _check(request, resident, check_pk)
    form = HealthCheckForm(request.POST or None, user=request.user, initial=HealthCheckForm.initial_for(check))
    if request.method == "POST" and form.is_valid():
        if _run(form, actions.do_update_health_check, acting_user=request.user, check_id=check.pk,
                data=form.to_data()) is not None:
            messages.success(request, _("The health check has been saved."))
            return redirect("records:check-detail", pk=resident.pk, check_pk=check.pk)
    audit.record_access(request.user, [resident.pk], "records.check_edit")
    return render(request, "records/check_form.html", {"form": form, "resident": resident, "check": check})


@editors_only
def status_change(request, pk):
    resident = _resident(request, pk)
    form = StatusChangeForm(request.POST or None, initial={"status": resident.status})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(form, actions.do_change_record_status, acting_user=request.user, resident_id=resident.pk,
                status=d["status"], reason=d["reason"], death_date=d["death_date"], death_cause=d["death_cause"],
                destination=d["destination"]) is not None:
            messages.success(request, _("The record status has been changed."))
            return redirect("records:record-detail", pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "records.status_change")
    return render(request, "records/status_form.html", {"form": form, "resident": resident})


@login_required
def resident_timeline(request, pk):
    """The 360° view: one page of entries (paged inside the providers); "older" fetches the next page with
    htmx and appends it, or opens it as a page of its own without JavaScript. Each page is an audited read."""
    resident = _resident(request, pk)
    labels = timeline.kind_labels()
    selected = [k for k in request.GET.getlist("kind") if k in labels]
    before = request.GET.get("before") or None
    try:
        page = timeline.page_for(resident, request.user, kinds=selected, before=before, limit=TIMELINE_PAGE_SIZE)
    except ActionError:  # a hand-edited or stale link: start again from the newest entries
        before, page = None, timeline.page_for(resident, request.user, kinds=selected, limit=TIMELINE_PAGE_SIZE)
    audit.record_access(request.user, [resident.pk], "records.timeline")
    context = {"resident": resident, "page": page, "before": before, "selected": selected,
               "kinds": [(code, text, code in selected) for code, text in labels.items()]}
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "records/_timeline_entries.html", context)
    else:
        response = render(request, "records/timeline.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
