"""`create_referrals`: a batch is all or nothing, and each referral gets its own side effects. (That a batch
writes what single calls write, in the queries of one, is tests/test_referral_batch.py, with every app's
timeline.)"""

import pytest
from django.db import transaction
from django.utils.translation import gettext

from countyhealth.audit.models import AuditLog
from countyhealth.core import hooks
from countyhealth.core.errors import ActionError
from countyhealth.notifications.models import Notification
from countyhealth.referrals import actions
from countyhealth.referrals.actions import ReferralRequest
from countyhealth.referrals.models import Referral, ReferralEvent
from countyhealth.residents.models import AccessGrant

COUNTED = (Referral, ReferralEvent, AccessGrant, AuditLog, Notification)


def _up(resident, county, **change):
    return ReferralRequest(**{"resident": resident, "to_org": county.hospital, "direction": "up",
                              "urgency": "routine", "reason": "血压控制不满意", **change})


@pytest.mark.parametrize(("change", "code"), [
    ({"reason": "  "}, "no_reason"),
    ({"urgency": "soon"}, "bad_urgency"),
])
def test_an_invalid_third_request_writes_nothing(users, county, make_resident, change, code,
                                                 django_assert_num_queries):
    residents = [make_resident(county.village_a1) for _ in range(4)]
    requests = [_up(r, county) for r in residents]
    requests[2] = _up(residents[2], county, **change)
    before = [model.objects.count() for model in COUNTED]
    # Refused before the first query (so before any write), inside the calling action's transaction.
    with pytest.raises(ActionError) as error, transaction.atomic(), django_assert_num_queries(0):
        actions.create_referrals(acting_user=users.township_doctor_a, requests=requests)
    assert error.value.code == code
    assert [model.objects.count() for model in COUNTED] == before


def test_an_empty_batch_writes_nothing(users, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert actions.create_referrals(acting_user=users.township_doctor_a, requests=[]) == []


def test_each_downward_referral_of_a_batch_announces_the_hook(users, county, make_resident):
    residents = [make_resident(county.village_a1) for _ in range(3)]
    requests = [ReferralRequest(resident=r, to_org=county.township_a, direction="down", urgency="routine",
                                reason="出院康复", discharge_summary="病情稳定") for r in residents]
    heard = []
    with hooks.listening("referrals.downward_referral_created", lambda **kw: heard.append(kw)):
        made = actions.create_referrals(acting_user=users.county_doctor, requests=requests)
    assert [kw["referral"].pk for kw in heard] == [r.pk for r in made]
    assert sorted(Notification.objects.filter(recipient=users.township_doctor_a).values_list("title", flat=True)) \
        == sorted(gettext("Downward referral: %(name)s") % {"name": r.name} for r in residents)
    assert AccessGrant.objects.filter(organisation=county.township_a, note__in=[
        f"referral:{r.pk}" for r in made]).count() == 3
