"""Pre-settle, settle and reverse a visit's fees with the insurance platform.

The order of writes is what makes a crash harmless: the local row (with its msgid) commits first in its own
transaction; the platform is called outside any transaction; the answer is stored in a second transaction.
A crash between the platform's answer and the second commit leaves a PENDING row; settling it again re-sends
the same msgid (the platform returns its stored answer), and reconciliation asks the platform (5203)."""

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.audit.log import record_change
from countyhealth.core.errors import ActionError, Conflict
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from .. import adapter, rules
from ..fees import Line, check_lines, clinic_visit_id, institution_level, lines_for_visit, visit_ref
from ..models import Settlement, SettlementChange, SettlementItem


def after_answer(settlement: Settlement, output: dict) -> None:
    """Runs between the platform's settlement answer and the local commit. Nothing to do in production; tests
    make it raise to prove that a crash here loses nothing and settles nothing twice."""


def _transition(settlement, status, *, by, note=""):
    rules.check_transition(settlement.status, status)
    settlement.status = status
    SettlementChange.objects.create(settlement=settlement, status=status, note=note[:300], by=by)


def _pools(detail: list) -> dict[str, str]:
    return {str(d["feedetl_sn"]): d["pool"] for d in detail}


def _amounts(settlement, setlinfo: dict, detail: list, *, items=None, previous: list | None = None) -> None:
    """The split onto the row, and each line's pool onto its item. The settlement's pools are nearly always the
    pre-settlement's (`previous`, its stored answer): then no item is read or written."""
    settlement.total = Decimal(setlinfo["medfee_sumamt"])
    settlement.deductible = Decimal(setlinfo["act_pay_dedc"])
    settlement.fund_general = Decimal(setlinfo["hifp_pay"])
    settlement.fund_two_disease = Decimal(setlinfo["lb_pay"])
    settlement.patient_pays = Decimal(setlinfo["psn_cash_pay"])
    pools = _pools(detail)
    if previous is not None and _pools(previous) == pools:
        return
    changed = []
    for item in items if items is not None else settlement.items.all():
        pool = pools.get(str(item.sn), "")
        if item.pool != pool:
            item.pool = pool
            changed.append(item)
    SettlementItem.objects.bulk_update(changed, ["pool"])


def _tell_clinic(settlement, *, acting_user, settled: bool, reason: str = "") -> None:
    """Move the clinic visit to settled (or back) in the same transaction. The platform's settlement is the money
    truth: if the clinic refuses (the visit moved on meanwhile), the settlement still commits and says why."""
    visit_id = clinic_visit_id(settlement.visit_ref)
    if visit_id is None:
        return
    from countyhealth.clinic import actions as clinic

    ref = f"insurance:{settlement.pk}"
    # Acting as the cashier who started it (clinic actions belong to the visit's institution): usually the user
    # settling now, whose loaded scope is reused.
    cashier = acting_user if acting_user.pk == settlement.created_by_id else settlement.created_by
    try:  # each clinic action is atomic: nested here, its own savepoint undoes it alone when it refuses
        if settled:
            clinic.do_mark_settled(acting_user=cashier, visit_id=visit_id, settlement_ref=ref)
        else:
            clinic.do_mark_unsettled(acting_user=cashier, visit_id=visit_id, settlement_ref=ref, reason=reason)
    except ActionError as error:
        settlement.error = str(error.message)[:300]


