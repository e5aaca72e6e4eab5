"""Every write of the remote ECG service: upload, claim, view, sign, amend, green channel."""

import hashlib
import os
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict
from countyhealth.notifications.actions import notify_org, notify_users, org_user_ids
from countyhealth.orgs.models import Department, DepartmentKind
from countyhealth.referrals.actions import county_hospital, create_referral
from countyhealth.residents.models import AccessGrant, Resident

from . import rules
from .analysis import analyse
from .formats import bundle, decode
from .models import Ecg, EcgReport, EcgStatusChange

READERS = {Role.ECG_READER}
UPLOADERS = {Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR, Role.COUNTY_DOCTOR}
REPORT_FIELDS = ("rhythm", "heart_rate", "axis_deg", "pr_ms", "qrs_ms", "qt_ms", "qtc_ms", "phrases", "conclusion")


def is_reader(user) -> bool:
    return user.is_superuser or user.role in READERS


def resident_sex_age(resident: Resident, on) -> tuple[str | None, int | None]:
    """GB/T 2261.1 sex code → M/F; age in completed years on the acquisition date (design §5)."""
    sex = {"1": "M", "2": "F"}.get(resident.sex)
    birth = resident.birth_date
    age = None if birth is None else on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return sex, age


def do_upload_ecg(*, acting_user, resident_id: int, files: list[tuple[str, bytes]], symptoms: str = "",
                  chest_pain: bool = False, chest_pain_onset=None, requested_urgency: str = "routine"):
    """Store the file unchanged, decode and pre-analyse it, put it on the readers' worklist.
    Returns (ecg, created); the same file for the same resident again returns the existing ECG."""
    if acting_user.role not in UPLOADERS and not acting_user.is_superuser:
        raise ActionError(_("Your role cannot upload ECGs."), code="forbidden")
    if acting_user.organisation_id is None:
        raise ActionError(_("Your account belongs to no organisation."), code="no_organisation")
    if requested_urgency not in Ecg.Urgency.values:
        raise ActionError(_("Choose the urgency."), code="bad_urgency", field="requested_urgency")
    files = [(name, data) for name, data in files if data]
    if not files:
        raise ActionError(_("The file is empty."), code="ecg_empty", field="file")
    data, name = bundle(files)
    sha = hashlib.sha256(data).hexdigest()
    existing = Ecg.objects.filter(resident_id=resident_id, sha256=sha).first()
    if existing is not None:
        return existing, False
    recording = decode(data, name)  # DecodeError: nothing stored
    resident = Resident.objects.get(pk=resident_id)
    sex, age = resident_sex_age(resident, timezone.localdate())
    result = analyse(recording, sex=sex, age=age)
    path = f"ecg/{sha[:2]}/{sha}{os.path.splitext(name)[1].lower()[:8]}"
    stored_here = not default_storage.exists(path)
    if stored_here:
        path = default_storage.save(path, ContentFile(data))
    try:
        return _record_upload(acting_user, resident, path, name, sha, data, recording, result, symptoms=symptoms,
                              chest_pain=chest_pain, chest_pain_onset=chest_pain_onset,
                              requested_urgency=requested_urgency), True
    except IntegrityError:
        # The same file was uploaded concurrently: the other upload won.
        return Ecg.objects.get(resident_id=resident_id, sha256=sha), False
    except BaseException:
        if stored_here:
            default_storage.delete(path)
        raise


@transaction.atomic(durable=True)
def _record_upload(acting_user, resident, path, name, sha, data, recording, result, **context) -> Ecg:
    ecg = Ecg.objects.create(
        resident=resident, organisation_id=acting_user.organisation_id, uploaded_by=acting_user, file=path,
        original_name=name[:200], sha256=sha, size=len(data), source_format=recording.source_format,
        sampling_rate=recording.sampling_rate, duration_s=round(recording.duration, 2), analysis=result,
        urgent=result["urgent"] or context["requested_urgency"] == Ecg.Urgency.URGENT,
        urgent_reasons=result["reasons"], **context)
    EcgStatusChange.objects.create(ecg=ecg, status=ecg.status, by=acting_user, note="uploaded")
    hospital = county_hospital()
    # The county hospital's readers reach the resident through this grant (Reach GRANTED).
    AccessGrant.objects.create(resident=resident, organisation=hospital, reason=AccessGrant.Reason.ECG_READING,
                               note=f"ecg:{ecg.pk}", granted_by=acting_user)
    audit.record_change(acting_user, "ecg.ecg_uploaded", ecg, resident_id=resident.pk,
                        detail={"sha256": sha, "format": recording.source_format, "urgent": ecg.urgent})
    if ecg.urgent:
        reasons = "、".join(rules.reason_labels(ecg.urgent_reasons)) or _("marked urgent by the uploader")
        notify_org(hospital.pk, roles=[Role.ECG_READER], kind="ecg.urgent_upload", urgent=True,
                   title=_("Urgent ECG waiting: %(reasons)s") % {"reasons": reasons},
                   url=reverse("ecg:detail", args=[ecg.pk]), resident_id=resident.pk)
    if "acute_mi" in ecg.urgent_reasons:
        notify_users([acting_user.pk], kind="ecg.suspected_stemi", urgent=True,
                     title=_("Suspected STEMI on the pre-analysis, pending the reader's report"),
                     url=reverse("ecg:detail", args=[ecg.pk]), resident_id=resident.pk)
    return ecg


