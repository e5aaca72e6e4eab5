"""Apply one push's batch in one transaction, with the guarantees of one mutation at a time.

* The device row is locked first, so two pushes of the same phone run one after the other and a replayed
  mutation id is always answered from its stored result (one `IN` query for the whole batch).
* Every kind but the follow-up runs its domain action in its own savepoint: a refusal rolls back only that
  mutation, never half of it.
* Follow-ups — the bulk of a day's work — are validated and classified first, all in memory, with the
  residents, enrolments, earlier visits and saved client ids read in one query each; then the accepted ones are
  written with one statement per table (visits, enrolment updates, audit rows, mutation rows, change log). A
  refused follow-up writes nothing. The follow-ups the rules send to the county hospital get their referrals
  together from `publichealth.refer_followups` once the visits are written; should that fail, the whole push
  is applied again one mutation at a time, where the action refuses that follow-up alone. A follow-up whose
  client id is already saved goes through `publichealth.do_record_followup`, which answers with the saved
  visit.

The classification is the publichealth rules' own (`rules.classify_visit`, `validate_followup`); the row a
follow-up writes mirrors `do_record_followup`, which `test_ingest` checks field by field."""

from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from countyhealth.accounts.roles import EDITS_RESIDENTS
from countyhealth.audit import log as audit
from countyhealth.core import bulk
from countyhealth.core.errors import ActionError, NotVisible
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth import rules
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import NextAction, Programme, VisitMode
from countyhealth.residents.models import Resident

from . import changes, mutations
from .models import Device, Mutation

CHRONIC = (Programme.HYPERTENSION, Programme.DIABETES)
FACE_TO_FACE = (VisitMode.CLINIC, VisitMode.HOME)


def malformed(exc: ValidationError) -> ActionError:
    fields = {".".join(str(p) for p in e["loc"]) or "__all__": [e["msg"]] for e in exc.errors()}
    return ActionError(_("The change is malformed."), code="malformed", fields=fields)


class ReferralRefused(Exception):
    """A bulk-written follow-up's referral could not be created (the one-by-one path reports why)."""


@dataclass
class Push:
    """One push being applied: its answers by position, and the rows written at the end."""

    device: Device
    items: list
    results: list = field(default_factory=list)
    applied: list = field(default_factory=list)      # (position, Outcome) of mutations written in bulk
    refused: list = field(default_factory=list)      # (position, ActionError)

    def __post_init__(self):
        self.results = [None] * len(self.items)
        self.user = self.device.user

    def refuse(self, position: int, error: ActionError) -> None:
        self.refused.append((position, error))
        self.results[position] = {"status": "rejected", **error.as_dict()}


def apply_push(*, device: Device, items) -> list[dict]:
    """The answers to a push, in its order. A database clash (the same follow-up client id saved by another
    phone at the same moment) or a refused referral rolls the batch back and applies it again one mutation
    at a time."""
    try:
        return _apply_batch(device, items)
    except (IntegrityError, ReferralRefused):
        from .actions import apply_mutation

        return [apply_mutation(device=device, mutation_id=i.id, kind=i.kind, payload=i.payload) for i in items]


@transaction.atomic
def _apply_batch(device: Device, items) -> list[dict]:
    Device.objects.select_for_update().filter(pk=device.pk).values_list("pk").first()
    push = Push(device, list(items))
    with changes.collected() as pending:
        done = {m.mutation_id: m.result
                for m in Mutation.objects.filter(device=device, mutation_id__any={i.id for i in push.items})}
        first_of, followups, later = {}, [], []
        for position, item in enumerate(push.items):
            if item.id in done:
                push.results[position] = {**done[item.id], "replayed": True}
            elif item.id in first_of:
                later.append((position, first_of[item.id]))  # the same id twice in one push: one answer
            elif item.kind not in mutations.HANDLERS:
                first_of[item.id] = position
                push.refuse(position, ActionError(_("Unknown kind of change."), code="unknown_kind", field="kind"))
            elif item.kind == "followup":
                first_of[item.id] = position
                followups.append(position)
            else:
                first_of[item.id] = position
                push.results[position] = apply_one(push, item, pending)
        FollowUps(push, followups, pending).apply()
        _write(push)
    for position, first in later:
        push.results[position] = {**push.results[first], "replayed": True}
    return push.results


def apply_one(push: Push, item, pending: list) -> dict:
    """One mutation through its domain action in a savepoint; its rows are written at once."""
    mark, user = len(pending), push.user
    try:
        with transaction.atomic():
            outcome = mutations.HANDLERS[item.kind](user, push.device, item.payload)
            Mutation.objects.create(device=push.device, mutation_id=item.id, kind=item.kind,
                                    client_id=outcome.client_id, object_id=outcome.object_id, result=outcome.result)
            audit.record_change(user, "sync.mutation_applied", resident_id=outcome.resident_id,
                                detail={"kind": item.kind, "mutation": str(item.id), "device": push.device.pk,
                                        "object": outcome.object_id})
    except ValidationError as exc:
        error = malformed(exc)
    except ActionError as exc:
        error = exc
    else:
        return outcome.result
    changes.rewind(pending, mark)
    audit.record_change(user, "sync.mutation_rejected", detail={
        "kind": item.kind, "mutation": str(item.id), "device": push.device.pk, "code": error.code})
    return {"status": "rejected", **error.as_dict()}


