"""Record pages: Chinese labels, errors shown and nothing saved, scope (404 + audit), roles (403), query counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.forms import MultipleChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.core import timeline
from countyhealth.core.timeline import TimelineEntry
from countyhealth.records import actions
from countyhealth.records.forms import HealthCheckForm
from countyhealth.records.models import AnnualHealthCheck, PersonalInfo
from countyhealth.records.tests.factories import elderly_check_data, personal_info_data
from countyhealth.residents.models import Resident


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def form_post(form_class, data: dict, **kwargs) -> dict:
    """What a browser posts for `data`: every field of the generated form, rows expanded."""
    post = {}
    form = form_class(initial={}, **kwargs)
    for name in form.fields:
        if "-" in name:
            list_name, index, cell = name.split("-")
            rows = data.get(list_name) or []
            value = rows[int(index)].get(cell, "") if int(index) < len(rows) else ""
        else:
            value = data.get(name, [] if isinstance(form.fields[name], MultipleChoiceField) else "")
        if isinstance(value, list):
            post[name] = value
        elif value is not None:
            post[name] = str(value)
    return post


def open_record(user, resident):
    return actions.do_open_health_record(acting_user=user, resident_id=resident.pk,
                                         personal_info=personal_info_data())


@pytest.fixture
def elder(users, county, make_resident):
    r = make_resident(county.village_a1, name="王大爷", birth_date=date(1950, 5, 1))
    open_record(users.village_doctor_a1, r)
    return r


def test_record_page_in_chinese(login, users, elder):
    html = login(users.village_doctor_a1).get(reverse("records:record-detail", args=[elder.pk])).content.decode()
    for text in ("居民健康档案", "健康档案编号", "43012410120100001", "个人基本信息", "血型", "A型", "高血压",
                 "记录健康体检", "时间轴"):
        assert text in html, text
    assert AccessLog.objects.filter(what="records.record", resident_id=elder.pk).exists()


def test_open_record_page_and_post(login, users, county, make_resident):
    from countyhealth.records.forms import PersonalInfoForm

    r = make_resident(county.village_a1)
    client = login(users.village_doctor_a1)
    html = client.get(reverse("records:record-open", args=[r.pk])).content.decode()
    for text in ("建立健康档案", "血型", "文化程度", "医疗费用支付方式", "药物过敏史", "既往史", "家族史", "厨房排风设施",
                 "<details"):
        assert text in html, text
    response = client.post(reverse("records:record-open", args=[r.pk]),
                           form_post(PersonalInfoForm, personal_info_data()))
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.record_number == "43012410120100001"
    assert PersonalInfo.objects.get(resident=r).past_diseases == [{"code": "2", "diagnosed": "2015-06", "note": ""}]


def test_health_check_form_errors_are_shown_and_nothing_saved(login, users, elder):
    client = login(users.village_doctor_a1)
    url = reverse("records:check-create", args=[elder.pk])
    html = client.get(url).content.decode()
    for text in ("健康体检表", "体检日期", "症状", "一般状况", "生活自理能力", "辅助检查", "空腹血糖", "健康指导", "<details"):
        assert text in html, text
    data = elderly_check_data(date(2026, 3, 1), sbp_left=80, dbp_left=90, weight_kg="-3")
    response = client.post(url, form_post(HealthCheckForm, data, user=users.village_doctor_a1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "收缩压必须高于舒张压" in html
    assert "请更正以下错误" in html
    assert not AnnualHealthCheck.objects.exists()


def test_health_check_saved_from_the_form(login, users, elder):
    client = login(users.village_doctor_a1)
    data = elderly_check_data(date(2026, 3, 1))
    response = client.post(reverse("records:check-create", args=[elder.pk]),
                           form_post(HealthCheckForm, data, user=users.village_doctor_a1))
    check = AnnualHealthCheck.objects.get()
    assert response.url == reverse("records:check-detail", args=[elder.pk, check.pk])
    assert check.is_complete_for_elderly and check.bmi is not None and check.medications[0]["adherence"] == "1"
    html = client.get(response.url).content.decode()
    assert "142/82" in html and "氨氯地平" in html and "规律" in html and "2（可自理）" in html


def test_edit_check_page_shows_stored_values(login, users, elder):
    check = actions.do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                           data=elderly_check_data(date(2026, 3, 1)))
    html = login(users.village_doctor_a1).get(reverse("records:check-edit", args=[elder.pk, check.pk])).content.decode()
    assert 'value="氨氯地平"' in html and 'value="2026-03-01"' in html


def test_status_change_page(login, users, elder):
    client = login(users.village_doctor_a1)
    url = reverse("records:status-change", args=[elder.pk])
    html = client.post(url, {"status": "moved_out", "destination": ""}).content.decode()
    assert "此项为必填项" in html
    assert Resident.objects.get(pk=elder.pk).status == "active"
    client.post(url, {"status": "moved_out", "destination": "长沙市岳麓区"})
    assert Resident.objects.get(pk=elder.pk).status == "moved_out"


@pytest.mark.parametrize("name,args", [
    ("records:record-detail", []), ("records:record-open", []), ("records:personal-info-edit", []),
    ("records:check-create", []), ("records:status-change", []), ("records:timeline", []),
])
def test_out_of_scope_is_404_and_audited(login, users, elder, name, args):
    response = login(users.village_doctor_b1).get(reverse(name, args=[elder.pk, *args]))
    assert response.status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=elder.pk).count() == 1


@pytest.mark.parametrize("name", ["records:check-detail", "records:check-edit"])
def test_check_out_of_scope_is_404(login, users, elder, name):
    check = actions.do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                           data=elderly_check_data(date(2026, 3, 1)))
    assert login(users.village_doctor_b1).get(reverse(name, args=[elder.pk, check.pk])).status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied", resident_id=elder.pk).exists()


def test_check_of_another_resident_is_404(login, users, county, elder, make_resident):
    check = actions.do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                           data=elderly_check_data(date(2026, 3, 1)))
    neighbour = make_resident(county.village_a1)
    url = reverse("records:check-detail", args=[neighbour.pk, check.pk])
    assert login(users.village_doctor_a1).get(url).status_code == 404


def test_read_only_roles_get_403_on_writes(login, users, elder):
    client = login(users.bureau_viewer)
    assert client.get(reverse("records:check-create", args=[elder.pk])).status_code == 403
    assert client.get(reverse("records:record-detail", args=[elder.pk])).status_code == 404


def _timeline_entries(resident, n):
    base = datetime(2020, 1, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return [TimelineEntry(at=base + timedelta(days=i), kind="followup", title=f"随访 {i}", summary="血压控制满意",
                          organisation="东山村卫生室", url=None) for i in range(n)]


def test_timeline_merges_providers_newest_first_with_filters(login, users, elder):
    actions.do_record_health_check(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                   data=elderly_check_data(date(2026, 3, 1)))
    timeline.register("test-followups", lambda r, u: _timeline_entries(r, 2), kinds={"followup": "随访"})
    try:
        client = login(users.village_doctor_a1)
        url = reverse("records:timeline", args=[elder.pk])
        html = client.get(url).content.decode()
        html = html[html.index('<ol class="timeline">'):]
        order = [html.index(t) for t in ("健康档案已建立", "健康体检", "随访 1", "随访 0")]
        assert order == sorted(order)
        assert "东山村卫生室" in html
        filtered = client.get(url, {"kind": "health_check"}).content.decode()
        filtered = filtered[filtered.index('<ol class="timeline">'):]
        assert "健康体检" in filtered and "随访 1" not in filtered and "健康档案已建立" not in filtered
    finally:
        timeline.unregister("test-followups")


def _add_history(user, resident, start, n):
    for i in range(start, start + n):
        actions.do_record_health_check(acting_user=user, resident_id=resident.pk,
                                       data=elderly_check_data(date(2024, 1, 1) + timedelta(days=i)))
        actions.do_update_personal_info(acting_user=user, resident_id=resident.pk,
                                        personal_info=personal_info_data(work_unit=f"单位{i}"))


def test_timeline_query_count_does_not_grow(login, users, elder, django_assert_max_num_queries):
    """3 entries and 30 entries cost the same queries: a fixed few per registered provider."""
    client = login(users.village_doctor_a1)
    url = reverse("records:timeline", args=[elder.pk])
    cap = 6 + 3 * len(timeline.registered())
    _add_history(users.village_doctor_a1, elder, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(cap):
        assert client.get(url).status_code == 200
    _add_history(users.village_doctor_a1, elder, 3, 27)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(cap):
        html = client.get(url).content.decode()
    assert html.count('<li><div class="when">') == 50  # first page of 61 entries
    assert len(many) == len(few)


def test_record_detail_query_count(login, users, elder, django_assert_max_num_queries):
    client = login(users.village_doctor_a1)
    url = reverse("records:record-detail", args=[elder.pk])
    _add_history(users.village_doctor_a1, elder, 0, 3)
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    _add_history(users.village_doctor_a1, elder, 3, 27)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_open_page_for_a_child_says_the_form_is_not_used(login, users, county, make_resident):
    child = make_resident(county.village_a1, birth_date=date.today() - timedelta(days=400))
    html = login(users.village_doctor_a1).get(reverse("records:record-open", args=[child.pk])).content.decode()
    assert "0～6岁儿童不使用个人基本信息表" in html
