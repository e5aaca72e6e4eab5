"""Family-doctor pages: Chinese text, forms and their errors, CSP-safe scripts, scope, audit, query counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countyhealth.accounts.models import User
from countyhealth.audit.models import AccessLog, AuditLog
from countyhealth.familydoctor.models import Contract, FamilyDoctorTeam
from countyhealth.orgs.tests.factories import VillageFactory

from .factories import SIGNATURE, make_contract, make_team, package, township_a_team

TODAY = timezone.localdate()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def team(county, users):
    return township_a_team(county, users)


@pytest.fixture
def resident(county, make_resident):
    return make_resident(county.village_a1, name="王小明", birth_date=TODAY.replace(year=TODAY.year - 50))


def no_inline_scripts(html: str) -> bool:
    """Every <script> either loads a file or carries JSON data (the CSP forbids inline scripts)."""
    return all("src=" in tag or 'type="application/json"' in tag for tag in re.findall(r"<script[^>]*>", html))


def test_resident_panel_without_contract(login, users, resident, team):
    html = login(users.village_doctor_a1).get(reverse("familydoctor:resident-contracts", args=[resident.pk]))\
        .content.decode()
    assert "家庭医生签约：王小明" in html and "没有在约的家庭医生签约协议" in html and "从未签约" in html
    assert reverse("familydoctor:contract-sign", args=[resident.pk]) in html
    assert AccessLog.objects.filter(what="familydoctor.resident_contracts", resident_id=resident.pk).exists()


def test_resident_panel_shows_team_members_packages_and_history(login, users, resident, team):
    old = make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=400),
                        status=Contract.Status.EXPIRED)
    make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=20), codes=("JC", "GXY"),
                  previous=old)
    html = login(users.village_doctor_a1).get(reverse("familydoctor:resident-contracts", args=[resident.pk]))\
        .content.decode()
    assert "当前协议" in html and team.name in html and "0731-84120001" in html
    lead = User.objects.get(pk=users.township_doctor_a.pk)
    assert f"{lead.display_name} <span class=\"badge\">团队长</span>" in html and "全科医生" in html
    assert "基础服务包" in html and "高血压患者服务包" in html and "每年至少4次面对面随访和血压测量" in html
    assert "签约记录" in html and "已到期" in html and "在约" in html and "续约" in html
    assert 'src="data:image/png;base64,' in html
    assert reverse("familydoctor:contract-terminate", args=[old.renewal.pk]) in html


def test_sign_page_has_canvas_and_loads_its_script(login, users, resident, team):
    html = login(users.village_doctor_a1).get(reverse("familydoctor:contract-sign", args=[resident.pk]))\
        .content.decode()
    assert "家庭医生签约" in html and "签名框" in html and "data-signature-pad" in html
    assert "familydoctor/signature.js" in html and no_inline_scripts(html)
    doctor = User.objects.get(pk=users.village_doctor_a1.pk)
    assert f'value="{team.pk}:{doctor.pk}"' in html and f"{team.name} · {doctor.display_name}" in html
    assert "老年人服务包 · 个人每年支付 10.00 元" in html


def sign_form(team, doctor, **changes):
    data = {"team_doctor": f"{team.pk}:{doctor.pk}", "packages": [str(package("JC").pk)],
            "start_date": TODAY.isoformat(), "end_date": "", "signer": "resident", "signed_by_name": "王小明",
            "signature": SIGNATURE}
    data.update(changes)
    return data


def test_sign_post_creates_contract_and_redirects(login, users, resident, team):
    url = reverse("familydoctor:contract-sign", args=[resident.pk])
    response = login(users.village_doctor_a1).post(url, sign_form(team, users.village_doctor_a1))
    assert response.status_code == 302
    contract = Contract.objects.get(resident=resident)
    assert contract.doctor == users.village_doctor_a1 and contract.signature == SIGNATURE


@pytest.mark.parametrize("changes, text", [
    ({"signature": ""}, "缺少签名"),
    ({"packages": [], "signed_by_name": ""}, "此项为必填项"),
    ({"end_date": TODAY.isoformat()}, "结束日期须晚于开始日期"),
])
def test_sign_post_shows_errors_and_saves_nothing(login, users, resident, team, changes, text):
    url = reverse("familydoctor:contract-sign", args=[resident.pk])
    response = login(users.village_doctor_a1).post(url, sign_form(team, users.village_doctor_a1, **changes))
    html = response.content.decode()
    assert response.status_code == 200 and "请更正以下错误" in html and text in html
    assert not Contract.objects.exists()


def test_sign_post_refuses_overlap_and_elderly_package_for_the_young(login, users, resident, team):
    make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=10))
    url = reverse("familydoctor:contract-sign", args=[resident.pk])
    html = login(users.village_doctor_a1).post(url, sign_form(team, users.village_doctor_a1)).content.decode()
    assert "与所选日期重叠" in html
    html = login(users.village_doctor_a1).post(url, sign_form(team, users.village_doctor_a1, packages=[
        str(package("LN").pk)], start_date=(TODAY + timedelta(days=360)).isoformat())).content.decode()
    assert "开始日期不能晚于今天起90天" in html
    assert Contract.objects.count() == 1


def test_renew_and_terminate_pages(login, users, resident, team):
    c = make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=330))
    client = login(users.village_doctor_a1)
    html = client.get(reverse("familydoctor:contract-renew", args=[c.pk])).content.decode()
    assert "续约" in html and "当前协议" in html and no_inline_scripts(html)
    response = client.post(reverse("familydoctor:contract-renew", args=[c.pk]), {
        "doctor": str(users.village_doctor_a1.pk), "packages": [str(package("JC").pk)], "end_date": "",
        "signer": "guardian", "signed_by_name": "王大明", "signature": SIGNATURE})
    assert response.status_code == 302
    renewal = Contract.objects.get(previous=c)
    assert renewal.start_date == c.end_date + timedelta(days=1) and renewal.signer == "guardian"

    html = client.get(reverse("familydoctor:contract-terminate", args=[renewal.pk])).content.decode()
    assert "服务截止日期" in html and "解约原因" in html
    response = client.post(reverse("familydoctor:contract-terminate", args=[c.pk]), {
        "terminated_on": (TODAY + timedelta(days=5)).isoformat(), "reason": "moved_out", "note": ""})
    assert "服务截止日期不能晚于今天" in response.content.decode()
    response = client.post(reverse("familydoctor:contract-terminate", args=[c.pk]), {
        "terminated_on": TODAY.isoformat(), "reason": "moved_out", "note": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "terminated"


def test_pages_of_another_township_are_404_and_audited(login, users, resident, team):
    c = make_contract(resident, team, users.village_doctor_a1, start=TODAY)
    client = login(users.township_doctor_b)
    for url in (reverse("familydoctor:resident-contracts", args=[resident.pk]),
                reverse("familydoctor:contract-sign", args=[resident.pk]),
                reverse("familydoctor:contract-renew", args=[c.pk]),
                reverse("familydoctor:contract-terminate", args=[c.pk]),
                reverse("familydoctor:team-detail", args=[team.pk]),
                reverse("familydoctor:team-edit", args=[team.pk])):
        assert client.get(url).status_code == 404, url
    assert AuditLog.objects.filter(action="access.scope_denied", user_id=users.township_doctor_b.pk).count() == 6


def test_team_pages(login, users, county, team):
    client = login(users.township_doctor_a)
    html = client.get(reverse("familydoctor:team-list")).content.decode()
    assert "家庭医生团队" in html and team.name in html and "新建团队" in html and "东山村" in html
    html = client.get(reverse("familydoctor:team-detail", args=[team.pk])).content.decode()
    assert "团队成员" in html and "团队长" in html and "编辑" in html
    html = client.get(reverse("familydoctor:team-edit", args=[team.pk])).content.decode()
    assert "编辑团队" in html and 'name="members-TOTAL_FORMS"' in html
    # The village doctor sees the township team serving the village, read only.
    html = login(users.village_doctor_a1).get(reverse("familydoctor:team-list")).content.decode()
    assert team.name in html and "新建团队" not in html
    assert client.get(reverse("familydoctor:package-list")).content.decode().count("<tr>") >= 9


def team_post(county, users, **changes):
    data = {"name": "南岭村家庭医生团队", "organisation": str(county.clinic_a2.pk), "phone": "",
            "villages": [str(county.village_a2.pk)], "is_active": "on",
            "members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "30",
            "members-0-user": str(users.township_doctor_a.pk), "members-0-role": "gp", "members-0-is_lead": "on",
            "members-0-phone": "13800000009", "members-1-user": "", "members-2-user": ""}
    data.update(changes)
    return data


def test_team_create_and_its_errors(login, users, county):
    client = login(users.township_doctor_a)
    html = client.post(reverse("familydoctor:team-create"), team_post(county, users, **{
        "members-0-role": "nurse", "villages": [str(county.village_a1.pk)]})).content.decode()
    assert "团队长须为全科医生" in html and "团队只能服务本机构辖区内的村" in html
    assert not FamilyDoctorTeam.objects.exists()
    response = client.post(reverse("familydoctor:team-create"), team_post(county, users))
    team = FamilyDoctorTeam.objects.get()
    assert response.status_code == 302 and team.organisation == county.clinic_a2
    assert login(users.village_doctor_a1).get(reverse("familydoctor:team-create")).status_code == 403


@pytest.fixture
def covered(county, users, team, make_resident):
    for i in range(3):
        r = make_resident(county.village_a1)
        if i < 2:
            make_contract(r, team, users.village_doctor_a1, start=TODAY)
    make_resident(county.village_b1)


def test_coverage_page_renders_chart_data_and_table(login, users, county, covered):
    html = login(users.township_doctor_a).get(reverse("familydoctor:coverage")).content.decode()
    assert "家庭医生签约率" in html and "按村" in html and "东山村" in html and "66.7%" in html
    assert 'id="coverage-data" type="application/json"' in html and "vendor/echarts-5.6.0.min.js" in html
    assert "familydoctor/coverage.js" in html and no_inline_scripts(html)
    assert "65岁及以上老年人" in html and "0～6岁儿童" in html
    html = login(users.public_health_officer).get(reverse("familydoctor:coverage")).content.decode()
    assert "按机构" in html and "东山镇卫生院" in html and "西河镇卫生院" in html
    html = login(users.bureau_viewer).get(reverse("familydoctor:coverage")).content.decode()
    assert "66.7%" in html and reverse("familydoctor:coverage-residents") not in html


def test_coverage_other_area_is_404_and_audited_and_bad_date_is_explained(login, users, county, covered):
    client = login(users.township_doctor_b)
    assert client.get(reverse("familydoctor:coverage"), {"org": county.township_a.pk}).status_code == 404
    assert client.get(reverse("familydoctor:coverage-residents"), {"village": county.village_a1.pk}).status_code \
        == 404
    assert AuditLog.objects.filter(action="access.scope_denied", user_id=users.township_doctor_b.pk).count() == 2
    html = client.get(reverse("familydoctor:coverage"), {"at": "2026-13-01"}).content.decode()
    assert "请输入有效日期" in html
    assert login(users.county_doctor).get(reverse("familydoctor:coverage")).status_code == 403


def test_drilldown_masks_ids_and_audits(login, users, county, covered):
    html = login(users.township_doctor_a).get(reverse("familydoctor:coverage-residents"), {
        "village": county.village_a1.pk, "contracted": "1"}).content.decode()
    shown = list(Contract.objects.values_list("resident__id_number", flat=True))
    assert len(shown) == 2 and all(n not in html for n in shown)
    assert all(f"{n[:6]}********{n[-4:]}" in html for n in shown)
    assert "在约居民" in html
    assert AccessLog.objects.filter(what="familydoctor.coverage_residents").count() == 2
    assert login(users.bureau_viewer).get(reverse("familydoctor:coverage-residents")).status_code == 403


@pytest.mark.parametrize("n", [3, 30])
def test_drilldown_query_count_does_not_grow(login, users, county, team, make_resident, n,
                                             django_assert_max_num_queries):
    for _ in range(n):
        make_contract(make_resident(county.village_a1), team, users.village_doctor_a1, start=TODAY)
    client = login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("familydoctor:coverage-residents"), {"org": county.township_a.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_team_list_query_count_does_not_grow(login, users, county, make_user, n, django_assert_max_num_queries):
    for i in range(n):
        village = VillageFactory(clinic=county.clinic_a1)
        make_team(county.township_a, [village], lead=users.township_doctor_a, name=f"团队{i}")
    client = login(users.township_doctor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("familydoctor:team-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_resident_panel_query_count_does_not_grow(login, users, county, team, resident, n,
                                                  django_assert_max_num_queries):
    start = TODAY - timedelta(days=365 * n)
    previous = None
    for _ in range(n):
        previous = make_contract(resident, team, users.village_doctor_a1, start=start, previous=previous)
        start = previous.end_date + timedelta(days=1)
    client = login(users.village_doctor_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("familydoctor:resident-contracts", args=[resident.pk]))
    assert response.status_code == 200


def test_contracts_appear_on_the_resident_timeline(users, county, resident, team):
    from countyhealth.core import timeline

    c = make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=400),
                      terminated_on=TODAY - timedelta(days=100))
    make_contract(resident, team, users.village_doctor_a1, start=TODAY - timedelta(days=99), previous=c)
    entries = [e for e in timeline.entries_for(resident, users.village_doctor_a1, kinds=["contract"])]
    titles = [e.title for e in entries]
    assert len(entries) == 3 and any(team.name in t for t in titles)
    assert all(e.url == reverse("familydoctor:resident-contracts", args=[resident.pk]) for e in entries)
