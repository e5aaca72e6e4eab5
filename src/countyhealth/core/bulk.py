"""Rows of one model written in one statement: new rows by PostgreSQL's COPY there, the ORM's bulk_create
elsewhere; changed fields of many rows by one UPDATE (`update`); the unsaved instances built fast (`build`).

Why not bulk_create on PostgreSQL: Django 5.2 sends each column as an array through UNNEST, and psycopg
quotes every element of every text array in Python; with `get_db_prep_save` on every value, that was most
of the time a phone's push of 200 follow-ups spent writing (bench/sync_ingest.py). COPY takes the rows as
they are (psycopg's row writer is compiled) and the ids come from the table's own sequence first, so the
caller gets its primary keys as with bulk_create. Like bulk_create: no save() and no signals."""

from functools import cache
from operator import attrgetter

from django.db import connection, models

from . import fastjson

PRE_SAVED = (models.DateField, models.DateTimeField)  # auto_now / auto_now_add fill the value in pre_save


def build(model, values: dict):
    """An unsaved `model(**values)`, `values` by attname (the other fields take their defaults), through the
    positional path of Django's Model.__init__: a wide model's keyword path tries every field it was not given
    (FollowUpVisit: 35 µs against 10 µs, and a push builds 200)."""
    names, defaults = _fields(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    return model(*[values[name] if name in values else default() for name, default in defaults])


@cache
def _fields(model) -> tuple[frozenset, list]:
    fields = model._meta.concrete_fields
    return frozenset(f.attname for f in fields), [(f.attname, f.get_default) for f in fields]


def insert(objs: list, *, with_ids: bool = True) -> list:
    """Write new, unsaved instances of one model and set their primary keys; returns `objs`. `with_ids=False`
    when the caller has no use for them (a round trip fewer on PostgreSQL; the instances stay unsaved)."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ids = _copy(model, fields, map(_row_reader(fields), objs), len(objs) if with_ids else None)
    if ids is None:
        return objs
    for pk, obj in zip(ids, objs, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def insert_values(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Write new rows given as tuples of the fields `names` (attnames), without building model instances (a
    push's bookkeeping rows); the other fields take their defaults (auto_now: now) and the ids come from the
    table's sequence as the rows go in (one round trip fewer than `insert`, which hands its ids back)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in names]
    filled = tuple(_to_copy(f, f.pre_save(model(), True) if _auto_now(f) else f.get_default()) for f in rest)
    encoded = [(i, f) for i, f in enumerate(given) if isinstance(f, models.JSONField)]

    def row_of(row):
        if encoded:
            row = list(row)
            for i, f in encoded:
                row[i] = _to_copy(f, row[i])
        return (*row, *filled)

    _copy(model, [*given, *rest], map(row_of, rows))


def update(objs: list, names: tuple[str, ...]) -> None:
    """Write the fields `names` (attnames) of many saved instances of one model in one UPDATE … FROM: on
    PostgreSQL from one array per column (unnest), so the statement has a parameter per column however many
    rows; elsewhere from VALUES, 500 rows a statement. (Django's bulk_update builds a CASE per field and row,
    which cost more than the rest of a phone's push.)"""
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [meta.get_field(name) for name in names]
    table, pk, columns = meta.db_table, meta.pk.column, [f.column for f in fields]
    sets = ", ".join(f"{column} = v.{column}" for column in columns)
    alias = f"v({pk}, {', '.join(columns)})"
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [meta.pk, *fields])
        params = [[obj.pk for obj in objs], *([f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs]
                                             for f in fields)]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS {alias} WHERE {table}.{pk} = v.{pk}",
                           params)
        return
    row = "(" + ", ".join(["%s"] * (1 + len(fields))) + ")"
    for start in range(0, len(objs), 500):
        chunk = objs[start:start + 500]
        params = [value for obj in chunk for value in (
            obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields))]
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {alias} AS (VALUES {', '.join([row] * len(chunk))}) "
                           f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk} = v.{pk}", params)


def _copy(model, fields, rows, count: int | None = None) -> list[int] | None:
    """COPY `rows` (values of `fields`, in order); with `count`, ids drawn first from the table's sequence
    (each row then starts with its id) and returned."""
    meta, quote = model._meta, connection.ops.quote_name
    columns = [*([meta.pk] if count is not None else []), *fields]
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) FROM STDIN"
    with connection.cursor() as wrapper:
        ids = None
        if count is not None:
            wrapper.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                            [meta.db_table, meta.pk.column, count])
            ids = [pk for (pk,) in wrapper.fetchall()]
            rows = ((pk, *row) for pk, row in zip(ids, rows, strict=True))
        with wrapper.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _auto_now(f) -> bool:
    return isinstance(f, PRE_SAVED) and (f.auto_now or f.auto_now_add)


def _to_copy(f, value):
    """A value as COPY's text format takes it: JSON encoded for a JSONField."""
    if isinstance(f, models.JSONField) and value is not None:
        return fastjson.dumps(value, f.encoder).decode()
    return value


def _row_reader(fields):
    """obj -> its values for `fields`, in the form COPY's text format accepts: the attributes read at once
    (attrgetter), then JSON encoded and auto_now dates filled in."""
    names = [f.attname for f in fields]
    read = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    fixes = []
    for i, f in enumerate(fields):
        if isinstance(f, models.JSONField):
            fixes.append((i, lambda obj, value, f=f: _to_copy(f, value)))
        elif _auto_now(f):
            fixes.append((i, lambda obj, value, f=f: f.pre_save(obj, True)))
    if not fixes:
        return read

    def row_of(obj):
        row = list(read(obj))
        for i, fix in fixes:
            row[i] = fix(obj, row[i])
        return row

    return row_of
