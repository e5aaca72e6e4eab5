"""Identity rules for the master patient index, each citing its source (see shared/design/public-health-rules.md §1)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

# GB 11643-1999 §1.1: weights for digits 1..17 and the check character for S mod 11 (ISO 7064 MOD 11-2).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes (first two digits). Full six-digit codes are not checked: retired
# codes stay valid on old cards (project decision, public-health-rules.md §1.1 row 2).
PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
     61, 62, 63, 64, 65, 71, 81, 82, 83]
)
EARLIEST_BIRTH = date(1900, 1, 1)


class IdNumberError(ValueError):
    """One of the validation failures of §1.1, in its order; `message` is shown to the user."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    value: str
    address_code: str
    birth_date: date
    sex: str  # GB/T 2261.1: "1" male, "2" female


def id_check_char(first17: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    return "".join(raw.split()).upper()


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character 公民身份号码 (GB 11643) in the order of §1.1; the first failure is raised."""
    value = normalise_id_number(raw)
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("format", _("ID number format is wrong: 17 digits followed by a digit or X."))
    if int(value[:2]) not in PROVINCE_CODES:
        raise IdNumberError("address", _("ID number address code is invalid."))
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        birth = None
    if birth is None or not (EARLIEST_BIRTH <= birth <= (today or date.today())):
        raise IdNumberError("birth_date", _("ID number birth date is invalid."))
    if id_check_char(value[:17]) != value[17]:
        raise IdNumberError("checksum", _("ID number check digit is wrong."))
    sex = "1" if int(value[16]) % 2 else "2"
    return IdNumber(value=value, address_code=value[:6], birth_date=birth, sex=sex)


def check_id_matches(parsed: IdNumber, *, birth_date: date | None, sex: str | None) -> None:
    """§1.1 row 5: birth date and sex on the record must agree with the ID number."""
    if (birth_date is not None and birth_date != parsed.birth_date) or (sex in ("1", "2") and sex != parsed.sex):
        raise IdNumberError("mismatch", _("ID number does not match the date of birth or sex."))


def legacy_to_18(raw15: str) -> str:
    """A 1989 15-digit number: insert "19" before YYMMDD and add the check character (§1.1)."""
    value = normalise_id_number(raw15)
    if len(value) != 15 or not value.isdigit():
        raise IdNumberError("format", _("A 15-digit ID number must be 15 digits."))
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_char(first17)


def make_id_number(address_code: str, birth_date: date, sequence: int, sex: str) -> str:
    """Build a valid ID number (demo county, factories): digits 15–17 from the sequence, odd for men."""
    order = sequence % 500 * 2 + (1 if sex == "1" else 0)
    first17 = f"{address_code}{birth_date:%Y%m%d}{order:03d}"
    return first17 + id_check_char(first17)


def age_on(birth_date: date, on: date) -> int:
    """Completed years (周岁) on a date; 29 Feb birthdays come of age on 1 Mar in non-leap years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class PhoneError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# Mainland mobile numbers: 11 digits, 1 then 3–9 (MIIT numbering plan). Landlines: area code 0 + 2–3 digits
# (010 and 02x have two digits after the 0, every other area three) and a 7–8 digit local number; a village
# doctor often writes the local number alone, which is kept as entered.
_MOBILE_LENGTH = 11
_TWO_DIGIT_AREAS = ("01", "02")


def normalise_phone(raw: str) -> str:
    """Canonical form of a phone number: mobile as 11 digits, landline as "0731-84123456" or "84123456".

    Spaces, hyphens and a leading +86/0086 are tolerated on input; anything else is refused."""
    value = "".join(ch for ch in raw if ch not in " -\u3000")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix) and len(value) - len(prefix) == _MOBILE_LENGTH:
            value = value[len(prefix):]
    if not value.isdigit():
        raise PhoneError(_("Enter an 11-digit mobile number or a landline number (e.g. 0731-84123456)."))
    if len(value) == _MOBILE_LENGTH and value[0] == "1" and value[1] in "3456789":
        return value
    if value[0] == "0":
        area = 3 if value.startswith(_TWO_DIGIT_AREAS) else 4
        local = value[area:]
        if 7 <= len(local) <= 8 and local[0] != "0":
            return f"{value[:area]}-{local}"
    elif 7 <= len(value) <= 8:
        return value
    raise PhoneError(_("Enter an 11-digit mobile number or a landline number (e.g. 0731-84123456)."))


def check_birth_date(birth_date: date, *, today: date):
    """A date of birth must lie between 1900-01-01 (as GB 11643 §1.1 row 3) and today; returns an error or None."""
    if birth_date > today:
        return _("The date of birth cannot be in the future.")
    if birth_date < EARLIEST_BIRTH:
        return _("The date of birth cannot be before 1900-01-01.")
    return None


# Break-glass access lasts three hours (architecture §3: "3-hour break-glass with a reason").
BREAK_GLASS_DURATION = timedelta(hours=3)
