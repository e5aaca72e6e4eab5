"""Follow-up classification and next action shared by the hypertension and diabetes programmes
(PHS3 分类干预; public-health-rules.md §3.5, applied to diabetes by §4.4).

Reason codes of the action table (E*/D* are the emergency items of §3.3/§4.3):

| code | row | meaning |
|---|---|---|
| R1 | 2 | new or worse complication |
| R2 | 2 | adverse drug reaction marked uncontrollable |
| R3 | 2 | uncontrolled now and at the previous follow-up (连续两次) |
| R4 | 2 | adverse reaction now and at the previous follow-up (project decision: "ADR hard to control") |
| A1 | 3 | uncontrolled, first time |
| A2 | 3 | adverse reaction, first time |
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from . import diabetes, hypertension
from .dates import add_days, add_months
from .facts import FollowUpClass, FollowUpDecision, NextAction, PreviousVisit, Programme, Reason, VisitFacts
from .ruleset import RuleSet, rules_on

PROGRAMME_RULES = {Programme.HYPERTENSION: hypertension, Programme.DIABETES: diabetes}
# Items that are the same criterion on both emergency lists; a resident in both programmes sees it once.
SAME_CRITERION = {"D3": "E1", "E1": "D3", "D9": "E4", "E4": "D9"}

R1 = _("New or worse complication")
R2 = _("Adverse drug reaction that cannot be controlled")
R3 = _("Uncontrolled at two consecutive follow-ups")
R4 = _("Adverse drug reaction at two consecutive follow-ups")
A1 = _("Uncontrolled for the first time: adjust medication")
A2 = _("Adverse drug reaction for the first time: adjust medication")


def emergency_reasons(facts: VisitFacts, rules: RuleSet) -> list[Reason]:
    """§3.3/§4.3: the visit's own emergency list, then — **project decision** (§3.3) — the list of every other
    chronic programme the resident is in; the same criterion on both lists is reported once."""
    order = [facts.programme] + sorted(facts.programmes - {facts.programme})
    out: list[Reason] = []
    for programme in order:
        codes = {r.code for r in out}
        out += [r for r in PROGRAMME_RULES[programme].emergency_reasons(facts, rules)
                if SAME_CRITERION.get(r.code) not in codes]
    return out


def follow_up_class(facts: VisitFacts, *, controlled: bool) -> FollowUpClass:
    """PHS3 此次随访分类 by precedence: complication > adverse reaction > uncontrolled > controlled."""
    if facts.new_or_worse_complication:
        return FollowUpClass.COMPLICATION
    if facts.has_adr:
        return FollowUpClass.ADVERSE_REACTION
    return FollowUpClass.CONTROLLED if controlled else FollowUpClass.UNCONTROLLED


def _previous_uncontrolled(previous: PreviousVisit, facts: VisitFacts) -> bool:
    """The previous visit's status uses the target in force and the age on *its* date (§3.5 project
    decision); a previous visit without the measurement cannot start a consecutive run."""
    rule = PROGRAMME_RULES[facts.programme]
    try:
        return not rule.is_controlled(previous, facts.birth_date, rules_on(previous.visit_date))
    except ValueError:
        return False


def classify_visit(facts: VisitFacts, previous: PreviousVisit | None = None,
                   rules: RuleSet | None = None) -> FollowUpDecision:
    """PHS3 §3.5 table, first matching row wins:

    1. any emergency item → EMERGENCY_REFERRAL, due visit + 14 d;
    2. new/worse complication, uncontrollable ADR, uncontrolled now and previously, or ADR now and previously
       → REFERRAL, due visit + 14 d;
    3. uncontrolled or ADR, first time → ADJUST_AND_REVISIT, due visit + 14 d;
    4. otherwise → ROUTINE, due visit + 3 months (**project decision**, HTN2020).

    **Project decisions:** the consecutive count restarts after a referral (the previous visit's action was
    row 1 or 2); "2周内" = visit + 14 d. The rule set in force on the visit date applies unless given.
    Raises ValueError when the control measurement (BP, or FPG for diabetes) is missing.
    """
    rules = rules or rules_on(facts.visit_date)
    own = PROGRAMME_RULES[facts.programme]
    controlled = own.is_controlled(facts, facts.birth_date, rules)
    fu_class = follow_up_class(facts, controlled=controlled)

    warnings: list[Reason] = []
    advisories: list[Reason] = []
    for programme in sorted(facts.programmes):
        w, a = PROGRAMME_RULES[programme].notices(facts, rules)
        warnings += w
        advisories += a

    restart = previous is None or previous.next_action.is_referral
    previous_uncontrolled = not restart and _previous_uncontrolled(previous, facts)
    previous_adr = not restart and previous.adr

    emergency = emergency_reasons(facts, rules)
    referral = [
        reason for applies, reason in (
            (facts.new_or_worse_complication, Reason("R1", R1)),
            (facts.adr_uncontrollable, Reason("R2", R2)),
            (not controlled and previous_uncontrolled, Reason("R3", R3)),
            (facts.has_adr and previous_adr, Reason("R4", R4)),
        ) if applies
    ]
    adjust = [
        reason for applies, reason in ((not controlled, Reason("A1", A1)), (facts.has_adr, Reason("A2", A2)))
        if applies
    ]
    if emergency:
        action, reasons = NextAction.EMERGENCY_REFERRAL, emergency
    elif referral:
        action, reasons = NextAction.REFERRAL, referral
    elif adjust:
        action, reasons = NextAction.ADJUST_AND_REVISIT, adjust
    else:
        action, reasons = NextAction.ROUTINE, []
    next_due = (add_months(facts.visit_date, rules.routine_months) if action is NextAction.ROUTINE
                else add_days(facts.visit_date, rules.revisit_days))
    return FollowUpDecision(
        follow_up_class=fu_class,
        next_action=action,
        next_due=next_due,
        controlled=controlled,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        advisories=tuple(advisories),
    )


def is_overdue(next_due: date, on: date) -> bool:
    """§3.5 project decision: a visit due within 2 weeks (due = visit + 14 d) is overdue from day 15."""
    return on > next_due
