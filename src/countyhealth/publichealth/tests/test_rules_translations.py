"""Every label of the rules has a Chinese translation that keeps its placeholders."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from countyhealth.publichealth import rules

PO = Path(rules.__file__).parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
ENUMS = [rules.Programme, rules.VisitMode, rules.FollowUpClass, rules.NextAction, rules.HypertensionDangerSign,
         rules.DiabetesDangerSign, rules.BmiClass, rules.SelfCareItem, rules.SelfCareLevel, rules.AuxiliaryTest,
         rules.SlotState, rules.EnrolmentFlag, rules.RiskHistory]


def catalogue():
    return {e.msgid: e for e in polib.pofile(str(PO)) if not e.obsolete}


def test_every_msgid_is_translated_with_the_same_placeholders():
    for msgid, entry in catalogue().items():
        assert entry.msgstr, msgid
        assert "fuzzy" not in entry.flags, msgid
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_enum_member_has_a_catalogued_label(enum):
    entries = catalogue()
    with translation.override("en"):  # no English catalogue: a label renders as its msgid
        for member in enum:
            assert str(member.label) in entries, member
