"""Duplicate review, merge and unmerge (architecture §6 "link, don't destroy")."""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import MERGES_RESIDENTS, UNMERGES_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible

from .. import matching
from ..models import DuplicateCandidate, Resident, ResidentLink
from .common import clean_reason, lock_pair, require_role, save_unique

# Rows moved in chunks: SQLite caps the number of parameters of one statement.
MOVE_CHUNK = 500


# Relations that describe the merge itself rather than the person's data: never re-pointed.
_NOT_MOVED = {("residents", "residentlink"), ("residents", "duplicatecandidate")}


def resident_relations():
    """Every (model, foreign key) pointing at Resident, found generically so that apps added later (records,
    follow-ups, ECGs…) are merged without being listed here. `_meta.related_objects` hides relations declared
    with related_name="+", so the fields are read with include_hidden; the self-reference `master` is skipped."""
    for rel in Resident._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if (model._meta.app_label, model._meta.model_name) in _NOT_MOVED or model is Resident:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model, rel.field


def _relation_key(model, field) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{field.name}"


def _move_rows(manager, field_name: str, pks: list, survivor: Resident) -> list:
    """Re-point rows to the survivor; returns those moved. A row that would break a uniqueness rule (a
    one-to-one record, or an identifier, booking… the survivor already has) stays on the merged record,
    where it remains reachable, rather than blocking the merge."""
    try:
        with transaction.atomic():
            for i in range(0, len(pks), MOVE_CHUNK):
                manager.filter(pk__in=pks[i:i + MOVE_CHUNK]).update(**{field_name: survivor})
        return pks
    except IntegrityError:
        pass
    moved = []
    for pk in pks:
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field_name: survivor})
            moved.append(pk)
        except IntegrityError:
            continue
    return moved


def _move_related(merged: Resident, survivor: Resident) -> tuple[dict[str, list], dict[str, int]]:
    """Move every row about the merged record to the survivor: (moved pks by relation, rows left behind)."""
    moved: dict[str, list] = {}
    left: dict[str, int] = {}
    for model, fk in resident_relations():
        manager = model._base_manager
        pks = list(manager.filter(**{fk.name: merged}).order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        key = _relation_key(model, fk)
        done = _move_rows(manager, fk.name, pks, survivor)
        if done:
            moved[key] = done
        if len(done) < len(pks):
            left[key] = len(pks) - len(done)
    return moved, left


@transaction.atomic
def do_merge_residents(*, acting_user, survivor_id: int, merged_id: int, reason: str) -> ResidentLink:
    """Merge a duplicate into the record kept (architecture §6 "link, don't destroy"): the duplicate stays as
    an inactive row pointing at its master; every row about the person moves to the survivor and is listed in
    the link, so that `do_unmerge_residents` can move exactly those back."""
    require_role(acting_user, MERGES_RESIDENTS)
    reason = clean_reason(reason)
    if survivor_id == merged_id:
        raise ActionError(_("Choose two different records."), code="same_record", field="merged_id")
    rows = lock_pair(acting_user, survivor_id, merged_id)
    survivor, merged = rows[survivor_id], rows[merged_id]
    if not survivor.is_active or not merged.is_active:
        raise Conflict(_("One of these records has already been merged."), code="already_merged")
    moved, left = _move_related(merged, survivor)
    merged.master, merged.is_active = survivor, False
    merged.save(update_fields=["master", "is_active", "updated_at"])
    link = ResidentLink.objects.create(survivor=survivor, merged=merged, reason=reason, moved=moved,
                                       merged_by=acting_user)
    a, b = matching.ordered_pair(survivor.pk, merged.pk)
    DuplicateCandidate.objects.filter(resident_a_id=a, resident_b_id=b).update(
        status=DuplicateCandidate.Status.MERGED, reviewed_by=acting_user, reviewed_at=timezone.now()
    )
    audit.record_change(acting_user, "residents.resident_merged", link, resident_id=survivor.pk,
                        detail={"survivor_id": survivor.pk, "merged_id": merged.pk,
                                "moved": {key: len(pks) for key, pks in moved.items()}, "left": left})
    return link


@transaction.atomic
def do_unmerge_residents(*, acting_user, link_id: int, reason: str) -> ResidentLink:
    """Undo a merge: the rows the link lists move back, the duplicate is active again, and the pair is marked
    "not the same person" so it is not proposed again."""
    require_role(acting_user, UNMERGES_RESIDENTS)
    reason = clean_reason(reason)
    link = ResidentLink.objects.select_for_update().filter(pk=link_id).first()
    if link is None:
        raise NotVisible()
    rows = lock_pair(acting_user, link.survivor_id, link.merged_id)
    survivor, merged = rows[link.survivor_id], rows[link.merged_id]
    if link.unmerged_at is not None:
        raise Conflict(_("This merge has already been undone."), code="already_unmerged")
    if not survivor.is_active:
        raise Conflict(_("The record kept has since been merged into another one; undo that merge first."),
                       code="survivor_merged")
    for key, pks in link.moved.items():
        app_label, model_name, field_name = key.split(".")
        manager = apps.get_model(app_label, model_name)._base_manager
        for i in range(0, len(pks), MOVE_CHUNK):
            manager.filter(pk__in=pks[i:i + MOVE_CHUNK], **{field_name: survivor}).update(**{field_name: merged})
    merged.master, merged.is_active = None, True
    save_unique(merged, update_fields=["master", "is_active", "updated_at"])
    link.unmerged_by, link.unmerged_at, link.unmerge_reason = acting_user, timezone.now(), reason
    link.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    a, b = matching.ordered_pair(survivor.pk, merged.pk)
    DuplicateCandidate.objects.update_or_create(
        resident_a_id=a, resident_b_id=b,
        defaults={"status": DuplicateCandidate.Status.NOT_DUPLICATE, "reviewed_by": acting_user,
                  "reviewed_at": timezone.now()},
        create_defaults={"status": DuplicateCandidate.Status.NOT_DUPLICATE, "reviewed_by": acting_user,
                         "reviewed_at": timezone.now(), "score": 0, "reasons": []},
    )
    audit.record_change(acting_user, "residents.resident_unmerged", link, resident_id=survivor.pk,
                        detail={"survivor_id": survivor.pk, "merged_id": merged.pk})
    return link


@transaction.atomic
def do_mark_not_duplicate(*, acting_user, candidate_id: int) -> DuplicateCandidate:
    """A reviewer's "not the same person": kept for good, so matching never proposes the pair again."""
    require_role(acting_user, MERGES_RESIDENTS)
    candidate = DuplicateCandidate.objects.select_for_update().filter(pk=candidate_id).first()
    if candidate is None:
        raise NotVisible()
    lock_pair(acting_user, candidate.resident_a_id, candidate.resident_b_id)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise Conflict(_("This pair has already been reviewed."), code="already_reviewed")
    candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
    candidate.reviewed_by, candidate.reviewed_at = acting_user, timezone.now()
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record_change(acting_user, "residents.duplicate_dismissed", candidate, resident_id=candidate.resident_a_id,
                        detail={"resident_a": candidate.resident_a_id, "resident_b": candidate.resident_b_id})
    return candidate
