"""The 360° timeline registry: every app that records something about a resident registers a provider here
from its `AppConfig.ready()`, so the records app (low in the layers) can show entries of apps above it
(follow-ups, contracts, referrals, ECGs) without importing them (architecture §1).

The page is paged inside the providers, so its cost follows the page size, not the resident's history: a
provider marked `@paged` is `provider(resident, user, window) -> list[TimelineEntry]` and returns at most
`window.limit` entries of `window.kinds`, after `window.before`, newest first. Most providers are simply a
list of querysets over every resident (`@from_sources`), which the registry keeps to the residents asked
about: for one resident's page it asks once which of all of them have rows after the cursor, then runs one
`ORDER BY time DESC, id DESC LIMIT n` query for each that has; for many residents at once
(`newest_of_each_source_by_resident`, a batch of referrals' summaries) one query per source numbers each
resident's rows (ROW_NUMBER() OVER (PARTITION BY resident …)), so the count of queries does not follow the
count of residents. The registry merges the providers' short lists (heapq.merge), keeps one page and hands
back the cursor of the next one. A plain `provider(resident, user)` (no window) still works: its whole list
is filtered and cut here.

A provider is called only for a resident the user may see, and returns only what that user may see of it.

Order, newest first; ties keep the providers' registration order, then each provider's source order, then
the newer row (higher id) first — a total order, so a keyset cursor `(time, provider, source, id)` pages
through every entry exactly once.
"""

import heapq
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import F, Q
from django.db.models import Window as Over
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import ActionError

PAGE_SIZE = 50
ENTRIES_LIMIT = 200  # entries_for: the newest this many
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a resident. `at` is a date when the event has no time of day (a check
    date); `kind` is a short code filtered on (e.g. "health_check"), `organisation` the institution's name.
    `source` and `pk` place it among entries of the same time (set by `gather`; not shown). Providers give
    `url` lazily (reverse_lazy): it is resolved only where it is shown, and a referral's summary reads a
    hundred entries a push without showing one link."""

    at: datetime | date
    kind: str
    title: str
    summary: str = ""
    organisation: str = ""
    url: str | Promise | None = None
    source: int = field(default=0, compare=False, repr=False)
    pk: int = field(default=0, compare=False, repr=False)

    @property
    def sort_key(self) -> datetime:
        """Dates sort as the start of their day in the current time zone: an event dated today stays below
        one recorded today at a known time."""
        if isinstance(self.at, datetime):
            return self.at if timezone.is_aware(self.at) else timezone.make_aware(self.at)
        return _start_of(self.at)

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _order(entry: TimelineEntry) -> tuple:
    """Within one provider, descending: newest first, then the lower source, then the higher id."""
    return entry.sort_key, -entry.source, entry.pk


@dataclass(frozen=True)
class Before:
    """A provider's keyset bound: only entries after (at, source, pk) in the provider's order — older than
    `at`, or at `at` from a later source, or from the same source with a lower id."""

    at: datetime
    source: int
    pk: int

    def admits(self, entry: TimelineEntry) -> bool:
        key = entry.sort_key
        if key != self.at:
            return key < self.at
        return entry.source > self.source or (entry.source == self.source and entry.pk < self.pk)

    def q(self, name: str, dated: bool, source: int) -> Q:
        """The same bound in SQL for a source's time column `name` (a date column when `dated`)."""
        older, at_or_older, same = _comparisons(name, dated, self.at)
        if source < self.source:
            return older
        if source > self.source:
            return at_or_older
        return older | (same & Q(pk__lt=self.pk)) if same is not None else older


def _comparisons(name: str, dated: bool, at: datetime) -> tuple[Q, Q, Q | None]:
    """(time < at, time <= at, time == at) for a column; a date d stands for the start of its day."""
    if not dated:
        return Q(**{f"{name}__lt": at}), Q(**{f"{name}__lte": at}), Q(**{name: at})
    day = timezone.localtime(at).date()
    if _start_of(day) == at:
        return Q(**{f"{name}__lt": day}), Q(**{f"{name}__lte": day}), Q(**{name: day})
    return Q(**{f"{name}__lte": day}), Q(**{f"{name}__lte": day}), None  # no date starts at `at`


@dataclass(frozen=True)
class Window:
    """What the registry asks of a provider: at most `limit` entries of `kinds` (None: every kind) after
    `before` (None: from the newest)."""

    kinds: frozenset[str] | None
    limit: int
    before: Before | None = None

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


