"""Every write of the surveillance app: drafting, completing, reviewing and amending report cards, counting
approved cases, and verifying signals. The early-warning job is in `detection.py`."""

from datetime import datetime, time

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.actions import notify_users

from . import rules
from .models import CaseReport, CaseReportEvent, DailyCount, NotifiableDisease, Signal
from .queries import officer_ids, township_of

DOCTORS = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR, Role.ECG_READER, Role.RADIOLOGIST}
OFFICERS = {Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN}
CARD_FIELDS = ("disease_subtype", "patient_name", "guardian_name", "id_document_type", "id_document_no", "sex",
               "birth_date", "work_unit", "phone", "residence_category", "current_address", "population_group",
               "case_classification", "acute_chronic", "onset_date", "death_date", "remarks")
# diagnosed_at comes from the diagnosis and is not editable: it starts the reporting clock.


def _require(user, roles, message):
    if getattr(user, "role", None) not in roles:
        raise ActionError(message, code="not_allowed")


def _event(card, user, note=""):
    CaseReportEvent.objects.create(report=card, status=card.status, by=user, note=note[:300])


def _card_url(card):
    return reverse("surveillance:card", args=[card.pk])


def _diagnosed_at(diagnosis) -> datetime:
    """Diagnosis time to the hour (§2.2): the recording time when recorded that day, else the day's start."""
    recorded = timezone.localtime(diagnosis.created_at or timezone.now())
    if recorded.date() == diagnosis.diagnosed_on:
        return recorded.replace(minute=0, second=0, microsecond=0)
    return timezone.make_aware(datetime.combine(diagnosis.diagnosed_on, time(0)))


@transaction.atomic(savepoint=False)
def draft_card_for_diagnosis(*, diagnosis, acting_user):
    """Receiver of `records.diagnosis_recorded`: a diagnosis matching a notifiable disease drafts its card
    (§2.4), pre-filled from the resident, with the 2 h / 24 h clock started. Returns the card or None."""
    catalogue = list(NotifiableDisease.objects.all())
    match = rules.match_disease(diagnosis.code_id, [d.as_rule_row() for d in catalogue], diagnosis.diagnosed_on)
    if match is None:
        return None
    disease = next(d for d in catalogue if d.code == match.disease_code and d.valid_from <= diagnosis.diagnosed_on
                   and (d.valid_to is None or d.valid_to >= diagnosis.diagnosed_on))
    resident = diagnosis.resident
    village = resident.village
    household = resident.household
    diagnosed_at = _diagnosed_at(diagnosis)
    earlier = find_duplicate(resident=resident, disease=disease, diagnosed_at=diagnosed_at)
    card = CaseReport.objects.create(
        duplicate_of=earlier,
        card_no=f"{diagnosed_at:%Y}{diagnosis.pk:08d}", resident=resident, diagnosis=diagnosis, disease=disease,
        disease_subtype=match.subtype, patient_name=resident.name, id_document_no=resident.id_number or "",
        sex=resident.sex, birth_date=resident.birth_date, phone=resident.phone,
        address_division_code=village.division_code,
        current_address=(household.address if household and household.address else village.name),
        diagnosed_at=diagnosed_at, reporting_org_id=diagnosis.organisation_id,
        area=township_of(resident.catchment_org), reporting_doctor=diagnosis.diagnosed_by,
        due_at=rules.due_at(diagnosed_at, match.hours),
    )
    _event(card, acting_user, _("Drafted from diagnosis %(code)s") % {"code": diagnosis.code_id})
    audit.record_change(acting_user, "surveillance.card_drafted", card, resident_id=resident.pk,
                        detail={"disease": disease.code, "due_at": card.due_at.isoformat()})
    title = _("Report card for %(disease)s due by %(due)s") % {
        "disease": disease.name_zh, "due": timezone.localtime(card.due_at).strftime("%m-%d %H:%M")}
    if earlier is not None:
        _event(card, acting_user, _("Possible duplicate of card %(no)s") % {"no": earlier.card_no})
        title = _("%(title)s; possibly a duplicate of card %(no)s") % {"title": title, "no": earlier.card_no}
    notify_users([diagnosis.diagnosed_by_id], kind="surveillance.card_drafted", title=title,
                 url=_card_url(card), urgent=match.hours <= 2, resident_id=resident.pk)
    return card


