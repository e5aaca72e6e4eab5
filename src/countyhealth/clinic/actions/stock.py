"""Drug stock by batch: receive, adjust, return, and `take_stock` for dispensing (FEFO). Quantities change only
through single-row conditional UPDATEs filtered on the batch's own columns (architecture §4), so two doctors
dispensing the last box at once cannot drive a batch below zero; the CHECK constraint is the backstop.

Low and out-of-stock (缺药登记) rows open automatically when dispensing drops a drug to its low-stock level,
can be registered by hand, and close when stock above that level is received."""

from datetime import date

from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.roles import Role
from countyhealth.audit import log as audit
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.notifications.actions import notify_org

from ..models import Drug, Shortage, StockBatch, StockMovement
from .common import check_clinician

MAX_QUANTITY = 100_000


def on_hand(organisation_id: int, drug_id: int, on: date | None = None) -> int:
    """Usable units (not expired) of a drug at an institution."""
    on = on or timezone.localdate()
    return (StockBatch.objects.filter(organisation_id=organisation_id, drug_id=drug_id, expiry_date__gte=on)
            .aggregate(n=Sum("quantity"))["n"] or 0)


def _drug(code: str) -> Drug:
    drug = Drug.objects.filter(code=code, is_active=True).first()
    if drug is None:
        raise ActionError(_("Unknown drug."), code="unknown_drug", field="drug")
    return drug


