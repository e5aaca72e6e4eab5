"""The SQL a phone's push is written with, on both databases: `field__any` (core.lookups) finds exactly what
`field__in` finds, for every kind of value a push asks by (PostgreSQL gets them as one array); `bulk.update`
and `bulk.insert_values` write every kind of value a push writes."""

import uuid
from datetime import timedelta

import pytest

from countyhealth.audit.models import AuditLog
from countyhealth.core import bulk
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


def test_excluding_any_keeps_what_excluding_in_keeps(mutations):
    unlinked = Mutation.objects.create(device_id=mutations[0].device_id, mutation_id=uuid.uuid4(), kind="followup")
    kept = set(Mutation.objects.exclude(object_id__any=[1, 2]).values_list("pk", flat=True))
    assert kept == set(Mutation.objects.exclude(object_id__in=[1, 2]).values_list("pk", flat=True))
    assert kept == {mutations[0].pk, mutations[3].pk, unlinked.pk}  # a NULL is not among [1, 2]


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


def test_update_writes_each_rows_own_values_and_nothing_else(mutations):
    first, second, third, _fourth = mutations
    moved = first.applied_at - timedelta(days=3)
    first.kind, first.object_id, first.client_id, first.applied_at = "contract", None, uuid.uuid4(), moved
    second.kind, second.object_id, second.client_id = "血压 \"高\"\t第二行", 10**12, None
    bulk.update([first, second], ("kind", "object_id", "client_id", "applied_at"))
    stored = {m.pk: m for m in Mutation.objects.all()}
    assert (stored[first.pk].kind, stored[first.pk].object_id, stored[first.pk].client_id,
            stored[first.pk].applied_at) == ("contract", None, first.client_id, moved)
    assert (stored[second.pk].kind, stored[second.pk].object_id, stored[second.pk].client_id) == (
        "血压 \"高\"\t第二行", 10**12, None)
    assert (stored[third.pk].kind, stored[third.pk].object_id) == ("followup", 2)


def test_insert_values_fills_defaults_and_encodes_json(mutations):
    device_id = mutations[0].device_id
    before = set(Mutation.objects.values_list("pk", flat=True))
    bulk.insert_values(Mutation, ("device_id", "mutation_id", "kind", "result"), [
        (device_id, uuid.uuid4(), "followup", {"status": "applied", "text": "第二行\n\\"}),
        (device_id, uuid.uuid4(), "contract", {})])
    stored = list(Mutation.objects.exclude(pk__in=before).order_by("pk"))
    assert [m.kind for m in stored] == ["followup", "contract"]
    assert [m.result for m in stored] == [{"status": "applied", "text": "第二行\n\\"}, {}]
    assert all(m.applied_at is not None and m.client_id is None and m.object_id is None for m in stored)


def test_copy_json_reads_back_as_the_fields_encoder_writes_it():
    """orjson writes COPY's JSON; what a row reads back is what DjangoJSONEncoder (the ORM's way) gives."""
    import json
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import models
    from django.utils.translation import gettext_lazy

    from countyhealth.publichealth.rules import NextAction

    field = models.JSONField(encoder=DjangoJSONEncoder)
    value = {"at": datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC), "day": date(2026, 11, 24),
             "fpg": Decimal("7.10"), "label": gettext_lazy("Routine follow-up"), "id": uuid.UUID(int=5),
             "action": NextAction.REFERRAL, 3: ["血压 \"高\"", None, 1.5, True]}
    assert json.loads(bulk._to_copy(field, value)) == json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    with pytest.raises(TypeError):  # a field without an encoder refuses a date, as json.dumps does
        bulk._to_copy(models.JSONField(), {"day": date(2026, 11, 24)})


def test_build_gives_what_the_keyword_constructor_gives():
    """`bulk.build` (a push's follow-up rows) sets the fields given, the others' defaults, a fresh default
    list for each row, and refuses a field the model does not have."""
    from countyhealth.publichealth.models import FollowUpVisit

    given = {"resident_id": 7, "enrolment_id": 5, "programme": "hypertension", "sbp": 150, "reasons": [{"code": "x"}]}
    built, keyword = bulk.build(FollowUpVisit, given), FollowUpVisit(**given)
    assert ({f.attname: getattr(built, f.attname) for f in FollowUpVisit._meta.concrete_fields}
            == {f.attname: getattr(keyword, f.attname) for f in FollowUpVisit._meta.concrete_fields})
    assert built.pk is None and built.medications == [] and built.adr is False and built._state.adding
    assert bulk.build(FollowUpVisit, given).symptoms is not built.symptoms
    with pytest.raises(TypeError, match="systolic"):
        bulk.build(FollowUpVisit, {**given, "systolic": 150})


def test_insert_without_ids_writes_the_rows(mutations):
    device_id = mutations[0].device_id
    rows = [Mutation(device_id=device_id, mutation_id=uuid.uuid4(), kind="followup", object_id=n) for n in (41, 42)]
    bulk.insert(rows, with_ids=False)
    assert sorted(Mutation.objects.filter(object_id__in=[41, 42]).values_list("object_id", flat=True)) == [41, 42]
