from django_tasks import task

from countyhealth.accounts.system import system_user

from . import transfer

SYSTEM = "imaging-transfer"


@task()
def send_study(study_id: int):
    study = transfer.send_to_pacs(study_id, acting_user=system_user(SYSTEM))
    return {"study": study_id, "error": study.last_transfer_error}


@task()
def sweep_transfers():
    return transfer.sweep(acting_user=system_user(SYSTEM))
