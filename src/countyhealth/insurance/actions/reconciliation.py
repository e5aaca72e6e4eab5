"""Reconciliation with the platform: settle or fail what was left pending (5203), then compare the day line by
line (3202) and in total (3201). It repairs only from the platform's own record; it never settles anew."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from countyhealth.audit.log import record_change
from countyhealth.orgs.models import Organisation

from .. import adapter, rules
from ..models import ReconciliationRun, Settlement
from .settlement import _give_up, complete


def repair_pending(*, acting_user, settlements) -> list[dict]:
    """Ask the platform about each pending row: settled there under our msgid → complete it here; not → failed."""
    repaired = []
    for settlement in settlements:
        found = adapter.settlements_of_visit(mdtrt_id=settlement.mdtrt_id,
                                             institution_code=settlement.organisation.code)
        ours = [s for s in found if s["msgid"] == settlement.msgid]
        if ours and ours[0]["stas"] == "settled":
            complete(acting_user=acting_user, settlement_id=settlement.pk, setlinfo=ours[0],
                     detail=ours[0]["detail"], repaired=True)
            repaired.append({"settlement": settlement.pk, "result": "settled", "setl_id": ours[0]["setl_id"]})
        elif not ours:
            _give_up(acting_user=acting_user, settlement_id=settlement.pk, status=rules.FAILED,
                     error=_("The insurance platform has no settlement for this request."))
            repaired.append({"settlement": settlement.pk, "result": "failed"})
    return repaired


def _local_totals(organisation, day) -> dict:
    totals = (Settlement.objects.filter(organisation=organisation, settled_on=day, status=rules.SETTLED)
              .aggregate(n=Count("id"), fees=Sum("total"), general=Sum("fund_general"), lb=Sum("fund_two_disease")))
    fund = (totals["general"] or Decimal(0)) + (totals["lb"] or Decimal(0))
    return {"medfee_sumamt": adapter.yuan(totals["fees"] or 0), "fund_pay_sumamt": adapter.yuan(fund),
            "fixmedins_setl_cnt": totals["n"]}


def do_reconcile(*, acting_user, organisation_id: int, day: date) -> ReconciliationRun:
    organisation = Organisation.objects.get(pk=organisation_id)
    pending = Settlement.objects.filter(organisation=organisation, status=rules.PENDING).select_related("organisation")
    repaired = repair_pending(acting_user=acting_user, settlements=list(pending))

    remote = {r["setl_id"]: r for r in adapter.reconcile_details(day=day, institution_code=organisation.code)}
    local = {s.setl_id: s for s in Settlement.objects.filter(organisation=organisation, settled_on=day,
                                                             status=rules.SETTLED)}
    mismatches = []
    for setl_id in sorted(remote.keys() - local.keys()):
        mismatches.append({"setl_id": setl_id, "problem": "missing_here", "msgid": remote[setl_id]["msgid"]})
    for setl_id in sorted(local.keys() - remote.keys()):
        mismatches.append({"setl_id": setl_id, "problem": "missing_there", "settlement": local[setl_id].pk})
    for setl_id in sorted(local.keys() & remote.keys()):
        if Decimal(remote[setl_id]["fund_pay_sumamt"]) != local[setl_id].fund_total:
            mismatches.append({"setl_id": setl_id, "problem": "amount", "settlement": local[setl_id].pk})

    totals = _local_totals(organisation, day)
    result = adapter.reconcile_totals(day=day, totals=totals, institution_code=organisation.code)
    with transaction.atomic(durable=True):
        run = ReconciliationRun.objects.create(
            organisation=organisation, day=day, balanced=result["stmt_rslt"] == "0" and not mismatches,
            local=totals, remote=result, repaired=repaired, mismatches=mismatches, by=acting_user)
        record_change(acting_user, "insurance.reconciliation_run", run,
                      detail={"organisation": organisation.pk, "day": day.isoformat(), "balanced": run.balanced,
                              "repaired": len(repaired), "mismatches": len(mismatches)})
    return run