@dataclass(frozen=True)
class Source:
    """One query of a provider: `rows` of one `kind` of every resident (the registry keeps those of the
    residents asked about, through the foreign key `resident`), timed by the field or annotation `at`;
    `entry(row)` builds the row's entry (select_related/prefetch on `rows` what it reads; the resident is
    the row's own `resident_id`, as a source serves many residents)."""

    kind: str
    rows: models.QuerySet
    at: str
    entry: Callable[[models.Model], TimelineEntry]
    resident: str = "resident"

    def of(self, resident) -> "Source":
        """The source kept to one resident's rows."""
        return replace(self, rows=self.rows.filter(**{self.resident: resident}))

    def of_many(self, resident_ids: list[int]) -> "Source":
        return replace(self, rows=self.rows.filter(**{f"{self.resident}__in": resident_ids}))


def gather(window: Window, *sources: Source, present: set[int] | None = None) -> list[TimelineEntry]:
    """A provider's page: each wanted source's newest `limit` rows after the bound, merged newest first.
    A source's rank is its place in `sources`, so list them in the same order on every call. `present`, when
    known, names the ranks that have rows after the bound (the others are not asked)."""
    lists = []
    for rank, source in enumerate(sources):
        if not window.wants(source.kind) or (present is not None and rank not in present):
            continue
        rows = _bounded(source, window, rank).order_by(f"-{source.at}", "-pk")[:window.limit]
        lists.append([replace(source.entry(row), source=rank, pk=row.pk) for row in rows])
    return list(islice(heapq.merge(*lists, key=_order, reverse=True), window.limit))


def _bounded(source: Source, window: Window, rank: int) -> models.QuerySet:
    if window.before is None:
        return source.rows
    return source.rows.filter(window.before.q(source.at, _is_date(source.rows, source.at), rank))


class SourceProvider:
    """A paged provider built from `sources(user) -> [Source, …]` (decorate it with `from_sources`), the
    same sources for every resident. The registry first asks one query which of all the providers' sources
    have rows after the cursor, then queries only those: most residents have entries in few of the
    fifteen-odd sources, and each query is a round trip."""

    timeline_paged = True

    def __init__(self, sources: Callable[[object], list[Source]]):
        self.sources = sources

    def sources_of(self, resident, user) -> list[Source]:
        return [source.of(resident) for source in self.sources(user)]

    def __call__(self, resident, user, window: Window, present: set[int] | None = None) -> list[TimelineEntry]:
        return gather(window, *self.sources_of(resident, user), present=present)


def from_sources(sources: Callable[[object], list[Source]]) -> SourceProvider:
    return SourceProvider(sources)


def _present(asked: list[tuple[object, Source, Window, int]]) -> set:
    """The keys of the sources having at least one row after their bound, in one SELECT EXISTS(…), …."""
    parts, params, keys = [], [], []
    for key, source, window, rank in asked:
        try:
            sql, more = _bounded(source, window, rank).order_by().values("pk")[:1].query.sql_with_params()
        except EmptyResultSet:  # a queryset that can match nothing (.none()): nothing to ask
            continue
        parts.append(f"EXISTS({sql})")
        params.extend(more)
        keys.append(key)
    if not parts:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        found = cursor.fetchone()
    return {key for key, exists in zip(keys, found, strict=True) if exists}


def _is_date(rows: models.QuerySet, name: str) -> bool:
    annotation = rows.query.annotations.get(name)
    column = annotation.output_field if annotation is not None else rows.model._meta.get_field(name)
    return not isinstance(column, models.DateTimeField)


Provider = Callable[..., Iterable[TimelineEntry]]


def paged(provider: Provider) -> Provider:
    """Mark a provider that takes the window (resident, user, window) and pages itself."""
    provider.timeline_paged = True
    return provider


@dataclass(frozen=True)
class _Registration:
    provider: Provider
    kinds: Mapping[str, str]

    @property
    def paged(self) -> bool:
        return getattr(self.provider, "timeline_paged", False)

    def entries(self, resident, user, window: Window) -> list[TimelineEntry]:
        """A provider without sources asked for one resident's window: its own page when it pages itself,
        else its whole list cut here."""
        if self.paged:
            return self.provider(resident, user, window)
        return _cut(self.provider(resident, user), window)


_registry: dict[str, _Registration] = {}


def register(name: str, provider: Provider, *, kinds: Mapping[str, str] | None = None) -> None:
    """Register (or replace: `ready()` may run more than once in tests) the provider called `name`.
    `kinds` maps the kind codes it produces to their (lazily translated) labels, for the page's filters;
    a provider declaring kinds is not asked when a filter wants none of them."""
    _registry[name] = _Registration(provider, dict(kinds or {}))


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered() -> list[str]:
    return list(_registry)


def kind_labels() -> dict[str, str]:
    """Every kind any provider declared, with its label, in registration order."""
    labels: dict[str, str] = {}
    for registration in _registry.values():
        for kind, label in registration.kinds.items():
            labels.setdefault(kind, label)
    return labels


@dataclass(frozen=True)
class Page:
    entries: list[TimelineEntry]
    next_cursor: str | None  # `before` for the next (older) page; None on the last page


def page_for(resident, user, *, kinds: Iterable[str] | None = None, before: str | None = None,
             limit: int = PAGE_SIZE) -> Page:
    """One page of the resident's timeline, newest first, after the cursor `before` (from a previous
    page's `next_cursor`); `kinds` keeps only those kinds. Raises ActionError for a malformed cursor."""
    wanted = frozenset(kinds) if kinds else None
    registrations = list(_registry.items())
    cursor = _parse(before, [name for name, _r in registrations]) if before else None
    asked = []  # (rank, registration, window, its sources when it has them)
    for rank, (_name, registration) in enumerate(registrations):
        if wanted is not None and registration.kinds and not wanted & registration.kinds.keys():
            continue
        window = Window(wanted, limit + 1, _bound(cursor, rank))
        sources = (registration.provider.sources_of(resident, user)
                   if isinstance(registration.provider, SourceProvider) else None)
        asked.append((rank, registration, window, sources))
    present = _present([((rank, i), source, window, i) for rank, _r, window, sources in asked if sources
                        for i, source in enumerate(sources) if window.wants(source.kind)])
    lists = []
    for rank, registration, window, sources in asked:
        if sources is not None:
            entries = gather(window, *sources, present={i for r, i in present if r == rank})
        else:
            entries = registration.entries(resident, user, window)
        lists.append([(rank, entry) for entry in entries if window.wants(entry.kind)])
    merged = list(islice(heapq.merge(*lists, key=_merge_order, reverse=True), limit + 1))
    page = merged[:limit]
    more = len(merged) > limit
    return Page([entry for _rank, entry in page], _format(*page[-1], registrations) if more else None)


def entries_for(resident, user, *, kinds: Iterable[str] | None = None, limit: int = ENTRIES_LIMIT) -> list[TimelineEntry]:
    """The resident's newest `limit` entries, newest first, in the page's order."""
    return page_for(resident, user, kinds=kinds, limit=limit).entries


def newest_of_each_source(resident, user, *, count: int, leave_out: Iterable[str] = ()) -> list[TimelineEntry]:
    """The newest `count` entries of every source (a source yields one kind) but those of the kinds left out,
    merged newest first: what a summary keeping a few entries of each kind needs, however long the history.
    One EXISTS query, then one LIMIT query per source that has rows. A provider without sources gives its
    newest `count` of all kinds."""
    window, left_out = Window(None, count), frozenset(leave_out)
    asked, lists = [], []
    for rank, registration in enumerate(_registry.values()):
        provider = registration.provider
        if isinstance(provider, SourceProvider):
            asked.extend(((rank, i), source, window, i)
                         for i, source in enumerate(provider.sources_of(resident, user)) if source.kind not in left_out)
        else:
            lists.append(registration.entries(resident, user, window))
    present = _present(asked)
    lists.extend(gather(window, source) for key, source, _w, _i in asked if key in present)
    return sorted((entry for entries in lists for entry in entries), key=_order, reverse=True)


