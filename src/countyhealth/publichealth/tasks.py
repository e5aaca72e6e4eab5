from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions


@task()
def enrol_age_programmes():
    return actions.do_enrol_age_programmes(acting_user=system_user("age-programmes"))


@task()
def refresh_indicator_snapshots_today():
    """Hourly: the periods running up to today, so the consortium dashboard is at most an hour behind."""
    from .indicators import snapshots

    return snapshots.refresh(snapshots.periods_ending_today())


@task()
def refresh_indicator_snapshots():
    """Nightly: every standard period, including the closed ones late entries still change."""
    from .indicators import snapshots

    return snapshots.refresh(snapshots.standard_periods())
