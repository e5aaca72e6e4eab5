"""The timeline registry: providers merged newest first, dates among datetimes, kind filters, replacement."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from countyhealth.core import timeline
from countyhealth.core.timeline import TimelineEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the apps' registrations come back afterwards."""
    monkeypatch.setattr(timeline, "_registry", {})
    return timeline


def test_two_providers_merge_newest_first(registry):
    calls = []

    def followups(resident, user):
        calls.append((resident, user))
        return [TimelineEntry(at=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI), kind="followup", title="随访"),
                TimelineEntry(at=datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI), kind="followup", title="随访 旧")]

    def checks(resident, user):
        return [TimelineEntry(at=date(2026, 1, 15), kind="health_check", title="体检")]

    registry.register("publichealth", followups, kinds={"followup": "随访"})
    registry.register("records", checks, kinds={"health_check": "体检"})
    entries = registry.entries_for("R", "U")
    assert [e.title for e in entries] == ["随访", "体检", "随访 旧"]
    assert calls == [("R", "U")]
    assert registry.kind_labels() == {"followup": "随访", "health_check": "体检"}


def test_a_date_sorts_at_the_start_of_its_day(registry, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    registry.register("a", lambda r, u: [TimelineEntry(at=date(2026, 3, 1), kind="k", title="dated")])
    registry.register("b", lambda r, u: [
        TimelineEntry(at=datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI), kind="k", title="same day, timed"),
        TimelineEntry(at=datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI), kind="k", title="day before"),
    ])
    assert [e.title for e in registry.entries_for(None, None)] == ["same day, timed", "dated", "day before"]


def test_kind_filter_and_stable_ties(registry):
    same = datetime(2026, 3, 1, 8, 0, tzinfo=SHANGHAI)
    registry.register("a", lambda r, u: [TimelineEntry(at=same, kind="x", title="a1"),
                                         TimelineEntry(at=same, kind="y", title="a2")])
    registry.register("b", lambda r, u: [TimelineEntry(at=same, kind="x", title="b1")])
    assert [e.title for e in registry.entries_for(None, None)] == ["a1", "a2", "b1"]
    assert [e.title for e in registry.entries_for(None, None, kinds=["x"])] == ["a1", "b1"]


def test_register_again_replaces(registry):
    registry.register("a", lambda r, u: [TimelineEntry(at=date(2026, 1, 1), kind="x", title="old")])
    registry.register("a", lambda r, u: [TimelineEntry(at=date(2026, 1, 1), kind="x", title="new")])
    assert [e.title for e in registry.entries_for(None, None)] == ["new"]
    registry.unregister("a")
    assert registry.entries_for(None, None) == [] and registry.registered() == []


def test_records_registers_its_provider_at_startup():
    assert "records" in timeline.registered()
    assert {"record", "health_check"} <= set(timeline.kind_labels())
