"""The 360° timeline registry: every app that records something about a resident registers a provider here
from its `AppConfig.ready()`, so the records app (low in the layers) can show entries of apps above it
(follow-ups, contracts, referrals, ECGs) without importing them (architecture §1).

A provider is `provider(resident, user) -> list[TimelineEntry]`. It is called only for a resident the user may
see, and returns only what that user may see of it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a resident. `at` is a date when the event has no time of day (a check
    date); `kind` is a short code filtered on (e.g. "health_check"), `organisation` the institution's name."""

    at: datetime | date
    kind: str
    title: str
    summary: str = ""
    organisation: str = ""
    url: str | None = None

    @property
    def sort_key(self) -> datetime:
        """Dates sort as the start of their day in the current time zone: an event dated today stays below
        one recorded today at a known time."""
        if isinstance(self.at, datetime):
            return self.at if timezone.is_aware(self.at) else timezone.make_aware(self.at)
        return timezone.make_aware(datetime.combine(self.at, time.min))

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime)


Provider = Callable[[object, object], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class _Registration:
    provider: Provider
    kinds: Mapping[str, str]


_registry: dict[str, _Registration] = {}


def register(name: str, provider: Provider, *, kinds: Mapping[str, str] | None = None) -> None:
    """Register (or replace: `ready()` may run more than once in tests) the provider called `name`.
    `kinds` maps the kind codes it produces to their (lazily translated) labels, for the page's filters."""
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


def entries_for(resident, user, *, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    """All providers' entries for a resident, newest first; `kinds` keeps only those kinds. Ties keep the
    providers' registration order and each provider's own order, so the page is stable between reloads."""
    wanted = set(kinds) if kinds else None
    entries: list[TimelineEntry] = []
    for registration in list(_registry.values()):
        for entry in registration.provider(resident, user):
            if wanted is None or entry.kind in wanted:
                entries.append(entry)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries
