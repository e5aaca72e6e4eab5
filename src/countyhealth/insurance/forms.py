from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import COUNTER_ITEMS


class BillForm(forms.Form):
    """The counter's bill: the institution, then a quantity per catalogue item (0: not charged)."""

    organisation = forms.ModelChoiceField(queryset=None, label=_("Institution"))

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = institutions
        for code, name, price in COUNTER_ITEMS:
            self.fields[f"qty_{code}"] = forms.DecimalField(
                label=f"{name} (¥{price})", min_value=0, max_value=999, decimal_places=2, initial=0, required=False)

    def quantities(self) -> list[tuple[str, object]]:
        return [(code, self.cleaned_data.get(f"qty_{code}")) for code, _name, _price in COUNTER_ITEMS
                if self.cleaned_data.get(f"qty_{code}")]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reversal"), max_length=200)


class ReconcileForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Institution"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = institutions
        self.fields["day"].initial = timezone.localdate()
