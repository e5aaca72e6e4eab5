"""The test harness itself: the database each run claims to use is the one the tests get."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.db import connection


@pytest.mark.django_db
def test_the_database_is_the_one_asked_for(request):
    wanted = request.config.getoption("db")
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[wanted]


@pytest.mark.django_db
def test_sqlite_runs_from_a_file_in_wal_mode(request):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pass only")
    name = connection.settings_dict["NAME"]
    assert Path(name).is_file(), name
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_marked_tests_get_row_locks():
    assert connection.features.has_select_for_update_skip_locked
    assert connection.vendor == "postgresql"


def test_tests_use_a_fast_hasher_and_run_tasks_immediately():
    assert get_hasher().algorithm == "md5"
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"
