from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions, detection, syndromic


@task()
def evaluate_signals():
    """Daily: yesterday's and today's counts through each disease's early-warning algorithms."""
    return detection.evaluate(acting_user=system_user("early-warning"), as_of=timezone.localdate(), days=2)


@task()
def evaluate_syndromes():
    """Daily: recount the last two days' visits per institution and syndrome, then run the syndromes' method."""
    user, today = system_user("syndromic-surveillance"), timezone.localdate()
    syndromic.do_count_syndromes(acting_user=user, start=today - timedelta(days=1), end=today)
    return syndromic.evaluate(acting_user=user, as_of=today, days=2)


@task()
def warn_overdue_cards():
    """Every 5 minutes: cards past their 2 h / 24 h deadline warn the doctor and the officers once."""
    return actions.do_warn_overdue_cards(acting_user=system_user("report-deadlines"))
