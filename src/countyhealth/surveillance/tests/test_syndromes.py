"""Syndromic surveillance: counting visits per institution, day and syndrome; the scheduled job; signals; the page."""

from datetime import timedelta

import numpy as np
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from countyhealth.accounts.system import system_user
from countyhealth.core import scheduler
from countyhealth.records.diagnoses import do_record_diagnosis
from countyhealth.surveillance import actions, rules, syndromic, tasks
from countyhealth.surveillance.models import Signal, SyndromeCount


def _visit(county, users, resident, complaint, temperature, day):
    return apps.get_model("clinic", "Visit").objects.create(
        resident=resident, organisation=county.township_a, catchment_org=resident.catchment_org,
        doctor=users.township_doctor_a, visit_date=day, chief_complaint=complaint, temperature=temperature)


def test_visits_and_diagnoses_are_counted_once_per_resident_and_recounting_replaces(county, users, make_resident):
    today = timezone.localdate()
    ill, other = make_resident(county.village_a1), make_resident(county.village_a1)
    _visit(county, users, ill, "发热伴咳嗽2天", 38.4, today)
    do_record_diagnosis(acting_user=users.township_doctor_a, resident_id=ill.pk, code="J06.9", diagnosed_on=today)
    _visit(county, users, other, "腹泻，无发热", 36.9, today)
    actor = system_user("test")
    syndromic.do_count_syndromes(acting_user=actor, start=today, end=today)
    counts = dict(SyndromeCount.objects.filter(org=county.township_a).values_list("syndrome", "count"))
    assert counts == {"fever": 1, "ili": 1, "respiratory": 1, "diarrhoea": 1}
    syndromic.do_count_syndromes(acting_user=actor, start=today, end=today)  # the job reruns: same rows
    assert SyndromeCount.objects.filter(org=county.township_a, syndrome="fever").get().count == 1


def _history(org, syndrome, days, as_of, rate=3.0, seed=5):
    rng = np.random.default_rng(seed)
    SyndromeCount.objects.bulk_create([
        SyndromeCount(org=org, syndrome=syndrome, day=as_of - timedelta(days=i), count=int(n))
        for i, n in enumerate(rng.poisson(rate, size=days)) if n])


def test_a_fever_spike_raises_an_ears_c2_signal_that_an_officer_verifies(county, users):
    today = timezone.localdate()
    _history(county.township_a, "fever", 30, today - timedelta(days=1))
    SyndromeCount.objects.create(org=county.township_a, syndrome="fever", day=today, count=25)
    assert syndromic.method_for("fever", today) == "C2"  # fewer than three years of counts
    assert syndromic.evaluate(acting_user=system_user("test"), as_of=today, days=1) == 1
    signal = Signal.objects.get()
    assert (signal.area, signal.disease, signal.syndrome, signal.algorithm) == (county.township_a, None, "fever", "C2")
    assert signal.observed == 25 and signal.threshold < 25 and signal.subject == str(rules.SYNDROME_LABELS["fever"])
    assert syndromic.evaluate(acting_user=system_user("test"), as_of=today, days=1) == 0
    actions.do_dismiss_signal(acting_user=users.public_health_officer, signal_id=signal.pk, reason="学校体检集中就诊")
    signal.refresh_from_db()
    assert signal.status == "dismissed" and signal.response_hours is not None


def test_three_years_of_counts_switch_the_syndrome_to_the_moving_percentile_method(county):
    today = timezone.localdate()
    _history(county.township_a, "diarrhoea", syndromic.HISTORY_DAYS + 1, today, rate=2)
    assert syndromic.method_for("diarrhoea", today) == "mpm"
    for i in range(5):
        SyndromeCount.objects.update_or_create(org=county.township_a, syndrome="diarrhoea",
                                               day=today - timedelta(days=i), defaults={"count": 12})
    syndromic.evaluate(acting_user=system_user("test"), as_of=today, days=1)
    assert Signal.objects.get(syndrome="diarrhoea").algorithm == "mpm"


def test_the_syndromic_job_is_scheduled_daily_and_counts_then_evaluates(county, users, make_resident):
    assert scheduler.JOBS["surveillance.evaluate_syndromes"].daily_at is not None
    resident = make_resident(county.village_a1)
    _visit(county, users, resident, "皮疹伴发热", 38.2, timezone.localdate())
    tasks.evaluate_syndromes.call()
    assert SyndromeCount.objects.filter(syndrome="rash", count=1).exists()


@pytest.fixture
def counted(county):
    today = timezone.localdate()
    _history(county.township_a, "fever", 30, today - timedelta(days=1))
    SyndromeCount.objects.create(org=county.township_a, syndrome="fever", day=today, count=30)
    syndromic.evaluate(acting_user=system_user("test"), as_of=today, days=1)
    return county.township_a


def test_syndromes_page_shows_the_curve_week_table_and_signals(client, users, counted,
                                                                django_assert_max_num_queries):
    client.force_login(users.public_health_officer)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("surveillance:syndromes"), {"org": counted.pk, "syndrome": "fever"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="surv-curve-data"' in html and "syndrome-week" in html
    assert reverse("surveillance:signal", args=[Signal.objects.get().pk]) in html
    detail = client.get(reverse("surveillance:signal", args=[Signal.objects.get().pk]))
    assert detail.status_code == 200


def test_syndrome_api_returns_the_series_and_hides_other_townships(client, users, counted):
    client.force_login(users.public_health_officer)
    data = client.get("/api/surveillance/syndromes", {"org_id": counted.pk, "syndrome": "fever"}).json()
    assert data["method"] == "C2" and data["counts"][-1] == 30 and data["threshold"][-1] < 30
    client.force_login(users.township_doctor_b)
    response = client.get("/api/surveillance/syndromes", {"org_id": counted.pk, "syndrome": "fever"})
    assert response.status_code == 404


def test_officer_runs_the_count_from_the_page(client, users, county, make_resident):
    _visit(county, users, make_resident(county.village_a1), "眼红流泪", None, timezone.localdate())
    client.force_login(users.public_health_officer)
    assert client.post(reverse("surveillance:syndromes-run")).status_code == 302
    assert SyndromeCount.objects.filter(syndrome="conjunctivitis").exists()
    client.force_login(users.township_doctor_a)
    assert client.post(reverse("surveillance:syndromes-run")).status_code == 404
