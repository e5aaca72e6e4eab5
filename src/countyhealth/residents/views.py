"""Resident pages: search list (htmx), register, detail, edit, duplicate review, undo merge, break-glass."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from countyhealth.accounts.access import get_visible_or_404, scope_for
from countyhealth.accounts.roles import EDITS_RESIDENTS, MAY_BREAK_GLASS, MERGES_RESIDENTS, UNMERGES_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core import chart
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.core.pagination import paginate

from . import actions, queries, rules
from .forms import BreakGlassForm, MergeForm, ReasonForm, ResidentForm, household_choices
from .matching import REASON_LABELS
from .models import AccessGrant, DuplicateCandidate, Resident, ResidentLink
from .queries import villages_for

PAGE_SIZE = 20
MAX_QUERY = 64


def require_role(user, roles) -> None:
    if user.role not in roles:
        raise PermissionDenied


def roles_required(roles):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require_role(request.user, roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _run(form, action, **kwargs):
    """Call an action; its errors become form errors. Returns (result, error)."""
    try:
        return action(**kwargs), None
    except NotVisible as exc:
        raise Http404 from exc
    except actions.NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        if form is not None and not isinstance(exc, actions.ProbableDuplicates):
            form.add_action_error(exc)
        return None, exc


def may_break_glass(user, text: str, page) -> str | None:
    """The ID number a county role may request emergency access to: an exact, valid 18-character number
    that found nothing visible. Whether anyone holds it is not revealed here."""
    if user.role not in MAY_BREAK_GLASS or page.items:
        return None
    try:
        return rules.parse_id_number(text).value
    except rules.IdNumberError:
        return None


@login_required
def resident_list(request):
    if not scope_for(request.user).sees_residents:
        raise PermissionDenied
    text = request.GET.get("q", "")[:MAX_QUERY]
    qs = Resident.objects.visible_to(request.user).listed().select_related("village")
    page = paginate(queries.search(qs, text), request.GET.get("page"), size=PAGE_SIZE)
    audit.record_access(request.user, [r.pk for r in page.items], "residents.list")
    context = {
        "q": text,
        "page": page,
        "break_glass_id": may_break_glass(request.user, text, page),
        "may_register": request.user.role in EDITS_RESIDENTS,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "residents/_results.html" if partial else "residents/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _form_page(request, form, *, resident=None, error=None):
    context = {"form": form, "resident": resident}
    if isinstance(error, actions.ProbableDuplicates):
        context["candidates"] = error.matches
        context["hidden_candidates"] = error.hidden_count
        audit.record_access(request.user, [m.resident.pk for m in error.matches], "residents.duplicate_check")
    if isinstance(error, actions.DuplicateIdNumber):
        context["existing_id"] = error.existing_id
    return render(request, "residents/form.html", context)


@roles_required(EDITS_RESIDENTS)
def resident_create(request):
    form = ResidentForm(request.POST or None, user=request.user)
    error = None
    if request.method == "POST" and form.is_valid():
        resident, error = _run(form, actions.do_register_resident, acting_user=request.user, data=form.to_data(),
                               confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"])
        if resident is not None:
            messages.success(request, _("Resident %(name)s has been registered.") % {"name": resident.name})
            return redirect("residents:resident-detail", pk=resident.pk)
    return _form_page(request, form, error=error)


@login_required
def resident_edit(request, pk):
    # Scope before role: whoever asks for a record out of scope gets the same audited 404.
    resident = get_visible_or_404(Resident.objects, request.user, what="residents.resident", pk=pk)
    require_role(request.user, EDITS_RESIDENTS)
    if not resident.is_active:
        messages.error(request, _("This record was merged into another one; edit that record instead."))
        return redirect("residents:resident-detail", pk=resident.pk)
    form = ResidentForm(request.POST or None, user=request.user, initial=ResidentForm.initial_for(resident))
    error = None
    if request.method == "POST" and form.is_valid():
        updated, error = _run(form, actions.do_update_resident, acting_user=request.user, resident_id=resident.pk,
                              data=form.to_data(), confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"])
        if updated is not None:
            messages.success(request, _("The record has been saved."))
            return redirect("residents:resident-detail", pk=resident.pk)
    else:
        audit.record_access(request.user, [resident.pk], "residents.edit")
    return _form_page(request, form, resident=resident, error=error)


@login_required
def resident_detail(request, pk):
    user = request.user
    resident = get_visible_or_404(
        Resident.objects.select_related("village", "household", "catchment_org", "master"), user,
        what="residents.resident", pk=pk,
    )
    visible = Resident.objects.visible_to(user)
    members = []
    if resident.household_id:
        members = list(visible.listed().filter(household_id=resident.household_id).exclude(pk=resident.pk)
                       .order_by("birth_date", "id")[:50])
    master_visible = resident.master_id and visible.filter(pk=resident.master_id).exists()
    merged_records = list(visible.filter(master=resident).order_by("id"))
    links = []
    if user.role in MERGES_RESIDENTS:
        links = list(ResidentLink.objects.filter(Q(survivor=resident) | Q(merged=resident))
                     .select_related("survivor", "merged", "merged_by", "unmerged_by").order_by("-merged_at"))
    emergency = None
    if user.role in MAY_BREAK_GLASS:
        emergency = (AccessGrant.objects.active().filter(resident=resident, organisation_id=user.organisation_id,
                                                         reason=AccessGrant.Reason.BREAK_GLASS)
                     .order_by("-expires_at").values_list("expires_at", flat=True).first())
    audit.record_access(user, [resident.pk], "residents.detail")
    shown_others = [m.pk for m in members] + [m.pk for m in merged_records]
    if shown_others:
        audit.record_access(user, shown_others, "residents.detail_related")
    return render(request, "residents/detail.html", {
        "resident": resident,
        "members": members,
        "identifiers": resident.identifiers.order_by("system", "id"),
        "merged_records": merged_records,
        "master_visible": master_visible,
        "links": links,
        "chart_links": chart.links_for(resident.pk),
        "may_edit": user.role in EDITS_RESIDENTS and resident.is_active,
        "may_unmerge": user.role in UNMERGES_RESIDENTS,
        "emergency_until": emergency,
    })


@roles_required(MERGES_RESIDENTS)
def duplicate_list(request):
    qs = (queries.duplicate_candidates().visible_to(request.user).open()
          .select_related("resident_a__village", "resident_b__village").order_by("-score", "id"))
    page = paginate(qs, request.GET.get("page"), size=PAGE_SIZE)
    shown = [pk for c in page.items for pk in (c.resident_a_id, c.resident_b_id)]
    audit.record_access(request.user, shown, "residents.duplicate_list")
    for candidate in page.items:
        candidate.reason_labels = [str(REASON_LABELS.get(r, r)) for r in candidate.reasons]
    return render(request, "residents/duplicate_list.html", {"page": page})


@login_required
def duplicate_review(request, pk):
    candidate = get_visible_or_404(
        queries.duplicate_candidates().select_related("resident_a__village", "resident_a__household",
                                                       "resident_b__village", "resident_b__household"),
        request.user, what="residents.duplicate_candidate", pk=pk,
    )
    require_role(request.user, MERGES_RESIDENTS)
    form = MergeForm(candidate=candidate)
    is_open = candidate.status == DuplicateCandidate.Status.OPEN and all(
        r.is_active for r in (candidate.resident_a, candidate.resident_b)
    )
    if request.method == "POST" and is_open:
        if request.POST.get("decision") == "not_duplicate":
            _result, error = _run(None, actions.do_mark_not_duplicate, acting_user=request.user,
                                  candidate_id=candidate.pk)
            if error is None:
                messages.success(request, _("Marked as two different people. This pair will not be proposed again."))
                return redirect("residents:duplicate-list")
            messages.error(request, error.message)
            return redirect("residents:duplicate-review", pk=candidate.pk)
        form = MergeForm(request.POST, candidate=candidate)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            other = candidate.resident_b_id if keep == candidate.resident_a_id else candidate.resident_a_id
            link, _error = _run(form, actions.do_merge_residents, acting_user=request.user, survivor_id=keep,
                                merged_id=other, reason=form.cleaned_data["reason"])
            if link is not None:
                messages.success(request, _("The records have been merged."))
                return redirect("residents:resident-detail", pk=keep)
    audit.record_access(request.user, [candidate.resident_a_id, candidate.resident_b_id], "residents.duplicate_review")
    candidate.reason_labels = [str(REASON_LABELS.get(r, r)) for r in candidate.reasons]
    return render(request, "residents/duplicate_review.html", {
        "candidate": candidate, "form": form, "is_open": is_open,
        "pair": [candidate.resident_a, candidate.resident_b],
    })


@require_http_methods(["GET", "POST"])
@login_required
def link_unmerge(request, pk):
    link = get_visible_or_404(queries.resident_links().select_related("survivor", "merged"), request.user,
                              what="residents.resident_link", pk=pk)
    require_role(request.user, UNMERGES_RESIDENTS)
    form = ReasonForm(request.POST or None, prefix="unmerge")
    if request.method == "POST" and form.is_valid():
        result, error = _run(form, actions.do_unmerge_residents, acting_user=request.user, link_id=link.pk,
                             reason=form.cleaned_data["reason"])
        if result is not None:
            messages.success(request, _("The merge has been undone; both records are active again."))
            return redirect("residents:resident-detail", pk=link.merged_id)
    return render(request, "residents/unmerge.html", {"link": link, "form": form})


@require_http_methods(["GET", "POST"])
@roles_required(MAY_BREAK_GLASS)
def break_glass(request):
    form = BreakGlassForm(request.POST or None, initial={"id_number": request.GET.get("id_number", "")[:24]})
    if request.method == "POST" and form.is_valid():
        try:
            resident, _grant = actions.do_break_glass(
                acting_user=request.user, id_number=form.cleaned_data["id_number"], reason=form.cleaned_data["reason"]
            )
        except actions.NotAllowed as exc:
            raise PermissionDenied from exc
        except ActionError as exc:
            if not exc.fields:
                form.add_error(None, exc.message)
            for name, msgs in exc.fields.items():
                for message in msgs:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.warning(request, _("Emergency access granted for 3 hours. This access is audited."))
            return redirect("residents:resident-detail", pk=resident.pk)
    return render(request, "residents/break_glass.html", {"form": form})


@roles_required(EDITS_RESIDENTS)
def household_options(request):
    """The <option>s of the household select for a village in the user's scope (htmx, on village change)."""
    try:
        village_id = int(request.GET.get("village", ""))
    except ValueError:
        village_id = None
    if village_id is not None and not villages_for(request.user).filter(pk=village_id).exists():
        village_id = None
    return render(request, "residents/_household_options.html", {"options": household_choices(village_id)})