def _locked(ecg_id: int) -> Ecg:
    return Ecg.objects.select_for_update().get(pk=ecg_id)


def _require_reader(user):
    if not is_reader(user):
        raise ActionError(_("Only ECG readers can do this."), code="forbidden")


@transaction.atomic(durable=True)
def do_claim_ecg(*, acting_user, ecg_id: int) -> Ecg:
    """Take an ECG to report. One conditional UPDATE: two readers never hold the same ECG; a lapsed claim
    (rules.CLAIM_MINUTES) can be taken over."""
    _require_reader(acting_user)
    now = timezone.now()
    free = Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now) | Q(claimed_by=acting_user)
    taken = (Ecg.objects.filter(free, pk=ecg_id, status=rules.WAITING)
             .update(claimed_by=acting_user, claim_expires_at=now + timedelta(minutes=rules.CLAIM_MINUTES)))
    ecg = Ecg.objects.select_related("claimed_by").get(pk=ecg_id)
    if not taken:
        if ecg.status != rules.WAITING:
            raise Conflict(_("This ECG has already been reported."), code="already_reported")
        raise Conflict(_("%(name)s is reading this ECG.") % {"name": ecg.claimed_by.display_name}, code="claimed")
    audit.record_change(acting_user, "ecg.ecg_claimed", ecg, resident_id=ecg.resident_id)
    return ecg


@transaction.atomic(durable=True)
def do_release_claim(*, acting_user, ecg_id: int) -> int:
    released = Ecg.objects.filter(pk=ecg_id, claimed_by=acting_user).update(claimed_by=None, claim_expires_at=None)
    if released:
        audit.record_change(acting_user, "ecg.claim_released", Ecg.objects.get(pk=ecg_id))
    return released


@transaction.atomic(durable=True)
def do_mark_viewed(*, acting_user, ecg_id: int) -> None:
    """First view by a reader: the chest-pain timestamp 'first viewed' (design §6)."""
    if is_reader(acting_user):
        Ecg.objects.filter(pk=ecg_id, first_viewed_at__isnull=True).update(first_viewed_at=timezone.now())


def _clean_findings(findings: dict) -> dict:
    data = {key: findings.get(key) for key in REPORT_FIELDS}
    data["phrases"] = [code for code in (data["phrases"] or []) if code in rules.PHRASES]
    data["conclusion"] = (data["conclusion"] or "").strip()
    if not data["phrases"] and not data["conclusion"]:
        raise ActionError(_("Give a conclusion: pick a phrase or write one."), code="no_conclusion", field="phrases")
    if not (data["rhythm"] or "").strip():
        raise ActionError(_("Give the rhythm."), code="no_rhythm", field="rhythm")
    return data


def _notify_report(acting_user, ecg: Ecg, report: EcgReport, *, amended: bool):
    critical = bool(report.critical)
    title = (_("Ding-dong, an ECG report was amended, please check it") if amended
             else _("Ding-dong, you have a new report, please check it"))
    body = "；".join(report.phrase_labels() + ([report.conclusion] if report.conclusion else []))
    url = reverse("ecg:detail", args=[ecg.pk])
    # The uploading centre's doctors and the uploader (once, even when both).
    recipients = org_user_ids(ecg.organisation_id, roles=[Role.TOWNSHIP_DOCTOR, Role.VILLAGE_DOCTOR, Role.COUNTY_DOCTOR])
    notify_users([ecg.uploaded_by_id, *recipients], kind="ecg.report", title=title, body=body, url=url,
                 urgent=critical, resident_id=ecg.resident_id)


@transaction.atomic(durable=True)
def do_sign_report(*, acting_user, ecg_id: int, findings: dict) -> EcgReport:
    _require_reader(acting_user)
    ecg = _locked(ecg_id)
    if ecg.status != rules.WAITING:
        raise Conflict(_("This ECG has already been reported; amend the signed report instead."),
                       code="already_reported")
    now = timezone.now()
    if ecg.claimed_by_id not in (None, acting_user.pk) and ecg.claim_expires_at and ecg.claim_expires_at > now:
        raise Conflict(_("Another reader is reading this ECG."), code="claimed")
    data = _clean_findings(findings)
    report = EcgReport.objects.create(ecg=ecg, version=1, signed_by=acting_user, signed_at=now,
                                      critical=sorted({rules.CRITICAL_PHRASES[c] for c in data["phrases"]
                                                       if c in rules.CRITICAL_PHRASES}), **data)
    _transition(acting_user, ecg, rules.REPORTED)
    ecg.reported_at, ecg.claimed_by, ecg.claim_expires_at = now, None, None
    ecg.first_viewed_at = ecg.first_viewed_at or now
    ecg.save(update_fields=["status", "reported_at", "claimed_by", "claim_expires_at", "first_viewed_at"])
    audit.record_change(acting_user, "ecg.report_signed", report, resident_id=ecg.resident_id,
                        detail={"ecg": ecg.pk, "phrases": data["phrases"], "critical": report.critical})
    _notify_report(acting_user, ecg, report, amended=False)
    return report


