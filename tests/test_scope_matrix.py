"""Every page and API operation that takes an id, asked for an object of township A by a user of township B.

Each must answer 404 (out of scope looks like nonexistent), write an `access.scope_denied` audit row, and
change nothing. The endpoints are discovered from the URL resolver (path parameters) and the OpenAPI schema
(path parameters and integer query parameters such as `?org=`); each must have an entry in URL_CASES or
API_CASES (here, or in an app's `tests/scope_cases.py`) saying how to build the object it reaches, so a new endpoint fails here until it is added. Pages
that take an id only in the query string cannot be discovered and are listed by hand. Admin URLs are
staff-only back office and are left out.
"""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from countyhealth.accounts.roles import Role
from countyhealth.audit.models import AuditLog
from countyhealth.residents.models import DuplicateCandidate, ResidentLink
from tests.support.scope import Case, app_cases

EXCLUDED_NAMESPACES = {"admin", "api"}  # api: covered operation by operation through its OpenAPI schema


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


def health_check(world):
    """A resident of village a1 with an open health record and one annual health check: (check, params)."""
    from countyhealth.records.actions import do_open_health_record, do_record_health_check
    from countyhealth.records.tests.factories import elderly_check_data, personal_info_data

    r = world.make_resident(world.county.village_a1, birth_date=dt.date(1950, 3, 1))
    do_open_health_record(acting_user=world.township_doctor_a, resident_id=r.pk, personal_info=personal_info_data())
    check = do_record_health_check(acting_user=world.township_doctor_a, resident_id=r.pk,
                                   data=elderly_check_data(dt.date.today()))
    return check, {"pk": r.pk, "check_pk": check.pk, "resident_id": r.pk, "check_id": check.pk}


def enrolment(world):
    from countyhealth.publichealth.actions import do_enrol

    r = world.make_resident(world.county.village_a1, birth_date=dt.date(1960, 5, 1), sex="1")
    return do_enrol(acting_user=world.users.village_doctor_a1, resident_id=r.pk, programme="hypertension",
                    enrolled_on=dt.date.today() - dt.timedelta(days=365))


def enrolled_resident(world):
    """A hypertension patient: the follow-up form opens for them (params include the programme)."""
    e = enrolment(world)
    return e.resident, {"pk": e.resident_id, "programme": "hypertension"}


def child(world):
    return world.make_resident(world.county.village_a1, birth_date=dt.date.today() - dt.timedelta(days=100))


def followup(world):
    from countyhealth.publichealth.actions import do_record_followup

    e = enrolment(world)
    return do_record_followup(acting_user=world.users.village_doctor_a1, resident_id=e.resident_id,
                              programme="hypertension", data={"visit_date": dt.date.today(), "sbp": 132, "dbp": 84})


def woman(world):
    return world.make_resident(world.county.village_a1, birth_date=dt.date(1996, 5, 1), sex="2")


def pregnant_woman(world):
    from countyhealth.publichealth.maternal import do_register_pregnancy

    r = woman(world)
    do_register_pregnancy(acting_user=world.users.village_doctor_a1, resident_id=r.pk,
                          lmp=dt.date.today() - dt.timedelta(weeks=10), registered_on=dt.date.today())
    return r


def township_a(world):
    """Township A's centre, chosen with `?org=`; `code` for the indicator pages that also take one."""
    from countyhealth.publichealth.indicators.definitions import INDICATORS

    org = world.county.township_a
    return org, {"org": org.pk, "code": INDICATORS[0].code}


def village_a1(world):
    return world.county.village_a1, {"village": world.county.village_a1.pk}


def team(world):
    from countyhealth.familydoctor.tests.factories import township_a_team

    return township_a_team(world.county, world.users)


def contract(world):
    from countyhealth.familydoctor.tests.factories import make_contract

    return make_contract(world.make_resident(world.county.village_a1), team(world), world.township_doctor_a,
                         start=dt.date.today() - dt.timedelta(days=30))


# ---- the tables ----------------------------------------------------------------------------------------

TODAY = dt.date.today().isoformat()
SIGNED = {"signed_by_name": "张伟", "signature": "data:image/png;base64,iVBORw0KGgo="}

