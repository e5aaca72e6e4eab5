"""Fee lines as the platform receives them (2204), and the levels of designated institutions."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError
from countyhealth.orgs.models import OrgType

# 定点医疗机构级别 as the policy tables know them.
INSTITUTION_LEVEL = {OrgType.VILLAGE_CLINIC: "village", OrgType.TOWNSHIP_CENTRE: "township",
                     OrgType.COUNTY_HOSPITAL: "county"}

MAX_LINES = 100
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    code: str  # the national insurance catalogue code (医保目录编码) after 对码, see catalogue.py
    name: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def check_lines(lines: list[Line]) -> None:
    if not lines:
        raise ActionError(_("Add at least one fee line."), code="no_fees", field="lines")
    if len(lines) > MAX_LINES:
        raise ActionError(_("At most %(n)s fee lines per visit.") % {"n": MAX_LINES}, code="too_many_lines",
                          field="lines")
    for line in lines:
        if not line.code or not line.name:
            raise ActionError(_("Every fee line needs a code and a name."), code="bad_line", field="lines")
        if line.quantity <= 0 or line.unit_price < 0 or line.amount >= Decimal("100000"):
            raise ActionError(_("%(name)s: quantity must be positive and the price not negative.")
                              % {"name": line.name}, code="bad_line", field="lines")


def institution_level(org) -> str:
    level = INSTITUTION_LEVEL.get(org.org_type)
    if level is None:
        raise ActionError(_("%(org)s is not a designated medical institution for insurance settlement.")
                          % {"org": org.name}, code="not_designated")
    return level


VISIT_PREFIX = "clinic.visit:"


def visit_ref(visit) -> str:
    return f"{VISIT_PREFIX}{visit.pk}"


def clinic_visit_id(ref: str) -> int | None:
    return int(ref[len(VISIT_PREFIX):]) if ref.startswith(VISIT_PREFIX) else None


def lines_for_visit(visit) -> list[Line]:
    """The clinic visit's fee lines (clinic.queries.visit_fees) with their insurance codes (对码)."""
    from countyhealth.clinic.queries import visit_fees

    from .catalogue import clinic_drug_code

    return [Line(code=clinic_drug_code(f.drug) if f.drug_id else f"F{f.code}", name=f.name, quantity=f.quantity,
                 unit_price=f.unit_price) for f in visit_fees(visit)]
