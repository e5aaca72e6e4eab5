"""Writes to the master patient index: registration, edits, duplicates, merge/unmerge, break-glass."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.residents import actions
from countyhealth.residents.actions import ResidentData
from countyhealth.residents.models import (
    AccessGrant,
    DuplicateCandidate,
    Household,
    Resident,
    ResidentIdentifier,
    ResidentLink,
)
from countyhealth.residents.rules import make_id_number
from countyhealth.residents.tests.factories import HouseholdFactory

BIRTH = date(1980, 5, 17)
ID_MALE = make_id_number("110105", BIRTH, 3, "1")  # not the factories' address code: never taken


def data(village, **changes) -> ResidentData:
    base = ResidentData(name="李四", village_id=village.pk, id_number=ID_MALE, phone="13900000001")
    return base.updated(**changes)


def counts():
    return (Resident.objects.count(), Household.objects.count(), ResidentIdentifier.objects.count(),
            DuplicateCandidate.objects.count(), AuditLog.objects.count())


def with_check(first17):
    from countyhealth.residents.rules import id_check_char

    return first17 + id_check_char(first17)


# Registration -------------------------------------------------------------------------------------------------


def test_register_derives_birth_date_and_sex_and_writes_keys_identifier_and_audit(county, users):
    r = actions.do_register_resident(acting_user=users.village_doctor_a1,
                                     data=data(county.village_a1, name="張三豐", household_address="东山村1组3号"))
    r.refresh_from_db()
    assert (r.birth_date, r.sex) == (BIRTH, "1")
    assert (r.name_normalised, r.name_pinyin, r.name_initials) == ("张三丰", "zhangsanfeng", "zsf")
    assert r.catchment_org == county.clinic_a1
    assert r.created_by == users.village_doctor_a1
    assert r.household.village == county.village_a1 and r.household.address == "东山村1组3号"
    assert r.household.number == "4301241012010001"
    assert list(r.identifiers.values_list("system", "value")) == [("id_number", ID_MALE)]
    row = AuditLog.objects.get(action="residents.resident_registered")
    assert (row.resident_id, row.user_id, row.object_id) == (r.pk, users.village_doctor_a1.pk, str(r.pk))


def test_household_serials_follow_the_village(county, users):
    first = actions.do_register_resident(acting_user=users.township_doctor_a,
                                         data=data(county.village_a1, household_address="一号"))
    second = actions.do_register_resident(
        acting_user=users.township_doctor_a,
        data=data(county.village_a1, name="王五", id_number=make_id_number("430124", BIRTH, 9, "2"),
                  phone="", household_address="二号"),
    )
    assert (first.household.number, second.household.number) == ("4301241012010001", "4301241012010002")


def test_register_joins_an_existing_household_and_keeps_an_explicit_birth_date(county, users):
    household = HouseholdFactory(village=county.village_a1)
    r = actions.do_register_resident(acting_user=users.village_doctor_a1,
                                     data=data(county.village_a1, household_id=household.pk, birth_date=BIRTH,
                                               sex="1", phone="0731-8412 3456"))
    assert r.household == household
    assert r.phone == "0731-84123456"


def test_register_without_id_number_needs_birth_date_and_sex(county, users):
    with pytest.raises(ActionError) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1, id_number=""))
    assert set(err.value.fields) == {"birth_date", "sex"}
    newborn = actions.do_register_resident(
        acting_user=users.village_doctor_a1,
        data=data(county.village_a1, id_number="", birth_date=timezone.localdate(), sex="2"),
    )
    assert newborn.id_number is None
    assert not newborn.identifiers.exists()


FUTURE = timezone.localdate() + timedelta(days=1)
BAD_INPUTS = [
    ({"id_number": "43012419800517003"}, "id_number", "id_number_format"),
    ({"id_number": with_check("99012419800517003")}, "id_number", "id_number_address"),
    ({"id_number": "430124190002290017"}, "id_number", "id_number_birth_date"),
    ({"id_number": ID_MALE[:17] + ("0" if ID_MALE[17] != "0" else "1")}, "id_number", "id_number_checksum"),
    ({"sex": "2"}, "id_number", "id_number_mismatch"),
    ({"birth_date": date(1980, 5, 18)}, "id_number", "id_number_mismatch"),
    ({"id_number": "", "sex": "1", "birth_date": FUTURE}, "birth_date", "birth_date_invalid"),
    ({"name": "张" * 51}, "name", "name_too_long"),
    ({"name": "   "}, "name", "name_required"),
    ({"phone": "12345"}, "phone", "phone_invalid"),
    ({"ethnicity": "99"}, "ethnicity", "ethnicity_invalid"),
    ({"residence_type": "3"}, "residence_type", "residence_type_invalid"),
    ({"sex": "7"}, "sex", "sex_invalid"),
    ({"village_id": 987654}, "village_id", "village_invalid"),
    ({"household_address": "路" * 201}, "household_address", "address_too_long"),
]


@pytest.mark.parametrize(("changes", "field", "code"), BAD_INPUTS)
def test_each_bad_input_is_refused_and_changes_nothing(county, users, changes, field, code):
    before = counts()
    with pytest.raises(ActionError) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1, **changes))
    assert err.value.code == code
    assert list(err.value.fields) == [field]
    assert str(err.value.fields[field][0])
    assert counts() == before


def test_id_number_failures_have_distinct_localised_messages(county, users):
    messages = set()
    for changes, _field, _code in BAD_INPUTS[:5]:
        with pytest.raises(ActionError) as err:
            actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1, **changes))
        messages.add(str(err.value.fields["id_number"][0]))
    assert len(messages) == 5
    assert "身份证号码校验码错误。" in messages


def test_a_village_out_of_scope_looks_unknown(county, users):
    with pytest.raises(ActionError) as out_of_scope:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_b1))
    with pytest.raises(ActionError) as unknown:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1, village_id=10**9))
    assert out_of_scope.value.as_dict() == unknown.value.as_dict()
    assert Resident.objects.count() == 0


def test_a_household_of_another_village_is_refused(county, users):
    household = HouseholdFactory(village=county.village_a2)
    with pytest.raises(ActionError) as err:
        actions.do_register_resident(acting_user=users.township_doctor_a,
                                     data=data(county.village_a1, household_id=household.pk))
    assert list(err.value.fields) == ["household_id"]


def test_several_errors_are_reported_together(county, users):
    with pytest.raises(ActionError) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1,
                                     data=data(county.village_a1, name="", phone="x", village_id=None))
    assert err.value.code == "invalid"
    assert set(err.value.fields) == {"name", "phone", "village_id"}


@pytest.mark.parametrize("who", ["ecg_reader", "county_doctor", "bureau_viewer"])
def test_roles_that_do_not_edit_residents_cannot_register(county, users, who):
    with pytest.raises(actions.NotAllowed):
        actions.do_register_resident(acting_user=getattr(users, who), data=data(county.village_a1))


def test_duplicate_id_number_is_refused_with_the_record_when_visible(county, users, make_resident):
    existing = make_resident(county.village_a1, id_number=ID_MALE, sex="1", birth_date=BIRTH)
    before = counts()
    with pytest.raises(actions.DuplicateIdNumber) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1, name="别人"))
    assert err.value.status == 409
    assert err.value.existing_id == existing.pk
    assert err.value.as_dict()["existing_id"] == existing.pk
    assert counts() == before


def test_duplicate_id_number_out_of_scope_says_only_that_it_is_registered(county, users, make_resident):
    make_resident(county.village_b1, id_number=ID_MALE, sex="1", birth_date=BIRTH)
    with pytest.raises(actions.DuplicateIdNumber) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    assert err.value.existing_id is None
    assert "医共体" in str(err.value.message)


def test_an_id_number_carried_by_a_master_is_refused(county, users, make_resident):
    master = make_resident(county.village_a1)
    ResidentIdentifier.objects.create(resident=master, system="id_number", value=ID_MALE)
    with pytest.raises(actions.DuplicateIdNumber) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    assert err.value.existing_id == master.pk


def test_probable_duplicate_is_shown_first_then_queued_when_confirmed(county, users, make_resident):
    existing = make_resident(county.village_a1, name="李四", sex="1", birth_date=BIRTH)
    before = counts()
    with pytest.raises(actions.ProbableDuplicates) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    assert [m.resident for m in err.value.matches] == [existing]
    body = err.value.as_dict()
    assert body["code"] == "probable_duplicate"
    assert body["candidates"][0]["id"] == existing.pk
    assert "*" in body["candidates"][0]["id_number"]
    assert counts() == before

    new = actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1),
                                       confirm_not_duplicate=True)
    pair = DuplicateCandidate.objects.get()
    assert (pair.resident_a, pair.resident_b) == (existing, new)
    assert pair.status == DuplicateCandidate.Status.OPEN
    assert pair.score >= 75 and "name" in pair.reasons
    assert AuditLog.objects.get(action="residents.resident_registered").detail == {"duplicates_queued": [existing.pk]}


def test_probable_duplicates_out_of_scope_are_counted_not_shown(county, users, make_resident):
    make_resident(county.village_b1, name="李四", sex="1", birth_date=BIRTH)
    with pytest.raises(actions.ProbableDuplicates) as err:
        actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    assert err.value.matches == []
    assert err.value.hidden_count == 1
    assert err.value.as_dict()["candidates"] == []


# Edits --------------------------------------------------------------------------------------------------------


def test_update_changes_fields_keys_catchment_and_the_id_identifier(county, users):
    r = actions.do_register_resident(acting_user=users.township_doctor_a, data=data(county.village_a1))
    new_id = make_id_number("430124", BIRTH, 5, "1")
    actions.do_update_resident(acting_user=users.township_doctor_a, resident_id=r.pk,
                               data=data(county.village_a2, name="李思", id_number=new_id))
    r.refresh_from_db()
    assert (r.name, r.name_initials, r.village, r.catchment_org) == ("李思", "ls", county.village_a2, county.clinic_a2)
    assert list(r.identifiers.values_list("value", flat=True)) == [new_id]
    row = AuditLog.objects.get(action="residents.resident_updated")
    assert set(row.detail["fields"]) == {"name", "village", "id_number"}


def test_update_with_the_same_values_writes_nothing(county, users):
    r = actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    before = counts()
    actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=r.pk, data=ResidentData.of(r))
    assert counts() == before


def test_update_refuses_bad_input_and_changes_nothing(county, users):
    r = actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    before = counts()
    with pytest.raises(ActionError):
        actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=r.pk,
                                   data=data(county.village_a1, name="王" * 60, birth_date=FUTURE))
    r.refresh_from_db()
    assert r.name == "李四"
    assert counts() == before


def test_update_out_of_scope_is_not_visible(county, users, make_resident):
    r = make_resident(county.village_b1)
    with pytest.raises(NotVisible):
        actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=r.pk,
                                   data=ResidentData.of(r).updated(name="改名"))


def test_update_to_another_residents_id_number_is_refused(county, users, make_resident):
    other = make_resident(county.village_a1)
    r = actions.do_register_resident(acting_user=users.village_doctor_a1, data=data(county.village_a1))
    with pytest.raises(actions.DuplicateIdNumber):
        actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=r.pk,
                                   data=ResidentData.of(other).updated(name="李四", phone=""))


# Duplicate review, merge and unmerge --------------------------------------------------------------------------


@pytest.fixture
def pair(county, make_resident):
    """Two records of one person, each with an identifier and an access grant."""
    a = make_resident(county.village_a1, name="王芳", sex="2", birth_date=date(1960, 1, 1))
    b = make_resident(county.village_a1, name="王芳", sex="2", birth_date=date(1960, 1, 1), id_number=None)
    ResidentIdentifier.objects.create(resident=a, system="id_number", value=a.id_number)
    ResidentIdentifier.objects.create(resident=b, system="mrn", issuer="HOSP", value="MRN-1")
    grant = AccessGrant.objects.create(resident=b, organisation=county.hospital, reason="referral")
    candidate = DuplicateCandidate.objects.create(resident_a=a, resident_b=b, score=85, reasons=["name"])
    return a, b, grant, candidate


def test_relations_are_discovered_generically():
    found = {(model._meta.label_lower, fk.name) for model, fk in actions.resident_relations()}
    assert {("residents.residentidentifier", "resident"), ("residents.accessgrant", "resident")} <= found
    assert not {m for m, _f in found} & {"residents.residentlink", "residents.duplicatecandidate", "residents.resident"}


def test_merge_moves_every_related_row_and_links_the_duplicate(users, pair):
    a, b, grant, candidate = pair
    mrn = b.identifiers.get()
    link = actions.do_merge_residents(acting_user=users.township_doctor_a, survivor_id=a.pk, merged_id=b.pk,
                                      reason="同一人，重复建档")
    b.refresh_from_db()
    assert (b.master, b.is_active) == (a, False)
    assert set(a.identifiers.values_list("value", flat=True)) == {a.id_number, "MRN-1"}
    assert AccessGrant.objects.get(pk=grant.pk).resident == a
    assert link.moved == {"residents.residentidentifier.resident": [mrn.pk], "residents.accessgrant.resident": [grant.pk]}
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    row = AuditLog.objects.get(action="residents.resident_merged")
    assert row.resident_id == a.pk and row.detail["merged_id"] == b.pk


def test_unmerge_moves_exactly_the_moved_rows_back(users, pair, county):
    a, b, grant, _candidate = pair
    link = actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=b.pk, reason="重复")
    later = AccessGrant.objects.create(resident=a, organisation=county.hospital, reason="lab")
    actions.do_unmerge_residents(acting_user=users.admin, link_id=link.pk, reason="不是同一人")
    b.refresh_from_db()
    assert (b.master, b.is_active) == (None, True)
    assert list(b.identifiers.values_list("value", flat=True)) == ["MRN-1"]
    assert AccessGrant.objects.get(pk=grant.pk).resident == b
    assert AccessGrant.objects.get(pk=later.pk).resident == a  # created after the merge: stays
    link.refresh_from_db()
    assert link.unmerged_by == users.admin and link.unmerge_reason == "不是同一人"
    assert DuplicateCandidate.objects.get(resident_a=a, resident_b=b).status == DuplicateCandidate.Status.NOT_DUPLICATE
    assert AuditLog.objects.filter(action="residents.resident_unmerged", resident_id=a.pk).count() == 1
    with pytest.raises(Conflict):
        actions.do_unmerge_residents(acting_user=users.admin, link_id=link.pk, reason="again")


def test_only_administrators_unmerge(users, pair):
    a, b, _grant, _candidate = pair
    link = actions.do_merge_residents(acting_user=users.township_doctor_a, survivor_id=a.pk, merged_id=b.pk,
                                      reason="重复")
    with pytest.raises(actions.NotAllowed):
        actions.do_unmerge_residents(acting_user=users.township_doctor_a, link_id=link.pk, reason="x")


def test_a_row_the_survivor_already_has_stays_on_the_merged_record(county, users, make_resident):
    a = make_resident(county.village_a1)
    b = make_resident(county.village_a1)
    ResidentIdentifier.objects.create(resident=a, system="mrn", issuer="H", value="7")
    kept = ResidentIdentifier.objects.create(resident=b, system="mrn", issuer="H", value="7")
    moved = ResidentIdentifier.objects.create(resident=b, system="mrn", issuer="H", value="8")
    link = actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=b.pk, reason="重复")
    assert ResidentIdentifier.objects.get(pk=kept.pk).resident == b
    assert ResidentIdentifier.objects.get(pk=moved.pk).resident == a
    assert link.moved == {"residents.residentidentifier.resident": [moved.pk]}
    detail = AuditLog.objects.get(action="residents.resident_merged").detail
    assert detail["left"] == {"residents.residentidentifier.resident": 1}


def test_merge_refusals_change_nothing(county, users, pair, make_resident):
    a, b, _grant, _candidate = pair
    outsider = make_resident(county.village_b1)
    before = counts()
    with pytest.raises(NotVisible):
        actions.do_merge_residents(acting_user=users.township_doctor_a, survivor_id=a.pk, merged_id=outsider.pk,
                                   reason="x")
    with pytest.raises(actions.NotAllowed):
        actions.do_merge_residents(acting_user=users.village_doctor_a1, survivor_id=a.pk, merged_id=b.pk, reason="x")
    with pytest.raises(ActionError) as err:
        actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=b.pk, reason="  ")
    assert list(err.value.fields) == ["reason"]
    with pytest.raises(ActionError):
        actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=a.pk, reason="x")
    assert counts() == before
    assert not ResidentLink.objects.exists()


def test_a_merged_record_cannot_be_merged_or_edited(users, pair):
    a, b, _grant, _candidate = pair
    actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=b.pk, reason="重复")
    with pytest.raises(Conflict):
        actions.do_merge_residents(acting_user=users.admin, survivor_id=b.pk, merged_id=a.pk, reason="重复")
    with pytest.raises(Conflict):
        actions.do_update_resident(acting_user=users.admin, resident_id=b.pk, data=ResidentData.of(b))


def test_not_the_same_person_is_kept_and_never_proposed_again(county, users, pair):
    a, b, _grant, candidate = pair
    actions.do_mark_not_duplicate(acting_user=users.township_doctor_a, candidate_id=candidate.pk)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_DUPLICATE
    assert candidate.reviewed_by == users.township_doctor_a
    assert AuditLog.objects.filter(action="residents.duplicate_dismissed").count() == 1
    # Editing b (phone now equal too) matches a again, but the decision stands: saved without a prompt.
    actions.do_update_resident(acting_user=users.township_doctor_a, resident_id=b.pk,
                               data=ResidentData.of(b).updated(phone=a.phone))
    assert DuplicateCandidate.objects.count() == 1
    with pytest.raises(Conflict):
        actions.do_mark_not_duplicate(acting_user=users.township_doctor_a, candidate_id=candidate.pk)


def test_editing_into_a_new_probable_duplicate_asks_then_queues(county, users, make_resident):
    a = make_resident(county.village_a1, name="杨磊", sex="1", birth_date=date(1991, 7, 7))
    b = make_resident(county.village_a1, name="杨蕾", sex="1", birth_date=date(1991, 7, 8))
    with pytest.raises(actions.ProbableDuplicates):
        actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=b.pk,
                                   data=ResidentData.of(b).updated(name="杨磊", birth_date=date(1991, 7, 7),
                                                                   id_number=""))
    actions.do_update_resident(acting_user=users.village_doctor_a1, resident_id=b.pk,
                               data=ResidentData.of(b).updated(name="杨磊", birth_date=date(1991, 7, 7), id_number=""),
                               confirm_not_duplicate=True)
    assert DuplicateCandidate.objects.filter(resident_a=a, resident_b=b).exists()


# Break-glass --------------------------------------------------------------------------------------------------


def test_break_glass_grants_three_hours_to_the_users_organisation(county, users, make_resident):
    r = make_resident(county.village_b1)
    assert not Resident.objects.visible_to(users.county_doctor).filter(pk=r.pk).exists()
    resident, grant = actions.do_break_glass(acting_user=users.county_doctor, id_number=r.id_number.lower(),
                                             reason="胸痛急诊，需查既往史")
    assert resident == r
    assert (grant.organisation, grant.reason, grant.granted_by) == (county.hospital, "break_glass", users.county_doctor)
    assert timedelta(hours=2, minutes=59) < grant.expires_at - timezone.now() <= timedelta(hours=3)
    assert Resident.objects.visible_to(users.county_doctor).filter(pk=r.pk).exists()
    row = AuditLog.objects.get(action="residents.break_glass_granted")
    assert row.resident_id == r.pk and row.detail["reason"] == "胸痛急诊，需查既往史"
    # Already visible now: no second grant.
    assert actions.do_break_glass(acting_user=users.county_doctor, id_number=r.id_number, reason="复诊")[1] is None


def test_break_glass_leads_a_merged_number_to_the_master(county, users, pair):
    a, b, _grant, _candidate = pair
    b_id = make_id_number("430124", date(1960, 1, 1), 77, "2")
    Resident.objects.filter(pk=b.pk).update(id_number=b_id)
    actions.do_merge_residents(acting_user=users.admin, survivor_id=a.pk, merged_id=b.pk, reason="重复")
    resident, _grant = actions.do_break_glass(acting_user=users.ecg_reader, id_number=b_id, reason="急诊")
    assert resident == a


def test_break_glass_refusals(county, users, make_resident):
    r = make_resident(county.village_b1)
    with pytest.raises(actions.NotAllowed):
        actions.do_break_glass(acting_user=users.village_doctor_a1, id_number=r.id_number, reason="x")
    with pytest.raises(ActionError) as err:
        actions.do_break_glass(acting_user=users.county_doctor, id_number=r.id_number, reason=" ")
    assert list(err.value.fields) == ["reason"]
    with pytest.raises(ActionError) as err:
        actions.do_break_glass(acting_user=users.county_doctor, id_number="123", reason="急诊")
    assert list(err.value.fields) == ["id_number"]
    with pytest.raises(NotVisible):
        actions.do_break_glass(acting_user=users.county_doctor, id_number=ID_MALE, reason="急诊")
    assert not AccessGrant.objects.exists()
    assert not AuditLog.objects.exists()
