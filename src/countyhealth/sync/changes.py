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
    record_many(action=row.action, resident_ids=[row.resident_id])


def record_many(*, action: str, resident_ids: list, **_payload) -> None:
    """The change-log rows of writes of one kind: one audit row (`record`) or a batch audited in one statement
    (`audit.record_changes`)."""
    if not action.startswith(SYNCED_PREFIXES):
        return
    entries = [(rid, action[:80]) for rid in resident_ids if rid is not None]
    pending = _collector.get()
    if pending is not None:
        pending.extend(entries)
    elif entries:
        write(entries)


def write(entries: list[tuple[int, str]]) -> None:
    """Append (resident id, action) rows with each resident's current catchment, in one INSERT … SELECT (from
    two arrays on PostgreSQL; elsewhere from VALUES, a thousand rows a statement). On PostgreSQL the
    transaction id orders the cursor so that a late commit is not skipped (see ChangeLog); SQLite's single
    writer commits in id order (txid 0)."""
    table, residents = ChangeLog._meta.db_table, Resident._meta.db_table
    insert = f"INSERT INTO {table} (txid, resident_id, catchment_org_id, action) SELECT {{txid}}, r.id, " \
             f"r.catchment_org_id, v.action FROM {{rows}} JOIN {residents} r ON r.id = v.resident_id " \
             "WHERE r.catchment_org_id IS NOT NULL ORDER BY v.position"
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(insert.format(txid="pg_current_xact_id()::text::bigint", rows="unnest(%s::bigint[], "
                                      "%s::varchar[]) WITH ORDINALITY AS v(resident_id, action, position)"),
                        [[rid for rid, _action in entries], [action for _rid, action in entries]])
        return
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start:start + CHUNK]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(insert.format(txid="0", rows=f"(WITH v(resident_id, action, position) AS (VALUES {values}) "
                                      "SELECT * FROM v) AS v"),
                        [p for i, (rid, action) in enumerate(chunk) for p in (rid, action, i)])


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
