from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.core.pagination import paginate

from .roles import READS_AUDIT


class AuditFilterForm(forms.Form):
    KIND_CHOICES = [("writes", _("Changes")), ("reads", _("Reads"))]
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    username = forms.CharField(label=_("User"), max_length=150, required=False)
    resident_id = forms.IntegerField(label=_("Resident id"), required=False, min_value=1)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data


def filtered(form: AuditFilterForm):
    data = form.cleaned_data
    model = AccessLog if data.get("kind") == "reads" else AuditLog
    qs = model.objects.order_by("-at", "-id")
    if data.get("username"):
        qs = qs.filter(username=data["username"])
    if data.get("resident_id"):
        qs = qs.filter(resident_id=data["resident_id"])
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        qs = qs.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data.get("date_to"):
        qs = qs.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    return model, qs


@login_required
def audit_log(request):
    if request.user.role not in READS_AUDIT and not request.user.is_superuser:
        raise Http404
    form = AuditFilterForm(request.GET or None)
    page = None
    kind = "writes"
    if not request.GET or form.is_valid():
        if not request.GET:
            form = AuditFilterForm({})
            form.is_valid()
        model, qs = filtered(form)
        kind = "reads" if model is AccessLog else "writes"
        page = paginate(qs, request.GET.get("page"), size=50)
    return render(request, "audit/log.html", {"form": form, "page": page, "kind": kind})
