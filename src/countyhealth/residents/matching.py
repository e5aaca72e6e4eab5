"""Duplicate detection for the master patient index (architecture §6: three bands, matching at registration).

*Certain*: the same valid 18-digit ID number on an active record (or among the identifiers an active record
carries after a merge) — registration is refused. *Probable*: candidates blocked by the same birth date, or by
the same village and birth year, then scored on the fields below; at or above `PROBABLE_THRESHOLD` they are
shown before saving and, if the user saves anyway, queued as `DuplicateCandidate` rows. Below it: no match.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import DuplicateCandidate, Resident
from .queries import id_number_holders

# Scoring weights and the probable threshold, kept as data (architecture §6: "thresholds as data"). The
# weights are chosen so that no combination without a name match reaches the threshold (twins share a birth
# date, household, village and phone, and are not one person), while name + birth date + sex does.
WEIGHTS = {
    "name": 40,  # same normalised name (NFKC, simplified, no spaces or middle dots)
    "pinyin": 30,  # same toneless pinyin, different characters: a homophone or a typing slip (张伟 / 章伟)
    "birth_date": 25,
    "birth_year": 10,  # same year, other day: blocked by village and year, often a mistyped day or month
    "sex": 10,
    "phone": 15,
    "household": 10,
    "village": 10,
}
# A different recorded sex is strong evidence of two people; it cancels a name match.
SEX_MISMATCH_PENALTY = -30
PROBABLE_THRESHOLD = 75
# Blocks are small (a birth date across the county, a village's birth year); this caps a pathological block
# (a placeholder birth date such as 1900-01-01 typed for everyone of unknown age) so matching stays cheap.
BLOCK_LIMIT = 500
MAX_CANDIDATES = 10

REASON_LABELS = {
    "name": _("same name"),
    "pinyin": _("same pinyin"),
    "birth_date": _("same date of birth"),
    "birth_year": _("same year of birth"),
    "sex": _("same sex"),
    "phone": _("same phone"),
    "household": _("same household"),
    "village": _("same village"),
}


@dataclass(frozen=True)
class Person:
    """What matching looks at: the fields of a record about to be saved (or of an existing one)."""

    name_normalised: str
    name_pinyin: str
    sex: str
    birth_date: date
    village_id: int
    phone: str = ""
    household_id: int | None = None


@dataclass
class Match:
    resident: Resident
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons]


def find_certain(id_number: str | None, *, exclude_id: int | None = None) -> Resident | None:
    """The active record this ID number leads to: its holder, or the record carrying it after a merge."""
    if not id_number:
        return None
    qs = Resident.objects.filter(is_active=True, pk__in=id_number_holders(id_number))
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("id").first()


def score(person: Person, other: Resident) -> Match:
    reasons = []
    if person.name_normalised and person.name_normalised == other.name_normalised:
        reasons.append("name")
    elif person.name_pinyin and person.name_pinyin == other.name_pinyin:
        reasons.append("pinyin")
    if person.birth_date == other.birth_date:
        reasons.append("birth_date")
    elif person.birth_date.year == other.birth_date.year:
        reasons.append("birth_year")
    sex_known = person.sex in ("1", "2") and other.sex in ("1", "2")
    if sex_known and person.sex == other.sex:
        reasons.append("sex")
    if person.phone and person.phone == other.phone:
        reasons.append("phone")
    if person.household_id and person.household_id == other.household_id:
        reasons.append("household")
    if person.village_id == other.village_id:
        reasons.append("village")
    total = sum(WEIGHTS[r] for r in reasons)
    if sex_known and person.sex != other.sex:
        total += SEX_MISMATCH_PENALTY
    return Match(resident=other, score=total, reasons=reasons)


def block(person: Person, *, exclude_id: int | None = None):
    """Active residents sharing the birth date, or the village and birth year (indexes resident_birth_name
    and resident_village_birth)."""
    year = person.birth_date.year
    same_year_here = Q(village_id=person.village_id, birth_date__gte=date(year, 1, 1),
                       birth_date__lte=date(year, 12, 31))
    qs = Resident.objects.filter(is_active=True).filter(Q(birth_date=person.birth_date) | same_year_here)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related("village").order_by("id")[:BLOCK_LIMIT]


def find_probable(person: Person, *, exclude_id: int | None = None) -> list[Match]:
    """Probable duplicates, best first. For an existing record (`exclude_id`) pairs already queued or decided
    are left out, so a reviewer's "not the same person" is never proposed again."""
    matches = [m for m in (score(person, other) for other in block(person, exclude_id=exclude_id))
               if m.score >= PROBABLE_THRESHOLD]
    if exclude_id is not None and matches:
        known = DuplicateCandidate.objects.filter(
            Q(resident_a_id=exclude_id) | Q(resident_b_id=exclude_id)
        ).values_list("resident_a_id", "resident_b_id")
        seen = {a if b == exclude_id else b for a, b in known}
        matches = [m for m in matches if m.resident.pk not in seen]
    matches.sort(key=lambda m: (-m.score, m.resident.pk))
    return matches[:MAX_CANDIDATES]


def ordered_pair(x: int, y: int) -> tuple[int, int]:
    """DuplicateCandidate stores the lower id first (constraint duplicate_pair_ordered)."""
    return (x, y) if x < y else (y, x)