def find_duplicate(*, resident, disease, diagnosed_at, exclude_id=None) -> CaseReport | None:
    """The latest card, not void, of the same person and disease diagnosed within the window (§2.3 item 7).
    Same person: the same resident, another resident record with the same ID number, or — without an ID number —
    the same name, birth date and village (MPI duplicates)."""
    window = rules.duplicate_window(disease.code)
    if resident.id_number:
        person = Q(resident=resident) | Q(id_document_no=resident.id_number)
    else:
        person = Q(resident=resident) | Q(patient_name=resident.name, birth_date=resident.birth_date,
                                          resident__village_id=resident.village_id)
    return (CaseReport.objects.filter(person, disease__code=disease.code, diagnosed_at__gt=diagnosed_at - window,
                                      diagnosed_at__lt=diagnosed_at + window)
            .exclude(status=rules.VOID).exclude(pk=exclude_id).order_by("-diagnosed_at", "-id").first())


def _locked_card(user, card_id) -> CaseReport:
    card = CaseReport.objects.visible_to(user).select_for_update().filter(pk=card_id).first()
    if card is None:
        raise NotVisible()
    return card


def _apply(card, fields: dict, *, complete: bool):
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise ActionError(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="bad_field")
    for name, value in fields.items():
        setattr(card, name, "" if value is None and name not in ("birth_date", "onset_date", "death_date") else value)
    subtypes = [s["code"] for s in card.disease.subtypes]
    errors, warnings = rules.validate_card(
        {f: getattr(card, f) for f in CARD_FIELDS}
        | {"disease": card.disease_id, "diagnosed_at": timezone.localtime(card.diagnosed_at)},
        now=timezone.localtime(),
        acute_chronic_required=rules.needs_acute_chronic(card.disease.code, card.disease_subtype),
        allows_carrier=card.disease.allows_carrier, subtypes=subtypes)
    if not complete:  # a draft may be saved half-filled (empty fields), but never with contradictory values
        errors = {k: v for k, v in errors.items() if getattr(card, k, None) not in (None, "")}
    rules.raise_errors(errors)
    return warnings


@transaction.atomic(durable=True)
def do_save_card(*, acting_user, card_id: int, fields: dict) -> CaseReport:
    _require(acting_user, DOCTORS | OFFICERS, _("Only doctors fill report cards."))
    card = _locked_card(acting_user, card_id)
    if card.status not in rules.EDITABLE:
        raise ActionError(_("Only a draft or a returned card can be edited."), code="card_not_editable")
    _apply(card, fields, complete=False)
    card.save()
    audit.record_change(acting_user, "surveillance.card_saved", card, resident_id=card.resident_id,
                        detail={"fields": sorted(fields)})
    return card


@transaction.atomic(durable=True)
def do_submit_card(*, acting_user, card_id: int, fields: dict | None = None) -> CaseReport:
    """The doctor completes and submits the card: every mandatory field, §2.3 checks; officers are told."""
    _require(acting_user, DOCTORS, _("Only doctors submit report cards."))
    card = _locked_card(acting_user, card_id)
    rules.check_transition(card.status, rules.SUBMITTED)
    _apply(card, fields or {}, complete=True)
    now = timezone.now()
    card.status, card.submitted_at, card.filled_at, card.reporting_doctor = rules.SUBMITTED, now, now, acting_user
    card.return_reason = ""
    card.save()
    _event(card, acting_user)
    audit.record_change(acting_user, "surveillance.card_submitted", card, resident_id=card.resident_id)
    notify_users(officer_ids(card.reporting_org), kind="surveillance.card_submitted",
                 title=_("Report card to review: %(disease)s") % {"disease": card.disease.name_zh},
                 url=_card_url(card), urgent=card.disease.report_hours <= 2 or card.due_at <= now,
                 resident_id=card.resident_id)
    return card


