"""A resident's diagnoses page with the form to record one, and the ICD-10 search the form's field uses."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyhealth.accounts.access import get_visible_or_404
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.core.forms import ActionErrorsMixin
from countyhealth.residents.models import Resident

from . import diagnoses


class DiagnosisForm(ActionErrorsMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("ICD-10 code"), max_length=16,
                           help_text=gettext_lazy("Type a code, a Chinese name or pinyin initials, then pick."))
    diagnosed_on = forms.DateField(label=gettext_lazy("Date of diagnosis"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


@login_required
def resident_diagnoses(request, pk):
    resident = get_visible_or_404(Resident.objects.select_related("village"), request.user,
                                  what="residents.resident", pk=pk)
    may_diagnose = diagnoses.may_diagnose(request.user)
    form = DiagnosisForm(request.POST or None, initial={"diagnosed_on": timezone.localdate()})
    if request.method == "POST":
        if not may_diagnose:
            raise PermissionDenied
        if form.is_valid():
            try:
                diagnoses.do_record_diagnosis(acting_user=request.user, resident_id=resident.pk,
                                              **form.cleaned_data)
            except NotVisible as exc:
                raise Http404 from exc
            except ActionError as exc:
                form.add_action_error(exc)
            else:
                messages.success(request, _("Diagnosis recorded."))
                return redirect("records:diagnoses", pk=resident.pk)
    audit.record_access(request.user, [resident.pk], "records.diagnoses")
    return render(request, "records/diagnoses.html", {
        "resident": resident, "form": form, "may_diagnose": may_diagnose,
        "diagnoses": diagnoses.diagnoses_of(resident)[:200],
    }, status=400 if form.errors else 200)


@login_required
def icd10_search(request):
    """The code field's suggestions (htmx): the catalogue is not patient data, any signed-in user may search."""
    return render(request, "records/_icd10_options.html",
                  {"codes": diagnoses.search_icd10(request.GET.get("code") or request.GET.get("q", ""))})
