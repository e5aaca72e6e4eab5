"""Resident pages in the browser: Chinese text, form errors, masking, htmx partial, scope and audit."""

from datetime import date

import pytest
from django.urls import reverse

from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.residents.models import AccessGrant, DuplicateCandidate, Resident, ResidentLink
from countyhealth.residents.rules import make_id_number
from countyhealth.residents.tests.factories import HouseholdFactory

BIRTH = date(1980, 5, 17)
ID_MALE = make_id_number("110105", BIRTH, 3, "1")  # not the factories' address code: never taken


def form_data(village, **changes):
    base = {"name": "李四", "id_number": ID_MALE, "sex": "", "birth_date": "", "phone": "13900000001",
            "ethnicity": "01", "residence_type": "1", "village": str(village.pk), "household": "",
            "household_address": "东山村一组"}
    base.update(changes)
    return base


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_list_page_is_chinese_and_masks_numbers(login, users, county, make_resident):
    r = make_resident(county.village_a1, name="张三丰", phone="13812345678")
    html = login(users.village_doctor_a1).get(reverse("residents:resident-list")).content.decode()
    assert "居民" in html and "身份证号" in html and "搜索" in html
    assert "张三丰" in html
    assert f"{r.id_number[:6]}********{r.id_number[-4:]}" in html
    assert r.id_number not in html
    assert "138****5678" in html and "13812345678" not in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html


def test_list_page_audits_one_access_row_per_resident_shown(login, users, county, make_resident):
    shown = [make_resident(county.village_a1) for _ in range(3)]
    make_resident(county.village_b1)  # out of scope: neither shown nor logged
    login(users.village_doctor_a1).get(reverse("residents:resident-list"))
    rows = AccessLog.objects.filter(what="residents.list")
    assert sorted(rows.values_list("resident_id", flat=True)) == sorted(r.pk for r in shown)
    assert set(rows.values_list("user_id", flat=True)) == {users.village_doctor_a1.pk}


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_query_count_does_not_grow_with_rows(login, users, county, make_resident, n,
                                                       django_assert_max_num_queries):
    for _ in range(n):
        make_resident(county.village_a1)
    client = login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("residents:resident-list"), {"q": "zw"})
    assert response.status_code == 200


