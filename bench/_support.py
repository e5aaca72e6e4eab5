"""Shared by the bench scripts: Django set-up from a DATABASE_URL, and raw-SQL sinks for the demo seeder.

The sinks receive exactly the rows `countyhealth.demo.seed` hands to the ORM, so the difference between
writers is the writer alone. They assign primary keys up front (the bench owns the database while it
seeds) and move the sequences past them at the end."""

import atexit
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup_django(database_url: str, data_dir: str | None = None) -> None:
    """Environment first, then django.setup(), then migrate: settings read the environment on import."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-secret-key")
    if data_dir is None:
        data_dir = tempfile.mkdtemp(prefix="countyhealth-bench-")
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["COUNTYHEALTH_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "countyhealth.settings"
    for path in (str(REPO / "src"), str(REPO)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class TimedSink:
    """Wraps a sink and adds up the seconds spent inside its inserts, by table."""

    def __init__(self, sink):
        self.sink = sink
        self.seconds: dict[str, float] = {}

    def insert(self, model, columns, rows):
        started = time.perf_counter()
        ids = self.sink.insert(model, columns, rows)
        name = model._meta.db_table
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return ids

    def finish(self) -> None:
        finish = getattr(self.sink, "finish", None)
        if finish:
            finish()

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class _PresetIds:
    def __init__(self):
        self._next: dict[str, int] = {}
        self.models = []

    def take(self, model, count: int) -> list[int]:
        from django.db import connection

        table = model._meta.db_table
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
                self._next[table] = cursor.fetchone()[0] + 1
            self.models.append(model)
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))

    def finish(self) -> None:
        """Move PostgreSQL's sequences past the preset ids (SQLite's AUTOINCREMENT follows by itself)."""
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)


def _adapters(model, columns):
    """Per column: how a Python value becomes a DB-API parameter (what the ORM's get_db_prep_save does)."""
    from django.db import connection, models

    fields = {f.attname: f for f in model._meta.concrete_fields}
    out = []
    for column in columns:
        field = fields[column]
        if isinstance(field, models.DateTimeField):
            out.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(field, models.JSONField):
            out.append(json.dumps)
        else:
            out.append(None)
    return out


class ExecutemanySink(_PresetIds):
    """One parameterised INSERT, executemany over the rows: the DB-API baseline without the ORM."""

    def insert(self, model, columns, rows):
        from django.db import connection

        ids = self.take(model, len(rows))
        adapt = _adapters(model, columns)
        data = [(pk, *[f(v) if f else v for f, v in zip(adapt, row, strict=True)]) for pk, row in zip(ids, rows, strict=True)]
        quote = connection.ops.quote_name
        sql = (f"INSERT INTO {quote(model._meta.db_table)} (id, {', '.join(quote(c) for c in columns)}) "
               f"VALUES ({', '.join(['%s'] * (len(columns) + 1))})")
        with connection.cursor() as cursor:
            cursor.executemany(sql, data)
        return ids


class CopySink(_PresetIds):
    """PostgreSQL COPY FROM STDIN through psycopg 3, on Django's own connection (so inside its transaction)."""

    def insert(self, model, columns, rows):
        from django.db import connection

        ids = self.take(model, len(rows))
        # psycopg adapts dates and aware datetimes itself; only JSON needs its text form.
        json_columns = [f is json.dumps for f in _adapters(model, columns)]
        has_json = any(json_columns)
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} (id, {', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as wrapper, wrapper.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                if has_json:
                    row = tuple(json.dumps(v) if j else v for j, v in zip(json_columns, row, strict=True))
                copy.write_row((pk, *row))
        return ids


def run_on_chosen_database(postgres: bool, run, name: str, *, durable: bool = False) -> None:
    """Set Django up on a throwaway PostgreSQL cluster (`--postgres`) or a scratch SQLite file, then call
    `run(database_label)`. `durable`: the cluster flushes its WAL at each commit, as a production server does
    (a bench of writes); otherwise fsync is off, as in the tests."""
    if postgres:
        from tests.support.pg import throwaway_postgres

        with throwaway_postgres(fast=not durable) as url:
            setup_django(url)
            run("PostgreSQL")
    else:
        data = tempfile.mkdtemp(prefix=f"countyhealth-bench-{name}-")
        setup_django(f"sqlite:///{data}/bench.sqlite3", data)
        run("SQLite (WAL)")


@contextlib.contextmanager
def kept_postgres(directory: Path, *, shared_buffers: str):
    """A PostgreSQL cluster in `directory` that outlives the run (stopped, not removed, at the end), so a county
    seeded once (niced, 15–25 min at 1,000,000 residents) can be measured again, un-niced, with newer code."""
    from tests.support import pg

    bin_dir = pg.ensure_installed()
    datadir = directory / "data"
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    os.chmod(directory, 0o700)
    if not datadir.exists():
        subprocess.run(pg._as_postgres([str(bin_dir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres",
                                        "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    port = pg._free_port()
    options = (f"-k {directory} -h 127.0.0.1 -p {port} -c shared_buffers={shared_buffers} -c max_connections=200"
               " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    subprocess.run(pg._as_postgres([str(bin_dir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l",
                                    str(directory / "server.log"), "-w", "start"]), check=True, capture_output=True)
    try:
        pg._wait_ready(port)
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(pg._as_postgres([str(bin_dir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"]),
                       capture_output=True)


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"


def pad(text: str, width: int) -> str:
    """Left-align in `width` terminal columns; CJK characters take two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
