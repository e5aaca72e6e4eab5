"""Thin HTTP for remote imaging: upload, the township's list, the radiologists' worklist, the study page with
the viewer links and the report, and the printable report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, queries
from .forms import AmendForm, ReportForm, UploadForm
from .models import ImagingStudy


def _study(request, pk) -> ImagingStudy:
    return get_visible_or_404(ImagingStudy.objects.select_related("resident", "from_org", "to_org", "uploaded_by",
                                                                  "claimed_by"),
                              request.user, what="imaging.study", pk=pk)


def _page(request, qs, what: str):
    page = paginate(qs, request.GET.get("page"))
    audit.record_access(request.user, [s.resident_id for s in page.items], what)
    return page


@login_required
def study_list(request):
    page = _page(request, queries.sent_by(request.user), "imaging.study_list")
    return render(request, "imaging/study_list.html", {"page": page})


@login_required
def worklist(request):
    show = request.GET.get("show") if request.GET.get("show") in {"mine", "free"} else "open"
    page = _page(request, queries.worklist(request.user, show=show), "imaging.worklist")
    return render(request, "imaging/worklist.html", {"page": page, "show": show, "querystring": f"show={show}"})


@login_required
def resident_studies(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="imaging.resident", pk=pk)
    page = paginate(queries.for_resident(request.user, resident), request.GET.get("page"))
    audit.record_access(request.user, [resident.pk], "imaging.resident_studies")
    return render(request, "imaging/resident_studies.html", {"resident": resident, "page": page,
                                                             "may_upload": _may_upload(request.user)})


def _may_upload(user) -> bool:
    return user.role in actions.UPLOADS_STUDIES or user.is_superuser


@login_required
def upload(request, pk):
    resident = get_visible_or_404(Resident.objects, request.user, what="imaging.resident", pk=pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    mismatch = False
    if request.method == "POST" and form.is_valid():
        try:
            study, created = actions.do_upload_study(
                acting_user=request.user, resident_id=resident.pk,
                uploads=[(f.name, f.read()) for f in form.cleaned_data["files"]],
                clinical_question=form.cleaned_data["clinical_question"], urgency=form.cleaned_data["urgency"],
                confirm_mismatch=form.cleaned_data["confirm_mismatch"])
        except ActionError as error:
            mismatch = error.code == "patient_mismatch"
            form.add_error("confirm_mismatch" if mismatch else _field(form, error), str(error.message))
        else:
            study.refresh_from_db()
            if not created:
                messages.info(request, _("This study had already been uploaded; only new files were added."))
            if study.status == ImagingStudy.Status.TRANSFERRING:
                messages.warning(request, _("The images are kept safely here and will be sent to the PACS "
                                            "automatically; the radiologists see the study once it is there."))
            else:
                messages.success(request, _("The study is in the county radiologists' worklist."))
            return redirect("imaging:study-detail", study.pk)
    audit.record_access(request.user, [resident.pk], "imaging.upload_form")
    return render(request, "imaging/upload.html", {"resident": resident, "form": form, "mismatch": mismatch})


def _field(form, error: ActionError):
    names = [name for name in error.fields if name in form.fields]
    return names[0] if names else None


@login_required
def study_detail(request, pk):
    study = _study(request, pk)
    audit.record_access(request.user, [study.resident_id], "imaging.study")
    user = request.user
    reports = list(study.reports.select_related("signed_by").order_by("-version"))
    is_reader = user.role in actions.READS_STUDIES
    claimed_by_me = queries.claim_active(study) and study.claimed_by_id == user.pk
    context = {
        "study": study, "resident": study.resident, "series": queries.series_of(study), "reports": reports,
        "events": study.events.select_related("by").order_by("at"), "is_reader": is_reader,
        "claim_active": queries.claim_active(study), "claimed_by_me": claimed_by_me,
    }
    context.update(dicomweb_urls(study))
    if is_reader and study.status == ImagingStudy.Status.AWAITING_READ and claimed_by_me:
        context["report_form"] = ReportForm(request.POST or None)
    if is_reader and reports:
        context["amend_form"] = AmendForm(initial={"findings": reports[0].findings,
                                                   "impression": reports[0].impression})
    return render(request, "imaging/study_detail.html", context)


def dicomweb_urls(study) -> dict:
    """The study's WADO-RS base in the same-origin proxy, and the first image rendered by WADO-RS."""
    base = reverse("imaging:dicomweb", args=[f"studies/{study.study_instance_uid}"])
    first = study.instances.exclude(sent_at=None).order_by("instance_number", "pk").first()
    preview = (f"{base}/series/{first.series_instance_uid}/instances/{first.sop_instance_uid}/rendered"
               if first else "")
    return {"dicomweb_url": base, "preview_url": preview}


@require_POST
@login_required
def claim(request, pk):
    study = _study(request, pk)
    try:
        actions.do_claim_study(acting_user=request.user, study_id=study.pk)
    except ActionError as error:
        messages.error(request, str(error.message))
    return redirect("imaging:study-detail", study.pk)


@require_POST
@login_required
def release(request, pk):
    study = _study(request, pk)
    actions.do_release_study(acting_user=request.user, study_id=study.pk)
    return redirect("imaging:worklist")


@require_POST
@login_required
def sign(request, pk):
    study = _study(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            actions.do_sign_report(acting_user=request.user, study_id=study.pk, **form.cleaned_data)
        except ActionError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Report signed; the township has been notified."))
    else:
        messages.error(request, _("Write both the findings and the impression."))
    return redirect("imaging:study-detail", study.pk)


@require_POST
@login_required
def amend(request, pk):
    study = _study(request, pk)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            actions.do_amend_report(acting_user=request.user, study_id=study.pk, **form.cleaned_data)
        except ActionError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Amendment signed; the township has been notified."))
    else:
        messages.error(request, _("Findings, impression and the reason are all required."))
    return redirect("imaging:study-detail", study.pk)


@login_required
def report_print(request, pk):
    study = _study(request, pk)
    report = study.reports.select_related("signed_by").order_by("-version").first()
    audit.record_access(request.user, [study.resident_id], "imaging.report_print")
    return render(request, "imaging/report_print.html", {"study": study, "report": report,
                                                         "resident": study.resident})
