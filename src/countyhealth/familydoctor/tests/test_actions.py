"""The family-doctor actions: each rule refuses bad input and changes nothing; good input writes and audits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from countyhealth.accounts.roles import Role
from countyhealth.audit.models import AuditLog
from countyhealth.core.errors import ActionError, Conflict, NotVisible
from countyhealth.familydoctor import actions, rules
from countyhealth.familydoctor.models import Contract, FamilyDoctorTeam, TeamMember
from countyhealth.residents.actions import NotAllowed
from countyhealth.residents.models import Resident

from .factories import SIGNATURE, data_url, make_contract, package, png_bytes, township_a_team

TODAY = timezone.localdate()


@pytest.fixture
def team(county, users):
    return township_a_team(county, users)


@pytest.fixture
def resident(county, make_resident):
    return make_resident(county.village_a1, birth_date=TODAY.replace(year=TODAY.year - 40) - timedelta(days=3),
                         sex="1")


def signed(**changes):
    return actions.SignatureData(**{"signed_by_name": "张伟", "signature": SIGNATURE, **changes})


def sign(user, resident, team, doctor, **changes):
    fields = {"resident_id": resident.pk, "team_id": team.pk, "doctor_id": doctor.pk,
              "package_ids": [package("JC").pk], "start_date": TODAY, "signed": signed()}
    fields.update(changes)
    return actions.do_sign_contract(acting_user=user, data=actions.ContractData(**fields))


@pytest.fixture
def nothing_changes():
    """Asserts that the block leaves no contract and no audit row behind."""
    def check():
        before = (Contract.objects.count(), AuditLog.objects.count())
        return lambda: (Contract.objects.count(), AuditLog.objects.count()) == before
    return check


def refused(exc_type, fn, *args, **kwargs) -> ActionError:
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    return info.value


# ---- signing ------------------------------------------------------------------------------------------


def test_sign_writes_contract_packages_and_audit(users, resident, team):
    contract = sign(users.village_doctor_a1, resident, team, users.village_doctor_a1,
                    package_ids=[package("JC").pk, package("GXY").pk])
    assert (contract.start_date, contract.end_date) == (TODAY, rules.default_end_date(TODAY))
    assert contract.status == Contract.Status.ACTIVE and contract.signature == SIGNATURE
    assert sorted(cp.package.code for cp in contract.contract_packages.all()) == ["GXY", "JC"]
    assert contract.contract_packages.get(package__code="GXY").resident_amount == package("GXY").resident_amount
    row = AuditLog.objects.get(action="familydoctor.contract_signed")
    assert (row.resident_id, row.user_id, row.detail["packages"]) == (resident.pk, users.village_doctor_a1.pk,
                                                                      ["JC", "GXY"])


def test_overlapping_contract_is_refused(users, resident, team, nothing_changes):
    first = sign(users.village_doctor_a1, resident, team, users.village_doctor_a1)
    unchanged = nothing_changes()
    exc = refused(Conflict, sign, users.township_doctor_a, resident, team, users.township_doctor_a,
                  start_date=TODAY + timedelta(days=30))
    assert exc.code == "contract_overlap" and first.end_date.isoformat() in str(exc.message)
    assert unchanged()


def test_contract_may_follow_the_previous_one(users, resident, team):
    first = sign(users.village_doctor_a1, resident, team, users.village_doctor_a1)
    # After termination the resident may sign again from the day after the last day of service.
    actions.do_terminate_contract(acting_user=users.village_doctor_a1, contract_id=first.pk, terminated_on=TODAY,
                                  reason="changed_team")
    refused(Conflict, sign, users.village_doctor_a1, resident, team, users.village_doctor_a1, start_date=TODAY)
    again = sign(users.village_doctor_a1, resident, team, users.village_doctor_a1,
                 start_date=TODAY + timedelta(days=1))
    assert again.previous_id is None


@pytest.mark.parametrize("code, birth_years, sex", [("LN", 64, "1"), ("ET", 7, "2"), ("YCF", 30, "1")])
def test_package_for_another_group_is_refused(users, county, team, make_resident, nothing_changes, code,
                                              birth_years, sex):
    person = make_resident(county.village_a1, birth_date=rules.years_before(TODAY, birth_years), sex=sex)
    if code == "LN":  # one day short of 65
        person.birth_date = rules.years_before(TODAY, 65) + timedelta(days=1)
        person.save(update_fields=["birth_date"])
    unchanged = nothing_changes()
    exc = refused(ActionError, sign, users.village_doctor_a1, person, team, users.village_doctor_a1,
                  package_ids=[package("JC").pk, package(code).pk])
    assert exc.code in ("package_age", "package_sex") and "package_ids" in exc.fields
    assert unchanged()


def test_elderly_package_accepted_on_the_65th_birthday(users, county, team, make_resident):
    person = make_resident(county.village_a1, birth_date=rules.years_before(TODAY, 65))
    contract = sign(users.village_doctor_a1, person, team, users.village_doctor_a1,
                    package_ids=[package("JC").pk, package("LN").pk])
    assert contract.contract_packages.count() == 2


@pytest.mark.parametrize("signature, code", [
    ("", "signature_missing"),
    (data_url(png_bytes()).replace("image/png", "image/jpeg"), "signature_invalid"),
    ("data:image/png;base64,AAAA", "signature_invalid"),
])
def test_bad_signature_is_refused(users, resident, team, nothing_changes, signature, code):
    unchanged = nothing_changes()
    exc = refused(ActionError, sign, users.village_doctor_a1, resident, team, users.village_doctor_a1,
                  signed=signed(signature=signature))
    assert exc.code == code and "signature" in exc.fields
    assert unchanged()


def test_out_of_scope_resident_is_refused(users, county, team, make_resident, nothing_changes):
    other = make_resident(county.village_b1)
    mine = make_resident(county.village_a1)
    unchanged = nothing_changes()
    refused(NotVisible, sign, users.village_doctor_a1, other, team, users.village_doctor_a1)
    refused(NotVisible, sign, users.township_doctor_b, mine, team, users.village_doctor_a1)
    refused(NotVisible, sign, users.village_doctor_a1, mine.__class__(pk=10**9), team, users.village_doctor_a1)
    assert unchanged()


def test_role_without_contract_duty_is_refused(users, resident, team, nothing_changes):
    unchanged = nothing_changes()
    refused(NotAllowed, sign, users.county_doctor, resident, team, users.village_doctor_a1)
    assert unchanged()


def test_team_must_serve_the_village_and_doctor_be_a_responsible_member(users, county, make_resident, make_user,
                                                                        nothing_changes):
    nurse = make_user(Role.TOWNSHIP_DOCTOR, county.township_a, username="nurse_a")
    team = township_a_team(county, users)
    TeamMember.objects.create(team=team, user=nurse, role=TeamMember.Role.NURSE)
    team.villages.set([county.village_a2])
    person = make_resident(county.village_a1)
    unchanged = nothing_changes()
    exc = refused(ActionError, sign, users.township_doctor_a, person, team, nurse)
    assert set(exc.fields) == {"team_id", "doctor_id"}
    assert unchanged()


def test_dead_resident_cannot_sign(users, county, team, make_resident, nothing_changes):
    person = make_resident(county.village_a1, status=Resident.Status.DEAD)
    unchanged = nothing_changes()
    assert refused(Conflict, sign, users.village_doctor_a1, person, team, users.village_doctor_a1).code == \
        "resident_not_active"
    assert unchanged()


@pytest.mark.parametrize("changes, field", [
    ({"end_date": TODAY}, "end_date"),
    ({"start_date": TODAY + timedelta(days=91)}, "start_date"),
    ({"start_date": TODAY - timedelta(days=366)}, "start_date"),
    ({"package_ids": []}, "package_ids"),
    ({"signed": signed(signed_by_name="  ")}, "signed_by_name"),
])
def test_absurd_input_is_refused(users, resident, team, nothing_changes, changes, field):
    unchanged = nothing_changes()
    exc = refused(ActionError, sign, users.village_doctor_a1, resident, team, users.village_doctor_a1, **changes)
    assert field in exc.fields
    assert unchanged()


def test_several_errors_are_reported_together(users, resident, team):
    exc = refused(ActionError, sign, users.village_doctor_a1, resident, team, users.village_doctor_a1,
                  end_date=TODAY, signed=signed(signature=""))
    assert {"end_date", "signature"} <= set(exc.fields) and exc.code == "invalid"


# ---- renewing -----------------------------------------------------------------------------------------


def test_renewal_starts_the_day_after_the_end_and_chains(users, county, team, make_resident):
    person = make_resident(county.village_a1)
    old = make_contract(person, team, users.village_doctor_a1, start=TODAY - timedelta(days=300))
    new = actions.do_renew_contract(acting_user=users.village_doctor_a1, contract_id=old.pk, signed=signed())
    assert new.previous_id == old.pk and new.start_date == old.end_date + timedelta(days=1)
    assert new.end_date == rules.default_end_date(new.start_date)
    assert (new.team_id, new.doctor_id) == (old.team_id, old.doctor_id)
    assert [cp.package.code for cp in new.contract_packages.all()] == ["JC"]
    assert AuditLog.objects.filter(action="familydoctor.contract_renewed", resident_id=person.pk).exists()
    exc = refused(Conflict, actions.do_renew_contract, acting_user=users.village_doctor_a1, contract_id=old.pk,
                  signed=signed())
    assert exc.code == "already_renewed"


def test_renewal_of_an_ended_contract_starts_today(users, county, team, make_resident):
    person = make_resident(county.village_a1)
    old = make_contract(person, team, users.village_doctor_a1, start=TODAY - timedelta(days=500),
                        status=Contract.Status.EXPIRED)
    new = actions.do_renew_contract(acting_user=users.village_doctor_a1, contract_id=old.pk, signed=signed())
    assert new.start_date == TODAY and new.previous_id == old.pk


def test_renewal_too_early_or_of_terminated_contract_is_refused(users, county, team, make_resident,
                                                                 nothing_changes):
    person = make_resident(county.village_a1)
    fresh = make_contract(person, team, users.village_doctor_a1, start=TODAY)
    ended = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1,
                          start=TODAY - timedelta(days=100), terminated_on=TODAY - timedelta(days=1))
    unchanged = nothing_changes()
    assert refused(ActionError, actions.do_renew_contract, acting_user=users.village_doctor_a1,
                   contract_id=fresh.pk, signed=signed()).code == "renewal_too_early"
    assert refused(Conflict, actions.do_renew_contract, acting_user=users.village_doctor_a1,
                   contract_id=ended.pk, signed=signed()).code == "contract_terminated"
    assert unchanged()


def test_renewal_rechecks_the_age_groups(users, county, team, make_resident, nothing_changes):
    # Turns 7 during the first year: the child package cannot be renewed.
    child = make_resident(county.village_a1, birth_date=rules.years_before(TODAY, 7) + timedelta(days=30))
    old = make_contract(child, team, users.village_doctor_a1, start=TODAY - timedelta(days=300), codes=("JC", "ET"))
    unchanged = nothing_changes()
    exc = refused(ActionError, actions.do_renew_contract, acting_user=users.village_doctor_a1, contract_id=old.pk,
                  signed=signed())
    assert exc.code == "package_age"
    assert unchanged()
    new = actions.do_renew_contract(acting_user=users.village_doctor_a1, contract_id=old.pk, signed=signed(),
                                    package_ids=[package("JC").pk])
    assert new.previous_id == old.pk


def test_renewal_out_of_scope_is_refused(users, county, team, make_resident, nothing_changes):
    old = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1,
                        start=TODAY - timedelta(days=300))
    unchanged = nothing_changes()
    refused(NotVisible, actions.do_renew_contract, acting_user=users.township_doctor_b, contract_id=old.pk,
            signed=signed())
    assert unchanged()


# ---- terminating and expiring -------------------------------------------------------------------------


def test_terminate_records_the_last_day_and_reason(users, county, team, make_resident):
    c = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1,
                      start=TODAY - timedelta(days=30))
    done = actions.do_terminate_contract(acting_user=users.township_doctor_a, contract_id=c.pk, terminated_on=TODAY,
                                         reason="moved_out", note="迁往外省")
    assert (done.status, done.terminated_on, done.termination_reason, done.terminated_by_id) == (
        "terminated", TODAY, "moved_out", users.township_doctor_a.pk)
    assert AuditLog.objects.get(action="familydoctor.contract_terminated").resident_id == c.resident_id
    assert refused(Conflict, actions.do_terminate_contract, acting_user=users.township_doctor_a, contract_id=c.pk,
                   terminated_on=TODAY, reason="moved_out").code == "already_terminated"


@pytest.mark.parametrize("offset, reason, note, field", [
    (1, "moved_out", "", "terminated_on"),
    (-40, "moved_out", "", "terminated_on"),
    (0, "because", "", "reason"),
    (0, "other", "", "note"),
])
def test_bad_termination_changes_nothing(users, county, team, make_resident, offset, reason, note, field):
    c = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1,
                      start=TODAY - timedelta(days=30))
    exc = refused(ActionError, actions.do_terminate_contract, acting_user=users.village_doctor_a1, contract_id=c.pk,
                  terminated_on=TODAY + timedelta(days=offset), reason=reason, note=note)
    assert field in exc.fields
    c.refresh_from_db()
    assert (c.status, c.terminated_on) == ("active", None)


def test_terminate_before_start_voids_a_future_contract(users, county, team, make_resident):
    start = TODAY + timedelta(days=20)
    c = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1, start=start)
    actions.do_terminate_contract(acting_user=users.village_doctor_a1, contract_id=c.pk,
                                  terminated_on=start - timedelta(days=1), reason="signed_in_error")
    assert not Contract.objects.active_at(start).filter(pk=c.pk).exists()


def test_terminate_out_of_scope_is_refused(users, county, team, make_resident):
    c = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1, start=TODAY)
    refused(NotVisible, actions.do_terminate_contract, acting_user=users.village_doctor_b1, contract_id=c.pk,
            terminated_on=TODAY, reason="moved_out")
    c.refresh_from_db()
    assert c.status == "active"


def test_expiry_sweep(users, county, team, make_resident):
    old = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1,
                        start=TODAY - timedelta(days=400))
    live = make_contract(make_resident(county.village_a1), team, users.village_doctor_a1, start=TODAY)
    assert actions.do_expire_contracts(acting_user=users.admin) == 1
    old.refresh_from_db()
    live.refresh_from_db()
    assert (old.status, live.status) == ("expired", "active")
    assert actions.do_expire_contracts(acting_user=users.admin) == 0


# ---- teams --------------------------------------------------------------------------------------------


def team_data(county, users, **changes):
    fields = {
        "name": "东山镇家庭医生团队", "organisation_id": county.township_a.pk,
        "village_ids": [county.village_a1.pk, county.village_a2.pk], "phone": "0731-84120001",
        "members": [actions.MemberData(users.township_doctor_a.pk, "gp", True, "13800000001"),
                    actions.MemberData(users.village_doctor_a1.pk, "village_doctor", False, "")],
    }
    fields.update(changes)
    return actions.TeamData(**fields)


def test_create_team(users, county):
    team = actions.do_create_team(acting_user=users.township_doctor_a, data=team_data(county, users))
    assert team.phone == "0731-84120001"
    assert set(team.villages.values_list("name", flat=True)) == {"东山村", "南岭村"}
    assert team.members.get(is_lead=True).user == users.township_doctor_a
    assert AuditLog.objects.filter(action="familydoctor.team_created", object_id=str(team.pk)).exists()


@pytest.mark.parametrize("changes, field", [
    ({"members": []}, "members"),
    ({"name": ""}, "name"),
    ({"village_ids": []}, "village_ids"),
])
def test_team_needs_name_members_and_villages(users, county, changes, field):
    exc = refused(ActionError, actions.do_create_team, acting_user=users.township_doctor_a,
                  data=team_data(county, users, **changes))
    assert field in exc.fields
    assert not FamilyDoctorTeam.objects.exists()


def test_team_rules(users, county):
    def members(*rows):
        return [actions.MemberData(*row) for row in rows]

    cases = [
        members((users.township_doctor_a.pk, "nurse", True, "")),  # lead not a GP
        members((users.township_doctor_a.pk, "gp", False, "")),  # no lead
        members((users.township_doctor_a.pk, "gp", True, ""), (users.township_doctor_b.pk, "nurse", False, "")),
        members((users.township_doctor_a.pk, "gp", True, ""), (users.bureau_viewer.pk, "nurse", False, "")),
        members((users.township_doctor_a.pk, "gp", True, "abc")),  # bad phone
    ]
    for rows in cases:
        exc = refused(ActionError, actions.do_create_team, acting_user=users.township_doctor_a,
                      data=team_data(county, users, members=rows))
        assert "members" in exc.fields, rows
    exc = refused(ActionError, actions.do_create_team, acting_user=users.township_doctor_a,
                  data=team_data(county, users, village_ids=[county.village_b1.pk]))
    assert "village_ids" in exc.fields
    exc = refused(ActionError, actions.do_create_team, acting_user=users.township_doctor_a,
                  data=team_data(county, users, organisation_id=county.township_b.pk))
    assert "organisation_id" in exc.fields
    assert not FamilyDoctorTeam.objects.exists()


def test_county_specialist_may_join_and_village_doctor_may_not_manage(users, county):
    team = actions.do_create_team(acting_user=users.admin, data=team_data(county, users, members=[
        actions.MemberData(users.township_doctor_a.pk, "gp", True, ""),
        actions.MemberData(users.county_doctor.pk, "specialist", False, ""),
    ]))
    assert team.members.count() == 2
    refused(NotAllowed, actions.do_create_team, acting_user=users.village_doctor_a1,
            data=team_data(county, users, name="另一个团队"))


def test_member_with_contracts_in_force_cannot_be_removed(users, county, team, make_resident):
    make_contract(make_resident(county.village_a1), team, users.village_doctor_a1, start=TODAY)
    data = team_data(county, users, name=team.name, members=[
        actions.MemberData(users.township_doctor_a.pk, "gp", True, "")])
    exc = refused(ActionError, actions.do_update_team, acting_user=users.township_doctor_a, team_id=team.pk,
                  data=data)
    assert exc.code == "member_has_contracts"
    assert team.members.count() == 2
    exc = refused(ActionError, actions.do_update_team, acting_user=users.township_doctor_a, team_id=team.pk,
                  data=team_data(county, users, name=team.name, is_active=False))
    assert exc.code == "team_has_contracts"


def test_update_team_changes_members_and_lead(users, county, team, make_user):
    gp2 = make_user(Role.TOWNSHIP_DOCTOR, county.township_a, username="gp2")
    data = team_data(county, users, name="改名团队", members=[
        actions.MemberData(users.township_doctor_a.pk, "gp", False, ""),
        actions.MemberData(gp2.pk, "gp", True, ""),
        actions.MemberData(users.village_doctor_a1.pk, "village_doctor", False, "")])
    actions.do_update_team(acting_user=users.township_doctor_a, team_id=team.pk, data=data)
    team.refresh_from_db()
    assert team.name == "改名团队" and team.members.get(is_lead=True).user == gp2
    refused(NotVisible, actions.do_update_team, acting_user=users.township_doctor_b, team_id=team.pk, data=data)
