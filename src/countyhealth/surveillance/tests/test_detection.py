from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone

from countyhealth.accounts.system import system_user
from countyhealth.surveillance import actions, demo_seed, detection
from countyhealth.surveillance.models import DailyCount, NotifiableDisease, Signal


def _history(area, disease, as_of, rate=1.0, seed=3):
    rng = np.random.default_rng(seed)
    start = as_of - timedelta(days=detection.HISTORY_DAYS)
    rows = []
    for i in range((as_of - start).days + 1):
        n = int(rng.poisson(rate))
        if n:
            rows.append(DailyCount(area=area, disease=disease, day=start + timedelta(days=i), count=n))
    DailyCount.objects.bulk_create(rows)


def test_injected_outbreak_raises_an_mpm_signal(county):
    as_of = timezone.localdate()
    flu = NotifiableDisease.objects.get(code="influenza")
    _history(county.township_a, flu, as_of)
    _history(county.township_b, flu, as_of, seed=4)
    for i in range(4):  # outbreak in township A in the last four days
        DailyCount.objects.filter(area=county.township_a, disease=flu, day=as_of - timedelta(days=i)).delete()
        DailyCount.objects.create(area=county.township_a, disease=flu, day=as_of - timedelta(days=i), count=9)
    created = detection.evaluate(acting_user=system_user("test"), as_of=as_of, days=1)
    assert created >= 1  # P80 also flags some quiet weeks (a false alarm in about one week in five)
    signal = Signal.objects.get(area=county.township_a, algorithm="mpm")
    assert (signal.area, signal.disease, signal.algorithm) == (county.township_a, flu, "mpm")
    assert signal.observed > signal.threshold
    assert detection.evaluate(acting_user=system_user("test"), as_of=as_of, days=1) == 0  # idempotent


ALL = [{"algorithm": "C1"}, {"algorithm": "C2"}, {"algorithm": "C3"}, {"algorithm": "C3_textbook"},
       {"algorithm": "cusum"}, {"algorithm": "farrington", "params": {"b": 3, "w": 3}}, {"algorithm": "fixed",
                                                                                       "params": {"threshold": 12}}]


def test_each_configured_algorithm_detects_an_injected_outbreak_and_names_itself(county):
    as_of = timezone.localdate()
    flu = NotifiableDisease.objects.get(code="influenza")
    NotifiableDisease.objects.filter(pk=flu.pk).update(algorithms=ALL)
    _history(county.township_a, flu, as_of, rate=1.0)
    _history(county.township_b, flu, as_of, rate=1.0, seed=9)
    for i in range(2):  # two days of 15 cases in township A
        DailyCount.objects.update_or_create(area=county.township_a, disease=flu, day=as_of - timedelta(days=i),
                                           defaults={"count": 15})
    detection.evaluate(acting_user=system_user("test"), as_of=as_of, days=2)
    found = set(Signal.objects.filter(area=county.township_a, disease=flu).values_list("algorithm", flat=True))
    assert found == {"mpm", "C1", "C2", "C3", "C3_textbook", "cusum", "farrington", "fixed_threshold"}
    farrington = Signal.objects.filter(algorithm="farrington", area=county.township_a).first()
    assert farrington.observed >= 30 and farrington.threshold < farrington.observed  # the week's sum
    assert not Signal.objects.filter(area=county.township_b, algorithm="fixed_threshold").exists()


def test_catalogue_configures_further_algorithms_as_data(db):
    hfmd = NotifiableDisease.objects.get(code="hfmd")
    assert [a for a, _p in detection.configured(hfmd)] == ["mpm", "C1", "C2", "C3_textbook"]
    plague = NotifiableDisease.objects.get(code="plague")
    assert detection.configured(plague) == [("fixed", {})]


def test_officer_verifies_a_signal_and_the_response_time_is_kept(county, users):
    signal = Signal.objects.create(area=county.township_a, disease=NotifiableDisease.objects.get(code="hfmd"),
                                   day=timezone.localdate(), algorithm="mpm", observed=12, expected=3, threshold=6)
    with pytest.raises(actions.ActionError):
        actions.do_dismiss_signal(acting_user=users.public_health_officer, signal_id=signal.pk, reason="")
    actions.do_escalate_signal(acting_user=users.public_health_officer, signal_id=signal.pk, notes="幼儿园聚集")
    signal.refresh_from_db()
    assert signal.status == "investigating" and signal.response_hours is not None
    with pytest.raises(actions.ActionError):
        actions.do_dismiss_signal(acting_user=users.public_health_officer, signal_id=signal.pk, reason="x")
    with pytest.raises(actions.ActionError):
        actions.do_close_signal(acting_user=users.township_doctor_a, signal_id=signal.pk)


def test_demo_seed_has_seasonal_counts_and_true_and_false_alarms(county, users):
    as_of = date(2026, 11, 20)
    summary = demo_seed.seed(seeder=None, seed=1, as_of=as_of)
    assert "signals" in summary
    flu = NotifiableDisease.objects.get(code="influenza")
    jan = sum(DailyCount.objects.filter(disease=flu, day__month=1).values_list("count", flat=True))
    jul = sum(DailyCount.objects.filter(disease=flu, day__month=7).values_list("count", flat=True))
    assert jan > 2 * jul
    statuses = set(Signal.objects.values_list("status", flat=True))
    assert {"investigating", "dismissed"} <= statuses
    assert Signal.objects.filter(disease__code="hfmd", area=county.township_a, status="investigating").exists()


def test_response_summary_gives_the_share_verified_and_the_median_hours(county, users):
    from countyhealth.surveillance import queries

    flu = NotifiableDisease.objects.get(code="influenza")
    now = timezone.now()
    for i, hours in enumerate([0.5, 1.5, None]):
        s = Signal.objects.create(area=county.township_a, disease=flu, day=timezone.localdate(), algorithm=f"a{i}",
                                  observed=5, expected=1, threshold=3)
        Signal.objects.filter(pk=s.pk).update(
            created_at=now, responded_at=None if hours is None else now + timedelta(hours=hours))
    summary = queries.response_summary(users.public_health_officer, since=timezone.localdate())
    assert (summary["total"], summary["responded"], summary["median_hours"]) == (3, 2, 1.0)