MUTATION_FIELDS = ("device_id", "mutation_id", "kind", "client_id", "object_id", "result")


def _write(push: Push) -> None:
    """The bulk-applied mutations' rows and every refusal's audit row, one INSERT each."""
    device, kinds = push.device, {i: push.items[i].kind for i, _ in push.applied}
    bulk.insert_values(Mutation, MUTATION_FIELDS, [
        (device.pk, push.items[i].id, kinds[i], o.client_id, o.object_id, o.result) for i, o in push.applied])
    audit.record_changes(push.user, "sync.mutation_applied", [
        (None, o.resident_id, {"kind": kinds[i], "mutation": str(push.items[i].id), "device": device.pk,
                               "object": o.object_id}) for i, o in push.applied])
    audit.record_changes(push.user, "sync.mutation_rejected", [
        (None, None, {"kind": push.items[i].kind, "mutation": str(push.items[i].id), "device": device.pk,
                      "code": e.code}) for i, e in push.refused])


@dataclass
class Track:
    """An enrolment as this batch sees it: the row (updated in memory), the resident's other chronic
    programmes, and the face-to-face visits known, as (visit date, order, PREVIOUS_FIELDS values)."""

    enrolment: Enrolment
    others: frozenset
    visits: list = field(default_factory=list)

    def previous(self, visit_date: date):
        earlier = [v for v in self.visits if v[0] < visit_date]
        return previous_visit(max(earlier, key=lambda v: (v[0], v[1]))[2]) if earlier else None


