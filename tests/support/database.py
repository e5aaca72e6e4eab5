"""Switching the test database to the run's PostgreSQL cluster (see plugin.py)."""

import contextlib

import pytest

pg_url_key = pytest.StashKey[str]()


def use_database_url(url: str) -> None:
    """Point the default connection at `url`, in place: Django's connection handler holds these dicts."""
    import environ
    from django.conf import settings
    from django.db import connections

    parsed = environ.Env.db_url_config(url)
    default = settings.DATABASES["default"]
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        default[key] = parsed.get(key, "")
    default["OPTIONS"] = dict(parsed.get("OPTIONS", {}))
    default["CONN_MAX_AGE"] = 0
    # pytest-django names the test database test_<NAME>_<worker> from here.
    default["TEST"] = {**default.get("TEST", {}), "NAME": None}
    # A wrapper already created for the old engine would keep its class: drop it.
    with contextlib.suppress(AttributeError):
        del connections["default"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    url = request.config.stash.get(pg_url_key, None)
    if url:
        use_database_url(url)
    # The xdist suffix must be applied after the switch, to the PostgreSQL test database name.
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")