@transaction.atomic(durable=True)
def _start_draft(*, acting_user, resident, organisation, visit_ref, lines) -> Settlement:
    current = list(Settlement.objects.select_for_update().filter(
        visit_ref=visit_ref, status__in=[rules.DRAFT, rules.PENDING, rules.SETTLED]).only("id", "status"))
    for live in current:
        if live.status != rules.DRAFT:
            rules.check_transition(live.status, rules.PENDING)  # raises the status's own message
    for draft in current:
        _transition(draft, rules.CANCELLED, by=acting_user, note="replaced by a new pre-settlement")
        draft.save(update_fields=["status", "updated_at"])
    settlement = Settlement.objects.create(
        resident=resident, catchment_org_id=resident.catchment_org_id, organisation=organisation,
        visit_ref=visit_ref, msgid=adapter.new_msgid(), created_by=acting_user,
        total=sum((line.amount for line in lines), Decimal(0)))
    settlement.new_items = SettlementItem.objects.bulk_create([
        SettlementItem(settlement=settlement, sn=n, code=line.code, name=line.name[:100], quantity=line.quantity,
                       unit_price=line.unit_price, amount=line.amount) for n, line in enumerate(lines, start=1)])
    SettlementChange.objects.create(settlement=settlement, status=rules.DRAFT, by=acting_user)
    record_change(acting_user, "insurance.settlement_drafted", settlement, resident_id=resident.pk,
                  detail={"visit": visit_ref, "total": str(settlement.total)})
    return settlement


@transaction.atomic(durable=True)
def _give_up(*, acting_user, settlement_id, status, error) -> None:
    settlement = Settlement.objects.select_for_update().get(pk=settlement_id)
    _transition(settlement, status, by=acting_user, note=str(error))
    settlement.error = str(error)[:300]
    settlement.save(update_fields=["status", "error", "updated_at"])
    record_change(acting_user, f"insurance.settlement_{status}", settlement, resident_id=settlement.resident_id,
                  detail={"error": str(error)[:300]})


def do_presettle(*, acting_user, resident_id: int, organisation_id: int, visit_ref: str,
                 lines: list[Line]) -> Settlement:
    """Register the visit, upload its fees and ask for the split (1101, 2201, 2204, 2206); nothing is charged."""
    check_lines(lines)
    return _presettle(acting_user=acting_user, resident=Resident.objects.get(pk=resident_id),
                      organisation=Organisation.objects.get(pk=organisation_id), visit_ref=visit_ref, lines=lines)


def _presettle(*, acting_user, resident, organisation, visit_ref: str, lines: list[Line]) -> Settlement:
    institution_level(organisation)
    if not resident.id_number:
        raise ActionError(_("The resident has no ID number, so the insurance platform cannot identify them."),
                          code="no_id_number")
    settlement = _start_draft(acting_user=acting_user, resident=resident, organisation=organisation,
                              visit_ref=visit_ref, lines=lines)
    code = organisation.code
    try:
        person = adapter.query_person(certno=resident.id_number, institution_code=code)
        psn_no = person["baseinfo"]["psn_no"]
        mdtrt_id = adapter.register_visit(psn_no=psn_no, visit_ref=visit_ref, msgid=f"{settlement.msgid}-2201",
                                          institution_code=code)
        items = settlement.new_items
        adapter.upload_fees(mdtrt_id=mdtrt_id, psn_no=psn_no, items=items, msgid=f"{settlement.msgid}-2204",
                            institution_code=code)
        settlement.psn_no, settlement.mdtrt_id = psn_no, mdtrt_id
        output = adapter.presettle(settlement, msgid=f"{settlement.msgid}-2206", institution_code=code)
    except ActionError as error:
        _give_up(acting_user=acting_user, settlement_id=settlement.pk, status=rules.CANCELLED, error=error.message)
        raise
    with transaction.atomic(durable=True):
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        settlement.psn_no, settlement.mdtrt_id, settlement.answer = psn_no, mdtrt_id, output
        _amounts(settlement, output["setlinfo"], output["setldetail"], items=items)
        settlement.save()
    return settlement


def do_presettle_visit(*, acting_user, visit) -> Settlement:
    """Pre-settle a clinic visit with its own fee lines, at the visit's institution."""
    if visit.status != "dispensed":
        raise ActionError(_("Only a visit with its fees complete can be settled (dispense the drugs first)."),
                          code="visit_not_ready")
    lines = lines_for_visit(visit)
    check_lines(lines)
    return _presettle(acting_user=acting_user, resident=visit.resident, organisation=visit.organisation,
                      visit_ref=visit_ref(visit), lines=lines)


