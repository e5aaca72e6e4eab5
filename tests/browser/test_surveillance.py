"""The surveillance issue's end-to-end path: a doctor records a notifiable diagnosis on the resident's page, the
drafted report card appears with its deadline, is completed and submitted, and an officer approves it; then an
injected outbreak in the daily counts produces a signal that the officer verifies."""

from datetime import timedelta

import numpy as np
from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.accounts.roles import Role
from countyhealth.surveillance.detection import HISTORY_DAYS
from countyhealth.surveillance.models import DailyCount, NotifiableDisease

from .conftest import artifact


def _counts_with_outbreak(area, disease, today):
    rng = np.random.default_rng(7)
    start = today - timedelta(days=HISTORY_DAYS)
    rows = [DailyCount(area=area, disease=disease, day=start + timedelta(days=i), count=int(n))
            for i, n in enumerate(rng.poisson(0.8, size=HISTORY_DAYS - 4)) if n]
    rows += [DailyCount(area=area, disease=disease, day=today - timedelta(days=i), count=8) for i in range(4)]
    DailyCount.objects.bulk_create(rows)


def test_doctor_reports_a_case_officer_approves_and_verifies_an_outbreak_signal(
        page, log_in, users, county, make_resident, make_user):
    page.set_default_timeout(30_000)  # the early-warning run reads four years of counts; shared CI machines are slow
    officer = make_user(Role.PUBLIC_HEALTH_OFFICER, county.township_a, username="pho_a")
    patient = make_resident(county.village_a1, name="钱流感")
    today = timezone.localdate()

    log_in("td_a")
    page.goto(page.base_url + f"/records/{patient.pk}/diagnoses/")
    page.fill("#id_code", "J10")
    page.fill("#id_diagnosed_on", today.isoformat())
    page.get_by_role("button", name="录入诊断").click()
    expect(page.locator(".messages")).to_contain_text("诊断已录入")
    page.locator("nav.mainnav").get_by_role("link", name="传染病").click()
    page.get_by_role("link", name="报告卡").first.click()
    row = page.locator("tbody tr", has_text="钱流感")
    expect(row).to_contain_text("流行性感冒")
    row.get_by_role("link").first.click()
    expect(page.locator(".deadline")).to_contain_text("报告时限")

    page.get_by_role("button", name="提交报告卡").click()  # mandatory fields missing: refused, nothing saved
    expect(page.locator(".field.has-error").first).to_be_visible()
    page.select_option("#id_population_group", "farmer")
    page.select_option("#id_case_classification", "clinical")
    page.fill("#id_onset_date", (today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="提交报告卡").click()
    expect(page.locator(".card-status")).to_have_text("待审核")

    page.context.clear_cookies()  # sign the doctor out
    log_in("pho_a")
    page.goto(page.base_url + "/surveillance/cards/?list=review")
    page.locator("tbody tr", has_text="钱流感").get_by_role("link").first.click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".card-status")).to_have_text("已审核")
    page.screenshot(path=str(artifact("surveillance-card-approved")), full_page=True)

    _counts_with_outbreak(county.township_a, NotifiableDisease.objects.get(code="hfmd"), today)
    page.goto(page.base_url + "/surveillance/")
    page.get_by_role("button", name="立即运行预警").click()
    signal_row = page.locator("table.signals tbody tr", has_text="手足口病").first  # today and yesterday
    expect(signal_row).to_contain_text("东山镇卫生院")
    signal_row.get_by_role("link").first.click()
    expect(page.locator("#surv-curve canvas")).to_be_visible()
    page.fill("#id_notes", "幼儿园聚集性病例，已派员现场调查")
    page.get_by_role("button", name="升级为现场调查").click()
    expect(page.locator(".signal-status")).to_have_text("现场调查")
    page.screenshot(path=str(artifact("surveillance-signal-verified")), full_page=True)
    assert officer.pk


def test_officer_sees_a_syndromic_cluster_on_the_chart_and_dismisses_its_signal(page, log_in, users, county,
                                                                                make_resident):
    """症状监测: a fever cluster at a township centre (today's visits) appears on the syndromes page after "count
    and evaluate now", and the officer verifies its signal like a disease signal."""
    from django.apps import apps

    from countyhealth.surveillance.models import SyndromeCount

    page.set_default_timeout(30_000)
    today = timezone.localdate()
    rng = np.random.default_rng(11)
    SyndromeCount.objects.bulk_create(  # a month of ordinary days before the week the run recounts
        [SyndromeCount(org=county.township_a, syndrome="fever", day=today - timedelta(days=i), count=int(n))
         for i, n in enumerate(rng.poisson(3, size=30), start=7) if n])
    visit = apps.get_model("clinic", "Visit")
    for _ in range(12):
        resident = make_resident(county.village_a1)
        visit.objects.create(resident=resident, organisation=county.township_a, catchment_org=resident.catchment_org,
                             doctor=users.township_doctor_a, visit_date=today, chief_complaint="发热1天",
                             temperature=38.6)

    log_in("ph_officer")
    page.goto(page.base_url + "/surveillance/syndromes/")
    page.get_by_role("button", name="立即统计并预警").click()
    expect(page.locator(".messages")).to_contain_text("症状监测运行完成")
    expect(page.locator("#surv-curve canvas")).to_be_visible()
    row = page.locator("table.signals tbody tr", has_text="发热").first
    expect(row).to_contain_text("东山镇卫生院")
    row.get_by_role("link").first.click()
    page.fill("#id_reason", "学校晨检集中转诊，非聚集")
    page.get_by_role("button", name="排除信号").click()
    expect(page.locator(".signal-status")).to_have_text("已排除")
    page.screenshot(path=str(artifact("surveillance-syndrome-signal")), full_page=True)
