"""The scope matrix's case type (tests/test_scope_matrix.py), and the per-app case tables it collects.

An app that serves pages or API operations taking an id adds `countyhealth/<app>/tests/scope_cases.py` with
`URL_CASES` and/or `API_CASES` dicts of `Case`s, keyed like the matrix's own tables ("ns:url-name" and
"METHOD /api/path/{param}"). A builder gets the matrix's `world` (county, users, make_resident, make_user,
township_doctor_a/b, admin_a/b) and returns the township-A object, or (object, {param: value})."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Case:
    build: Callable  # (world) -> the township-A object whose id goes into the URL
    # Who asks: a world attribute's name, or a function (world) -> user, for roles the world lacks.
    requester: str | Callable = "township_doctor_b"  # a user of township B whose role may use the endpoint
    in_scope: str | Callable = "township_doctor_a"  # the same role in township A, for the control request
    method: str = "get"  # pages only: an API operation's method is in its key
    body: dict | None = None
    query: tuple = ()  # builder values sent in the query string (e.g. "org")


def app_cases() -> tuple[dict, dict]:
    urls, api = {}, {}
    for config in apps.get_app_configs():
        if not config.name.startswith("countyhealth.") or not module_has_submodule(config.module, "tests"):
            continue
        tests = import_module(f"{config.name}.tests")
        if module_has_submodule(tests, "scope_cases"):
            module = import_module(f"{config.name}.tests.scope_cases")
            urls |= getattr(module, "URL_CASES", {})
            api |= getattr(module, "API_CASES", {})
    return urls, api
