from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions, rules
from .models import Settlement


@task()
def qualify_two_disease():
    return actions.do_run_qualification(acting_user=system_user("insurance-qualification"))


@task()
def repair_pending_settlements():
    """Rows pending for over two minutes: their request was lost or their commit crashed."""
    stale = (Settlement.objects.filter(status=rules.PENDING, updated_at__lt=timezone.now() - timedelta(minutes=2))
             .select_related("organisation")[:500])
    return len(actions.repair_pending(acting_user=system_user("insurance-reconciliation"), settlements=list(stale)))


@task()
def reconcile_yesterday():
    day = timezone.localdate() - timedelta(days=1)
    user = system_user("insurance-reconciliation")
    org_ids = (Settlement.objects.filter(settled_on=day).values_list("organisation_id", flat=True)
               .order_by("organisation_id").distinct())
    return [actions.do_reconcile(acting_user=user, organisation_id=org_id, day=day).balanced for org_id in org_ids]
