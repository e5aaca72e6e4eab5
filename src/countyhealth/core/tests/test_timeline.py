"""The timeline registry: providers merged newest first, dates among datetimes, kind filters, replacement."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from countyhealth.core import timeline
from countyhealth.core.errors import ActionError
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


def _paged_fake(entries, calls):
    """A paged provider over a fixed list, paging with the bound as a real one does in SQL."""
    @timeline.paged
    def provider(resident, user, window):
        calls.append(window)
        ordered = sorted(entries, key=lambda e: (e.sort_key, -e.source, e.pk), reverse=True)
        return [e for e in ordered if window.wants(e.kind) and (window.before is None or window.before.admits(e))
                ][:window.limit]
    return provider


def _walk(registry, size, **kwargs):
    pages, cursor = [], None
    while True:
        page = registry.page_for("R", "U", before=cursor, limit=size, **kwargs)
        pages.append([e.title for e in page.entries])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_paging_across_providers_gives_every_entry_once_in_order(registry):
    same = datetime(2026, 3, 1, 8, 0, tzinfo=SHANGHAI)
    day = date(2026, 3, 1)  # its start sorts below 08:00 and ties with a timed entry at midnight
    midnight = datetime(2026, 3, 1, 0, 0, tzinfo=SHANGHAI)
    lab = [TimelineEntry(at=same, kind="lab", title=f"lab {pk}", source=0, pk=pk) for pk in (9, 4, 7)]
    lab += [TimelineEntry(at=midnight, kind="alert", title="alert", source=1, pk=3)]
    calls = []
    registry.register("a", lambda r, u: [TimelineEntry(at=same, kind="x", title="a1"),
                                         TimelineEntry(at=day, kind="x", title="a-day"),
                                         TimelineEntry(at=same, kind="y", title="a2")])
    registry.register("lab", _paged_fake(lab, calls), kinds={"lab": "检验", "alert": "危急值"})
    registry.register("c", lambda r, u: [TimelineEntry(at=midnight, kind="x", title="c-midnight"),
                                         TimelineEntry(at=datetime(2026, 2, 1, tzinfo=SHANGHAI), kind="x", title="c-old"),
                                         TimelineEntry(at=same, kind="x", title="c1")])
    expected = ["a1", "a2", "lab 9", "lab 7", "lab 4", "c1", "a-day", "alert", "c-midnight", "c-old"]
    assert [e.title for e in registry.entries_for("R", "U")] == expected
    calls.clear()
    for size in (1, 2, 3, 4, 9, 10, 11):
        pages = _walk(registry, size)
        assert [t for page in pages for t in page] == expected, size
        assert all(len(page) == size for page in pages[:-1]) and 0 < len(pages[-1]) <= size
    assert {c.limit for c in calls} == {2, 3, 4, 5, 10, 11, 12}  # one more than the page, to know of a next


def test_kinds_filter_pages_and_skips_providers_without_those_kinds(registry):
    same = datetime(2026, 3, 1, 8, 0, tzinfo=SHANGHAI)
    calls = []
    registry.register("lab", _paged_fake([TimelineEntry(at=same, kind="lab", title=f"lab {pk}", pk=pk)
                                          for pk in range(5)], calls), kinds={"lab": "检验"})
    registry.register("b", lambda r, u: [TimelineEntry(at=same, kind="x", title="b1"),
                                         TimelineEntry(at=same, kind="y", title="b2")], kinds={"x": "X", "y": "Y"})
    assert _walk(registry, 2, kinds=["y"]) == [["b2"]]
    assert calls == []  # the lab makes no "y": not asked
    assert _walk(registry, 2, kinds=["lab", "x"]) == [["lab 4", "lab 3"], ["lab 2", "lab 1"], ["lab 0", "b1"]]
    assert {c.kinds for c in calls} == {frozenset({"lab", "x"})}


def test_a_malformed_cursor_is_refused(registry):
    registry.register("a", lambda r, u: [TimelineEntry(at=date(2026, 1, 1), kind="x", title="old")])
    for cursor in ("x", "12.a.0", "12.nobody.0.1", "abc.a.0.1"):
        with pytest.raises(ActionError) as refused:
            registry.page_for(None, None, before=cursor)
        assert refused.value.code == "invalid_cursor"
