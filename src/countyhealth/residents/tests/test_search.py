"""`queries.search`: what each kind of query finds, scope, merged records, and that the indexes are used."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection

from countyhealth.residents.models import Resident, ResidentIdentifier
from countyhealth.residents.names import search_keys
from countyhealth.residents.queries import search
from countyhealth.residents.rules import legacy_to_18, make_id_number


def found(user, text):
    return list(search(Resident.objects.visible_to(user).listed(), text))


@pytest.fixture
def people(county, make_resident):
    v = county.village_a1
    return {
        "zsf": make_resident(v, name="张三丰", phone="13812345678"),
        "zs": make_resident(v, name="張三", phone="0731-84123456"),
        "lw": make_resident(v, name="李伟"),
        "ay": make_resident(v, name="阿依古丽·买买提"),
        "an": make_resident(v, name="安文杰"),
        "far": make_resident(county.village_b1, name="张三丰"),
    }


def test_name_prefix_traditional_and_simplified(users, people):
    assert found(users.village_doctor_a1, "张三") == [people["zs"], people["zsf"]]
    assert found(users.village_doctor_a1, "張三豐") == [people["zsf"]]
    assert found(users.village_doctor_a1, "阿依古丽买") == [people["ay"]]
    assert found(users.village_doctor_a1, "阿依古丽·买买提") == [people["ay"]]


def test_initials_and_full_pinyin(users, people):
    assert found(users.village_doctor_a1, "zsf") == [people["zsf"]]
    assert found(users.village_doctor_a1, "ZS") == [people["zs"], people["zsf"]]
    assert found(users.village_doctor_a1, "zhangsanf") == [people["zsf"]]
    assert found(users.village_doctor_a1, "liw") == [people["lw"]]
    assert found(users.village_doctor_a1, "awj") == [people["an"]]  # initials with a vowel
    assert found(users.village_doctor_a1, "an") == [people["an"]]  # pinyin or initials


def test_id_number_exact_and_case_insensitive(users, people):
    r = people["zsf"]
    assert found(users.village_doctor_a1, r.id_number) == [r]
    assert found(users.village_doctor_a1, r.id_number[:-1]) == []  # no prefix match on numbers
    x = Resident.objects.filter(pk=r.pk)
    x.update(id_number="11010519491231002X")
    assert found(users.village_doctor_a1, "11010519491231002x") == [r]


def test_legacy_15_digit_number_finds_the_18_digit_holder(users, county, make_resident):
    r = make_resident(county.village_a1, id_number=legacy_to_18("430124800517001"), birth_date=date(1980, 5, 17))
    assert found(users.village_doctor_a1, "430124800517001") == [r]


def test_identifiers_and_merged_numbers_lead_to_the_master(users, county, make_resident):
    master = make_resident(county.village_a1)
    merged = make_resident(county.village_a1, is_active=False, master=master)
    assert found(users.village_doctor_a1, merged.id_number) == [master]
    old = make_id_number("430124", date(1970, 1, 1), 5, "1")
    ResidentIdentifier.objects.create(resident=master, system="id_number", value=old)
    assert found(users.village_doctor_a1, old) == [master]


def test_phone_exact(users, people):
    assert found(users.village_doctor_a1, "138 1234 5678") == [people["zsf"]]
    assert found(users.village_doctor_a1, "073184123456") == [people["zs"]]
    assert found(users.village_doctor_a1, "1381234567") == []


def test_only_visible_and_listed(users, people, county, make_resident):
    make_resident(county.village_a1, name="张三丰", is_active=False, master=people["zsf"])
    assert found(users.village_doctor_a1, "zsf") == [people["zsf"]]
    assert found(users.village_doctor_b1, "zsf") == [people["far"]]
    assert found(users.admin, "zsf") == [people["zsf"], people["far"]]
    assert found(users.ecg_reader, "zsf") == []
    assert found(users.bureau_viewer, "") == []


def test_empty_query_lists_newest_first(users, people):
    assert found(users.township_doctor_b, " ") == [people["far"]]
    ids = [r.pk for r in found(users.village_doctor_a1, "")]
    assert ids == sorted(ids, reverse=True)


def plan(user, text):
    return search(Resident.objects.visible_to(user).listed(), text)[:21].explain()


def test_postgres_prefix_searches_can_use_the_pattern_ops_indexes(county, users):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    # Enough rows, analysed, that the planner's choice reflects the indexes rather than a table of three rows
    # (where any index, or none, costs the same).
    many_residents(county, 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE residents_resident")
    assert "resident_name" in plan(users.admin, "张伟")
    assert "resident_initials" in plan(users.admin, "zwm")
    assert "resident_pinyin" in plan(users.admin, "zhangwei")


def many_residents(county, n):
    rnd = random.Random(7)
    villages = [county.village_a1, county.village_a2, county.village_b1]
    rows = []
    for i in range(n):
        name = rnd.choice("王李张刘陈杨赵黄周吴") + rnd.choice("伟芳娜敏静丽强磊军洋") + rnd.choice("明华英")
        normalised, pinyin, initials = search_keys(name)
        village = villages[i % 3]
        born = date(1930, 1, 1) + timedelta(days=i * 7)
        rows.append(Resident(name=name, sex="1", birth_date=born, id_number=make_id_number("430124", born, i, "1"),
                             phone=f"139{i:08d}", village=village, catchment_org_id=village.clinic_id,
                             name_normalised=normalised, name_pinyin=pinyin, name_initials=initials))
    return Resident.objects.bulk_create(rows, batch_size=1000)


def test_prefix_searches_use_the_declared_indexes(county, users):
    if connection.vendor != "sqlite":
        pytest.skip("plan text checked on SQLite")
    rows = many_residents(county, 600)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for user in (users.township_doctor_a, users.admin):
        assert "USING INDEX resident_name (name_normalised>? AND name_normalised<?)" in plan(user, "张伟")
        assert "USING INDEX resident_initials" in plan(user, "zwm")
        assert "USING INDEX resident_pinyin" in plan(user, "zhangwei")
        assert "USING INDEX resident_phone" in plan(user, "13900000007")
        by_number = plan(user, rows[5].id_number)
        assert "USING INTEGER PRIMARY KEY" in by_number and "SCAN residents_resident" not in by_number
