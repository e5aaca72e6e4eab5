"""Who may see which indicators, and the period they ask for; shared by the pages and the API.

Aggregate figures: village and township doctors, public-health officers and administrators for their subtree,
bureau viewers (Reach.AGGREGATE) for theirs. The residents behind a number: only the subtree roles. County
clinicians who reach residents through grants (Reach.GRANTED) see no indicators."""

from datetime import date, timedelta

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Reach
from countyhealth.audit import log as audit
from countyhealth.orgs.models import Organisation

from ..rules import Period, add_months

SEES_INDICATORS = (Reach.SUBTREE, Reach.AGGREGATE)


def may_see_indicators(user) -> bool:
    return scope_for(user).reach in SEES_INDICATORS


def may_list_residents(user) -> bool:
    return scope_for(user).reach is Reach.SUBTREE


def chosen_org(user, org_id, *, what: str, residents: bool = False) -> Organisation:
    """The organisation asked for (default: the user's own), or 404. An existing organisation outside the
    user's scope is a denied attempt and audited (`access.scope_denied`), as for any object fetched by id."""
    scope = scope_for(user)
    allowed = SEES_INDICATORS if not residents else (Reach.SUBTREE,)
    if scope.reach not in allowed:
        raise Http404
    if org_id in (None, ""):
        org = user.organisation
    else:
        try:
            org = Organisation.objects.filter(pk=int(org_id)).first()
        except (TypeError, ValueError):
            raise Http404 from None
    if org is None:
        raise Http404
    if org.pk not in scope.org_ids:
        audit.record_denied(user, what, {"org": org.pk})
        raise Http404
    return org


def year_to_date(today: date | None = None) -> Period:
    """§0 Period project decision: the calendar year, here up to today."""
    today = today or timezone.localdate()
    return Period(date(today.year, 1, 1), today)


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("From"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError(_("Give both the first and the last day of the period."))
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if start and start.year < 2000:
            self.add_error("period_start", _("Indicators start in the year 2000."))
        return data

    def period(self) -> Period:
        """The period asked for, or year to date when none (or an invalid one) was given."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("period_start"):
            return Period(self.cleaned_data["period_start"], self.cleaned_data["period_end"])
        return year_to_date()


def quick_periods(today: date | None = None) -> list[tuple[str, Period]]:
    """The periods offered as one-click choices: this year to date, its quarters so far, last year."""
    today = today or timezone.localdate()
    out = [(str(_("This year to date")), year_to_date(today))]
    for quarter in range(1, (today.month - 1) // 3 + 2):
        start = date(today.year, quarter * 3 - 2, 1)
        end = min(add_months(start, 3) - timedelta(days=1), today)
        out.append((str(_("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": today.year}), Period(start, end)))
    out.append((str(_("Year %(year)s") % {"year": today.year - 1}), Period.calendar_year(today.year - 1)))
    return out
