"""`field__any` (core.lookups) finds exactly what `field__in` finds, for every kind of value a push asks by
(PostgreSQL gets them as one array)."""

import uuid

import pytest

from countyhealth.audit.models import AuditLog
from countyhealth.sync.models import Device, Mutation


@pytest.fixture
def mutations(users):
    device = Device.objects.create(user=users.village_doctor_a1, name="p", token_hash="h" * 64,
                                   expires_at="2030-01-01T00:00:00Z")
    return [Mutation.objects.create(device=device, mutation_id=uuid.uuid4(), kind=kind, object_id=n)
            for n, kind in enumerate(["followup", "contract", "followup", "register_resident"])]


def test_any_matches_in_for_ids_uuids_and_text(mutations):
    def both(**lookup):
        (name, values), = lookup.items()
        found = set(Mutation.objects.filter(**{f"{name}__any": values}).values_list("pk", flat=True))
        assert found == set(Mutation.objects.filter(**{f"{name}__in": values}).values_list("pk", flat=True))
        return found

    first, second, third, fourth = (m.pk for m in mutations)
    assert both(pk=[first, third, 10**12]) == {first, third}
    assert both(mutation_id=[mutations[1].mutation_id, str(mutations[3].mutation_id), uuid.uuid4()]) == {second, fourth}
    assert both(kind=["followup", "nothing"]) == {first, third}
    assert both(object_id={1, 2, None}) == {second, third}  # a set, with a NULL that matches nothing
    assert both(device_id=(mutations[0].device_id,)) == {first, second, third, fourth}


def test_any_of_nothing_finds_nothing(mutations):
    assert not Mutation.objects.filter(pk__any=[]).exists()
    assert not Mutation.objects.filter(object_id__any=[None]).exists()
    assert Mutation.objects.exclude(pk__any=[]).count() == 4


def test_any_of_times(mutations):
    times = [m.applied_at for m in mutations]
    assert Mutation.objects.filter(applied_at__any=times[:2]).count() == 2
    assert not AuditLog.objects.filter(at__any=[times[0].replace(year=2000)]).exists()


def test_postgresql_gets_one_array_parameter(mutations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        list(Mutation.objects.filter(pk__any=[m.pk for m in mutations], device_id__any=[mutations[0].device_id]))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert sql.count("= ANY(") == 2 and " IN (" not in sql
    else:
        assert sql.count(" IN (") == 2