@transaction.atomic(durable=True)
def do_return_card(*, acting_user, card_id: int, reason: str) -> CaseReport:
    _require(acting_user, OFFICERS, _("Only public-health officers review report cards."))
    if not (reason or "").strip():
        raise ActionError(_("Say what is wrong or missing."), code="reason_required", field="reason")
    card = _locked_card(acting_user, card_id)
    rules.check_transition(card.status, rules.RETURNED)
    card.status, card.return_reason = rules.RETURNED, reason.strip()[:300]
    card.save(update_fields=["status", "return_reason", "updated_at"])
    _event(card, acting_user, card.return_reason)
    audit.record_change(acting_user, "surveillance.card_returned", card, resident_id=card.resident_id,
                        detail={"reason": card.return_reason})
    notify_users([card.reporting_doctor_id], kind="surveillance.card_returned",
                 title=_("Report card returned: %(reason)s") % {"reason": card.return_reason},
                 url=_card_url(card), urgent=True, resident_id=card.resident_id)
    return card


@transaction.atomic(durable=True)
def do_approve_card(*, acting_user, card_id: int) -> CaseReport:
    """Approve: the card is frozen, its case counts in the township's daily series, and a disease under the
    fixed-threshold rule raises its signal at once (CIDARS)."""
    _require(acting_user, OFFICERS, _("Only public-health officers review report cards."))
    card = _locked_card(acting_user, card_id)
    rules.check_transition(card.status, rules.APPROVED)
    if card.duplicate_of_id and not card.duplicate_kept:
        raise Conflict(_("This card may repeat card %(no)s: merge it or keep both first.")
                       % {"no": card.duplicate_of.card_no}, code="card_possible_duplicate")
    card.status, card.approved_at, card.approved_by = rules.APPROVED, timezone.now(), acting_user
    card.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    _event(card, acting_user)
    if card.card_kind == CaseReport.Kind.INITIAL:
        day = timezone.localtime(card.diagnosed_at).date()
        row, _created = DailyCount.objects.get_or_create(area=card.area, disease=card.disease, day=day)
        DailyCount.objects.filter(pk=row.pk).update(count=F("count") + 1)
        if card.disease.method == NotifiableDisease.Method.FIXED:
            raise_signal(area_id=card.area_id, disease=card.disease, day=day, algorithm="fixed_threshold",
                         observed=row.count + 1, expected=0, threshold=0)
    audit.record_change(acting_user, "surveillance.card_approved", card, resident_id=card.resident_id)
    return card


@transaction.atomic(durable=True)
def do_void_card(*, acting_user, card_id: int, reason: str) -> CaseReport:
    _require(acting_user, OFFICERS, _("Only public-health officers delete report cards."))
    if not (reason or "").strip():
        raise ActionError(_("Give the reason (duplicate or false report)."), code="reason_required", field="reason")
    card = _locked_card(acting_user, card_id)
    rules.check_transition(card.status, rules.VOID)
    card.status, card.return_reason = rules.VOID, reason.strip()[:300]
    card.save(update_fields=["status", "return_reason", "updated_at"])
    _event(card, acting_user, card.return_reason)
    audit.record_change(acting_user, "surveillance.card_voided", card, resident_id=card.resident_id)
    return card


@transaction.atomic(durable=True)
def do_amend_card(*, acting_user, card_id: int, reason: str) -> CaseReport:
    """An approved card never changes: a revision card (订正报告) copies it as a new draft with the reason."""
    _require(acting_user, DOCTORS | OFFICERS, _("Only doctors and officers revise report cards."))
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for the revision."), code="reason_required", field="reason")
    original = _locked_card(acting_user, card_id)
    if original.status not in (rules.APPROVED, rules.REPORTED):
        raise ActionError(_("Only an approved card is revised; edit the card itself."), code="card_not_final")
    return _open_revision(acting_user, original, reason)


