from tests.support.scope import Case


def ecg(world):
    from countyhealth.ecg.tests.factories import upload

    resident = world.make_resident(world.county.village_a1)
    return upload(world.township_doctor_a, resident)


def resident(world):
    return world.make_resident(world.county.village_a1)


URL_CASES = {
    "ecg:detail": Case(ecg),
    "ecg:signal": Case(ecg),
    "ecg:report-pdf": Case(ecg),
    "ecg:claim": Case(ecg, method="post"),
    "ecg:sign": Case(ecg, method="post"),
    "ecg:green-channel": Case(ecg, method="post"),
    "ecg:resident-ecgs": Case(resident),
}
API_CASES = {
    "GET /api/ecg/ecgs/{ecg_id}": Case(ecg),
    "GET /api/ecg/ecgs/{ecg_id}/reports": Case(ecg),
    "POST /api/ecg/ecgs/{ecg_id}/claim": Case(ecg),
    "POST /api/ecg/ecgs/{ecg_id}/sign": Case(ecg, body={"rhythm": "窦性心律", "phrases": ["normal"]}),
    "POST /api/ecg/ecgs/{ecg_id}/amend": Case(ecg, body={"rhythm": "窦性心律", "phrases": ["normal"], "reason": "x"}),
    "POST /api/ecg/ecgs/{ecg_id}/green-channel": Case(ecg),
}
