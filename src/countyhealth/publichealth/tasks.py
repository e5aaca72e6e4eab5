from django_tasks import task

from countyhealth.accounts.system import system_user

from . import actions


@task()
def enrol_age_programmes():
    return actions.do_enrol_age_programmes(acting_user=system_user("age-programmes"))
