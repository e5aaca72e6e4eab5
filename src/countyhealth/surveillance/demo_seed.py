"""Demo surveillance data: four years of daily case counts per township and disease with seasonality
(influenza winter peaks, HFMD spring and autumn, diarrhoea and dysentery summer), a few injected outbreaks in the
last weeks and the year before, and the signals the moving percentile method raises on the last 60 days — some
true (the outbreaks: escalated), some false (seasonal noise: dismissed), today's still new.

Counts go straight into `DailyCount` (days without cases have no row): generating individual cases and report
cards for four years would add millions of rows that no page needs; the cards in the demo come from diagnoses."""

from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from countyhealth.accounts.system import system_user

from . import syndromic
from .detection import alarms_for
from .models import DailyCount, Signal, SyndromeCount
from .queries import areas, current_diseases

YEARS = 4
# code → (cases per township per day on average, seasonal shape, amplitude)
RATES = {
    "influenza": (1.2, ("winter", 0.85)), "hfmd": (0.5, ("spring_autumn", 0.9)),
    "other_infectious_diarrhoea": (0.9, ("summer", 0.6)), "dysentery": (0.08, ("summer", 0.7)),
    "viral_hepatitis": (0.25, None), "pulmonary_tb": (0.15, ("spring", 0.2)), "syphilis": (0.1, None),
    "mumps": (0.12, ("spring", 0.5)), "scarlet_fever": (0.05, ("winter", 0.6)), "ahc": (0.03, ("summer", 0.8)),
    "rubella": (0.02, ("spring", 0.5)), "gonorrhoea": (0.03, None), "brucellosis": (0.02, ("spring", 0.4)),
    "hiv_aids": (0.02, None), "typhoid_paratyphoid": (0.01, ("summer", 0.5)),
}
# (township index, disease, days before as_of the outbreak starts, length in days, extra cases per day)
OUTBREAKS = [(0, "hfmd", 12, 9, 4), (1, "influenza", 8, 8, 6), (2, "other_infectious_diarrhoea", 6, 4, 5),
             (0, "influenza", 380, 10, 5), (3, "mumps", 400, 14, 2), (1, "hfmd", 330, 10, 3)]
DISMISS_REASONS = ["季节性波动，与往年同期相符", "重复报告已核实删除", "报告集中补录所致", "散发病例，无流行病学关联"]


def _season(doy, shape):
    if shape is None:
        return np.ones_like(doy, dtype=float)
    kind, amp = shape
    peaks = {"winter": [15], "summer": [200], "spring": [110], "spring_autumn": [120, 290]}[kind]
    bump = sum(np.exp(-0.5 * (((doy - p + 182.5) % 365 - 182.5) / 30) ** 2) for p in peaks)
    return 1 - amp + 2 * amp * bump


def seed(*, seeder, seed: int, as_of: date) -> str:
    rng = np.random.default_rng(seed + 808)
    area_list = areas()
    diseases = {d.code: d for d in current_diseases(as_of)}
    seeded = [diseases[c] for c in RATES if c in diseases]
    start = as_of - timedelta(days=YEARS * 365 + 30)
    days = (as_of - start).days + 1
    dates = [start + timedelta(days=i) for i in range(days)]
    doy = np.array([d.timetuple().tm_yday for d in dates])
    counts = np.zeros((len(area_list), len(seeded), days))
    for j, disease in enumerate(seeded):
        base, shape = RATES[disease.code]
        scale = rng.uniform(0.6, 1.4, size=(len(area_list), 1))
        counts[:, j, :] = rng.poisson(base * scale * _season(doy, shape)[None, :])
    index = {d.code: j for j, d in enumerate(seeded)}
    for a, code, before, length, extra in OUTBREAKS:
        if a < len(area_list) and code in index:
            first = days - 1 - before
            counts[a, index[code], first:first + length] += rng.poisson(extra, size=min(length, days - first))
    rows = [DailyCount(area_id=area_list[a].id, disease_id=seeded[j].id, day=dates[t], count=int(counts[a, j, t]))
            for a, j, t in zip(*np.nonzero(counts), strict=True)]
    DailyCount.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    signals = _signals(rng, area_list, seeded, counts, dates, as_of, index)
    syndrome_rows, syndrome_signals = _syndromes(rng, area_list, dates, doy, as_of)
    return f"surveillance: {len(rows)} daily counts ({len(area_list)} townships × {len(seeded)} diseases × " \
           f"{YEARS} years), {signals} signals; {syndrome_rows} syndrome counts, {syndrome_signals} syndromic signals"


