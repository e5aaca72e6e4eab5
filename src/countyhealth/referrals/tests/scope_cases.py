"""Scope matrix cases (tests/test_scope_matrix.py): a township-A referral asked for by township B."""

from tests.support.scope import Case


def referral(world):
    from countyhealth.referrals.actions import do_refer_up

    resident = world.make_resident(world.county.village_a1)
    return do_refer_up(acting_user=world.township_doctor_a, resident_id=resident.pk, reason="血压控制不满意",
                       urgency="routine")


def referral_action(world):
    r = referral(world)
    return r, {"pk": r.pk, "action": "cancel"}


def resident(world):
    return world.make_resident(world.county.village_a1)


URL_CASES = {
    "referrals:detail": Case(referral),
    "referrals:act": Case(referral_action, method="post", body={"cancel-reason": "患者拒绝"}),
    "referrals:resident": Case(resident),
    "referrals:create": Case(resident),
    "referrals:create-down": Case(resident),
}

API_CASES = {
    "GET /api/referrals/{referral_id}": Case(referral),
    "POST /api/referrals/{referral_id}/accept": Case(referral, body={"note": "x"}),
    "POST /api/referrals/{referral_id}/decline": Case(referral, body={"reason": "床位已满"}),
    "POST /api/referrals/{referral_id}/arrive": Case(referral),
    "POST /api/referrals/{referral_id}/complete": Case(referral, body={"feedback": "x"}),
    "POST /api/referrals/{referral_id}/cancel": Case(referral, body={"reason": "x"}),
}
