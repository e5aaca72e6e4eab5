"""The change log: every audited write about a resident of the synced apps appends a row in the writing
transaction (listener of `audit.change_recorded`, registered in `SyncConfig.ready`).

A phone's push collects its rows (`collected()`) and writes them in one statement at the end of its
transaction instead of two queries per audit row."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection

from countyhealth.publichealth.models import Enrolment
from countyhealth.residents.models import Resident

from .models import ChangeLog

SYNCED_PREFIXES = ("residents.", "publichealth.", "familydoctor.")
CHUNK = 1000
_collector: ContextVar[list | None] = ContextVar("sync_change_collector", default=None)


# Writes audited by one row for many residents (no resident id): the rows they created are found in the
# database instead, in the same transaction.
BULK_ACTIONS = {"publichealth.age_programmes_enrolled": "publichealth.enrolment_created"}


def record(*, row, **_payload) -> None:
    if row.action in BULK_ACTIONS:
        record_bulk_enrolments(row)
        return
    if row.resident_id is None or not row.action.startswith(SYNCED_PREFIXES):
        return
    pending = _collector.get()
    if pending is not None:
        pending.append((row.resident_id, row.action[:80]))
        return
    write([(row.resident_id, row.action[:80])])


def write(entries: list[tuple[int, str]]) -> None:
    """Append (resident id, action) rows with each resident's current catchment, in one INSERT … SELECT per
    thousand rows. On PostgreSQL the transaction id orders the cursor so that a late commit is not skipped
    (see ChangeLog); SQLite's single writer commits in id order (txid 0)."""
    txid = "pg_current_xact_id()::text::bigint" if connection.vendor == "postgresql" else "0"
    table, residents = ChangeLog._meta.db_table, Resident._meta.db_table
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start:start + CHUNK]
        values = ", ".join(["(CAST(%s AS BIGINT), %s, CAST(%s AS INTEGER))"] * len(chunk))
        params = [p for i, (rid, action) in enumerate(chunk) for p in (rid, action, i)]
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} (txid, resident_id, catchment_org_id, action) "
                f"SELECT {txid}, r.id, r.catchment_org_id, v.column2 FROM (VALUES {values}) AS v "
                f"JOIN {residents} r ON r.id = v.column1 WHERE r.catchment_org_id IS NOT NULL ORDER BY v.column3",
                params,
            )


def record_bulk_enrolments(row) -> None:
    """`do_enrol_age_programmes` bulk-creates the year's elderly and child enrolments under one audit row: one
    change-log row per enrolment it created, so each phone's next pull brings those residents' due lists.
    PostgreSQL: the rows this transaction wrote (`xmin`); SQLite, whose single writer holds the database for
    the whole transaction: the last rows inserted, as many as the audit row counts."""
    table, action = Enrolment._meta.db_table, BULK_ACTIONS[row.action]
    if connection.vendor == "postgresql":
        txid, where = "pg_current_xact_id()::text::bigint", \
            "e.xmin::text::bigint = pg_current_xact_id()::text::bigint %% 4294967296"
    else:
        count = sum(n for n in (row.detail or {}).values() if isinstance(n, int))
        if not count:
            return
        txid, where = "0", f"e.id IN (SELECT id FROM {table} ORDER BY id DESC LIMIT {count:d})"
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {ChangeLog._meta.db_table} (txid, resident_id, catchment_org_id, action) "
                    f"SELECT {txid}, e.resident_id, e.catchment_org_id, %s FROM {table} e WHERE {where} "
                    "ORDER BY e.id", [action])


@contextmanager
def collected():
    """Inside a transaction: the change-log rows of the block are written when it ends without error."""
    pending: list = []
    token = _collector.set(pending)
    try:
        yield pending
    finally:
        _collector.reset(token)
    if pending:
        write(pending)


def rewind(pending: list, mark: int) -> None:
    """Forget the rows collected since `mark` (a savepoint that rolled back)."""
    del pending[mark:]