def do_settle(*, acting_user, settlement_id: int) -> Settlement:
    """Settle a pre-settled visit (2207). A row left pending by a timeout is re-sent with its own msgid."""
    try:
        with transaction.atomic(durable=True):
            settlement = Settlement.objects.select_for_update().select_related("organisation").get(pk=settlement_id)
            if settlement.status != rules.PENDING:
                _transition(settlement, rules.PENDING, by=acting_user)
                settlement.save(update_fields=["status", "updated_at"])  # one live settlement per visit
                record_change(acting_user, "insurance.settlement_sent", settlement,
                              resident_id=settlement.resident_id)
    except IntegrityError:
        raise Conflict(_("This visit has already been settled."), code="settlement_settled") from None
    try:
        output = adapter.settle(settlement, institution_code=settlement.organisation.code)
    except adapter.Refused as refused:
        _give_up(acting_user=acting_user, settlement_id=settlement.pk, status=rules.FAILED, error=refused.err_msg)
        raise
    after_answer(settlement, output)
    return complete(acting_user=acting_user, settlement_id=settlement.pk, setlinfo=output["setlinfo"],
                    detail=output["setldetail"], repaired=False)


@transaction.atomic(durable=True)
def complete(*, acting_user, settlement_id: int, setlinfo: dict, detail: list, repaired: bool) -> Settlement:
    """Store the platform's settlement on the pending row (also called by reconciliation)."""
    settlement = Settlement.objects.select_for_update().get(pk=settlement_id)
    if settlement.status == rules.SETTLED and settlement.setl_id == setlinfo["setl_id"]:
        return settlement
    _transition(settlement, rules.SETTLED, by=acting_user,
                note="completed by reconciliation" if repaired else "")
    previous = settlement.answer.get("setldetail") if isinstance(settlement.answer, dict) else None
    _amounts(settlement, setlinfo, detail, previous=previous)
    settled_at = timezone.make_aware(datetime.fromisoformat(setlinfo["setl_time"]), timezone.get_default_timezone())
    settlement.setl_id, settlement.settled_at = setlinfo["setl_id"], settled_at
    settlement.settled_on, settlement.repaired = timezone.localdate(settled_at), repaired
    settlement.answer, settlement.error = {"setlinfo": setlinfo, "setldetail": detail}, ""
    _tell_clinic(settlement, acting_user=acting_user, settled=True)
    settlement.save()
    record_change(acting_user, "insurance.settlement_settled", settlement, resident_id=settlement.resident_id,
                  detail={"setl_id": settlement.setl_id, "fund": str(settlement.fund_total),
                          "patient": str(settlement.patient_pays), "repaired": repaired})
    return settlement


def do_reverse_settlement(*, acting_user, settlement_id: int, reason: str) -> Settlement:
    """Reverse a settlement (2208); the retry of a timed-out reversal reuses its msgid."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the reversal."), code="reason_required", field="reason")
    with transaction.atomic(durable=True):
        settlement = Settlement.objects.select_for_update().select_related("organisation").get(pk=settlement_id)
        rules.check_transition(settlement.status, rules.REVERSED)
        if not settlement.reversal_msgid:
            settlement.reversal_msgid = adapter.new_msgid()
        settlement.reversal_reason = reason[:200]
        settlement.save(update_fields=["reversal_msgid", "reversal_reason", "updated_at"])
    adapter.reverse(settlement, institution_code=settlement.organisation.code)
    with transaction.atomic(durable=True):
        settlement = Settlement.objects.select_for_update().get(pk=settlement_id)
        _transition(settlement, rules.REVERSED, by=acting_user, note=reason)
        _tell_clinic(settlement, acting_user=acting_user, settled=False, reason=reason)
        settlement.save(update_fields=["status", "error", "updated_at"])
        record_change(acting_user, "insurance.settlement_reversed", settlement, resident_id=settlement.resident_id,
                      detail={"setl_id": settlement.setl_id, "reason": reason[:200]})
    return settlement