def test_search_box_gets_the_results_partial_under_htmx(login, users, county, make_resident):
    make_resident(county.village_a1, name="张三丰")
    make_resident(county.village_a1, name="李娜")
    client = login(users.village_doctor_a1)
    partial = client.get(reverse("residents:resident-list"), {"q": "zsf"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and "<table" in html
    assert "张三丰" in html and "李娜" not in html
    assert "HX-Request" in partial["Vary"]
    full = client.get(reverse("residents:resident-list"), {"q": "zsf"}).content.decode()
    assert "<html" in full and "张三丰" in full and "李娜" not in full


def test_register_page_renders_in_chinese(login, users):
    html = login(users.village_doctor_a1).get(reverse("residents:resident-create")).content.decode()
    for label in ("姓名", "身份证号", "性别", "出生日期", "联系电话", "所属村", "保存"):
        assert label in html
    assert 'name="id_number"' in html and 'name="village"' in html


def test_register_and_land_on_the_detail_page(login, users, county):
    client = login(users.village_doctor_a1)
    response = client.post(reverse("residents:resident-create"), form_data(county.village_a1))
    r = Resident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("residents:resident-detail", args=[r.pk])
    assert (r.birth_date, r.sex, r.household.address) == (BIRTH, "1", "东山村一组")
    html = client.get(response["Location"]).content.decode()
    assert ID_MALE in html and "13900000001" in html  # in full on the detail page
    assert "已登记" in html


def test_wrong_check_digit_is_shown_on_the_field_and_nothing_is_saved(login, users, county):
    bad = ID_MALE[:17] + ("0" if ID_MALE[17] != "0" else "1")
    response = login(users.village_doctor_a1).post(reverse("residents:resident-create"),
                                                   form_data(county.village_a1, id_number=bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验码错误。" in html
    assert "has-error" in html
    assert not Resident.objects.exists() and not AuditLog.objects.exists()


def test_future_birth_date_and_long_name_are_shown(login, users, county):
    client = login(users.village_doctor_a1)
    html = client.post(reverse("residents:resident-create"),
                       form_data(county.village_a1, id_number="", sex="1", birth_date="2999-01-01")).content.decode()
    assert "出生日期不能晚于今天。" in html
    html = client.post(reverse("residents:resident-create"),
                       form_data(county.village_a1, name="王" * 51)).content.decode()
    assert "50" in html.split('name="name"', 1)[1].split("</div>", 1)[0]  # the name's maximum length
    assert not Resident.objects.exists()


def test_a_village_out_of_scope_cannot_be_chosen(login, users, county):
    response = login(users.village_doctor_a1).post(reverse("residents:resident-create"),
                                                   form_data(county.village_b1))
    assert response.status_code == 200
    assert not Resident.objects.exists()
    assert "西河村" not in response.content.decode().split('name="village"', 1)[1].split("</select>", 1)[0]


def test_duplicate_id_number_links_to_the_visible_record(login, users, county, make_resident):
    existing = make_resident(county.village_a1, id_number=ID_MALE, sex="1", birth_date=BIRTH)
    html = login(users.village_doctor_a1).post(reverse("residents:resident-create"),
                                               form_data(county.village_a1)).content.decode()
    assert reverse("residents:resident-detail", args=[existing.pk]) in html
    assert Resident.objects.count() == 1


def test_duplicate_id_number_out_of_scope_only_says_it_is_registered(login, users, county, make_resident):
    existing = make_resident(county.village_b1, id_number=ID_MALE, sex="1", birth_date=BIRTH)
    html = login(users.village_doctor_a1).post(reverse("residents:resident-create"),
                                               form_data(county.village_a1)).content.decode()
    assert reverse("residents:resident-detail", args=[existing.pk]) not in html
    assert "医共体" in html


def test_probable_duplicates_are_shown_before_saving_then_saved_when_confirmed(login, users, county, make_resident):
    existing = make_resident(county.village_a1, name="李四", sex="1", birth_date=BIRTH)
    client = login(users.village_doctor_a1)
    html = client.post(reverse("residents:resident-create"), form_data(county.village_a1)).content.decode()
    assert 'id="probable-duplicates"' in html and 'name="confirm_not_duplicate"' in html
    assert reverse("residents:resident-detail", args=[existing.pk]) in html
    assert Resident.objects.count() == 1
    assert AccessLog.objects.filter(what="residents.duplicate_check", resident_id=existing.pk).exists()
    response = client.post(reverse("residents:resident-create"),
                           form_data(county.village_a1, confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert DuplicateCandidate.objects.filter(resident_a=existing).count() == 1


def test_detail_shows_household_identifiers_and_audits_the_read(login, users, county, make_resident):
    household = HouseholdFactory(village=county.village_a1, address="幸福路8号")
    r = make_resident(county.village_a1, name="赵敏", household=household)
    make_resident(county.village_a1, name="赵父", household=household)
    r.identifiers.create(system="mrn", issuer="县人民医院", value="MRN-77")
    html = login(users.village_doctor_a1).get(reverse("residents:resident-detail", args=[r.pk])).content.decode()
    assert "赵父" in html and "幸福路8号" in html and "MRN-77" in html and r.id_number in html
    assert AccessLog.objects.filter(what="residents.detail", resident_id=r.pk).count() == 1


@pytest.mark.parametrize("name", ["resident-detail", "resident-edit"])
def test_out_of_scope_detail_and_edit_are_404_and_audited(login, users, county, make_resident, name):
    r = make_resident(county.village_b1)
    response = login(users.village_doctor_a1).get(reverse(f"residents:{name}", args=[r.pk]))
    assert response.status_code == 404
    row = AuditLog.objects.get(action="access.scope_denied")
    assert (row.user_id, row.resident_id) == (users.village_doctor_a1.pk, r.pk)
    assert not AccessLog.objects.filter(resident_id=r.pk).exists()


@pytest.mark.parametrize("who", ["township_doctor_b", "village_doctor_b1", "ecg_reader", "bureau_viewer"])
def test_every_page_taking_an_id_is_404_and_audited_out_of_scope(login, users, county, make_resident, who):
    a, b = make_resident(county.village_a1), make_resident(county.village_a2)
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=80)
    link = ResidentLink.objects.create(survivor=a, merged=b, reason="x", merged_by=users.admin)
    client = login(getattr(users, who))
    urls = [reverse("residents:resident-detail", args=[a.pk]), reverse("residents:resident-edit", args=[a.pk]),
            reverse("residents:duplicate-review", args=[candidate.pk]),
            reverse("residents:link-unmerge", args=[link.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    rows = AuditLog.objects.filter(action="access.scope_denied", user_id=getattr(users, who).pk)
    assert rows.count() == len(urls)
    assert set(rows.values_list("resident_id", flat=True)) == {a.pk}


def test_edit_page_saves_changes(login, users, county, make_resident):
    r = make_resident(county.village_a1, name="陈静", sex="2", birth_date=date(1980, 8, 8))
    client = login(users.village_doctor_a1)
    html = client.get(reverse("residents:resident-edit", args=[r.pk])).content.decode()
    assert "陈静" in html and r.id_number in html
    response = client.post(reverse("residents:resident-edit", args=[r.pk]),
                           form_data(county.village_a1, name="陈晶", id_number=r.id_number, household_address=""))
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.name, r.name_pinyin) == ("陈晶", "chenjing")


def test_readers_without_edit_role_cannot_open_the_register_page(login, users):
    assert login(users.county_doctor).get(reverse("residents:resident-create")).status_code == 403


def test_household_options_follow_the_chosen_village(login, users, county):
    mine = HouseholdFactory(village=county.village_a1, number="H-MINE")
    HouseholdFactory(village=county.village_b1, number="H-OTHER")
    client = login(users.village_doctor_a1)
    html = client.get(reverse("residents:household-options"), {"village": county.village_a1.pk}).content.decode()
    assert "H-MINE" in html and f'value="{mine.pk}"' in html
    html = client.get(reverse("residents:household-options"), {"village": county.village_b1.pk}).content.decode()
    assert "H-OTHER" not in html


def test_duplicate_review_merge_and_undo(login, users, county, make_resident):
    a = make_resident(county.village_a1, name="王芳", sex="2", birth_date=date(1960, 1, 1))
    b = make_resident(county.village_a2, name="王芳", sex="2", birth_date=date(1960, 1, 1))
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=75, reasons=["name", "birth_date"])
    client = login(users.township_doctor_a)
    html = client.get(reverse("residents:duplicate-list")).content.decode()
    assert "重复档案审核" in html and reverse("residents:duplicate-review", args=[candidate.pk]) in html
    assert f"{a.id_number[:6]}********" in html and a.id_number not in html
    html = client.get(reverse("residents:duplicate-review", args=[candidate.pk])).content.decode()
    assert a.id_number in html and b.id_number in html and "不是同一人" in html
    response = client.post(reverse("residents:duplicate-review", args=[candidate.pk]),
                           {"decision": "merge", "keep": a.pk, "reason": "重复建档"})
    assert response["Location"] == reverse("residents:resident-detail", args=[a.pk])
    b.refresh_from_db()
    assert b.master == a

    link = ResidentLink.objects.get()
    admin = login(users.admin)
    html = admin.get(reverse("residents:resident-detail", args=[a.pk])).content.decode()
    assert "合并记录" in html and reverse("residents:link-unmerge", args=[link.pk]) in html
    html = admin.get(reverse("residents:resident-detail", args=[b.pk])).content.decode()
    assert reverse("residents:resident-detail", args=[a.pk]) in html  # the merged record leads to the master
    response = admin.post(reverse("residents:link-unmerge", args=[link.pk]), {"unmerge-reason": "误合并"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.is_active and b.master is None


def test_not_the_same_person_from_the_review_page(login, users, county, make_resident):
    a = make_resident(county.village_a1)
    b = make_resident(county.village_a1)
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=80)
    response = login(users.township_doctor_a).post(reverse("residents:duplicate-review", args=[candidate.pk]),
                                                   {"decision": "not_duplicate"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_DUPLICATE


def test_duplicate_review_out_of_scope_is_404_and_audited(login, users, county, make_resident):
    a = make_resident(county.village_a1)
    b = make_resident(county.village_b1)
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=80)
    response = login(users.township_doctor_a).get(reverse("residents:duplicate-review", args=[candidate.pk]))
    assert response.status_code == 404
    assert AuditLog.objects.filter(action="access.scope_denied").count() == 1


def test_only_administrators_reach_the_unmerge_page(login, users, county, make_resident):
    a = make_resident(county.village_a1)
    b = make_resident(county.village_a1)
    link = ResidentLink.objects.create(survivor=a, merged=b, reason="x", merged_by=users.admin)
    assert login(users.township_doctor_a).get(reverse("residents:link-unmerge", args=[link.pk])).status_code == 403
    assert login(users.admin).get(reverse("residents:link-unmerge", args=[link.pk])).status_code == 200


def test_break_glass_offer_shows_nothing_about_the_resident_until_granted(login, users, county, make_resident):
    r = make_resident(county.village_b1, name="孙悟空")
    client = login(users.county_doctor)
    html = client.get(reverse("residents:resident-list"), {"q": r.id_number}).content.decode()
    assert 'id="break-glass"' in html and "紧急调阅" in html
    assert "孙悟空" not in html and r.village.name not in html
    # Nothing offered for a number that is not a valid ID number, nor to a village doctor.
    assert 'id="break-glass"' not in client.get(reverse("residents:resident-list"), {"q": "孙"}).content.decode()
    other = login(users.village_doctor_a1).get(reverse("residents:resident-list"), {"q": r.id_number})
    assert 'id="break-glass"' not in other.content.decode()

    client = login(users.county_doctor)
    response = client.post(reverse("residents:break-glass"), {"id_number": r.id_number, "reason": ""})
    assert response.status_code == 200 and not AccessGrant.objects.exists()
    response = client.post(reverse("residents:break-glass"), {"id_number": r.id_number, "reason": "急诊抢救"})
    assert response["Location"] == reverse("residents:resident-detail", args=[r.pk])
    html = client.get(response["Location"]).content.decode()
    assert "孙悟空" in html and "紧急调阅中" in html
    assert AuditLog.objects.filter(action="residents.break_glass_granted", resident_id=r.pk).count() == 1


def test_search_by_an_old_number_of_a_merged_record_finds_the_master(login, users, county, make_resident):
    master = make_resident(county.village_a1, name="刘洋")
    merged = make_resident(county.village_a1, name="刘阳", is_active=False, master=master)
    html = login(users.village_doctor_a1).get(reverse("residents:resident-list"),
                                              {"q": merged.id_number}).content.decode()
    assert reverse("residents:resident-detail", args=[master.pk]) in html
    assert reverse("residents:resident-detail", args=[merged.pk]) not in html