def _open_revision(acting_user, original, reason: str) -> CaseReport:
    """A revision card (订正报告): a copy of `original` as a new draft with the reason."""
    n = CaseReport.objects.filter(revises=original).count() + 1
    revision = CaseReport.objects.get(pk=original.pk)
    revision.pk = None
    revision.card_no, revision.card_kind, revision.revises = f"{original.card_no}-R{n}", "revision", original
    revision.amend_reason, revision.status = reason.strip()[:300], rules.DRAFT
    revision.duplicate_of, revision.duplicate_kept = None, False
    revision.submitted_at = revision.approved_at = revision.approved_by = revision.reported_at = None
    revision.reporting_doctor = acting_user if acting_user.role in DOCTORS else original.reporting_doctor
    revision.due_at = timezone.now() + (original.due_at - original.diagnosed_at)
    revision.save(force_insert=True)
    _event(revision, acting_user, revision.amend_reason)
    audit.record_change(acting_user, "surveillance.card_revised", revision, resident_id=revision.resident_id,
                        detail={"revises": original.pk, "reason": revision.amend_reason})
    return revision


@transaction.atomic(durable=True)
def do_resolve_duplicate(*, acting_user, card_id: int, keep: bool) -> CaseReport:
    """The officer's choice for a possible duplicate (§2.3 item 7). Keep: both cards stand. Merge: this card is
    voided as 重卡; when the earlier card is already approved, a revision of it is opened carrying this diagnosis,
    so the change goes through review like any correction."""
    _require(acting_user, OFFICERS, _("Only public-health officers decide on duplicate cards."))
    card = _locked_card(acting_user, card_id)
    if not card.duplicate_of_id or card.duplicate_kept or card.status == rules.VOID:
        raise Conflict(_("This card is not waiting for a duplicate decision."), code="card_not_duplicate")
    original = card.duplicate_of
    if keep:
        card.duplicate_kept = True
        card.save(update_fields=["duplicate_kept", "updated_at"])
        _event(card, acting_user, _("Kept: not a duplicate of card %(no)s") % {"no": original.card_no})
        audit.record_change(acting_user, "surveillance.card_duplicate_kept", card, resident_id=card.resident_id)
        return card
    if card.status not in rules.OPEN:
        raise Conflict(_("An approved card is corrected by a revision, not merged."), code="card_not_open")
    card.status, card.return_reason = rules.VOID, (_("Duplicate of card %(no)s") % {"no": original.card_no})[:300]
    card.save(update_fields=["status", "return_reason", "updated_at"])
    _event(card, acting_user, card.return_reason)
    audit.record_change(acting_user, "surveillance.card_merged", card, resident_id=card.resident_id,
                        detail={"into": original.pk})
    if original.status in (rules.APPROVED, rules.REPORTED) and \
            CaseReport.objects.visible_to(acting_user).filter(pk=original.pk).exists():
        return _open_revision(acting_user, original, _("Merged duplicate card %(no)s") % {"no": card.card_no})
    return card


@transaction.atomic(durable=True)
def do_mark_reported(*, acting_user, card_ids: list[int]) -> list[CaseReport]:
    """Approved cards leave for direct reporting (the export file): `reported_at` settles met or late."""
    _require(acting_user, OFFICERS, _("Only public-health officers send cards to direct reporting."))
    cards = list(CaseReport.objects.visible_to(acting_user).select_for_update()
                 .filter(pk__in=card_ids, status=rules.APPROVED).order_by("pk"))
    now = timezone.now()
    for card in cards:
        card.status, card.reported_at = rules.REPORTED, now
        card.save(update_fields=["status", "reported_at", "updated_at"])
        _event(card, acting_user)
        audit.record_change(acting_user, "surveillance.card_reported", card, resident_id=card.resident_id,
                            detail={"late": now > card.due_at})
    return cards


