"""The outpatient visit's status machine. Every change goes through `check_transition` and writes a
`VisitStatusChange` row (architecture §2).

open ──► prescribed ──► dispensed ──► settled ──► closed
  │          │              │            │
  │          └─► open (prescription cancelled)   settled ──► dispensed (insurance reversal)
  ├─► closed (no drugs)     └─► closed (self-pay, no insurance settlement)
  └─► cancelled  (also from prescribed)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import Conflict


class VisitStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    PRESCRIBED = "prescribed", _("Prescribed")
    DISPENSED = "dispensed", _("Dispensed")
    SETTLED = "settled", _("Settled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = VisitStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.PRESCRIBED, S.CLOSED, S.CANCELLED}),
    S.PRESCRIBED: frozenset({S.OPEN, S.DISPENSED, S.CANCELLED}),
    S.DISPENSED: frozenset({S.SETTLED, S.CLOSED}),
    S.SETTLED: frozenset({S.CLOSED, S.DISPENSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
# States in which the doctor may still change the clinical content (diagnoses, orders, prescriptions).
EDITABLE = frozenset({S.OPEN, S.PRESCRIBED})


def may_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if not may_transition(current, target):
        raise Conflict(_("A visit that is %(current)s cannot become %(target)s.")
                       % {"current": S(current).label, "target": S(target).label}, code="bad_transition")


def check_editable(current: str) -> None:
    if current not in EDITABLE:
        raise Conflict(_("This visit can no longer be changed (it is %(status)s).") % {"status": S(current).label},
                       code="not_editable")