URL_CASES = {
    "residents:resident-detail": Case(resident),
    "residents:resident-edit": Case(resident),
    "residents:duplicate-review": Case(duplicate_candidate),
    # Only administrators undo merges: the requester is an administrator whose organisation is township B.
    "residents:link-unmerge": Case(resident_link, requester="admin_b", in_scope="admin_a"),
    "records:record-detail": Case(resident),
    "records:record-open": Case(resident),
    "records:personal-info-edit": Case(resident),
    "records:status-change": Case(resident),
    "records:timeline": Case(resident),
    "records:check-create": Case(resident),
    "records:check-detail": Case(health_check),
    "records:check-edit": Case(health_check),
    "publichealth:resident-programmes": Case(resident),
    "publichealth:enrol": Case(resident),
    "publichealth:followup-create": Case(enrolled_resident),
    "publichealth:child-visit-create": Case(child),
    "publichealth:enrolment-end": Case(enrolment),
    "publichealth:followup-detail": Case(followup),
    "publichealth:pregnancy-register": Case(woman),
    "publichealth:maternal-visit-create": Case(pregnant_woman),
    "publichealth:delivery-create": Case(pregnant_woman),
    "familydoctor:resident-contracts": Case(resident),
    "familydoctor:contract-sign": Case(resident),
    "familydoctor:contract-renew": Case(contract),
    "familydoctor:contract-terminate": Case(contract),
    "familydoctor:team-detail": Case(team),
    "familydoctor:team-edit": Case(team),
    "familydoctor:coverage": Case(township_a, query=("org",)),
    "familydoctor:coverage-residents": Case(village_a1, query=("village",)),
    "indicators:dashboard": Case(township_a, query=("org",)),
    "indicators:residents": Case(township_a, query=("org",)),
}

API_CASES = {
    "GET /api/residents/{resident_id}": Case(resident),
    "PATCH /api/residents/{resident_id}": Case(resident, body={"phone": "13912345678"}),
    "POST /api/residents/duplicates/{candidate_id}/not-duplicate": Case(duplicate_candidate),
    "POST /api/residents/links/{link_id}/unmerge": Case(
        resident_link, requester="admin_b", in_scope="admin_a", body={"reason": "误合并"}
    ),
    "GET /api/records/{resident_id}": Case(resident),
    "POST /api/records/{resident_id}": Case(resident, body={"work_unit": "东山村委会"}),
    "PATCH /api/records/{resident_id}": Case(health_check, body={"work_unit": "东山村委会"}),
    "POST /api/records/{resident_id}/status": Case(health_check, body={"status": "moved_out", "destination": "长沙"}),
    "GET /api/records/{resident_id}/timeline": Case(resident),
    "GET /api/records/{resident_id}/checks": Case(resident),
    "POST /api/records/{resident_id}/checks": Case(health_check, body={"check_date": TODAY}),
    "GET /api/records/{resident_id}/checks/{check_id}": Case(health_check),
    "PUT /api/records/{resident_id}/checks/{check_id}": Case(health_check, body={"check_date": TODAY}),
    "GET /api/publichealth/residents/{resident_id}/enrolments": Case(resident),
    "POST /api/publichealth/enrolments/{enrolment_id}/end": Case(enrolment, body={"reason": "moved_out",
                                                                                 "ended_on": TODAY}),
    "GET /api/publichealth/followups/{followup_id}": Case(followup),
    "GET /api/publichealth/residents/{resident_id}/pregnancies": Case(pregnant_woman),
    "POST /api/publichealth/residents/{resident_id}/delivery": Case(
        pregnant_woman, body={"delivery_date": TODAY, "place": "home", "live_births": 1}),
    "GET /api/family-doctor/residents/{resident_id}/contracts": Case(resident),
    "POST /api/family-doctor/residents/{resident_id}/contracts": Case(
        resident, body={**SIGNED, "team_id": 1, "doctor_id": 1, "package_ids": [1], "start_date": TODAY}
    ),
    "POST /api/family-doctor/contracts/{contract_id}/renew": Case(contract, body=SIGNED),
    "POST /api/family-doctor/contracts/{contract_id}/terminate": Case(
        contract, body={"terminated_on": TODAY, "reason": "resident_request"}
    ),
    "GET /api/family-doctor/contracts/{contract_id}": Case(contract),
    "GET /api/family-doctor/teams/{team_id}": Case(team),
    "GET /api/family-doctor/coverage": Case(township_a, query=("org",)),
    "GET /api/family-doctor/coverage/residents": Case(village_a1, query=("village",)),
    "GET /api/indicators/": Case(township_a, query=("org",)),
    "GET /api/indicators/{code}/breakdown": Case(township_a, query=("org",)),
    "GET /api/indicators/{code}/residents": Case(township_a, query=("org",)),
}


