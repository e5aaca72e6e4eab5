"""Pure rules of the insurance app: the settlement state machine and the 两病 qualification rule (as data)."""

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import Conflict
from countyhealth.publichealth.rules.two_disease import FAILURES

DRAFT, PENDING, SETTLED, FAILED, CANCELLED, REVERSED = "draft", "pending", "settled", "failed", "cancelled", "reversed"

# Which status may follow which. PENDING → SETTLED also happens in reconciliation (the platform settled it
# but our commit was lost); PENDING → FAILED when the platform says it never settled.
SETTLEMENT_TRANSITIONS = {
    DRAFT: {PENDING, CANCELLED},
    PENDING: {SETTLED, FAILED},
    SETTLED: {REVERSED},
    FAILED: set(),
    CANCELLED: set(),
    REVERSED: set(),
}


def check_transition(current: str, new: str) -> None:
    if new not in SETTLEMENT_TRANSITIONS[current]:
        messages = {
            SETTLED: _("This visit has already been settled."),
            PENDING: _("The platform has not answered yet for this visit; run reconciliation first."),
            REVERSED: _("This settlement has already been reversed."),
        }
        raise Conflict(messages.get(current, _("This settlement cannot change from its current status.")),
                       code=f"settlement_{current}")


# 两病 qualification uses the public-health rule `check_two_disease_benefit` (YB54 Q1–Q6, public-health-rules.md
# §9); this app gathers its facts, stores the outcome with the reasons, and tells the platform.
# programme → the 门诊慢特病/两病 disease code sent to the platform (2503/2504).
DISEASE_CODES = {"hypertension": "I10", "diabetes": "E11"}


def describe(reason: dict) -> str:
    """A stored reason ({"programme", "failures": ["Q3", …]}) in the reader's language."""
    label = _("Hypertension") if reason["programme"] == "hypertension" else _("Diabetes")
    if not reason["failures"]:
        return str(_("%(d)s: meets every condition (Q1–Q6)") % {"d": label})
    return "; ".join(f"{label}: {code} {FAILURES[code]}" for code in reason["failures"])
