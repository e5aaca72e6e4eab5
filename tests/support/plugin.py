"""The test harness: test-only settings and the choice of database (`--db=sqlite|postgres`).

It is a plugin rather than fixtures in a conftest because the option and the database switch must reach the
tests under `src/` as well as those under `tests/`, and because it must be imported before pytest-django
loads the settings; pyproject loads it with `-p tests.support.plugin`.

With `--db=postgres` one throwaway PostgreSQL cluster is started for the whole run (in the xdist controller,
which hands its address to the workers); pytest-django then creates one test database per worker in it.
"""

import os
import tempfile
from pathlib import Path

import pytest

from tests.support import database
from tests.support.database import pg_url_key as _pg_url

# The settings refuse to load without SECRET_KEY; a developer's plain `pytest` gets a throwaway one, and its
# data directory (media, static root) outside the repository.
os.environ.setdefault("SECRET_KEY", "tests-only-insecure-secret-key")
os.environ.setdefault("COUNTYHEALTH_DATA_DIR", str(Path(tempfile.gettempdir()) / "countyhealth-tests"))

PG_URL_KEY = "countyhealth_pg_url"
_pg_server = pytest.StashKey[object]()
_overrides = pytest.StashKey[object]()


def pytest_addoption(parser):
    group = parser.getgroup("countyhealth")
    group.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="database to run the tests on: a SQLite file (default) or a throwaway PostgreSQL cluster",
    )


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    from django.conf import settings
    from django.test.utils import override_settings

    tmp = Path(tempfile.gettempdir())
    overrides = override_settings(
        # Argon2 costs ~100 ms a hash; the real hasher is asserted in accounts' tests against settings.py.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        MEDIA_ROOT=str(tmp / f"countyhealth-test-media-{os.getpid()}"),
    )
    overrides.enable()
    config.stash[_overrides] = overrides
    # WhiteNoise warns on every request when its root is missing; tests serve static files from the finders.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not Django's in-memory default, so the tests run with WAL and IMMEDIATE transactions as
        # production does; the pid keeps concurrent runs apart, pytest-django appends the xdist worker id.
        default.setdefault("TEST", {})["NAME"] = str(tmp / f"countyhealth-test-{os.getpid()}.sqlite3")

    # Registered now, after pytest-django's entry point, so that its fixture override is the one used.
    config.pluginmanager.register(database, "countyhealth-database")
    if config.getoption("db") == "postgres":
        if _is_xdist_worker(config):
            config.stash[_pg_url] = config.workerinput[PG_URL_KEY]
        else:
            from tests.support.pg import throwaway_postgres

            server = throwaway_postgres()
            config.stash[_pg_url] = server.__enter__()
            config.stash[_pg_server] = server


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: hand the controller's PostgreSQL address to each worker."""
    url = node.config.stash.get(_pg_url, None)
    if url:
        node.workerinput[PG_URL_KEY] = url


def pytest_unconfigure(config):
    server = config.stash.get(_pg_server, None)
    if server is not None:
        server.__exit__(None, None, None)
    overrides = config.stash.get(_overrides, None)
    if overrides is not None:
        overrides.disable()


def pytest_report_header(config):
    if config.getoption("db") == "postgres":
        return f"database: PostgreSQL ({config.stash.get(_pg_url, '?')})"
    return "database: SQLite file (WAL)"


def pytest_collection_modifyitems(config, items):
    if config.getoption("db") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL row locks: run with --db=postgres")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
