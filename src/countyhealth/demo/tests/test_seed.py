from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role
from countyhealth.audit.models import AuditLog
from countyhealth.demo.county import COUNTY_CODE, TOWNSHIPS
from countyhealth.demo.seed import DEMO_PASSWORD, SYSTEM_NAME, seed_county
from countyhealth.orgs.models import Department, DepartmentKind, Organisation, OrgType, Village
from countyhealth.residents import matching
from countyhealth.residents.models import DuplicateCandidate, Household, Resident, ResidentIdentifier
from countyhealth.residents.names import search_keys
from countyhealth.residents.rules import age_on, check_id_matches, parse_id_number

pytestmark = pytest.mark.django_db

RESIDENTS = 1000
AS_OF = date(2026, 3, 1)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One county for the whole module, rolled back at the end (seeding is the slow part)."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = seed_county(residents=RESIDENTS, seed=7, as_of=AS_OF)
        yield report
        transaction.set_rollback(True)


def test_organisation_tree_has_hospital_townships_and_clinics(seeded):
    hospital = Organisation.objects.get(parent=None)
    assert hospital.org_type == OrgType.COUNTY_HOSPITAL
    assert hospital.division_code == COUNTY_CODE
    townships = list(Organisation.objects.filter(parent=hospital))
    assert len(townships) == len(TOWNSHIPS) == 3
    clinics = Organisation.objects.filter(org_type=OrgType.VILLAGE_CLINIC)
    assert 110 <= clinics.count() <= 120
    for township in townships:
        assert township.org_type == OrgType.TOWNSHIP_CENTRE
        assert len(township.division_code) == 9 and township.division_code.startswith(COUNTY_CODE)
        assert township.path.startswith(hospital.path + ".") and township.depth == 1
        for clinic in township.children.all():
            assert clinic.org_type == OrgType.VILLAGE_CLINIC
            assert clinic.path.startswith(township.path + ".") and clinic.depth == 2
            assert clinic.division_code.startswith(township.division_code)
    assert Organisation.objects.subtree_of(hospital).count() == 1 + 3 + clinics.count()
    kinds = set(Department.objects.filter(organisation=hospital).values_list("kind", flat=True))
    assert kinds == set(DepartmentKind.values)


def test_every_clinic_serves_one_village_with_a_gb10114_code(seeded):
    villages = list(Village.objects.select_related("clinic"))
    assert len(villages) == Organisation.objects.filter(org_type=OrgType.VILLAGE_CLINIC).count()
    assert len({v.name for v in villages}) == len(villages)
    for village in villages:
        code = village.division_code
        assert len(code) == 12 and code == village.clinic.division_code
        segment = int(code[9:])
        assert 1 <= segment <= 99 or 101 <= segment <= 199
        assert village.name.endswith("社区" if segment < 100 else "村")
        assert village.population >= village.residents.count()


def test_every_role_has_an_account_that_logs_in_with_the_demo_password(seeded, client):
    for role in Role:
        user = User.objects.filter(role=role, is_system=False).order_by("id").first()
        assert user is not None, role
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.username
        client.post(reverse("accounts:logout"))
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.CONSORTIUM_ADMIN
    staff = User.objects.filter(is_system=False)
    assert len({u.password for u in staff}) == 1
    assert {u.full_name != "" for u in staff} == {True}
    assert staff.filter(role=Role.VILLAGE_DOCTOR).count() == Village.objects.count()
    assert not User.objects.get(username=f"system:{SYSTEM_NAME}").has_usable_password()


def test_village_doctors_see_their_own_village_only(seeded):
    doctor = User.objects.get(username="vd_001")
    visible = Resident.objects.visible_to(doctor)
    assert visible.exists()
    assert set(visible.values_list("catchment_org_id", flat=True)) == {doctor.organisation_id}


def test_id_numbers_are_valid_unique_and_agree_with_the_record(seeded):
    residents = list(Resident.objects.all())
    assert len(residents) == RESIDENTS
    numbers = [r.id_number for r in residents if r.id_number]
    assert len(numbers) == len(set(numbers)) == RESIDENTS - DuplicateCandidate.objects.count()
    for r in residents:
        assert r.catchment_org_id == Village.objects.get(pk=r.village_id).clinic_id
        assert (r.name_normalised, r.name_pinyin, r.name_initials) == search_keys(r.name)
        if r.id_number:
            parsed = parse_id_number(r.id_number, today=AS_OF)
            check_id_matches(parsed, birth_date=r.birth_date, sex=r.sex)
            assert parsed.address_code == COUNTY_CODE