def newest_of_each_source_by_resident(residents: Iterable, user, *, count: int,
                                      leave_out: Iterable[str] = ()) -> dict[int, list[TimelineEntry]]:
    """`newest_of_each_source` for many residents at once: resident id → exactly the list it returns for
    that resident. One EXISTS query over all sources, then one query per source that has rows for any of
    them, keeping each resident's newest `count` (ROW_NUMBER() OVER (PARTITION BY resident …)); a plain
    provider (no sources) is still called once per resident."""
    residents = list({resident.pk: resident for resident in residents}.values())
    if len(residents) == 1:  # the LIMIT queries, which stop early in a long history
        return {residents[0].pk: newest_of_each_source(residents[0], user, count=count, leave_out=leave_out)}
    if not residents:
        return {}
    ids = [resident.pk for resident in residents]
    window, left_out = Window(None, count), frozenset(leave_out)
    lists: dict[int, list[list[TimelineEntry]]] = {pk: [] for pk in ids}
    asked = []
    for rank, registration in enumerate(_registry.values()):
        provider = registration.provider
        if isinstance(provider, SourceProvider):
            asked.extend(((rank, i), source.of_many(ids), window, i)
                         for i, source in enumerate(provider.sources(user)) if source.kind not in left_out)
            continue
        for resident in residents:
            lists[resident.pk].append(registration.entries(resident, user, window))
    present = _present(asked)
    for key, source, _w, _i in asked:
        if key in present:
            for resident_id, entries in _newest_by_resident(source, count).items():
                lists[resident_id].append(entries)
    # The same order as newest_of_each_source: the lists in the same sequence, then one stable sort.
    return {pk: sorted((entry for entries in lists[pk] for entry in entries), key=_order, reverse=True)
            for pk in ids}


_ID, _RANK, _RESIDENT = "timeline_id", "timeline_rank", "timeline_resident"


def _newest_by_resident(source: Source, count: int) -> dict[int, list[TimelineEntry]]:
    """Each resident's newest `count` rows of the source, newest first, in one query: what `gather` gives
    for one resident (source 0, its LIMIT query's order). The rows are numbered in a subquery of their ids
    alone: Django's own filter on a window function compiles the whole select, joins included, three
    times, which cost more than the query took to run."""
    newest_first = [F(source.at).desc(), F("pk").desc()]
    numbered = source.rows.order_by().values(
        **{_ID: F("pk"), _RANK: Over(RowNumber(), partition_by=F(source.resident), order_by=newest_first)})
    sql, params = numbered.query.sql_with_params()
    pk, rank = (connection.ops.quote_name(name) for name in (_ID, _RANK))
    newest = RawSQL(f"SELECT numbered.{pk} FROM ({sql}) numbered WHERE numbered.{rank} <= %s", (*params, count))
    rows = (source.rows.annotate(**{_RESIDENT: F(source.resident)}).filter(pk__in=newest)
            .order_by(f"-{source.at}", "-pk"))
    by_resident: dict[int, list[TimelineEntry]] = {}
    for row in rows:  # newest first, so each resident's list is too
        by_resident.setdefault(getattr(row, _RESIDENT), []).append(replace(source.entry(row), source=0, pk=row.pk))
    return by_resident


def _merge_order(item: tuple[int, TimelineEntry]) -> tuple:
    rank, entry = item
    return entry.sort_key, -rank, -entry.source, entry.pk


def _cut(entries: Iterable[TimelineEntry], window: Window) -> list[TimelineEntry]:
    """A plain provider's list paged here: its own order breaks ties (pk = minus the position)."""
    placed = [replace(e, source=0, pk=-i) for i, e in enumerate(entries) if window.wants(e.kind)]
    if window.before is not None:
        placed = [e for e in placed if window.before.admits(e)]
    placed.sort(key=_order, reverse=True)
    return placed[:window.limit]


# A cursor is "<microseconds since 1970>.<provider>.<source>.<id>": the last entry of the page before.
_Cursor = tuple[datetime, int, int, int]


def _bound(cursor: _Cursor | None, rank: int) -> Before | None:
    """The page cursor seen from the provider ranked `rank`: providers before the cursor's one already
    showed everything at the cursor's time, those after it nothing yet."""
    if cursor is None:
        return None
    at, cursor_rank, source, pk = cursor
    if rank < cursor_rank:
        return Before(at, sys.maxsize, 0)
    if rank > cursor_rank:
        return Before(at, -1, 0)
    return Before(at, source, pk)


def _format(rank: int, entry: TimelineEntry, registrations) -> str:
    micros = (entry.sort_key - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{registrations[rank][0]}.{entry.source}.{entry.pk}"


def _parse(text: str, names: list[str]) -> _Cursor:
    try:
        micros, rest = text.split(".", 1)
        name, source, pk = rest.rsplit(".", 2)
        return _EPOCH + timedelta(microseconds=int(micros)), names.index(name), int(source), int(pk)
    except (ValueError, OverflowError):
        raise ActionError(_("This link to older entries is not valid; open the timeline again."),
                          code="invalid_cursor", field="before") from None
