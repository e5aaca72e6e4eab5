from decimal import Decimal

from tests.support.scope import Case


def resident(world):
    return world.make_resident(world.county.village_a1)


def settlement(world):
    """A settled visit at clinic a1 (rows written directly: the matrix never reaches the platform)."""
    from countyhealth.insurance.models import Settlement, SettlementItem

    r = world.make_resident(world.county.village_a1)
    s = Settlement.objects.create(resident=r, catchment_org_id=r.catchment_org_id, organisation=world.county.clinic_a1,
                                  visit_ref=f"scope-{r.pk}", msgid=f"scope-{r.pk}", status="settled",
                                  total=Decimal("10.00"), fund_general=Decimal("6.00"), patient_pays=Decimal("4.00"),
                                  created_by=world.township_doctor_a)
    SettlementItem.objects.create(settlement=s, sn=1, code="F110200001", name="一般诊疗费", quantity=1,
                                  unit_price=Decimal("10.00"), amount=Decimal("10.00"))
    return s


def settlement_params(world):
    s = settlement(world)
    return s, {"settlement_id": s.pk}


def visit(world):
    from countyhealth.clinic import actions

    r = world.make_resident(world.county.village_a1)
    return actions.do_open_visit(acting_user=world.township_doctor_a, resident_id=r.pk, data={"chief_complaint": "头晕"})


def visit_params(world):
    v = visit(world)
    return v, {"visit_id": v.pk}


URL_CASES = {
    "insurance:visit-presettle": Case(visit, method="post"),
    "insurance:resident-bill": Case(resident),
    "insurance:settlement-detail": Case(settlement),
    "insurance:settlement-settle": Case(settlement, method="post"),
    "insurance:settlement-reverse": Case(settlement, method="post", body={"reason": "错误"}),
    "insurance:settlement-receipt": Case(settlement),
}
API_CASES = {
    "POST /api/insurance/visits/{visit_id}/presettle": Case(visit_params),
    "GET /api/insurance/settlements/{settlement_id}": Case(settlement_params),
    "POST /api/insurance/settlements/{settlement_id}/settle": Case(settlement_params),
    "POST /api/insurance/settlements/{settlement_id}/reverse": Case(settlement_params, body={"reason": "错误"}),
}