def _quantity(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        raise ActionError(_("Enter a whole number of units between 1 and %(max)s.") % {"max": MAX_QUANTITY},
                          code="invalid", field="quantity")
    return value


def _own_batch(user, batch_id: int) -> StockBatch:
    batch = StockBatch.objects.select_related("drug").filter(pk=batch_id).first()
    if batch is None or batch.organisation_id != user.organisation_id:
        raise NotVisible()
    return batch


def _movement(user, batch: StockBatch, kind: str, change: int, reason: str = "", prescription=None):
    return StockMovement.objects.create(organisation_id=batch.organisation_id, batch=batch, kind=kind, change=change,
                                        reason=reason[:200], prescription=prescription, by=user)


def _take_from(batch: StockBatch, quantity: int) -> bool:
    """Conditional decrement on the batch row: false when a concurrent taker left too little."""
    return bool(StockBatch.objects.filter(pk=batch.pk, quantity__gte=quantity)
                .update(quantity=F("quantity") - quantity))


def _short(drug: Drug, need: int, have: int) -> Conflict:
    return Conflict(_("Not enough %(drug)s in stock: %(need)s %(unit)s needed, %(have)s usable.") % {
        "drug": drug, "need": need, "unit": drug.unit, "have": have}, code="insufficient_stock")


def take_stock(user, *, organisation_id: int, needs: list[tuple[Drug, int]], prescription=None) -> None:
    """Take each (drug, quantity) for dispensing, earliest expiry first, skipping expired batches. Runs inside the
    dispensing transaction; raises Conflict (409) when the usable stock of any drug is short, and the caller rolls
    back. One read of the usable batches of every drug, one conditional UPDATE per batch taken from, one insert of
    all movements, one read of the open shortages."""
    today = timezone.localdate()
    wanted: dict[int, list] = {}
    for drug, quantity in sorted(needs, key=lambda pair: pair[0].pk):  # drug order: the lock order of every taker
        wanted.setdefault(drug.pk, [drug, 0])[1] += quantity
    usable: dict[int, list[StockBatch]] = {pk: [] for pk in wanted}
    for batch in (StockBatch.objects.filter(organisation_id=organisation_id, drug_id__in=list(wanted), quantity__gt=0,
                                            expiry_date__gte=today)
                  .order_by("drug_id", "expiry_date", "id").only("id", "organisation_id", "drug_id", "quantity")):
        usable[batch.drug_id].append(batch)
    movements, left = [], {}
    for drug_id, (drug, quantity) in wanted.items():
        have = sum(b.quantity for b in usable[drug_id])
        if have < quantity:
            raise _short(drug, quantity, have)
        remaining = quantity
        for batch in usable[drug_id]:
            if remaining == 0:
                break
            take = min(remaining, batch.quantity)
            if _take_from(batch, take):
                movements.append(StockMovement(organisation_id=organisation_id, batch=batch,
                                               kind=StockMovement.Kind.DISPENSE, change=-take,
                                               prescription=prescription, by=user))
                remaining -= take
        if remaining:  # a concurrent dispenser took from these batches after our read: read them again
            _take_rereading(user, organisation_id, drug, remaining, prescription, movements, today)
            left[drug] = on_hand(organisation_id, drug_id, today)
        else:
            left[drug] = have - quantity
    StockMovement.objects.bulk_create(movements)
    open_rows = {row.drug_id: row for row in Shortage.objects.filter(
        organisation_id=organisation_id, drug_id__in=list(wanted), resolved_at=None)}
    for drug, have in left.items():
        _shortage_after(user, organisation_id, drug, have, open_rows.get(drug.pk))


def _take_rereading(user, organisation_id, drug, remaining, prescription, movements, today) -> None:
    while remaining > 0:
        batch = (StockBatch.objects.filter(organisation_id=organisation_id, drug=drug, quantity__gt=0,
                                           expiry_date__gte=today).order_by("expiry_date", "id").first())
        if batch is None:
            raise _short(drug, remaining, 0)
        take = min(remaining, batch.quantity)
        if not _take_from(batch, take):
            continue  # taken from again since we read it: read again
        movements.append(StockMovement(organisation_id=organisation_id, batch=batch, kind=StockMovement.Kind.DISPENSE,
                                       change=-take, prescription=prescription, by=user))
        remaining -= take


def check_shortage(user, organisation_id: int, drug: Drug) -> Shortage | None:
    """Open a shortage row when usable stock is at or below the drug's low-stock level (once per drug), and tell
    the township; close it when stock is back above."""
    open_row = Shortage.objects.filter(organisation_id=organisation_id, drug=drug, resolved_at=None).first()
    return _shortage_after(user, organisation_id, drug, on_hand(organisation_id, drug.pk), open_row)


def _shortage_after(user, organisation_id: int, drug: Drug, have: int, open_row: Shortage | None) -> Shortage | None:
    if have > drug.reorder_level:
        if open_row is not None:
            Shortage.objects.filter(pk=open_row.pk).update(resolved_at=timezone.now())
        return None
    level = Shortage.Level.OUT if have == 0 else Shortage.Level.LOW
    if open_row is not None:
        if open_row.level != level or open_row.on_hand != have:
            Shortage.objects.filter(pk=open_row.pk).update(level=level, on_hand=have)
        return open_row
    return _open_shortage(user, organisation_id, drug, level, have, note="")


def _open_shortage(user, organisation_id, drug, level, have, note) -> Shortage:
    row = Shortage.objects.create(organisation_id=organisation_id, drug=drug, level=level, on_hand=have, note=note,
                                  registered_by=user)
    audit.record_change(user, "clinic.shortage_registered", row, detail={"drug": drug.code, "level": level})
    parent_id = user.organisation.parent_id if user.organisation_id == organisation_id else None
    if parent_id:
        notify_org(parent_id, roles=[Role.TOWNSHIP_DOCTOR], kind="clinic.shortage",
                   title=_("%(org)s: %(drug)s %(level)s") % {"org": user.organisation.name, "drug": drug,
                                                              "level": Shortage.Level(level).label},
                   url=reverse("clinic:shortage-list"))
    return row


@transaction.atomic
def do_register_shortage(*, acting_user, drug: str, note: str = "") -> Shortage:
    """缺药登记 by hand (a drug the clinic lacks or is about to lack)."""
    check_clinician(acting_user)
    item = _drug(drug)
    org_id = acting_user.organisation_id
    if Shortage.objects.filter(organisation_id=org_id, drug=item, resolved_at=None).exists():
        raise Conflict(_("This drug is already registered as short."), code="duplicate", field="drug")
    have = on_hand(org_id, item.pk)
    return _open_shortage(acting_user, org_id, item, Shortage.Level.OUT if have == 0 else Shortage.Level.LOW, have,
                          note=(note or "").strip()[:200])


@transaction.atomic
def do_receive_stock(*, acting_user, drug: str, batch_number: str, expiry_date: date, quantity: int) -> StockBatch:
    """Goods received (入库) into the user's institution: a new batch, or more of a batch already held."""
    check_clinician(acting_user)
    item = _drug(drug)
    quantity = _quantity(quantity)
    batch_number = (batch_number or "").strip()
    if not batch_number:
        raise ActionError(_("Enter the batch number."), code="invalid", field="batch_number")
    if expiry_date <= timezone.localdate():
        raise ActionError(_("This batch has expired: it cannot be received."), code="expired", field="expiry_date")
    org_id = acting_user.organisation_id
    batch, created = StockBatch.objects.get_or_create(organisation_id=org_id, drug=item, batch_number=batch_number[:40],
                                                      defaults={"expiry_date": expiry_date, "quantity": 0})
    if not created and batch.expiry_date != expiry_date:
        raise ActionError(_("This batch is already held with another expiry date."), code="invalid",
                          field="expiry_date")
    StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") + quantity)
    _movement(acting_user, batch, StockMovement.Kind.RECEIVE, quantity)
    check_shortage(acting_user, org_id, item)
    audit.record_change(acting_user, "clinic.stock_received", batch, detail={"drug": item.code, "quantity": quantity})
    batch.refresh_from_db()
    return batch


@transaction.atomic
def do_adjust_stock(*, acting_user, batch_id: int, change: int, reason: str) -> StockBatch:
    """Stocktaking correction (盘点), broken or expired units written off: never below zero."""
    check_clinician(acting_user)
    batch = _own_batch(acting_user, batch_id)
    if not isinstance(change, int) or isinstance(change, bool) or change == 0 or abs(change) > MAX_QUANTITY:
        raise ActionError(_("Enter a non-zero whole number."), code="invalid", field="change")
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for the adjustment."), code="invalid", field="reason")
    if change < 0:
        if not _take_from(batch, -change):
            raise Conflict(_("The batch holds fewer units than that."), code="insufficient_stock", field="change")
    else:
        StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") + change)
    _movement(acting_user, batch, StockMovement.Kind.ADJUST, change, reason.strip())
    check_shortage(acting_user, batch.organisation_id, batch.drug)
    audit.record_change(acting_user, "clinic.stock_adjusted", batch, detail={"change": change, "reason": reason[:200]})
    batch.refresh_from_db()
    return batch


@transaction.atomic
def do_return_stock(*, acting_user, batch_id: int, quantity: int, reason: str) -> StockBatch:
    """Return units of a batch to the supplier or the township (退库), e.g. near expiry or recalled."""
    check_clinician(acting_user)
    batch = _own_batch(acting_user, batch_id)
    quantity = _quantity(quantity)
    if not (reason or "").strip():
        raise ActionError(_("Give the reason for the return."), code="invalid", field="reason")
    if not _take_from(batch, quantity):
        raise Conflict(_("The batch holds fewer units than that."), code="insufficient_stock", field="quantity")
    _movement(acting_user, batch, StockMovement.Kind.RETURN, -quantity, reason.strip())
    check_shortage(acting_user, batch.organisation_id, batch.drug)
    audit.record_change(acting_user, "clinic.stock_returned", batch,
                        detail={"quantity": quantity, "reason": reason[:200]})
    batch.refresh_from_db()
    return batch
