from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions


@task()
def escalate_critical_alerts():
    """Every minute (core.scheduler): overdue critical values climb the escalation ladder."""
    return actions.do_escalate_overdue_alerts(acting_user=system_user("critical-values"))