@transaction.atomic(durable=True)
def do_amend_report(*, acting_user, ecg_id: int, findings: dict, reason: str) -> EcgReport:
    _require_reader(acting_user)
    ecg = _locked(ecg_id)
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for the amendment."), code="no_reason", field="reason")
    previous = ecg.reports.order_by("-version").first()
    if previous is None:
        raise Conflict(_("There is no signed report to amend."), code="not_reported")
    data = _clean_findings(findings)
    report = EcgReport.objects.create(ecg=ecg, version=previous.version + 1, signed_by=acting_user,
                                      signed_at=timezone.now(), amends=previous, amend_reason=reason.strip()[:300],
                                      critical=sorted({rules.CRITICAL_PHRASES[c] for c in data["phrases"]
                                                       if c in rules.CRITICAL_PHRASES}), **data)
    _transition(acting_user, ecg, rules.AMENDED, note=reason[:300])
    ecg.save(update_fields=["status"])
    audit.record_change(acting_user, "ecg.report_amended", report, resident_id=ecg.resident_id,
                        detail={"ecg": ecg.pk, "version": report.version, "reason": reason})
    _notify_report(acting_user, ecg, report, amended=True)
    return report


def _transition(acting_user, ecg: Ecg, new: str, note: str = "") -> None:
    if not rules.may_transition(ecg.status, new):
        raise Conflict(_("This ECG cannot go from %(old)s to %(new)s.") % {"old": ecg.status, "new": new},
                       code="bad_transition")
    ecg.status = new
    EcgStatusChange.objects.create(ecg=ecg, status=new, by=acting_user, note=note)


def chest_pain_centre(hospital) -> Department | None:
    return (Department.objects.filter(organisation=hospital, kind=DepartmentKind.EMERGENCY)
            .order_by("code").first())


@transaction.atomic(durable=True)
def do_start_green_channel(*, acting_user, ecg_id: int, reason: str = ""):
    """Urgent transfer to the county chest-pain centre (绿色通道): referral, notifications, timestamp."""
    ecg = _locked(ecg_id)
    if not is_reader(acting_user) and acting_user.organisation_id != ecg.organisation_id:
        raise ActionError(_("Only an ECG reader or the uploading centre can start the green channel."),
                          code="forbidden")
    if ecg.referral_id is not None:
        raise Conflict(_("The green channel has already been started for this ECG."), code="already_started")
    hospital = county_hospital()
    department = chest_pain_centre(hospital)
    findings = ecg.analysis
    reasons = rules.reason_labels(ecg.urgent_reasons)
    text = (reason or "").strip() or (_("Green channel from remote ECG: %(reasons)s")
                                      % {"reasons": "、".join(reasons) or _("reader's decision")})
    referral = create_referral(
        acting_user=acting_user, resident=ecg.resident, to_org=hospital, direction="up", urgency="emergency",
        reason=text, department=department, source=f"ecg:{ecg.pk}",
        summary={"ecg": ecg.pk, "heart_rate": findings.get("heart_rate"), "rhythm": findings.get("rhythm"),
                 "stemi": findings.get("stemi"), "stemi_leads": findings.get("stemi_leads"),
                 "uploaded_at": ecg.uploaded_at.isoformat(), "from_org": ecg.organisation_id})
    ecg.referral, ecg.transfer_decided_at = referral, timezone.now()
    ecg.save(update_fields=["referral", "transfer_decided_at"])
    EcgStatusChange.objects.create(ecg=ecg, status=ecg.status, by=acting_user, note="green_channel")
    audit.record_change(acting_user, "ecg.green_channel_started", ecg, resident_id=ecg.resident_id,
                        detail={"referral": referral.pk})
    title = _("Green channel: %(name)s, %(reason)s") % {"name": ecg.resident.name, "reason": text}
    url = reverse("ecg:detail", args=[ecg.pk])
    if department is not None:
        from django.contrib.auth import get_user_model

        receivers = list(get_user_model().objects.filter(department=department, is_active=True)
                         .values_list("pk", flat=True))
    else:
        receivers = []
    if not receivers:
        notify_org(hospital.pk, roles=[Role.COUNTY_DOCTOR], kind="ecg.green_channel", title=title, url=url,
                   urgent=True, resident_id=ecg.resident_id)
    notify_users(receivers + [ecg.uploaded_by_id], kind="ecg.green_channel", title=title, url=url, urgent=True,
                 resident_id=ecg.resident_id)
    return referral
