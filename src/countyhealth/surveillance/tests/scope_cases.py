"""Scope matrix cases: a township-A report card or signal asked for by township B."""

from tests.support.scope import Case


def card(world):
    from django.utils import timezone

    from countyhealth.records.diagnoses import do_record_diagnosis
    from countyhealth.surveillance.models import CaseReport

    resident = world.make_resident(world.county.village_a1)
    d = do_record_diagnosis(acting_user=world.township_doctor_a, resident_id=resident.pk, code="J10",
                            diagnosed_on=timezone.localdate())
    return CaseReport.objects.get(diagnosis=d)


def card_action(world):
    c = card(world)
    return c, {"pk": c.pk, "action": "save"}


def signal(world):
    from django.utils import timezone

    from countyhealth.surveillance.models import NotifiableDisease, Signal

    return Signal.objects.create(area=world.county.township_a, disease=NotifiableDisease.objects.get(code="influenza"),
                                 day=timezone.localdate(), algorithm="mpm", observed=9, expected=2, threshold=5)


def signal_action(world):
    s = signal(world)
    return s, {"pk": s.pk, "action": "dismiss"}


def _officer(township):
    def make(world):  # one officer per world: the matrix asks for the requester more than once
        from countyhealth.accounts.roles import Role

        key = f"surveillance_officer_{township}"
        if not hasattr(world, key):
            setattr(world, key, world.make_user(Role.PUBLIC_HEALTH_OFFICER, getattr(world.county, township)))
        return getattr(world, key)
    return make


OFFICER_B, OFFICER_A = _officer("township_b"), _officer("township_a")

URL_CASES = {
    "surveillance:card": Case(card),
    "surveillance:card-act": Case(card_action, method="post", body={"remarks": "x"}),
    "surveillance:signal": Case(signal, requester=OFFICER_B, in_scope=OFFICER_A),
    "surveillance:signal-act": Case(signal_action, requester=OFFICER_B, in_scope=OFFICER_A, method="post",
                                    body={"reason": "季节性波动"}),
}

def series(world):
    return world.county.township_a, {"area_id": world.county.township_a.pk, "disease": "influenza"}


API_CASES = {
    "GET /api/surveillance/series": Case(series, requester=OFFICER_B, in_scope=OFFICER_A, query=("area_id", "disease")),
    "GET /api/surveillance/cards/{card_id}": Case(card),
    "PATCH /api/surveillance/cards/{card_id}": Case(card, body={"remarks": "x"}),
    "POST /api/surveillance/cards/{card_id}/submit": Case(card, body={}),
    "POST /api/surveillance/cards/{card_id}/approve": Case(card, requester=OFFICER_B, in_scope=OFFICER_A),
    "POST /api/surveillance/cards/{card_id}/return": Case(card, requester=OFFICER_B, in_scope=OFFICER_A,
                                                          body={"reason": "x"}),
    "POST /api/surveillance/cards/{card_id}/amend": Case(card, body={"reason": "x"}),
    "GET /api/surveillance/signals/{signal_id}": Case(signal, requester=OFFICER_B, in_scope=OFFICER_A),
    "POST /api/surveillance/signals/{signal_id}/dismiss": Case(signal, requester=OFFICER_B, in_scope=OFFICER_A,
                                                               body={"reason": "x"}),
    "POST /api/surveillance/signals/{signal_id}/escalate": Case(signal, requester=OFFICER_B, in_scope=OFFICER_A,
                                                                body={"notes": "x"}),
}


def syndrome_series(world):
    from django.utils import timezone

    from countyhealth.surveillance.models import SyndromeCount

    SyndromeCount.objects.create(org=world.county.township_a, syndrome="fever", day=timezone.localdate(), count=3)
    return world.county.township_a, {"org_id": world.county.township_a.pk, "syndrome": "fever"}


API_CASES["GET /api/surveillance/syndromes"] = Case(syndrome_series, requester=OFFICER_B, in_scope=OFFICER_A,
                                                    query=("org_id", "syndrome"))


def duplicate_card(world):
    from django.utils import timezone

    from countyhealth.records.diagnoses import do_record_diagnosis
    from countyhealth.surveillance.models import CaseReport

    resident = world.make_resident(world.county.village_a1)
    for _ in range(2):
        d = do_record_diagnosis(acting_user=world.township_doctor_a, resident_id=resident.pk, code="J10",
                                diagnosed_on=timezone.localdate())
    return CaseReport.objects.get(diagnosis=d)


API_CASES["POST /api/surveillance/cards/{card_id}/duplicate"] = Case(duplicate_card, requester=OFFICER_B,
                                                                     in_scope=OFFICER_A, body={"keep": True})
