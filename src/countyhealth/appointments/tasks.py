from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions


@task()
def release_reserved_slots():
    return actions.do_release_reserved_slots(acting_user=system_user("slot-release"))
