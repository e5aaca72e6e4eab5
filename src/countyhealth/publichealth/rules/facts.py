"""Plain inputs and outputs shared by the programme rules: programmes, visit facts, reasons and decisions.

Names and enum values follow shared/design/glossary.md (`visit_mode` clinic/home/phone; follow-up classes and
next actions as written there).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Programme(StrEnum):
    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"
    ELDERLY = "elderly"
    CHILD = "child"
    MATERNAL = "maternal"

    @property
    def label(self):
        return PROGRAMME_LABELS[self]


PROGRAMME_LABELS = {
    Programme.HYPERTENSION: _("Hypertension programme"),
    Programme.DIABETES: _("Type 2 diabetes programme"),
    Programme.ELDERLY: _("Elderly programme"),
    Programme.CHILD: _("Child health programme (0–6 years)"),
    Programme.MATERNAL: _("Maternal programme"),
}
CHRONIC_PROGRAMMES = frozenset({Programme.HYPERTENSION, Programme.DIABETES})


class VisitMode(StrEnum):
    """随访方式. PHS3 §3.2: only clinic (门诊) and home (家庭) visits are face-to-face."""

    CLINIC = "clinic"
    HOME = "home"
    PHONE = "phone"

    @property
    def face_to_face(self) -> bool:
        return self is not VisitMode.PHONE

    @property
    def label(self):
        return {VisitMode.CLINIC: _("Clinic"), VisitMode.HOME: _("Home"), VisitMode.PHONE: _("Phone")}[self]


class FollowUpClass(StrEnum):
    """此次随访分类 (PHS3 §3.5), listed by precedence: the first that applies is the visit's class."""

    COMPLICATION = "COMPLICATION"
    ADVERSE_REACTION = "ADVERSE_REACTION"
    UNCONTROLLED = "UNCONTROLLED"
    CONTROLLED = "CONTROLLED"

    @property
    def label(self):
        return FOLLOW_UP_CLASS_LABELS[self]


FOLLOW_UP_CLASS_LABELS = {
    FollowUpClass.COMPLICATION: _("Complication (new or worse)"),
    FollowUpClass.ADVERSE_REACTION: _("Adverse drug reaction"),
    FollowUpClass.UNCONTROLLED: _("Uncontrolled"),
    FollowUpClass.CONTROLLED: _("Controlled"),
}


class NextAction(StrEnum):
    """Next action of §3.5's table."""

    EMERGENCY_REFERRAL = "EMERGENCY_REFERRAL"
    REFERRAL = "REFERRAL"
    ADJUST_AND_REVISIT = "ADJUST_AND_REVISIT"
    ROUTINE = "ROUTINE"

    @property
    def label(self):
        return NEXT_ACTION_LABELS[self]

    @property
    def is_referral(self) -> bool:
        return self in (NextAction.EMERGENCY_REFERRAL, NextAction.REFERRAL)


NEXT_ACTION_LABELS = {
    NextAction.EMERGENCY_REFERRAL: _("Emergency referral after first aid; follow up within 2 weeks"),
    NextAction.REFERRAL: _("Refer upward; follow up within 2 weeks"),
    NextAction.ADJUST_AND_REVISIT: _("Adjust medication; follow up within 2 weeks"),
    NextAction.ROUTINE: _("Routine follow-up"),
}


@dataclass(frozen=True)
class Reason:
    """A machine code (E1, D5, R3, …) with a translatable label; `params` fill %(name)s placeholders when the
    label is read, so the label follows the active language."""

    code: str
    message: Promise | str = field(compare=False)
    params: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        text = str(self.message)
        return text % dict(self.params) if self.params else text

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


@dataclass(frozen=True)
class VisitFacts:
    """One hypertension or diabetes follow-up (PHS3 §3.2/§4.2). Glucose in mmol/L as entered (rounded by the
    rules); `danger_signs` holds `HypertensionDangerSign` / `DiabetesDangerSign` members;
    `other_programmes` lists the resident's other chronic enrolments, whose emergency list is checked too."""

    programme: Programme
    visit_date: date
    birth_date: date
    sbp: int | None = None
    dbp: int | None = None
    fpg: Decimal | float | None = None
    random_glucose: Decimal | float | None = None
    heart_rate: int | None = None
    temperature: Decimal | float | None = None
    pregnant: bool = False
    lactating: bool = False
    danger_signs: frozenset = frozenset()
    adr: bool = False
    adr_uncontrollable: bool = False
    new_or_worse_complication: bool = False
    other_unmanageable: bool = False
    mode: VisitMode = VisitMode.CLINIC
    other_programmes: frozenset = frozenset()
    has_ckd: bool = False

    def __post_init__(self):
        if self.programme not in CHRONIC_PROGRAMMES:
            raise ValueError(f"Follow-up classification covers hypertension and diabetes, not {self.programme}.")

    @property
    def has_adr(self) -> bool:
        return self.adr or self.adr_uncontrollable

    @property
    def programmes(self) -> frozenset:
        """Every chronic programme whose emergency list applies (§3.3 project decision)."""
        return frozenset({self.programme}) | (self.other_programmes & CHRONIC_PROGRAMMES)


@dataclass(frozen=True)
class PreviousVisit:
    """The latest earlier face-to-face follow-up in the same programme, any interval (§3.5 project decision);
    `next_action` is what that visit decided, so a referral restarts the consecutive count."""

    visit_date: date
    sbp: int | None = None
    dbp: int | None = None
    fpg: Decimal | float | None = None
    adr: bool = False
    next_action: NextAction = NextAction.ROUTINE


@dataclass(frozen=True)
class FollowUpDecision:
    follow_up_class: FollowUpClass
    next_action: NextAction
    next_due: date
    controlled: bool
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[Reason, ...] = ()
    advisories: tuple[Reason, ...] = ()

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class Membership:
    """Where one person stands in an indicator (§8): counted in the denominator and/or the numerator."""

    in_denominator: bool
    in_numerator: bool
