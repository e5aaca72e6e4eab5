"""The change log: every audited write about a resident of the synced apps appends a row in the writing
transaction (listener of `audit.change_recorded`, registered in `SyncConfig.ready`)."""

from django.db import connection

from countyhealth.residents.models import Resident

from .models import ChangeLog

SYNCED_PREFIXES = ("residents.", "publichealth.", "familydoctor.")


def record(*, row, **_payload) -> None:
    if row.resident_id is None or not row.action.startswith(SYNCED_PREFIXES):
        return
    catchment = Resident.objects.filter(pk=row.resident_id).values_list("catchment_org_id", flat=True).first()
    if catchment is None:
        return
    if connection.vendor == "postgresql":
        # The transaction id orders the cursor so that a late commit is not skipped (see ChangeLog).
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {ChangeLog._meta.db_table} (txid, resident_id, catchment_org_id, action) "
                "VALUES (pg_current_xact_id()::text::bigint, %s, %s, %s)",
                [row.resident_id, catchment, row.action[:80]],
            )
        return
    ChangeLog.objects.create(resident_id=row.resident_id, catchment_org_id=catchment, action=row.action[:80])
