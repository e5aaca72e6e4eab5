"""Demo remote ECGs: a few hundred uploads over the last four months from the township centres, about one in
eight urgent (synthesised ST elevation or extreme rates), all but the last day's reported by the county readers
with turnaround times that vary by township; urgent ones mostly within 10 minutes.

Signals are synthesised (NeuroKit2 ECGSYN) into a small set of distinct WFDB files; ECGs of different residents
may share a file (files are content-addressed, unique per resident), so the seed stays fast and small."""

import hashlib
from datetime import date, datetime, time, timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.residents.models import AccessGrant, Resident

from . import rules
from .analysis import analyse
from .formats import writers
from .models import Ecg, EcgReport, EcgStatusChange

COUNT, DAYS = 300, 120
# (heart rate, ST elevation per lead, report phrases)
TEMPLATES = [
    (72, {}, ["sinus_rhythm", "normal"]), (64, {}, ["sinus_rhythm", "normal"]), (80, {}, ["sinus_rhythm"]),
    (52, {}, ["sinus_brady"]), (108, {}, ["sinus_tachy"]), (88, {}, ["sinus_rhythm", "st_t"]),
    (76, {"V2": 0.35, "V3": 0.35, "V4": 0.3}, ["sinus_rhythm", "stemi_anterior"]),
    (68, {"II": 0.2}, ["sinus_rhythm", "stemi_inferior"]),
]
URGENT_SHARE = 0.12


def seed(*, seeder, seed: int, as_of: date) -> str:
    rng = np.random.default_rng(seed + 5151)
    hospital = Organisation.objects.filter(org_type=OrgType.COUNTY_HOSPITAL).order_by("path").first()
    townships = list(Organisation.objects.filter(org_type=OrgType.TOWNSHIP_CENTRE).order_by("path"))
    users = get_user_model().objects
    readers = list(users.filter(role=Role.ECG_READER, organisation=hospital).values_list("pk", flat=True))
    doctors = {t.pk: list(users.filter(role=Role.TOWNSHIP_DOCTOR, organisation=t).values_list("pk", flat=True))
               for t in townships}
    townships = [t for t in townships if doctors[t.pk]]
    if hospital is None or not readers or not townships:
        return "ecg: skipped (no county hospital, reader or township doctor)"
    made = {}  # one synthesised file per distinct (rate, ST) template, made when first drawn

    def template_file(index):
        rate, st, _phrases = TEMPLATES[index]
        key = (rate, tuple(sorted(st.items())))
        if key not in made:
            made[key] = _template(len(made), rate, st)
        return made[key]

    now = timezone.make_aware(datetime.combine(as_of, time(16, 0)))
    pace = {t.pk: rng.uniform(6, 40) for t in townships}  # median routine turnaround per township, minutes
    pools = {t.pk: list(Resident.objects.filter(catchment_org__path__startswith=t.path, is_active=True)
                        .order_by("pk").values_list("pk", flat=True)[:5000]) for t in townships}
    rows, plan, used = [], [], set()
    for _n in range(COUNT):
        township = townships[int(rng.integers(len(townships)))]
        urgent_case = rng.random() < URGENT_SHARE
        index = int(rng.integers(6, 8)) if urgent_case else int(rng.integers(0, 6))
        uploaded = now - timedelta(minutes=float(rng.uniform(30, DAYS * 24 * 60)))
        pool = pools[township.pk]
        path, sha, size, result = template_file(index)
        resident_id = pool[int(rng.integers(len(pool)))] if pool else None
        if resident_id is None or (resident_id, sha) in used:
            continue
        used.add((resident_id, sha))
        recent = now - uploaded < timedelta(hours=20)
        minutes = rng.uniform(3, 12) if urgent_case else rng.gamma(2.0, pace[township.pk] / 2)
        reported = None if recent and rng.random() < 0.6 else uploaded + timedelta(minutes=float(minutes))
        rows.append(Ecg(
            resident_id=resident_id, organisation=township, uploaded_by_id=doctors[township.pk][0], file=path,
            original_name=f"ecg-{index}.zip", sha256=sha, size=size, source_format="wfdb", sampling_rate=500,
            duration_s=10, chest_pain=urgent_case, analysis=result, urgent=result["urgent"],
            urgent_reasons=result["reasons"], status=rules.REPORTED if reported else rules.WAITING,
            reported_at=reported, first_viewed_at=reported and reported - timedelta(minutes=1)))
        plan.append((index, uploaded))
    created = Ecg.objects.bulk_create(rows, batch_size=500)
    _set_upload_times(created, [uploaded for _index, uploaded in plan])
    reports, history, grants = [], [], []
    for ecg, (index, _uploaded) in zip(created, plan, strict=True):
        reader = readers[ecg.pk % len(readers)]
        grants.append(AccessGrant(resident_id=ecg.resident_id, organisation=hospital,
                                  reason=AccessGrant.Reason.ECG_READING, note=f"ecg:{ecg.pk}", granted_by_id=seeder.pk))
        history.append(EcgStatusChange(ecg=ecg, status=rules.WAITING, by_id=ecg.uploaded_by_id, note="uploaded"))
        if ecg.reported_at:
            phrases = TEMPLATES[index][2]
            a = ecg.analysis
            reports.append(EcgReport(
                ecg=ecg, version=1, rhythm=str(rules.RHYTHM_LABELS.get(a.get("rhythm"), "")), heart_rate=a["heart_rate"],
                axis_deg=a.get("axis_deg"), pr_ms=a.get("pr_ms"), qrs_ms=a.get("qrs_ms"), qt_ms=a.get("qt_ms"),
                qtc_ms=a.get("qtc_bazett_ms"), phrases=phrases, signed_by_id=reader, signed_at=ecg.reported_at,
                critical=sorted({rules.CRITICAL_PHRASES[p] for p in phrases if p in rules.CRITICAL_PHRASES})))
            history.append(EcgStatusChange(ecg=ecg, status=rules.REPORTED, by_id=reader))
    AccessGrant.objects.bulk_create(grants, batch_size=1000)
    EcgStatusChange.objects.bulk_create(history, batch_size=1000)
    EcgReport.objects.bulk_create(reports, batch_size=1000)
    urgent = sum(1 for e in created if e.urgent)
    return f"ecg: {len(created)} remote ECGs ({urgent} urgent, {len(reports)} reported) from {len(townships)} townships"


def _template(index: int, rate: int, st: dict):
    recording = writers.synthesise(rate, st_mv=st, seed=1000 + index, noise=0.01)
    data = writers.to_wfdb_zip(recording, record_name=f"ecg{index}")
    sha = hashlib.sha256(data).hexdigest()
    path = f"ecg/{sha[:2]}/{sha}.zip"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    result = analyse(recording, sex="M", age=60)
    result.pop("r_peaks", None)
    return path, sha, len(data), result


def _set_upload_times(created, times):
    """`uploaded_at` is auto_now_add; the demo spreads uploads over the last months."""
    for ecg, at in zip(created, times, strict=False):
        ecg.uploaded_at = at
    Ecg.objects.bulk_update(created, ["uploaded_at"], batch_size=500)
