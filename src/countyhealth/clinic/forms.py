"""Input shape of the clinic's forms; rules are applied by `actions` (one source for browser and API)."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .models import FeeItem, Prescription
from .rules.review import FREQUENCIES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROWS = 5  # 处方管理办法 第六条: at most five drugs on one prescription sheet


def drug_input():
    """A drug-code input whose suggestions come from the catalogue as the doctor types (htmx datalist)."""
    return forms.TextInput(attrs={"list": "drug-options", "autocomplete": "off",
                                  "hx-get": reverse_lazy("clinic:drug-options"),
                                  "hx-trigger": "input changed delay:250ms", "hx-target": "#drug-options",
                                  "hx-swap": "outerHTML"})


class VisitForm(forms.Form):
    chief_complaint = forms.CharField(label=_("Chief complaint"), max_length=200)
    present_illness = forms.CharField(label=_("History of present illness"), required=False, max_length=2000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    sbp = forms.IntegerField(label=_("Systolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    dbp = forms.IntegerField(label=_("Diastolic BP (mmHg)"), required=False, min_value=0, max_value=999)
    heart_rate = forms.IntegerField(label=_("Heart rate (/min)"), required=False, min_value=0, max_value=999)
    temperature = forms.DecimalField(label=_("Temperature (℃)"), required=False, max_digits=3, decimal_places=1)
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), required=False, max_digits=4, decimal_places=1)
    height_cm = forms.DecimalField(label=_("Height (cm)"), required=False, max_digits=4, decimal_places=1)
    fpg = forms.DecimalField(label=_("Fasting glucose (mmol/L)"), required=False, max_digits=4, decimal_places=1)
    random_glucose = forms.DecimalField(label=_("Random glucose (mmol/L)"), required=False, max_digits=4,
                                        decimal_places=1)


class DiagnosisForm(forms.Form):
    code = forms.CharField(label=_("Diagnosis (ICD-10)"), max_length=16, widget=forms.TextInput(attrs={
        "list": "icd10-options", "autocomplete": "off", "placeholder": _("Code, name or pinyin initials"),
        "hx-get": reverse_lazy("records:icd10-search"), "hx-trigger": "input changed delay:250ms",
        "hx-target": "#icd10-options", "hx-swap": "outerHTML"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class OrderForm(forms.Form):
    fee_item_code = forms.ChoiceField(label=_("Order"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = FeeItem.objects.exclude(kind__in=[FeeItem.Kind.CONSULTATION, FeeItem.Kind.DRUG]).order_by("kind",
                                                                                                            "code")
        self.fields["fee_item_code"].choices = [(i.code, f"{i.get_kind_display()} · {i.name_zh} ¥{i.price}")
                                                for i in items]


class PrescriptionForm(forms.Form):
    """Up to five lines (drug code, dose per time in the drug's dose unit, frequency, days)."""

    kind = forms.ChoiceField(label=_("Prescription kind"), choices=Prescription.Kind.choices,
                             initial=Prescription.Kind.ORDINARY)
    override_reason = forms.CharField(label=_("Reason for going ahead despite warnings"), required=False,
                                      max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        frequencies = [("", "—")] + [(code, f"{code} · {label}") for code, (_n, label) in FREQUENCIES.items()]
        for row in range(1, ROWS + 1):
            self.fields[f"drug_{row}"] = forms.CharField(label=_("Drug %(n)s") % {"n": row}, required=False,
                                                         max_length=20, widget=drug_input())
            self.fields[f"dose_{row}"] = forms.DecimalField(label=_("Dose per time"), required=False, max_digits=8,
                                                            decimal_places=3, min_value=0)
            self.fields[f"frequency_{row}"] = forms.ChoiceField(label=_("Frequency"), required=False,
                                                                choices=frequencies)
            self.fields[f"days_{row}"] = forms.IntegerField(label=_("Days"), required=False, min_value=1,
                                                            max_value=365)

    def rows(self):
        return [[self[f"{name}_{row}"] for name in ("drug", "dose", "frequency", "days")] for row in range(1, ROWS + 1)]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [{"drug": data[f"drug_{row}"].strip().upper(), "dose": data[f"dose_{row}"],
                 "frequency": data[f"frequency_{row}"], "days": data[f"days_{row}"]}
                for row in range(1, ROWS + 1) if data.get(f"drug_{row}")]


class ReceiveStockForm(forms.Form):
    drug = forms.CharField(label=_("Drug code"), max_length=20, widget=drug_input())
    batch_number = forms.CharField(label=_("Batch number"), max_length=40)
    expiry_date = forms.DateField(label=_("Expiry date"), widget=DATE)
    quantity = forms.IntegerField(label=_("Quantity (units)"), min_value=1, max_value=100_000)


class AdjustStockForm(forms.Form):
    change = forms.IntegerField(label=_("Change (+/−)"), min_value=-100_000, max_value=100_000)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReturnStockForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity (units)"), min_value=1, max_value=100_000)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ShortageForm(forms.Form):
    drug = forms.CharField(label=_("Drug code"), max_length=20, widget=drug_input())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

