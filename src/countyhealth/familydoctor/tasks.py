from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions


@task()
def expire_contracts():
    return actions.do_expire_contracts(acting_user=system_user("contract-expiry"))
