"""Cached choice labels (core.choices) say what get_FOO_display says, in the language active at each call (the
programmes' fields are the ones a push and the timeline label most)."""

from django.utils import translation

from countyhealth.core.choices import choice_label, display
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import NextAction


def test_display_matches_get_display_in_each_language():
    visit = FollowUpVisit(programme="hypertension", next_action=NextAction.EMERGENCY_REFERRAL)
    enrolment = Enrolment(status=Enrolment.Status.LOST)
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            assert display(visit, "programme") == visit.get_programme_display()
            assert display(visit, "next_action") == visit.get_next_action_display()
            assert display(enrolment, "status") == enrolment.get_status_display()
    with translation.override("en"):
        assert display(enrolment, "status") == "Lost to follow-up"
    with translation.override("zh-hans"):
        assert display(enrolment, "status") != "Lost to follow-up"


def test_a_value_outside_the_choices_shows_as_itself():
    assert display(Enrolment(status="retired"), "status") == "retired"


def test_choice_label_follows_the_language():
    with translation.override("en"):
        english = choice_label(NextAction, NextAction.EMERGENCY_REFERRAL)
    with translation.override("zh-hans"):
        chinese = choice_label(NextAction, NextAction.EMERGENCY_REFERRAL)
    assert english == "Emergency referral after first aid; follow up within 2 weeks" != chinese