@transaction.atomic(durable=True)
def do_warn_overdue_cards(*, acting_user, now=None, limit: int = 500) -> int:
    """Sweep (architecture §2, deadlines as indexed `due_at`): a card not yet sent to direct reporting whose
    deadline has passed warns its doctor and the officers once (迟报 in the making)."""
    now = now or timezone.now()
    cards = list(CaseReport.objects.select_for_update().select_related("disease", "reporting_org")
                 .filter(status__in=[*rules.OPEN, rules.APPROVED], due_at__lt=now, overdue_notified_at=None)
                 .order_by("due_at")[:limit])
    for card in cards:
        card.overdue_notified_at = now
        card.save(update_fields=["overdue_notified_at"])
        title = _("Report card overdue: %(disease)s, %(name)s (due %(due)s)") % {
            "disease": card.disease.name_zh, "name": card.patient_name,
            "due": timezone.localtime(card.due_at).strftime("%m-%d %H:%M")}
        notify_users(sorted({card.reporting_doctor_id, *officer_ids(card.reporting_org)}),
                     kind="surveillance.card_overdue", title=title, url=_card_url(card), urgent=True,
                     resident_id=card.resident_id)
        audit.record_change(acting_user, "surveillance.card_overdue", card, resident_id=card.resident_id)
    return len(cards)


@transaction.atomic(savepoint=False)
def raise_signal(*, area_id, day, algorithm, observed, expected, threshold, disease=None,
                 syndrome: str = "") -> Signal | None:
    """Create the signal once per (area, disease or syndrome, algorithm, day); officers of the area are told."""
    signal, created = Signal.objects.get_or_create(
        area_id=area_id, disease=disease, syndrome="" if disease else syndrome, algorithm=algorithm, day=day,
        defaults={"observed": observed, "expected": expected, "threshold": threshold})
    if not created:
        return None
    from countyhealth.orgs.models import Organisation

    notify_users(officer_ids(Organisation.objects.get(pk=area_id)), kind="surveillance.signal",
                 title=_("Signal: %(subject)s, %(n)s cases (%(algorithm)s)") % {
                     "subject": signal.subject, "n": int(observed), "algorithm": algorithm},
                 url=reverse("surveillance:signal", args=[signal.pk]),
                 urgent=disease is not None and disease.method == NotifiableDisease.Method.FIXED)
    return signal


def _locked_signal(user, signal_id) -> Signal:
    _require(user, OFFICERS, _("Only public-health officers verify signals."))
    signal = Signal.objects.visible_to(user).select_for_update().filter(pk=signal_id).first()
    if signal is None:
        raise NotVisible()
    return signal


@transaction.atomic(durable=True)
def do_dismiss_signal(*, acting_user, signal_id: int, reason: str) -> Signal:
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for dismissing the signal."), code="reason_required", field="reason")
    signal = _locked_signal(acting_user, signal_id)
    rules.check_signal_transition(signal.status, rules.DISMISSED)
    signal.status, signal.dismiss_reason = rules.DISMISSED, reason.strip()[:300]
    signal.responded_at, signal.responded_by = timezone.now(), acting_user
    signal.save(update_fields=["status", "dismiss_reason", "responded_at", "responded_by"])
    audit.record_change(acting_user, "surveillance.signal_dismissed", signal, detail={"reason": reason[:300]})
    return signal


@transaction.atomic(durable=True)
def do_escalate_signal(*, acting_user, signal_id: int, notes: str) -> Signal:
    """A suspected event: field investigation starts, with the officer's notes."""
    if not (notes or "").strip():
        raise ActionError(_("Write what the field investigation should look at."), code="notes_required",
                          field="notes")
    signal = _locked_signal(acting_user, signal_id)
    rules.check_signal_transition(signal.status, rules.INVESTIGATING)
    signal.status, signal.investigation_notes = rules.INVESTIGATING, notes.strip()
    signal.responded_at, signal.responded_by = timezone.now(), acting_user
    signal.save(update_fields=["status", "investigation_notes", "responded_at", "responded_by"])
    audit.record_change(acting_user, "surveillance.signal_escalated", signal)
    return signal


@transaction.atomic(durable=True)
def do_close_signal(*, acting_user, signal_id: int, notes: str = "") -> Signal:
    signal = _locked_signal(acting_user, signal_id)
    rules.check_signal_transition(signal.status, rules.CLOSED)
    signal.status = rules.CLOSED
    if notes.strip():
        signal.investigation_notes = f"{signal.investigation_notes}\n{notes.strip()}".strip()
    signal.save(update_fields=["status", "investigation_notes"])
    audit.record_change(acting_user, "surveillance.signal_closed", signal)
    return signal