def _signals(rng, area_list, seeded, counts, dates, as_of, index) -> int:
    true_events = {(a, index[c], d) for a, c, before, length, _x in OUTBREAKS if c in index and a < len(area_list)
                   for d in range(len(dates) - 1 - before, len(dates) - 1 - before + length + 7)}
    found = alarms_for(seeded, [a.id for a in area_list], counts, dates, len(dates) - 60)
    signals = []
    for a, disease, t, observed, expected, threshold, algorithm in found:
        raised = timezone.make_aware(datetime.combine(dates[t] + timedelta(days=1), time(2, 5)))
        signal = Signal(area_id=area_list[a].id, disease=disease, day=dates[t], algorithm=algorithm,
                        observed=observed, expected=expected, threshold=threshold)
        if dates[t] < as_of - timedelta(days=1):
            signal.responded_at = raised + timedelta(hours=float(rng.gamma(2.0, 0.6)))
            if (a, index[disease.code], t) in true_events:
                signal.status, signal.investigation_notes = "investigating", "现场调查：聚集性病例，已采样送检"
            else:
                signal.status, signal.dismiss_reason = "dismissed", DISMISS_REASONS[int(rng.integers(4))]
        signals.append(signal)
    Signal.objects.bulk_create(signals, ignore_conflicts=True)
    now = timezone.now()
    for signal in Signal.objects.filter(day__gte=dates[-60]).only("id", "day"):  # raised by the 02:00 run
        raised = timezone.make_aware(datetime.combine(signal.day + timedelta(days=1), time(2, 5)))
        Signal.objects.filter(pk=signal.pk).update(created_at=min(raised, now))
    return len(signals)


# Syndromes at the township health centres (§4): residents per day, seasonal shape; two recent clusters.
SYNDROME_RATES = {"fever": (6, ("winter", 0.5)), "ili": (2, ("winter", 0.8)), "respiratory": (9, ("winter", 0.5)),
                  "diarrhoea": (3, ("summer", 0.6)), "rash": (0.6, ("spring_autumn", 0.6)),
                  "conjunctivitis": (0.3, ("summer", 0.7)), "jaundice": (0.15, None), "cns": (0.05, None)}
SYNDROME_OUTBREAKS = [(0, "diarrhoea", 3, 4, 9), (1, "fever", 2, 3, 12)]  # as OUTBREAKS


def _syndromes(rng, area_list, dates, doy, as_of) -> tuple[int, int]:
    """Four years of syndromic counts per township centre, then the syndromic job's signals of the last two
    weeks (older ones verified: clusters escalated, the rest dismissed)."""
    rows = []
    codes = list(SYNDROME_RATES)
    counts = np.zeros((len(area_list), len(codes), len(dates)), dtype=int)
    for j, code in enumerate(codes):
        base, shape = SYNDROME_RATES[code]
        scale = rng.uniform(0.6, 1.4, size=(len(area_list), 1))
        counts[:, j, :] = rng.poisson(base * scale * _season(doy, shape)[None, :])
    for a, code, before, length, extra in SYNDROME_OUTBREAKS:
        if a < len(area_list):
            first = len(dates) - 1 - before
            counts[a, codes.index(code), first:first + length] += rng.poisson(extra, size=min(length, before + 1))
    rows = [SyndromeCount(org_id=area_list[a].id, syndrome=codes[j], day=dates[t], count=int(counts[a, j, t]))
            for a, j, t in zip(*np.nonzero(counts), strict=True)]
    SyndromeCount.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    created = syndromic.evaluate(acting_user=system_user("syndromic-surveillance"), as_of=as_of, days=14)
    clusters = {(area_list[a].id, code) for a, code, *_rest in SYNDROME_OUTBREAKS if a < len(area_list)}
    now = timezone.now()
    for signal in Signal.objects.filter(disease=None).only("id", "day", "area_id", "syndrome"):
        raised = min(now, timezone.make_aware(datetime.combine(signal.day + timedelta(days=1), time(1, 35))))
        responded = raised + timedelta(hours=float(rng.gamma(2.0, 0.6)))
        if signal.day >= as_of - timedelta(days=1):  # today's run: still new
            Signal.objects.filter(pk=signal.pk).update(created_at=raised)
        elif (signal.area_id, signal.syndrome) in clusters:
            Signal.objects.filter(pk=signal.pk).update(created_at=raised, status="investigating", responded_at=responded,
                                                       investigation_notes="症状聚集：已电话核实并派员调查")
        else:
            Signal.objects.filter(pk=signal.pk).update(created_at=raised, status="dismissed", responded_at=responded,
                                                       dismiss_reason=DISMISS_REASONS[int(rng.integers(4))])
    return len(rows), created
