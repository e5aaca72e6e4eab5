"""Every page and API operation that takes an id, asked for an object of township A by a user of township B.

Each must answer 404 (out of scope looks like nonexistent), write an `access.scope_denied` audit row, and
change nothing. The endpoints are discovered from the URL resolver and the OpenAPI schema; each must have an
entry in URL_CASES or API_CASES saying how to build the object it reaches, so a new endpoint fails here until
it is added. Admin URLs are staff-only back office and are left out.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from countyhealth.accounts.roles import Role
from countyhealth.audit.models import AuditLog
from countyhealth.residents.models import DuplicateCandidate, ResidentLink

EXCLUDED_NAMESPACES = {"admin", "api"}  # api: covered operation by operation through its OpenAPI schema


@dataclass(frozen=True)
class Case:
    build: Callable  # (world) -> the township-A object whose id goes into the URL
    requester: str = "township_doctor_b"  # a user of township B whose role may use the endpoint
    in_scope: str = "township_doctor_a"  # the same role in township A, for the control request
    method: str = "get"
    body: dict | None = None


# ---- builders: one object in township A each ---------------------------------------------------------


def resident(world):
    return world.make_resident(world.county.village_a1)


def duplicate_candidate(world):
    first, second = sorted(
        [world.make_resident(world.county.village_a1), world.make_resident(world.county.village_a2)],
        key=lambda r: r.pk,
    )
    return DuplicateCandidate.objects.create(resident_a=first, resident_b=second, score=85, reasons=["name"])


def resident_link(world):
    survivor = world.make_resident(world.county.village_a1)
    merged = world.make_resident(world.county.village_a1, is_active=False, master=survivor)
    return ResidentLink.objects.create(survivor=survivor, merged=merged, reason="同一人重复建档",
                                       moved={}, merged_by=world.users.admin)


# ---- the tables ----------------------------------------------------------------------------------------

URL_CASES = {
    "residents:resident-detail": Case(resident),
    "residents:resident-edit": Case(resident),
    "residents:duplicate-review": Case(duplicate_candidate),
    # Only administrators undo merges: the requester is an administrator whose organisation is township B.
    "residents:link-unmerge": Case(resident_link, requester="admin_b", in_scope="admin_a"),
}

API_CASES = {
    "GET /api/residents/{resident_id}": Case(resident),
    "PATCH /api/residents/{resident_id}": Case(resident, method="patch", body={"phone": "13912345678"}),
    "POST /api/residents/duplicates/{candidate_id}/not-duplicate": Case(duplicate_candidate, method="post"),
    "POST /api/residents/links/{link_id}/unmerge": Case(
        resident_link, requester="admin_b", in_scope="admin_a", method="post", body={"reason": "误合并"}
    ),
}


# ---- discovery -----------------------------------------------------------------------------------------


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(filter(None, [namespace, p.namespace])) or None
            if p.namespace in EXCLUDED_NAMESPACES:
                continue
            yield from ((name, params + _params(p), pat) for name, params, pat in _walk(p.url_patterns, inner))
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), _params(p), p


def _params(p) -> list[str]:
    converters = getattr(p.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(p.pattern.regex.groupindex)


def id_taking_urls() -> dict[str, list[str]]:
    found = {}
    for name, params, pattern in _walk(get_resolver().url_patterns):
        if params:
            assert name, f"unnamed URL pattern with parameters: {pattern.pattern}"
            found[name] = params
    return found


def id_taking_operations() -> dict[str, list[str]]:
    from countyhealth.api import api

    found = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        params = re.findall(r"\{([^}]+)\}", path)
        if params:
            for method in operations:
                found[f"{method.upper()} {path}"] = params
    return found


def _all(discovered, table):
    return sorted(set(discovered) | set(table))


URLS = id_taking_urls()
OPERATIONS = id_taking_operations()


# ---- the tests -----------------------------------------------------------------------------------------


@pytest.fixture
def world(county, users, make_user, make_resident):
    return SimpleNamespace(
        county=county,
        users=users,
        make_resident=make_resident,
        township_doctor_a=users.township_doctor_a,
        township_doctor_b=users.township_doctor_b,
        admin_a=make_user(Role.CONSORTIUM_ADMIN, county.township_a, username="admin_a"),
        admin_b=make_user(Role.CONSORTIUM_ADMIN, county.township_b, username="admin_b"),
    )


def _case(table, key, discovered):
    if key not in discovered:
        pytest.fail(f"{key} is in the scope table but no longer exists: remove it from the table")
    if key not in table:
        pytest.fail(f"{key} takes an id but has no entry in the scope table of {__name__}: add one")
    return table[key]


def _single_param(params, key):
    assert len(params) == 1, f"{key} takes several parameters {params}: give its Case a builder for all of them"
    return params[0]


def _assert_denied_and_audited(world, case, obj, response, key):
    requester = getattr(world, case.requester)
    assert response.status_code == 404, (key, response.status_code, response.content[:300])
    denied = AuditLog.objects.filter(action="access.scope_denied", user_id=requester.pk)
    assert denied.exists(), f"{key}: the refused attempt left no access.scope_denied audit row"
    resident_id = getattr(obj, "audit_resident_id", None)
    if resident_id is not None:
        assert denied.filter(resident_id=resident_id).exists(), f"{key}: the audit row does not name the resident"


def _unchanged(obj):
    before = model_to_dict(obj)
    return lambda: (obj.refresh_from_db(), model_to_dict(obj))[1] == before


@pytest.mark.parametrize("name", _all(URLS, URL_CASES))
def test_page_refuses_other_townships_objects(client, world, name):
    case = _case(URL_CASES, name, URLS)
    obj = case.build(world)
    url = reverse(name, kwargs={_single_param(URLS[name], name): obj.pk})
    still_the_same = _unchanged(obj)

    client.force_login(getattr(world, case.requester))
    response = getattr(client, case.method)(url, case.body or {})
    _assert_denied_and_audited(world, case, obj, response, name)
    assert still_the_same(), f"{name} changed an object out of scope"

    # Control: the same page works in scope, so the 404 above is the scope rule and not a broken URL.
    client.force_login(getattr(world, case.in_scope))
    assert client.get(url).status_code == 200, f"{name} does not open for {case.in_scope}"


@pytest.mark.parametrize("key", _all(OPERATIONS, API_CASES))
def test_api_refuses_other_townships_objects(client, world, key):
    case = _case(API_CASES, key, OPERATIONS)
    method, template = key.split(" ", 1)
    obj = case.build(world)
    path = template.replace("{" + _single_param(OPERATIONS[key], key) + "}", str(obj.pk))
    still_the_same = _unchanged(obj)

    client.force_login(getattr(world, case.requester))
    response = getattr(client, method.lower())(path, data=case.body or {}, content_type="application/json")
    _assert_denied_and_audited(world, case, obj, response, key)
    assert response.json()["code"] == "not_found"
    assert still_the_same(), f"{key} changed an object out of scope"

    if method == "GET":
        client.force_login(getattr(world, case.in_scope))
        assert client.get(path).status_code == 200, f"{key} does not answer {case.in_scope}"