def test_record_numbers_follow_the_17_digit_rule_and_are_identifiers(seeded):
    residents = list(Resident.objects.select_related("village"))
    records = [r.record_number for r in residents]
    assert len(set(records)) == len(records)
    per_village = Counter()
    for r in residents:
        assert len(r.record_number) == 17 and r.record_number.startswith(r.village.division_code)
        per_village[r.village_id] += 1
    for village_id, count in per_village.items():
        serials = sorted(int(r.record_number[12:]) for r in residents if r.village_id == village_id)
        assert serials == list(range(1, count + 1))  # filing order: no gaps, no reuse
    identifiers = set(ResidentIdentifier.objects.values_list("resident_id", "system", "value"))
    for r in residents:
        assert (r.pk, ResidentIdentifier.System.RECORD_NUMBER, r.record_number) in identifiers
        if r.id_number:
            assert (r.pk, ResidentIdentifier.System.ID_NUMBER, r.id_number) in identifiers
    assert len(identifiers) == len(residents) + sum(1 for r in residents if r.id_number)


def test_age_and_sex_structure_of_a_rural_county(seeded):
    # Bounds are wide for 1,000 residents spread over 115 villages; at 20,000 the shares are about 14 %
    # aged 65+, 7 % aged 0–6 and 51 % men.
    residents = list(Resident.objects.values_list("birth_date", "sex"))
    ages = [age_on(birth, AS_OF) for birth, _ in residents]
    n = len(ages)
    assert 0.09 <= sum(a >= 65 for a in ages) / n <= 0.20
    assert 0.03 <= sum(a < 7 for a in ages) / n <= 0.10
    assert 0.48 <= sum(sex == "1" for _, sex in residents) / n <= 0.57
    assert max(ages) <= 100 and min(ages) >= 0


def test_households_hold_one_to_six_members_of_one_village(seeded):
    sizes = Counter(Resident.objects.exclude(household=None).values_list("household_id", flat=True))
    assert set(sizes.values()) <= set(range(1, 7))
    assert len(sizes) == Household.objects.count()
    assert Resident.objects.filter(household=None).count() == DuplicateCandidate.objects.count()
    for household in Household.objects.all()[:50]:
        assert {m.village_id for m in household.members.all()} == {household.village_id}
        assert household.number.startswith(household.village.division_code)


def test_probable_duplicates_are_queued_for_review(seeded):
    candidates = list(DuplicateCandidate.objects.all())
    assert len(candidates) == round(RESIDENTS * 0.002)
    for c in candidates:
        a, b = Resident.objects.get(pk=c.resident_a_id), Resident.objects.get(pk=c.resident_b_id)
        assert a.pk < b.pk and a.id_number and b.id_number is None
        assert (a.birth_date, a.sex, a.village_id) == (b.birth_date, b.sex, b.village_id)
        assert a.name_pinyin == b.name_pinyin
        assert c.status == DuplicateCandidate.Status.OPEN
        assert c.score >= matching.PROBABLE_THRESHOLD
        assert {"birth_date", "sex", "village"} <= set(c.reasons)


def test_one_audit_row_records_the_counts(seeded):
    row = AuditLog.objects.get(action="demo.county_seeded")
    assert row.username == f"system:{SYSTEM_NAME}"
    assert row.detail["residents"] == RESIDENTS
    assert row.detail["households"] == Household.objects.count()
    assert row.detail["duplicate_candidates"] == DuplicateCandidate.objects.count()


def test_if_empty_is_a_no_op_and_a_second_seed_is_refused(seeded, capsys):
    before = (Organisation.objects.count(), Resident.objects.count(), User.objects.count())
    call_command("seed_demo", "--if-empty", "--residents", "50")
    assert gettext("Organisations already exist; demo seeding skipped.") in capsys.readouterr().out
    assert (Organisation.objects.count(), Resident.objects.count(), User.objects.count()) == before
    with pytest.raises(CommandError):
        call_command("seed_demo", "--residents", "50")
    assert (Organisation.objects.count(), Resident.objects.count(), User.objects.count()) == before