class FollowUps:
    """The follow-ups of one push: read once, decided in memory, written in bulk (see the module docstring)."""

    def __init__(self, push: Push, positions: list[int], pending: list):
        self.push, self.positions, self.pending = push, positions, pending
        self.planned = []      # (position, payload, visit, track, decision)
        self.one_by_one = []   # positions for do_record_followup, in push order
        self.today = timezone.localdate()

    def apply(self) -> None:
        if not self.positions:
            return
        user = self.push.user
        if user.role not in EDITS_RESIDENTS and not user.is_superuser:
            self.one_by_one = list(self.positions)  # the action refuses with its own words
        else:
            self._plan(self._parse())
            self._insert()
        for position in self.one_by_one:
            self.push.results[position] = apply_one(self.push, self.push.items[position], self.pending)

    def _parse(self) -> list:
        parsed = []
        for position in self.positions:
            try:
                parsed.append((position, mutations.FollowUpPayload.model_validate(self.push.items[position].payload)))
            except ValidationError as exc:
                self.push.refuse(position, malformed(exc))
        return parsed

    def _resident_ids(self, parsed) -> dict:
        client_ids = {p.resident_client_id for _, p in parsed if p.resident is None and p.resident_client_id}
        registered = dict(Mutation.objects.filter(device__user=self.push.user, kind="register_resident",
                                                  client_id__any=client_ids).values_list("client_id", "object_id"))
        return {position: p.resident if p.resident is not None else registered.get(p.resident_client_id)
                for position, p in parsed}

    def _load(self, parsed, resident_of: dict) -> tuple[dict, set, set]:
        """Tracks by (resident, programme), the client ids already saved, and the visible residents: four
        queries. A track knows every face-to-face visit from the batch's earliest visit date on, and the latest
        one before it, so any visit of the batch finds its previous visit in memory."""
        user = self.push.user
        wanted = {rid for rid in resident_of.values() if rid is not None}
        visible = set(Resident.objects.visible_to(user).listed().filter(pk__any=wanted).values_list("pk", flat=True))
        since = min(p.data.visit_date for _, p in parsed)
        latest = (FollowUpVisit.objects.filter(enrolment=OuterRef("pk"), visit_date__lt=since, mode__in=FACE_TO_FACE)
                  .order_by("-visit_date", "-id").values("id")[:1])
        enrolments = list(Enrolment.objects.current().select_for_update(of=("self",)).select_related("resident")
                          .only(*TRACKED_FIELDS).filter(resident_id__any=visible, programme__in=CHRONIC)
                          .annotate(latest_before=Subquery(latest)).order_by("pk"))
        by_resident = {}
        for e in enrolments:
            by_resident.setdefault(e.resident_id, set()).add(Programme(e.programme))
        tracks = {(e.resident_id, e.programme): Track(e, frozenset(by_resident[e.resident_id] - {e.programme}))
                  for e in enrolments}
        by_id = {e.pk: tracks[(e.resident_id, e.programme)] for e in enrolments}
        # Two index scans in one UNION ALL: an OR of the two conditions scanned the whole table.
        visits = FollowUpVisit.objects.values_list("enrolment_id", "pk", *PREVIOUS_FIELDS)
        for enrolment_id, pk, *previous in visits.filter(
                pk__any=[e.latest_before for e in enrolments if e.latest_before]).union(
                visits.filter(enrolment_id__any=by_id, visit_date__gte=since, mode__in=FACE_TO_FACE), all=True):
            by_id[enrolment_id].visits.append((previous[0], pk, previous))
        # Any saved client id, visible or not: the action answers it (with the visit, or as not visible).
        saved = set(FollowUpVisit.objects.filter(client_uuid__any=[p.client_id for _, p in parsed])
                    .values_list("client_uuid", flat=True))
        return tracks, saved, visible

    def _plan(self, parsed) -> None:
        if not parsed:
            return
        resident_of = self._resident_ids(parsed)
        tracks, saved, visible = self._load(parsed, resident_of)
        planned_uuids = {}
        for order, (position, p) in enumerate(parsed, start=1):
            rid = resident_of[position]
            track = tracks.get((rid, p.programme))
            if p.client_id in saved or p.client_id in planned_uuids:
                self.one_by_one.append(position)  # the action answers a saved client id with its visit
                continue
            try:
                if rid is None:
                    mutations.resident_id_of(self.push.user, p)  # raises resident_unknown with its words
                if rid not in visible:
                    raise NotVisible()
                if track is None:
                    raise ActionError(_("The resident is not enrolled in this programme."), code="not_enrolled",
                                      field="programme")
                data = p.data.model_dump()
                facts, decision = self._decide(track, data)
            except ActionError as exc:
                self.push.refuse(position, exc)
                continue
            planned_uuids[p.client_id] = position
            visit = publichealth.followup_row(track.enrolment, facts, decision, data, self.push.user, p.client_id)
            if visit.mode in FACE_TO_FACE:
                track.visits.append((visit.visit_date, 1 << 62 | order, previous_values(visit)))
            publichealth.advance_enrolment(track.enrolment, visit, facts, decision)
            self.planned.append((position, p, visit, track, decision))

    def _decide(self, track: Track, data: dict):
        """`publichealth.decide_followup` with the other programmes and the previous visit from memory."""
        enrolment = track.enrolment
        facts = publichealth.visit_facts(enrolment, data, track.others)
        publichealth.validate_followup(facts, data, self.today)
        if facts.visit_date < enrolment.enrolled_on:
            raise ActionError(_("The visit date is before the enrolment date."), code="invalid", field="visit_date")
        return facts, rules.classify_visit(facts, track.previous(facts.visit_date))

    def _insert(self) -> None:
        if not self.planned:
            return
        visits = bulk.insert([v for _, _, v, _, _ in self.planned])
        self._refer([(v, t, d) for _, _, v, t, d in self.planned if d.next_action.is_referral])
        bulk.update([t.enrolment for t in {id(t): t for _, _, _, t, _ in self.planned}.values()], ENROLMENT_FIELDS)
        audit.record_changes(self.push.user, "publichealth.followup_recorded", [
            (v, v.resident_id, {"class": v.follow_up_class, "next_action": v.next_action,
                                "next_due": v.next_due.isoformat()}) for v in visits])
        for position, _p, visit, _t, _d in self.planned:
            outcome = mutations.Outcome(mutations.decision_result(visit), visit.resident_id, visit.pk)
            self.push.applied.append((position, outcome))
            self.push.results[position] = outcome.result


    def _refer(self, referring: list) -> None:
        """The referring visits' referrals, as `do_record_followup` makes each, all at once
        (`publichealth.refer_followups`, with the residents read whole)."""
        if not referring:
            return
        residents = Resident.objects.in_bulk({t.enrolment.resident_id for _, t, _ in referring})
        for _visit, track, _decision in referring:
            track.enrolment.resident = residents[track.enrolment.resident_id]
        try:
            made = publichealth.refer_followups(self.push.user, [(t.enrolment, v, d) for v, t, d in referring])
        except ActionError as exc:
            raise ReferralRefused from exc
        for (visit, _track, _decision), referral in zip(referring, made, strict=True):
            visit.referral = referral
        bulk.update([visit for visit, _t, _d in referring], ("referral_id",))


# The follow-up fields of an enrolment a push updates (`publichealth.advance_enrolment`).
ENROLMENT_FIELDS = ("last_visit_date", "last_class", "next_due", "next_due_label", "status", "ended_on")


PREVIOUS_FIELDS = ("visit_date", "sbp", "dbp", "fpg", "adr", "next_action")
# What the batch reads of an enrolment: the rules' inputs and the follow-up fields it updates.
TRACKED_FIELDS = ("resident_id", "programme", "enrolled_on", "status", "resident__birth_date",
                  *ENROLMENT_FIELDS)


previous_values = attrgetter(*PREVIOUS_FIELDS)


def previous_visit(values: tuple) -> rules.PreviousVisit:
    """How a later visit sees one with these values, in PREVIOUS_FIELDS' order (`publichealth.previous_visit`;
    only face-to-face visits count)."""
    fields = dict(zip(PREVIOUS_FIELDS, values, strict=True))
    return rules.PreviousVisit(**{**fields, "next_action": NextAction(fields["next_action"])})