# Apps added after the foundation keep their tables beside their code (`<app>/tests/scope_cases.py`).
_app_urls, _app_api = app_cases()
URL_CASES |= _app_urls
API_CASES |= _app_api


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


def served_urls() -> dict[str, list[str]]:
    """Every named page outside the excluded namespaces, with its path parameters."""
    found = {}
    for name, params, pattern in _walk(get_resolver().url_patterns):
        assert name or not params, f"unnamed URL pattern with parameters: {pattern.pattern}"
        if name:
            found[name] = params
    return found


def served_operations() -> dict[str, list[str]]:
    """Every API operation with the parameters that can carry an id: path parameters, and integer query
    parameters (an organisation or village chosen with `?org=`), `page` excepted."""
    from countyhealth.api import api

    found = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            params = re.findall(r"\{([^}]+)\}", path)
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                types = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
                if parameter["in"] == "query" and "integer" in types and parameter["name"] != "page":
                    params.append(parameter["name"])
            found[f"{method.upper()} {path}"] = params
    return found


def _all(served, table):
    """Whatever takes an id, and whatever the table lists (pages choosing an id in the query string)."""
    return sorted({key for key, params in served.items() if params} | set(table))


URLS = served_urls()
OPERATIONS = served_operations()


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
        make_user=make_user,
    )


def _user(world, who):
    """A requester is a world attribute's name, or a function making the user from the world."""
    return who(world) if callable(who) else getattr(world, who)


def _case(table, key, served):
    if key not in served:
        # Not a failure: an app's table entry may land before (or outlive) its URLs; the skip shows it.
        pytest.skip(f"{key} is in the scope table but is not served: remove it from the table if it is gone")
    if key not in table:
        pytest.fail(f"{key} takes an id but has no entry in the scope table of {__name__}: add one")
    return table[key]


def _target(case, world, path_params, key):
    """Build the object. A builder returns it alone (its pk fills the one path parameter), or with a dict of
    values: those naming path parameters go into the path, the others into the query string."""
    built = case.build(world)
    obj, values = built if isinstance(built, tuple) else (built, None)
    if values is None:
        assert len(path_params) == 1, f"{key} takes {path_params}: its builder must return (object, {{name: value}})"
        values = {path_params[0]: obj.pk}
    missing = set(path_params) - set(values)
    assert not missing, f"{key}: the builder gives no value for {missing}"
    in_path = {name: values[name] for name in path_params}
    query = {name: value for name, value in values.items() if name not in path_params and name in case.query}
    return obj, in_path, query


def _assert_denied_and_audited(world, case, obj, response, key):
    requester = _user(world, case.requester)
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
    obj, kwargs, query = _target(case, world, URLS[name], name)
    url = reverse(name, kwargs=kwargs) + (f"?{urlencode(query)}" if query else "")
    still_the_same = _unchanged(obj)

    client.force_login(_user(world, case.requester))
    response = getattr(client, case.method)(url, case.body or {})
    _assert_denied_and_audited(world, case, obj, response, name)
    assert still_the_same(), f"{name} changed an object out of scope"

    # Control: the same page works in scope, so the 404 above is the scope rule and not a broken URL.
    client.force_login(_user(world, case.in_scope))
    status = client.get(url).status_code
    assert status not in (403, 404) and status < 500, f"{name} answers {status} to {case.in_scope}"


@pytest.mark.parametrize("key", _all(OPERATIONS, API_CASES))
def test_api_refuses_other_townships_objects(client, world, key):
    case = _case(API_CASES, key, OPERATIONS)
    method, template = key.split(" ", 1)
    path_params = re.findall(r"\{([^}]+)\}", template)
    obj, values, query = _target(case, world, path_params, key)
    assert query or path_params, f"{key}: the builder must give one of {OPERATIONS[key]}"
    path = template.format(**values) + (f"?{urlencode(query)}" if query else "")
    still_the_same = _unchanged(obj)

    client.force_login(_user(world, case.requester))
    response = getattr(client, method.lower())(path, data=case.body or {}, content_type="application/json")
    _assert_denied_and_audited(world, case, obj, response, key)
    assert response.json()["code"] == "not_found"
    assert still_the_same(), f"{key} changed an object out of scope"

    if method == "GET":
        client.force_login(_user(world, case.in_scope))
        status = client.get(path).status_code
        assert status == 200, f"{key} answers {status} to {case.in_scope}"
