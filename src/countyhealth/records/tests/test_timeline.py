"""The 360° page paged inside the providers: keyset pages over the real providers' SQL give every entry once in
order (ties within a source, across sources, dates against times), "older" with htmx and in the API, kinds
filter, one audited read per page, and a query count that does not grow with the resident's history."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countyhealth.audit.models import AccessLog
from countyhealth.core import timeline
from countyhealth.records import actions, diagnoses
from countyhealth.records.models import PersonalInfoChange, RecordStatusChange
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHECK_DAYS = [date(2024, 1, 1) + timedelta(days=30 * i) for i in range(4)]


@pytest.fixture
def elder(users, county, make_resident):
    r = make_resident(county.village_a1, name="王大爷", birth_date=date(1950, 5, 1))
    actions.do_open_health_record(acting_user=users.village_doctor_a1, resident_id=r.pk,
                                  personal_info=personal_info_data())
    return r


@pytest.fixture
def history(users, elder):
    """Checks and diagnoses on dates; information and status changes at times, many of them tied: several at
    one instant in one source, and some at the very start of a check's day (a date ties with that time)."""
    doctor = users.village_doctor_a1
    for day in CHECK_DAYS:
        actions.do_record_health_check(acting_user=doctor, resident_id=elder.pk, data=elderly_check_data(day))
    for day in (CHECK_DAYS[1], CHECK_DAYS[3]):
        diagnoses.do_record_diagnosis(acting_user=doctor, resident_id=elder.pk, code="I10", diagnosed_on=day)
    tied = datetime(2024, 3, 1, 9, 30, tzinfo=SHANGHAI)
    day_start = datetime.combine(CHECK_DAYS[1], time.min, tzinfo=SHANGHAI)
    times = [tied] * 5 + [day_start] * 3 + [tied + timedelta(minutes=i) for i in range(4)]
    PersonalInfoChange.objects.bulk_create(
        PersonalInfoChange(resident=elder, changed_by=doctor, organisation=doctor.organisation, fields=["work_unit"])
        for _ in times)
    for change, at in zip(PersonalInfoChange.objects.filter(resident=elder).order_by("pk"), times, strict=True):
        PersonalInfoChange.objects.filter(pk=change.pk).update(changed_at=at)
    for at in (day_start, tied):
        change = RecordStatusChange.objects.create(resident=elder, from_status="active", to_status="lost",
                                                   reason="外出务工", changed_by=doctor)
        RecordStatusChange.objects.filter(pk=change.pk).update(changed_at=at)
    return elder


def _key(entry):
    return entry.sort_key, entry.kind, entry.source, entry.pk, str(entry.title)


def test_pages_over_the_real_providers_give_every_entry_once_in_order(users, history):
    doctor = users.village_doctor_a1
    everything = timeline.entries_for(history, doctor, limit=1000)
    # 1 record opened + 12 information changes + 2 status changes, 4 checks, 2 diagnoses
    assert [e.kind for e in everything].count("record") == 15
    assert len(everything) == 21
    assert [e.sort_key for e in everything] == sorted((e.sort_key for e in everything), reverse=True)
    assert len({(e.sort_key, e.source, e.pk) for e in everything}) == 21
    for size in (1, 4, 7, 20, 21):
        seen, cursor = [], None
        while True:
            page = timeline.page_for(history, doctor, before=cursor, limit=size)
            assert len(page.entries) <= size
            seen += page.entries
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert [_key(e) for e in seen] == [_key(e) for e in everything], size


def test_kinds_filter_pages_through_one_kind(users, history):
    doctor = users.village_doctor_a1
    first = timeline.page_for(history, doctor, kinds=["health_check", "diagnosis"], limit=4)
    rest = timeline.page_for(history, doctor, kinds=["health_check", "diagnosis"], before=first.next_cursor, limit=4)
    assert [(e.kind, e.at) for e in first.entries + rest.entries] == [
        ("health_check", CHECK_DAYS[3]), ("diagnosis", CHECK_DAYS[3]), ("health_check", CHECK_DAYS[2]),
        ("health_check", CHECK_DAYS[1]), ("diagnosis", CHECK_DAYS[1]), ("health_check", CHECK_DAYS[0])]
    assert rest.next_cursor is None


def test_older_link_appends_the_next_page_with_htmx_and_each_page_is_audited(client, users, history, monkeypatch):
    monkeypatch.setattr("countyhealth.records.views.TIMELINE_PAGE_SIZE", 15)
    client.force_login(users.village_doctor_a1)
    url = reverse("records:timeline", args=[history.pk])
    html = client.get(url).content.decode()
    assert html.count('<li><div class="when">') == 15 and 'class="timeline-more"' in html
    older = html[html.index('<li class="timeline-more">'):]
    link = older[older.index('hx-get="') + 8:older.index('"', older.index('hx-get="') + 8)].replace("&amp;", "&")
    partial = client.get(url + link, HTTP_HX_REQUEST="true")
    rest = partial.content.decode()
    assert "<html" not in rest and rest.count('<li><div class="when">') == 6 and "timeline-more" not in rest
    assert "HX-Request" in partial["Vary"]
    assert "2024-01-01" in rest  # the oldest check is on the last page
    without_js = client.get(url + link).content.decode()
    assert "<html" in without_js and without_js.count('<li><div class="when">') == 6 and "最新" in without_js
    assert AccessLog.objects.filter(resident_id=history.pk, what="records.timeline").count() == 3
    stale = client.get(url, {"before": "not-a-cursor"}).content.decode()
    assert stale.count('<li><div class="when">') == 15  # a broken link starts again from the newest


def test_api_pages_with_next_and_refuses_a_bad_cursor(client, users, history):
    client.force_login(users.village_doctor_a1)
    url = f"/api/records/{history.pk}/timeline"
    seen, params = [], {"limit": 8}
    while True:
        body = client.get(url, params).json()
        seen += [(e["kind"], e["at"]) for e in body["items"]]
        if not body["has_next"]:
            assert body["next"] is None
            break
        params = {"limit": 8, "before": body["next"]}
    assert len(seen) == 21 and len(set(seen)) < 21  # every entry once; some share a kind and a time
    assert seen[-1] == ("health_check", "2024-01-01")
    answer = client.get(url, {"before": "9.nobody.0.1"})
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_cursor"


def test_page_queries_do_not_grow_with_the_history(client, users, elder, django_assert_max_num_queries):
    """A page costs one query asking which sources have rows, then a fixed few per source that has: the same
    for 4 entries and for 124, first page or older."""
    client.force_login(users.village_doctor_a1)
    url = reverse("records:timeline", args=[elder.pk])
    cap = 6 + 3 * len(timeline.registered())
    doctor = users.village_doctor_a1

    def changes(n):
        PersonalInfoChange.objects.bulk_create(
            PersonalInfoChange(resident=elder, changed_by=doctor, organisation=doctor.organisation,
                               fields=["work_unit"]) for _ in range(n))

    changes(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(cap):
        assert client.get(url).status_code == 200
    changes(120)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(cap):
        html = client.get(url).content.decode()
    assert html.count('<li><div class="when">') == 50
    cursor = timeline.page_for(elder, doctor).next_cursor
    with CaptureQueriesContext(connection) as older, django_assert_max_num_queries(cap):
        assert client.get(url, {"before": cursor}).status_code == 200
    assert len(many) == len(few) == len(older)
