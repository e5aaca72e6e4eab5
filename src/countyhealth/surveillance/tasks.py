from django.utils import timezone
from django_tasks import task

from countyhealth.accounts.system import system_user

from . import detection


@task()
def evaluate_signals():
    """Daily: yesterday's and today's counts through each disease's early-warning method."""
    return detection.evaluate(acting_user=system_user("early-warning"), as_of=timezone.localdate(), days=2)
