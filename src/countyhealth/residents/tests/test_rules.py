"""Identity rules: public-health-rules.md §1.1 and appendix #19, name keys, phones, masks."""

from datetime import date, timedelta

import pytest

from countyhealth.residents import rules
from countyhealth.residents.masking import mask_id_number, mask_phone
from countyhealth.residents.names import normalise_name, search_keys

TODAY = date(2026, 3, 10)


def with_check(first17: str) -> str:
    return first17 + rules.id_check_char(first17)


# Appendix #19.
def test_worked_example_is_valid_female_born_1949_12_31():
    parsed = rules.parse_id_number("11010519491231002X", today=TODAY)
    assert parsed.sex == "2"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.address_code == "110105"


def test_worked_example_with_a_wrong_check_digit_is_refused_as_checksum():
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number("110105194912310021", today=TODAY)
    assert err.value.code == "checksum"


def test_29_february_1900_is_not_a_date():
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number("110105190002290017", today=TODAY)
    assert err.value.code == "birth_date"


def test_check_sum_of_the_worked_example_is_167():
    assert sum(int(d) * w for d, w in zip("11010519491231002", rules.ID_WEIGHTS, strict=True)) == 167


@pytest.mark.parametrize("raw", [" 1101 0519 4912 3100 2x ", "11010519491231002x"])
def test_spaces_and_lower_case_x_are_accepted(raw):
    assert rules.parse_id_number(raw, today=TODAY).value == "11010519491231002X"


@pytest.mark.parametrize("raw", ["", "1101051949123100", "1101051949123100211", "11010519491231002Y", "X1010519491231002X",
                                 "11010519491231X021"])
def test_format_failures(raw):
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number(raw, today=TODAY)
    assert err.value.code == "format"


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "47", "55", "66", "72", "80", "84", "99"])
def test_address_failures(province):
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number(with_check(f"{province}010519491231002"), today=TODAY)
    assert err.value.code == "address"


@pytest.mark.parametrize("province", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81",
                                      "82", "83"])
def test_every_province_range_edge_is_accepted(province):
    rules.parse_id_number(with_check(f"{province}010519491231002"), today=TODAY)


def test_address_is_checked_before_the_birth_date():
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number(with_check("99010519000229001"), today=TODAY)
    assert err.value.code == "address"


def test_birth_date_is_checked_before_the_check_digit():
    with pytest.raises(rules.IdNumberError) as err:
        rules.parse_id_number("110105190002290010", today=TODAY)  # wrong check digit too
    assert err.value.code == "birth_date"


def test_birth_date_range_is_1900_01_01_to_today():
    rules.parse_id_number(with_check("11010519000101001"), today=TODAY)
    rules.parse_id_number(with_check(f"110105{TODAY:%Y%m%d}001"), today=TODAY)
    for born in (date(1899, 12, 31), TODAY + timedelta(days=1)):
        with pytest.raises(rules.IdNumberError) as err:
            rules.parse_id_number(with_check(f"110105{born:%Y%m%d}001"), today=TODAY)
        assert err.value.code == "birth_date"


def test_17th_digit_gives_the_sex():
    assert rules.parse_id_number(with_check("11010519491231001"), today=TODAY).sex == "1"
    assert rules.parse_id_number(with_check("11010519491231000"), today=TODAY).sex == "2"


def test_each_failure_has_its_own_message():
    messages = set()
    for raw in ["123", with_check("99010519491231002"), "110105190002290017", "110105194912310021"]:
        with pytest.raises(rules.IdNumberError) as err:
            rules.parse_id_number(raw, today=TODAY)
        messages.add(str(err.value.message))
    assert len(messages) == 4


def test_record_must_agree_with_the_id_number():
    parsed = rules.parse_id_number("11010519491231002X", today=TODAY)
    rules.check_id_matches(parsed, birth_date=date(1949, 12, 31), sex="2")
    rules.check_id_matches(parsed, birth_date=None, sex="9")  # unspecified sex is not a contradiction
    for birth, sex in [(date(1949, 12, 30), "2"), (date(1949, 12, 31), "1")]:
        with pytest.raises(rules.IdNumberError) as err:
            rules.check_id_matches(parsed, birth_date=birth, sex=sex)
        assert err.value.code == "mismatch"


def test_legacy_15_digit_numbers_convert_by_inserting_19_and_a_check_digit():
    assert rules.legacy_to_18("110105491231002") == "11010519491231002X"
    with pytest.raises(rules.IdNumberError):
        rules.legacy_to_18("11010549123100X")


def test_make_id_number_round_trips():
    value = rules.make_id_number("430124", date(1980, 5, 17), 7, "1")
    parsed = rules.parse_id_number(value, today=TODAY)
    assert (parsed.birth_date, parsed.sex) == (date(1980, 5, 17), "1")


def test_birth_date_check():
    assert rules.check_birth_date(TODAY, today=TODAY) is None
    assert rules.check_birth_date(date(1900, 1, 1), today=TODAY) is None
    assert rules.check_birth_date(TODAY + timedelta(days=1), today=TODAY) is not None
    assert rules.check_birth_date(date(1899, 12, 31), today=TODAY) is not None


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("0731-84123456", "0731-84123456"),
    ("073184123456", "0731-84123456"),
    ("010-12345678", "010-12345678"),
    ("020 8765432", "020-8765432"),
    ("84123456", "84123456"),
])
def test_phone_numbers_are_normalised(raw, expected):
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "23812345678", "12345", "0731-0123456",
                                 "phone", "0731-841234567"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(rules.PhoneError):
        rules.normalise_phone(raw)


def test_name_keys_fold_traditional_characters_spaces_and_full_width():
    assert search_keys("張三豐") == ("张三丰", "zhangsanfeng", "zsf")
    assert search_keys(" 张 三丰 ") == ("张三丰", "zhangsanfeng", "zsf")
    assert normalise_name("ＡＢＣ") == "abc"


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽･买买提", "阿依古丽买买提"])
def test_middle_dots_in_minority_names_are_dropped(name):
    assert search_keys(name) == ("阿依古丽买买提", "ayigulimaimaiti", "ayglmmt")


def test_surnames_read_as_surnames():
    assert search_keys("曾国藩")[1] == "zengguofan"
    assert search_keys("单田芳")[2] == "stf"
    assert search_keys("曾")[1] == "ceng"  # a lone character is not read as a surname


def test_homophones_share_the_pinyin_key():
    assert search_keys("张伟")[1] == search_keys("章玮")[1] == "zhangwei"
    assert search_keys("吕布")[1] == "lvbu"


def test_masks():
    assert mask_id_number("430124198005170017") == "430124********0017"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0731-84123456") == "073******3456"
    assert mask_id_number(None) == mask_phone("") == ""
