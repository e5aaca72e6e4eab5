"""Thin HTTP for the programmes: due list, a resident's programmes, enrolment and visit forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, maternal, queries, rules
from .forms import ChildVisitForm, EndEnrolmentForm, EnrolForm, FollowUpForm
from .models import ChildVisit, Enrolment, FollowUpVisit, Pregnancy
from .rules import Programme


def _resident(request, pk) -> Resident:
    return get_visible_or_404(Resident.objects, request.user, what="publichealth.resident", pk=pk)


def _may_write(user) -> bool:
    return user.role in EDITS_RESIDENTS or user.is_superuser


def _form_errors(form, error: ActionError) -> None:
    for name, msgs in error.fields.items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, str(msg))
    if not error.fields:
        form.add_error(None, str(error.message))


def _submit(request, form, action):
    """On a valid POST run `action(form)`; an ActionError lands on the form. The action's result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form)
    except ActionError as error:
        _form_errors(form, error)
        return None


@login_required
def due_list(request):
    today = timezone.localdate()
    bucket = request.GET.get("bucket") or "week"
    if bucket not in {b.code for b in queries.BUCKETS}:
        bucket = "week"
    programme = request.GET.get("programme") or None
    if programme and programme not in Programme.__members__.values():
        programme = None
    sort = request.GET.get("sort") or "due"
    page = paginate(queries.due_list(request.user, bucket=bucket, on=today, programme=programme, sort=sort),
                    request.GET.get("page"), size=50)
    audit.record_access(request.user, [e.resident_id for e in page.items], "publichealth.due_list")
    context = {
        "page": page, "bucket": bucket, "programme": programme, "sort": sort, "today": today,
        "buckets": [(b, n) for b, n in zip(queries.BUCKETS, queries.bucket_counts(request.user, today, programme).values(), strict=True)],
        "programmes": list(Programme),
    }
    return render(request, "publichealth/due_list.html", context)


@login_required
def resident_programmes(request, pk):
    resident = _resident(request, pk)
    audit.record_access(request.user, [resident.pk], "publichealth.resident_programmes")
    enrolments = list(Enrolment.objects.filter(resident=resident).order_by("-status", "programme"))
    followups = list(FollowUpVisit.objects.filter(resident=resident).select_related("doctor", "organisation")
                     .order_by("-visit_date", "-id")[:50])
    child_visits = list(ChildVisit.objects.filter(resident=resident).order_by("visit_date"))
    child = next((e for e in enrolments if e.programme == Programme.CHILD and e.status != "ended"), None)
    schedule = rules.child_slot_statuses(resident.birth_date, [v.visit_date for v in child_visits],
                                         timezone.localdate(), enrolled_on=child.enrolled_on) if child else ()
    pregnancy = (Pregnancy.objects.filter(resident=resident).select_related("enrolment").order_by("-lmp").first()
                 if resident.sex == maternal.FEMALE else None)
    maternal_visits = list(pregnancy.visits.select_related("doctor").order_by("visit_date")) if pregnancy else []
    return render(request, "publichealth/resident_programmes.html", {
        "resident": resident, "enrolments": enrolments, "followups": followups, "child_visits": child_visits,
        "schedule": schedule, "may_write": _may_write(request.user),
        "pregnancy": pregnancy, "maternal_visits": maternal_visits,
        "maternal_schedule": maternal.schedule(pregnancy, maternal_visits, timezone.localdate()) if pregnancy else (),
        "may_register_pregnancy": resident.sex == maternal.FEMALE and not any(
            e.programme == Programme.MATERNAL and e.status != "ended" for e in enrolments),
        "chronic": [e for e in enrolments if e.programme in queries.CHRONIC and e.status != "ended"],
    })


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, pk):
    resident = _resident(request, pk)
    if not _may_write(request.user):
        raise Http404
    form = EnrolForm(request.POST or None, initial={"programme": request.GET.get("programme")})
    if _submit(request, form, lambda f: actions.do_enrol(acting_user=request.user, resident_id=resident.pk,
                                                         **f.cleaned_data)):
        messages.success(request, _("The resident has been enrolled."))
        return redirect("publichealth:resident-programmes", pk=resident.pk)
    return render(request, "publichealth/enrol.html", {"resident": resident, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def end_enrolment(request, pk):
    enrolment = get_visible_or_404(Enrolment.objects, request.user, what="publichealth.enrolment", pk=pk)
    if not _may_write(request.user):
        raise Http404
    form = EndEnrolmentForm(request.POST or None)
    if _submit(request, form, lambda f: actions.do_end_enrolment(acting_user=request.user,
                                                                 enrolment_id=enrolment.pk, **f.cleaned_data)):
        messages.success(request, _("The enrolment has been updated."))
        return redirect("publichealth:resident-programmes", pk=enrolment.resident_id)
    return render(request, "publichealth/end_enrolment.html", {"enrolment": enrolment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def followup_create(request, pk, programme):
    resident = _resident(request, pk)
    if programme not in queries.CHRONIC or not _may_write(request.user):
        raise Http404
    programme = Programme(programme)
    form = FollowUpForm(request.POST or None, programme=programme)
    visit = _submit(request, form, lambda f: actions.do_record_followup(
        acting_user=request.user, resident_id=resident.pk, programme=programme, data=f.action_data()))
    if visit:
        return redirect("publichealth:followup-detail", pk=visit.pk)
    last = (FollowUpVisit.objects.filter(resident=resident, programme=programme).order_by("-visit_date", "-id")
            .first())
    return render(request, "publichealth/followup_form.html",
                  {"resident": resident, "form": form, "programme": programme, "last": last})


@login_required
def followup_detail(request, pk):
    visit = get_visible_or_404(FollowUpVisit.objects.select_related("resident", "doctor", "organisation", "referral"),
                               request.user, what="publichealth.followup", pk=pk)
    audit.record_access(request.user, [visit.resident_id], "publichealth.followup")
    return render(request, "publichealth/followup_detail.html", {"visit": visit, "resident": visit.resident})


@login_required
@require_http_methods(["GET", "POST"])
def child_visit_create(request, pk):
    resident = _resident(request, pk)
    if not _may_write(request.user):
        raise Http404
    form = ChildVisitForm(request.POST or None)
    visit = _submit(request, form, lambda f: actions.do_record_child_visit(
        acting_user=request.user, resident_id=resident.pk, data=f.action_data()))
    if visit:
        messages.success(request, _("Child-health visit recorded: %(slot)s.") % {"slot": visit_slot_label(visit)})
        return redirect("publichealth:resident-programmes", pk=resident.pk)
    return render(request, "publichealth/visit_form.html", {"resident": resident, "form": form,
                                                            "title": _("Child health visit")})


def visit_slot_label(visit: ChildVisit) -> str:
    message, params = rules.child.SLOT_LABELS[visit.slot]
    return str(message) % params if params else str(message)


@login_required
def suggestions(request):
    """Residents flagged for enrolment by a screening reading; a doctor confirms and enrols."""
    programme = request.GET.get("programme") or Programme.HYPERTENSION.value
    found = queries.enrolment_suggestions(request.user, on=timezone.localdate())
    if programme not in {p.value for p in found}:
        programme = Programme.HYPERTENSION.value
    page = paginate(found[Programme(programme)], request.GET.get("page"), size=50)
    audit.record_access(request.user, [r.pk for r in page.items], "publichealth.suggestions")
    return render(request, "publichealth/suggestions.html", {
        "page": page, "programme": programme, "programmes": list(found), "may_write": _may_write(request.user)})
