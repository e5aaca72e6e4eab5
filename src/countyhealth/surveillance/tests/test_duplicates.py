"""重卡 (notifiable-diseases.md §2.3 item 7): a second card of the same person and disease inside the window is
recognised and linked; the officer merges it or keeps both; approval waits for that decision."""

import pytest
from django.urls import reverse

from countyhealth.core.errors import Conflict
from countyhealth.notifications.models import Notification
from countyhealth.surveillance import actions, rules
from countyhealth.surveillance.models import CaseReport

from .conftest import COMPLETE
from .test_cards import onset


def _submit(card, user):
    return actions.do_submit_card(acting_user=user, card_id=card.pk, fields={**COMPLETE, "onset_date": onset(card)})


def test_window_is_a_year_for_chronic_diseases_and_30_days_otherwise():
    assert rules.duplicate_window("viral_hepatitis").days == 365 and rules.duplicate_window("influenza").days == 30


@pytest.mark.parametrize(("code", "days_apart", "duplicate"), [
    ("J10", 29, True), ("J10", 31, False), ("B16", 200, True), ("B16", 366, False)])
def test_same_resident_and_disease_inside_the_window_links_the_earlier_card(
        diagnose, make_resident, county, code, days_apart, duplicate):
    resident = make_resident(county.village_a1)
    _d, first = diagnose(code, resident=resident, days_ago=days_apart)
    _d, second = diagnose(code, resident=resident)
    assert (second.duplicate_of_id == first.pk) is duplicate
    assert first.duplicate_of_id is None


def test_without_id_number_the_same_name_birth_date_and_village_are_the_same_person(diagnose, make_resident,
                                                                                      county, users):
    one = make_resident(county.village_a1, id_number=None, name="王无证")
    other = make_resident(county.village_a1, id_number=None, name="王无证", birth_date=one.birth_date)
    elsewhere = make_resident(county.village_b1, id_number=None, name="王无证", birth_date=one.birth_date)
    _d, first = diagnose("J10", resident=one)
    _d, second = diagnose("J10", resident=other)
    _d, third = diagnose("J10", resident=elsewhere, doctor=users.township_doctor_b)
    assert second.duplicate_of_id == first.pk and third.duplicate_of_id is None


def test_approval_waits_and_merge_voids_the_second_card(diagnose, make_resident, county, users, officer_a):
    resident = make_resident(county.village_a1)
    _d, first = diagnose("J10", resident=resident, days_ago=3)
    _d, second = diagnose("J10", resident=resident)
    assert Notification.objects.filter(kind="surveillance.card_drafted", title__contains=first.card_no).exists()
    _submit(second, users.township_doctor_a)
    with pytest.raises(Conflict):
        actions.do_approve_card(acting_user=officer_a, card_id=second.pk)
    merged = actions.do_resolve_duplicate(acting_user=officer_a, card_id=second.pk, keep=False)
    assert merged.status == rules.VOID and first.card_no in merged.return_reason
    assert CaseReport.objects.exclude(status=rules.VOID).filter(resident=resident).count() == 1


def test_merging_into_an_approved_card_opens_its_revision(diagnose, make_resident, county, users, officer_a):
    resident = make_resident(county.village_a1)
    _d, first = diagnose("J10", resident=resident, days_ago=3)
    _submit(first, users.township_doctor_a)
    actions.do_approve_card(acting_user=officer_a, card_id=first.pk)
    _d, second = diagnose("J10", resident=resident)
    revision = actions.do_resolve_duplicate(acting_user=officer_a, card_id=second.pk, keep=False)
    assert revision.revises_id == first.pk and second.card_no in revision.amend_reason


def test_keep_lets_the_card_be_approved_and_the_page_shows_the_link(client, diagnose, make_resident, county, users,
                                                                    officer_a):
    resident = make_resident(county.village_a1)
    _d, first = diagnose("J10", resident=resident, days_ago=3)
    _d, second = diagnose("J10", resident=resident)
    _submit(second, users.township_doctor_a)
    client.force_login(officer_a)
    page = client.get(reverse("surveillance:card", args=[second.pk])).content.decode()
    assert "duplicate-warning" in page and reverse("surveillance:card", args=[first.pk]) in page
    client.post(reverse("surveillance:card-act", args=[second.pk, "keep"]))
    actions.do_approve_card(acting_user=officer_a, card_id=second.pk)
    second.refresh_from_db()
    assert second.duplicate_kept and second.status == rules.APPROVED
    with pytest.raises(Conflict):
        actions.do_resolve_duplicate(acting_user=officer_a, card_id=second.pk, keep=False)
