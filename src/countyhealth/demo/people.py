"""Residents of the demo county, village by village: households, names, ID numbers, phones, duplicates.

Pure generation (no database), deterministic for a seed and a reference date, one village in memory at a
time so a million residents need no more memory than twenty thousand. The age structure follows a rural
Chinese county (about 14 % aged 65+, about 6–7 % aged 0–6, slightly more men): it is not drawn from a
pyramid but emerges from household types (young families, three generations under one roof, grandparents
raising grandchildren while the parents work away, elderly couples, widows, bachelors), tuned so the shares
land there — `tests/test_seed.py` checks the bounds."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import opencc
from django.utils.translation import gettext as _

from countyhealth.residents.rules import make_id_number

from . import names
from .county import VillageSpec

# Share of residents registered a second time (another clinic visit, no ID card at hand).
DUPLICATE_SHARE = 0.002
_to_traditional = opencc.OpenCC("s2t")

# Record numbers end in a 5-digit serial per village (public-health-rules.md §1.2); household numbers, as
# `residents.actions` issues them, in a 4-digit one.
MAX_RECORDS = 99999
MAX_HOUSEHOLDS = 9999

# Ethnic groups of western Hunan besides the Han (GB 3304 codes): 苗族, 侗族, 瑶族, 土家族.
MINORITIES = ("06", "12", "13", "15")


@dataclass(slots=True, eq=False)
class Person:
    name: str
    sex: str  # GB/T 2261.1
    birth_date: date
    id_number: str | None
    phone: str
    ethnicity: str
    residence_type: str
    record_number: str = ""
    pk: int | None = None  # set by the writer once inserted


@dataclass(slots=True, eq=False)
class HouseholdDraft:
    number: str
    address: str
    members: list[Person]
    pk: int | None = None


@dataclass(slots=True, eq=False)
class Duplicate:
    """The same person registered twice: `copy` has a name variant, no ID number, the phone kept or mistyped."""

    original: Person
    copy: Person
    name_variant: str  # "traditional", "homophone" or "same_name"
    phone: str  # "same", "typo" or "missing"


@dataclass(slots=True, eq=False)
class VillageDraft:
    spec: VillageSpec
    households: list[HouseholdDraft] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    def people(self):
        for household in self.households:
            yield from household.members
        for duplicate in self.duplicates:
            yield duplicate.copy

    @property
    def size(self) -> int:
        return sum(len(h.members) for h in self.households) + len(self.duplicates)


@dataclass(slots=True)
class _Member:
    age: int
    sex: str
    surname: str
    siblings: int = 0  # children of one couple share a key: brothers often share a generation character


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` proportionally to `weights` (largest remainder), summing exactly to `total`."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class PeopleGenerator:
    def __init__(self, seed: int, *, as_of: date, address_code: str, stream: str = "people"):
        self.rng = random.Random(f"{seed}:{stream}")
        self.as_of = as_of
        self.address_code = address_code
        self._id_counts: dict[tuple[int, str], int] = {}  # (birth ordinal, sex) → numbers issued
        self._duplicate_carry = 0.0
        self._surnames = [surname for surname, _weight in names.SURNAMES]
        self._surname_cum = _cumulative(weight for _surname, weight in names.SURNAMES)

    # -- villages --------------------------------------------------------------------------------------

    def village(self, spec: VillageSpec, size: int) -> VillageDraft:
        """Exactly `size` resident records for one village, probable duplicates included."""
        if size > MAX_RECORDS:
            raise ValueError(_("More than %(limit)s residents in %(village)s: health record serial numbers are "
                               "exhausted.") % {"limit": MAX_RECORDS, "village": spec.name})
        self._duplicate_carry += size * DUPLICATE_SHARE
        duplicates = min(int(self._duplicate_carry), size // 4)
        self._duplicate_carry -= duplicates
        draft = VillageDraft(spec)
        count, regular = 0, size - duplicates
        group, house = 1, 0
        # Rural households carry a residence type and an ethnicity together (a family moved in, a Miao family).
        while count < regular:
            members = self._household(spec)[: regular - count]
            house += 1
            if house > self.rng.randint(25, 45):
                group, house = group + 1, 1
            ethnicity = self.rng.choice(MINORITIES) if self.rng.random() < 0.03 else "01"
            residence = "2" if self.rng.random() < 0.03 else "1"
            if len(draft.households) >= MAX_HOUSEHOLDS:
                raise ValueError(_("More than %(limit)s households in %(village)s: household numbers are "
                                   "exhausted.") % {"limit": MAX_HOUSEHOLDS, "village": spec.name})
            number = f"{spec.division_code}{len(draft.households) + 1:04d}"
            address = f"{spec.township.name}{spec.name}{group}组{house}号"
            draft.households.append(HouseholdDraft(number, address, self._people(members, ethnicity, residence)))
            count += len(members)
        adults = [p for h in draft.households for p in h.members if self._age(p) >= 18]
        for original in self.rng.sample(adults, min(duplicates, len(adults))):
            draft.duplicates.append(self._duplicate(original))
        for serial, person in enumerate(draft.people(), 1):
            person.record_number = f"{spec.division_code}{serial:05d}"
        return draft

    def full_name(self, age: int, sex: str) -> str:
        """A name for someone of this age (staff accounts)."""
        birth_year = self.as_of.year - age
        return self.rng.choices(self._surnames, cum_weights=self._surname_cum)[0] + self._given(birth_year, sex, {}, 0)

    # -- households ------------------------------------------------------------------------------------

    def _household(self, spec: VillageSpec) -> list[_Member]:
        rng = self.rng
        kind = rng.random()
        if kind < 0.40:  # a couple and their children
            father = _Member(_tri(rng, 24, 58, 41), "1", self._surname(spec))
            return [father, *self._couple_and_children(father, spec, max_children=3)[1:]]
        if kind < 0.56:  # three generations: grandparents, their son's family
            elders = self._elders(spec, _tri(rng, 54, 88, 63))
            grandma = elders[-1]
            son_age = grandma.age - rng.randint(22, 34)
            if son_age < 23:
                son_age = 23
            son = _Member(son_age, "1", elders[0].surname if elders[0].sex == "1" else self._surname(spec))
            return elders + self._couple_and_children(son, spec, max_children=2)
        if kind < 0.62:  # grandparents raising grandchildren while the parents work away
            elders = self._elders(spec, _tri(rng, 50, 76, 60))
            surname = elders[0].surname if elders[0].sex == "1" else self._surname(spec)
            return elders + [_Member(rng.randint(0, 14), self._child_sex(), surname, siblings=1)
                             for _grandchild in range(rng.choice((1, 1, 2)))]
        if kind < 0.71:  # an elderly couple
            return self._elders(spec, _tri(rng, 60, 94, 68), widowed=0)
        if kind < 0.765:  # one elderly person living alone, more often a widow
            sex = "2" if rng.random() < 0.68 else "1"
            return [_Member(_tri(rng, 65, 99, 76), sex, self._surname(spec))]
        if kind < 0.92:  # a middle-aged couple whose children left for the city
            husband = _Member(_tri(rng, 44, 66, 55), "1", self._surname(spec))
            return [husband, self._wife(husband, spec)]
        # one adult alone, mostly an unmarried man (the rural marriage squeeze)
        sex = "1" if rng.random() < 0.85 else "2"
        return [_Member(_tri(rng, 20, 64, 40), sex, self._surname(spec))]

    def _elders(self, spec, husband_age: int, *, widowed: float = 0.35) -> list[_Member]:
        husband = _Member(husband_age, "1", self._surname(spec))
        wife = self._wife(husband, spec)
        if self.rng.random() < widowed:
            # Men die younger: a lone elder is more often the widow.
            return [wife] if self.rng.random() < 0.7 else [husband]
        return [husband, wife]

    def _wife(self, husband: _Member, spec) -> _Member:
        age = husband.age - self.rng.choice((-2, -1, 0, 1, 1, 2, 2, 3, 3, 4, 5))
        return _Member(max(age, 20), "2", self._surname(spec))

    def _couple_and_children(self, father: _Member, spec, *, max_children: int) -> list[_Member]:
        rng = self.rng
        mother = self._wife(father, spec)
        wanted = rng.choices((0, 1, 2, 3), weights=(10, 44, 38, 8))[0]
        children = []
        age_at_birth = _tri(rng, 20, 32, 25)
        sibling_key = rng.randint(1, 1 << 30)
        for _child in range(min(wanted, max_children)):
            age = mother.age - age_at_birth
            if age < 0 or age_at_birth > 35:
                break
            # Grown children mostly have households of their own, or work away registered elsewhere.
            if age < 18 or (age < 26 and rng.random() < 0.45):
                children.append(_Member(age, self._child_sex(), father.surname, siblings=sibling_key))
            age_at_birth += rng.randint(2, 6)
        return [father, mother, *children]

    def _child_sex(self) -> str:
        return "1" if self.rng.random() < 0.53 else "2"  # rural sex ratio at birth about 113

    def _surname(self, spec: VillageSpec) -> str:
        if spec.lineage_surname and self.rng.random() < 0.3:
            return spec.lineage_surname
        return self.rng.choices(self._surnames, cum_weights=self._surname_cum)[0]

    # -- people ----------------------------------------------------------------------------------------

    def _people(self, members: list[_Member], ethnicity: str, residence: str) -> list[Person]:
        shared_first: dict[tuple[int, str], str] = {}
        people = []
        for m in members:
            birth = self._birth(m.age)
            given = self._given(birth.year, m.sex, shared_first, m.siblings)
            people.append(Person(
                name=m.surname + given, sex=m.sex, birth_date=birth,
                id_number=self._id_number(birth, m.sex), phone=self._phone(m.age),
                ethnicity=ethnicity if m.sex == "1" or self.rng.random() < 0.7 else "01",
                residence_type=residence,
            ))
        return people

    def _given(self, year: int, sex: str, shared_first: dict, siblings: int) -> str:
        rng = self.rng
        fashion = names.fashion_for(year, sex)
        if rng.random() < fashion.single_share:
            return rng.choice(fashion.single)
        if siblings and (siblings, sex) in shared_first:
            first = shared_first[(siblings, sex)]
        elif rng.random() < 0.3:
            return rng.choice(fashion.whole)
        else:
            first = rng.choice(fashion.first)
            if siblings and sex == "1" and rng.random() < 0.6:
                shared_first[(siblings, sex)] = first
        second = rng.choice(fashion.second)
        while second == first and sex == "1":
            second = rng.choice(fashion.second)
        return first + second

    def _birth(self, age: int) -> date:
        """A birth date giving exactly `age` completed years on the reference date."""
        latest = _years_before(self.as_of, age)
        earliest = _years_before(self.as_of, age + 1) + timedelta(days=1)
        return date.fromordinal(self.rng.randint(earliest.toordinal(), latest.toordinal()))

    def _age(self, person: Person) -> int:
        b, on = person.birth_date, self.as_of
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    def _id_number(self, birth: date, sex: str) -> str:
        key = (birth.toordinal(), sex)
        issued = self._id_counts.get(key, 0)
        if issued >= 500:  # GB 11643 has 500 sequence codes per sex, birth date and address code
            raise ValueError(_("More than 500 residents of one sex born on %(date)s: the ID number sequence "
                               "codes are exhausted.") % {"date": birth.isoformat()})
        self._id_counts[key] = issued + 1
        # Spread the sequence codes over 000–999 as a police station would, distinct per key.
        return make_id_number(self.address_code, birth, birth.toordinal() * 37 % 500 + issued, sex)

    def _phone(self, age: int) -> str:
        rng = self.rng
        share = 0 if age < 14 else 0.3 if age < 18 else 0.93 if age < 60 else 0.8 if age < 70 else 0.55 if age < 80 else 0.25
        if rng.random() >= share:
            return ""
        return rng.choice(names.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    # -- duplicates ------------------------------------------------------------------------------------

    def _duplicate(self, original: Person) -> Duplicate:
        rng = self.rng
        variant, name = "traditional", _traditional(original.name)
        if name == original.name or rng.random() < 0.5:
            homophone = self._homophone(original.name)
            if homophone:
                variant, name = "homophone", homophone
        if name == original.name:  # no character has another spelling: the same name, only the ID missing
            variant = "same_name"
        roll = rng.random()
        if not original.phone or roll < 0.2:
            phone, how = "", "missing"
        elif roll < 0.6:
            phone, how = original.phone, "same"
        else:
            phone, how = _mistype(rng, original.phone), "typo"
        copy = Person(name=name, sex=original.sex, birth_date=original.birth_date, id_number=None, phone=phone,
                      ethnicity=original.ethnicity, residence_type=original.residence_type)
        return Duplicate(original=original, copy=copy, name_variant=variant, phone=how)

    def _homophone(self, name: str) -> str | None:
        places = [i for i, ch in enumerate(name) if i > 0 and names.HOMOPHONES.get(ch)]
        if not places:
            return None
        i = self.rng.choice(places)
        return name[:i] + self.rng.choice(names.HOMOPHONES[name[i]]) + name[i + 1:]


def _traditional(name: str) -> str:
    surname, given = name[0], name[1:]
    if surname not in names.SURNAMES_WITHOUT_TRADITIONAL:
        surname = _to_traditional.convert(surname)
    return surname + _to_traditional.convert(given)


def _mistype(rng: random.Random, phone: str) -> str:
    """One slip of the finger after the prefix: a wrong digit or two neighbours swapped."""
    digits = list(phone)
    i = rng.randrange(3, len(digits) - 1)
    if digits[i] != digits[i + 1] and rng.random() < 0.5:
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
    else:
        digits[i] = rng.choice([d for d in "0123456789" if d != digits[i]])
    return "".join(digits)


def _tri(rng: random.Random, low: int, high: int, mode: int) -> int:
    return min(high, int(rng.triangular(low, high + 1, mode)))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
