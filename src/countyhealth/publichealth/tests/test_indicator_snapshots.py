"""The consortium dashboard reads the scheduled counts; everything below it counts live."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from countyhealth.publichealth.indicators import snapshots
from countyhealth.publichealth.indicators.scope import year_to_date
from countyhealth.publichealth.models import FollowUpVisit, IndicatorSnapshot
from countyhealth.publichealth.rules import Period

from .test_indicators_semantics import followup
from .test_indicators_views import _chart, _this_year, login, patients  # noqa: F401 (fixtures)


def _cards(response):
    return {c.indicator.code: c.tally for cards in response.context["groups"].values() for c in cards}


def test_standard_periods_are_the_quick_periods_and_this_years_month_ends():
    today = date(2026, 5, 20)
    periods = snapshots.standard_periods(today)
    assert year_to_date(today) in periods
    assert Period(date(2026, 1, 1), date(2026, 1, 31)) in periods
    assert Period(date(2025, 1, 1), date(2025, 12, 31)) in periods
    assert len(periods) == len(set(periods))
    assert all(p.end == today for p in snapshots.periods_ending_today(today))


def test_consortium_dashboard_shows_stored_counts_with_their_time_and_townships_count_live(
        login, users, county, patients):  # noqa: F811
    period = year_to_date(timezone.localdate())
    snapshots.refresh(snapshots.standard_periods())
    assert IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end).exists()

    # A follow-up recorded after the count: the township sees it at once, the consortium at the next count.
    missed = patients[1]
    FollowUpVisit.objects.bulk_create([followup(missed.enrolments.get(), users.village_doctor_a1, _this_year(1),
                                                sbp=128, dbp=78)])
    county_page = login(users.admin).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert county_page.context["counted_at"] is not None
    assert "counted-at" in county_page.content.decode()
    assert _cards(county_page)["htn_control"].numerator == 1
    assert _chart(county_page)["trend"][-1]["numerator"] == 1

    township_page = login(users.township_doctor_a).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert township_page.context["counted_at"] is None
    assert _cards(township_page)["htn_control"].numerator == 2

    snapshots.refresh(snapshots.periods_ending_today())
    recounted = login(users.admin).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert _cards(recounted)["htn_control"].numerator == 2


def test_a_stale_snapshot_is_ignored(login, users, county, patients):  # noqa: F811
    snapshots.refresh(snapshots.periods_ending_today())
    IndicatorSnapshot.objects.update(computed_at=timezone.now() - snapshots.MAX_AGE - timedelta(minutes=1))
    page = login(users.admin).get(reverse("indicators:dashboard"), {"indicator": "htn_control"})
    assert page.context["counted_at"] is None
