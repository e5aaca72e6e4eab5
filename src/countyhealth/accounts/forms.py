from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. the ECG cart of the township centre."))
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)

    def expires_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["valid_days"])
