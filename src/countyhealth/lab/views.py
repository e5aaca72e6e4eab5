"""Thin HTTP for the lab: a resident's results with trends, report detail (printable), the critical-value board
and an alert's history with the acknowledgement form, ordering with result recognition, recognition figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError
from countyhealth.core.pagination import paginate
from countyhealth.residents.models import Resident

from . import actions, catalogue, entry, queries
from .forms import AcknowledgeForm, OrderForm, ResultEntryForm, ResultUploadForm
from .models import CriticalAlert, LabReport, ResultUpload
from .recipients import MAY_ACKNOWLEDGE


def _resident(request, pk) -> Resident:
    return get_visible_or_404(Resident.objects.select_related("village"), request.user, what="lab.resident", pk=pk)


def _errors_to_form(form, error: ActionError) -> None:
    # A refusal that lists row errors ("Nothing was saved: correct the rows below…") heads them.
    if error.fields and all(str(error.message) != str(m) for msgs in error.fields.values() for m in msgs):
        form.add_error(None, str(error.message))
    for name, msgs in error.fields.items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, str(msg))
    if not error.fields:
        form.add_error(None, str(error.message))


@login_required
def resident_results(request, pk):
    resident = _resident(request, pk)
    audit.record_access(request.user, [resident.pk], "lab.resident_results")
    results = queries.resident_results(resident.pk)
    return render(request, "lab/resident_results.html", {
        "resident": resident, "latest": queries.latest_by_test(results), "results": results[:100],
        "trends": queries.trends(results),
        "alerts": CriticalAlert.objects.filter(resident=resident).order_by("-notified_at")[:20],
    })


@login_required
def report_detail(request, pk):
    report = get_visible_or_404(LabReport.objects.select_related("resident__village", "performing_org", "ordering_org",
                                                                "ordering_doctor"),
                                request.user, what="lab.report", pk=pk)
    audit.record_access(request.user, [report.resident_id], "lab.report")
    return render(request, "lab/report_detail.html", {
        "report": report, "resident": report.resident, "results": report.results.order_by("id"),
    })


@login_required
def report_pdf(request, pk):
    from .pdf import report_pdf as build

    report = get_visible_or_404(LabReport.objects.select_related("resident", "performing_org", "ordering_org",
                                                                "ordering_doctor"),
                                request.user, what="lab.report", pk=pk)
    audit.record_access(request.user, [report.resident_id], "lab.report_pdf")
    return FileResponse(build(report, list(report.results.order_by("id"))), content_type="application/pdf",
                        filename=f"lab-report-{report.pk}.pdf")


@login_required
def alert_list(request):
    status = "closed" if request.GET.get("status") == "closed" else "open"
    page = paginate(queries.worklist(request.user, status=status), request.GET.get("page"), size=50)
    audit.record_access(request.user, [a.resident_id for a in page.items], "lab.critical_values")
    template = "lab/_alert_rows.html" if request.htmx else "lab/alert_list.html"
    return render(request, template, {"page": page, "status": status, "now": timezone.now()})


@login_required
def alert_detail(request, pk):
    alert = get_visible_or_404(CriticalAlert.objects.select_related("resident__village", "ordering_org",
                                                                   "performing_org", "ordering_doctor", "ack_by",
                                                                   "result__report"),
                               request.user, what="lab.critical_value", pk=pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_acknowledge_alert(acting_user=request.user, alert_id=alert.pk, **form.cleaned_data)
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Critical value acknowledged."))
            return redirect("lab:alert-detail", pk=alert.pk)
    audit.record_access(request.user, [alert.resident_id], "lab.critical_value")
    return render(request, "lab/alert_detail.html", {
        "alert": alert, "resident": alert.resident, "form": form, "now": timezone.now(),
        "events": alert.events.select_related("by"),
        "may_acknowledge": alert.status == "open" and (request.user.role in MAY_ACKNOWLEDGE or request.user.is_superuser),
    })


@login_required
def order_create(request, pk):
    resident = _resident(request, pk)
    form = OrderForm(request.POST or None, initial={"test_code": request.GET.get("test") or "hba1c"})
    code = (form.data.get("test_code") if form.is_bound else form.initial["test_code"])
    test = catalogue.BY_CODE.get(code)
    if request.method == "POST" and form.is_valid():
        try:
            order = actions.do_place_order(acting_user=request.user, resident_id=resident.pk, **form.cleaned_data)
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            if order.decision == order.Decision.RECOGNISED:
                messages.success(request, _("Existing result accepted; the test is not repeated."))
            else:
                messages.success(request, _("Test ordered (order number LO%(pk)s).") % {"pk": order.pk})
            return redirect("lab:resident-results", pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "lab.order")
    candidates = queries.recognisable_results(resident.pk, test.code) if test else []
    return render(request, "lab/order_form.html", {
        "resident": resident, "form": form, "test": test, "candidates": candidates,
    })


@login_required
def recognition(request):
    rows = queries.recognition_by_month(request.user)
    chart = {"months": [r["month"].strftime("%Y-%m") for r in rows], "recognised": [r["recognised"] for r in rows],
             "ordered": [r["ordered"] for r in rows], "saved": [float(r["saved"]) for r in rows]}
    return render(request, "lab/recognition.html", {
        "rows": rows, "chart": chart, "total_saved": sum(r["saved"] for r in rows),
        "total_avoided": sum(r["recognised"] for r in rows),
    })


@login_required
def result_entry(request, pk):
    """Type in a report for the resident; the same checks and critical-value alerts as an HL7 message."""
    resident = _resident(request, pk)
    form = ResultEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = entry.do_enter_results(acting_user=request.user, resident_id=resident.pk,
                                            specimen_at=data["specimen_at"], rows=form.rows(),
                                            report_number=data["report_number"], qc_status=data["qc_status"])
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Results saved."))
            return redirect("lab:report-detail", pk=report.pk)
    audit.record_access(request.user, [resident.pk], "lab.result_entry")
    return render(request, "lab/result_entry.html", {"resident": resident, "form": form})


@login_required
def result_upload(request):
    """A lab uploads a CSV file of results (format in the README and on the page)."""
    form = ResultUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found, new = entry.do_upload_results_csv(acting_user=request.user, content=upload.read(),
                                                     filename=upload.name)
        except ActionError as error:
            _errors_to_form(form, error)
        else:
            if new:
                messages.success(request, _("%(rows)s results saved from %(file)s.") % {"rows": found.rows,
                                                                                       "file": found.filename})
            else:
                messages.info(request, _("This file was uploaded before (%(when)s); nothing new was saved.")
                              % {"when": timezone.localtime(found.uploaded_at).strftime("%Y-%m-%d %H:%M")})
            return redirect("lab:result-upload")
    uploads = paginate(ResultUpload.objects.filter(performing_org_id=request.user.organisation_id)
                       .select_related("uploaded_by").order_by("-uploaded_at", "-id"), request.GET.get("page"), 20)
    return render(request, "lab/result_upload.html", {
        "form": form, "page": uploads, "columns": entry.CSV_COLUMNS,
        "tests": catalogue.TESTS})
