from tests.support.scope import Case

TODAY_CODE = {"code": "I10", "diagnosed_on": "2026-01-05"}


def resident(world):
    return world.make_resident(world.county.village_a1)


URL_CASES = {"records:diagnoses": Case(resident)}
API_CASES = {
    "GET /api/records/{resident_id}/diagnoses": Case(resident),
    "POST /api/records/{resident_id}/diagnoses": Case(resident, body=TODAY_CODE),
}
