from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.core.errors import ActionError, Conflict
from countyhealth.notifications.models import Notification
from countyhealth.surveillance import actions, rules
from countyhealth.surveillance.models import CaseReport, CaseReportEvent, DailyCount, Signal

from .conftest import COMPLETE


def onset(card):
    return timezone.localtime(card.diagnosed_at).date()


def test_notifiable_diagnosis_drafts_a_prefilled_card_with_its_deadline(diagnose, county):
    diagnosis, card = diagnose("J10")
    assert card.status == rules.DRAFT and card.disease.code == "influenza"
    assert card.patient_name == diagnosis.resident.name and card.sex == diagnosis.resident.sex
    assert card.birth_date == diagnosis.resident.birth_date
    assert card.address_division_code == county.village_a1.division_code
    assert card.area == county.township_a and card.reporting_org == county.township_a
    assert card.due_at - card.diagnosed_at == timedelta(hours=24)
    assert Notification.objects.filter(recipient=diagnosis.diagnosed_by, kind="surveillance.card_drafted").exists()


def test_class_a_and_pulmonary_anthrax_get_two_hours_and_other_codes_no_card(diagnose):
    _d, plague = diagnose("A20.9")
    assert plague.disease.code == "plague" and plague.due_at - plague.diagnosed_at == timedelta(hours=2)
    _d, anthrax = diagnose("A22.1")
    assert anthrax.disease_subtype == "pulmonary" and anthrax.due_at - anthrax.diagnosed_at == timedelta(hours=2)
    _d, none = diagnose("I10")
    assert none is None


def test_submit_needs_every_mandatory_field_and_saves_nothing_on_error(diagnose, users):
    _d, card = diagnose("J10")
    with pytest.raises(ActionError) as error:
        actions.do_submit_card(acting_user=users.township_doctor_a, card_id=card.pk, fields={})
    assert set(error.value.fields) >= {"population_group", "case_classification", "onset_date"}
    card.refresh_from_db()
    assert card.status == rules.DRAFT and card.submitted_at is None


def test_onset_after_diagnosis_is_refused_even_in_a_draft(diagnose, users):
    _d, card = diagnose("J10")
    with pytest.raises(ActionError) as error:
        actions.do_save_card(acting_user=users.township_doctor_a, card_id=card.pk,
                             fields={"onset_date": onset(card) + timedelta(days=1)})
    assert set(error.value.fields) == {"onset_date"}
    card.refresh_from_db()
    assert card.onset_date is None


def _submit(card, user):
    return actions.do_submit_card(acting_user=user, card_id=card.pk, fields={**COMPLETE, "onset_date": onset(card)})


def test_submit_return_resubmit_approve_writes_history_and_counts_the_case(diagnose, users, officer_a):
    _d, card = diagnose("J10")
    _submit(card, users.township_doctor_a)
    assert Notification.objects.filter(recipient=officer_a, kind="surveillance.card_submitted").exists()
    actions.do_return_card(acting_user=officer_a, card_id=card.pk, reason="人群分类错误")
    _submit(card, users.township_doctor_a)
    actions.do_approve_card(acting_user=officer_a, card_id=card.pk)
    card.refresh_from_db()
    assert card.status == rules.APPROVED
    assert list(CaseReportEvent.objects.filter(report=card).values_list("status", flat=True)) == [
        "draft", "submitted", "returned", "submitted", "approved"]
    assert DailyCount.objects.get(area=card.area, disease=card.disease, day=onset(card)).count == 1
    with pytest.raises(Conflict):
        actions.do_approve_card(acting_user=officer_a, card_id=card.pk)


def test_approved_card_is_frozen_and_amended_by_a_revision(diagnose, users, officer_a):
    _d, card = diagnose("J10")
    _submit(card, users.township_doctor_a)
    actions.do_approve_card(acting_user=officer_a, card_id=card.pk)
    with pytest.raises(ActionError):
        actions.do_save_card(acting_user=users.township_doctor_a, card_id=card.pk, fields={"remarks": "x"})
    revision = actions.do_amend_card(acting_user=users.township_doctor_a, card_id=card.pk, reason="疑似→确诊")
    assert revision.card_kind == "revision" and revision.revises_id == card.pk and revision.status == rules.DRAFT
    card.refresh_from_db()
    assert card.status == rules.APPROVED


def test_doctor_cannot_approve_and_officer_needs_a_reason(diagnose, users, officer_a):
    _d, card = diagnose("J10")
    _submit(card, users.township_doctor_a)
    with pytest.raises(ActionError):
        actions.do_approve_card(acting_user=users.township_doctor_a, card_id=card.pk)
    with pytest.raises(ActionError):
        actions.do_return_card(acting_user=officer_a, card_id=card.pk, reason=" ")


def test_card_out_of_scope_is_not_visible(diagnose, users):
    _d, card = diagnose("J10")
    with pytest.raises(ActionError):
        actions.do_save_card(acting_user=users.township_doctor_b, card_id=card.pk, fields={"remarks": "x"})


def test_approving_a_plague_card_raises_a_fixed_threshold_signal(diagnose, users, officer_a):
    _d, card = diagnose("A20")
    _submit(card, users.township_doctor_a)
    actions.do_approve_card(acting_user=officer_a, card_id=card.pk)
    signal = Signal.objects.get(disease__code="plague")
    assert signal.algorithm == "fixed_threshold" and signal.observed == 1
    assert Notification.objects.filter(recipient=officer_a, kind="surveillance.signal", urgent=True).exists()


def test_mark_reported_sets_reported_at(diagnose, users, officer_a):
    _d, card = diagnose("J10")
    _submit(card, users.township_doctor_a)
    actions.do_approve_card(acting_user=officer_a, card_id=card.pk)
    [reported] = actions.do_mark_reported(acting_user=officer_a, card_ids=[card.pk])
    assert reported.status == rules.REPORTED and reported.reported_at <= reported.due_at


def test_missed_lists_a_notifiable_diagnosis_without_a_card(diagnose, officer_a):
    from countyhealth.surveillance import queries

    diagnosis, card = diagnose("J10")
    assert not queries.missed_diagnoses(officer_a).filter(pk=diagnosis.pk).exists()
    CaseReport.objects.filter(pk=card.pk).delete()  # e.g. recorded before the app existed
    assert queries.missed_diagnoses(officer_a).filter(pk=diagnosis.pk).exists()


def test_overdue_sweep_warns_doctor_and_officer_once(diagnose, users, officer_a):
    _d, card = diagnose("A20")  # plague: 2 hours
    later = card.due_at + timedelta(minutes=1)
    assert actions.do_warn_overdue_cards(acting_user=officer_a, now=card.due_at - timedelta(minutes=1)) == 0
    assert actions.do_warn_overdue_cards(acting_user=officer_a, now=later) == 1
    warned = set(Notification.objects.filter(kind="surveillance.card_overdue").values_list("recipient_id", flat=True))
    assert {users.township_doctor_a.pk, officer_a.pk} <= warned
    assert actions.do_warn_overdue_cards(acting_user=officer_a, now=later) == 0
