"""The demo county's public-health programmes (demo/programmes.py) on a small county: the rows are what the
actions and rules would have written, and the figures vary the way a real county's do."""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import transaction

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.audit.models import AuditLog
from countyhealth.demo.seed import SYSTEM_NAME, seed_county
from countyhealth.familydoctor.models import Contract, FamilyDoctorTeam
from countyhealth.orgs.models import Organisation, OrgType
from countyhealth.publichealth import actions, queries, rules
from countyhealth.publichealth.actions import NEXT_DUE_LABELS, child_next_due
from countyhealth.publichealth.indicators import compute
from countyhealth.publichealth.indicators.definitions import INDICATORS
from countyhealth.publichealth.models import ChildVisit, Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import NextAction, Programme, VisitMode
from countyhealth.records.models import (
    AnnualHealthCheck,
    PersonalInfo,
    RecordNumberCounter,
    RecordStatusChange,
)
from countyhealth.referrals.models import Referral
from countyhealth.residents.models import AccessGrant, Resident
from countyhealth.residents.rules import age_on

pytestmark = pytest.mark.django_db

RESIDENTS = 800
AS_OF = date(2026, 10, 15)
PERIOD = rules.Period(date(2026, 1, 1), AS_OF)
CHRONIC = (Programme.HYPERTENSION, Programme.DIABETES)
SIGNS = {s.value: s for s in (*rules.HypertensionDangerSign, *rules.DiabetesDangerSign)}


def _fingerprint() -> tuple:
    """The seeded programmes by natural keys (primary keys differ between databases)."""
    record = dict(Resident.objects.values_list("pk", "record_number"))
    visits = sorted((record[r], p, str(d), m, s, b, str(f), c, str(n)) for r, p, d, m, s, b, f, c, n in
                    FollowUpVisit.objects.values_list("resident_id", "programme", "visit_date", "mode", "sbp", "dbp",
                                                      "fpg", "follow_up_class", "next_due"))
    enrolments = sorted((record[r], p, str(e), s, str(n)) for r, p, e, s, n in Enrolment.objects.values_list(
        "resident_id", "programme", "enrolled_on", "status", "next_due"))
    children = sorted((record[r], s, str(d)) for r, s, d in ChildVisit.objects.values_list(
        "resident_id", "slot", "visit_date"))
    checks = sorted((record[r], str(d), s, b) for r, d, s, b in AnnualHealthCheck.objects.values_list(
        "resident_id", "check_date", "sbp", "dbp"))
    contracts = sorted((record[r], str(s), str(e)) for r, s, e in Contract.objects.values_list(
        "resident_id", "start_date", "end_date"))
    return visits, enrolments, children, checks, contracts, PersonalInfo.objects.count()


def _seeded_fingerprint(django_db_blocker, seed: int) -> tuple:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_county(residents=300, seed=seed, as_of=AS_OF, programmes=True)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_the_same_seed_gives_the_same_programmes(django_db_setup, django_db_blocker):
    # First in the module: it seeds (and rolls back) before the shared county below exists.
    first = _seeded_fingerprint(django_db_blocker, 11)
    assert first[0] and first[1] and first[2] and first[3] and first[4]
    assert _seeded_fingerprint(django_db_blocker, 11) == first
    assert _seeded_fingerprint(django_db_blocker, 12) != first


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = seed_county(residents=RESIDENTS, seed=7, as_of=AS_OF, programmes=True)
        yield report.counts["programmes"]
        transaction.set_rollback(True)


def _adults_35():
    return [r for r in Resident.objects.filter(is_active=True) if age_on(r.birth_date, AS_OF) >= 35]


def test_prevalence_is_that_of_a_rural_county(seeded):
    adults = {r.pk for r in _adults_35()}
    htn = set(Enrolment.objects.filter(programme=Programme.HYPERTENSION).values_list("resident_id", flat=True))
    dm = set(Enrolment.objects.filter(programme=Programme.DIABETES).values_list("resident_id", flat=True))
    assert htn <= adults and dm <= adults
    # ~25 % and ~10 % of adults aged 35+ (bounds allow for ~500 adults).
    assert 0.17 <= len(htn) / len(adults) <= 0.33
    assert 0.05 <= len(dm) / len(adults) <= 0.16
    # Diabetes is more common with hypertension than without it.
    assert len(dm & htn) / len(htn) > len(dm - htn) / len(adults - htn)
    # Hypertension rises with age.
    by_band = defaultdict(list)
    for r in _adults_35():
        by_band[age_on(r.birth_date, AS_OF) >= 60].append(r.pk in htn)
    assert sum(by_band[True]) / len(by_band[True]) > sum(by_band[False]) / len(by_band[False])


def test_age_programmes_hold_everyone_the_daily_job_would_enrol(seeded):
    for enrolment in Enrolment.objects.filter(programme=Programme.ELDERLY).select_related("resident"):
        assert rules.in_elderly_target(enrolment.resident.birth_date, AS_OF.year)
    for enrolment in Enrolment.objects.filter(programme=Programme.CHILD).select_related("resident"):
        assert rules.is_child_age(enrolment.resident.birth_date, AS_OF)
        assert enrolment.enrolled_on == enrolment.resident.birth_date
    created = actions.do_enrol_age_programmes(acting_user=system_user(SYSTEM_NAME), on=AS_OF)
    assert created == {"elderly": 0, "child": 0}


def test_every_followup_is_classified_as_the_rules_say(seeded):
    birth = dict(Resident.objects.values_list("pk", "birth_date"))
    chronic_since = defaultdict(dict)
    for resident_id, programme, enrolled_on in Enrolment.objects.filter(programme__in=CHRONIC).values_list(
            "resident_id", "programme", "enrolled_on"):
        chronic_since[resident_id][Programme(programme)] = enrolled_on
    visits = list(FollowUpVisit.objects.order_by("enrolment_id", "visit_date", "id"))
    assert len(visits) > 500
    previous, checked = {}, Counter()
    for v in visits:
        programme = Programme(v.programme)
        facts = rules.VisitFacts(
            programme=programme, visit_date=v.visit_date, birth_date=birth[v.resident_id], sbp=v.sbp, dbp=v.dbp,
            fpg=v.fpg, heart_rate=v.heart_rate, temperature=v.temperature,
            danger_signs=frozenset(SIGNS[s] for s in v.danger_signs), adr=v.adr,
            adr_uncontrollable=v.adr_uncontrollable, new_or_worse_complication=v.new_or_worse_complication,
            other_unmanageable=v.other_unmanageable, mode=VisitMode(v.mode),
            other_programmes=frozenset(p for p, since in chronic_since[v.resident_id].items()
                                       if p != programme and since <= v.visit_date),
        )
        decision = rules.classify_visit(facts, previous.get(v.enrolment_id))
        assert (v.follow_up_class, v.next_action, v.next_due, v.controlled) == (
            decision.follow_up_class, decision.next_action, decision.next_due, decision.controlled), v.pk
        assert [r["code"] for r in v.reasons if "kind" not in r] == list(decision.reason_codes)
        assert v.visit_date >= Enrolment.objects.get(pk=v.enrolment_id).enrolled_on
        if VisitMode(v.mode).face_to_face:
            previous[v.enrolment_id] = rules.PreviousVisit(visit_date=v.visit_date, sbp=v.sbp, dbp=v.dbp,
                                                           fpg=v.fpg, adr=v.adr,
                                                           next_action=NextAction(v.next_action))
        checked[v.next_action] += 1
    # Every row of the action table occurs, emergencies rarely.
    assert set(checked) == set(NextAction)
    assert checked[NextAction.EMERGENCY_REFERRAL] / len(visits) < 0.03
    assert checked[NextAction.ROUTINE] / len(visits) > 0.5
    modes = Counter(v.mode for v in visits)
    assert modes[VisitMode.PHONE] and modes[VisitMode.HOME] and modes[VisitMode.CLINIC] > len(visits) / 2


def test_referrals_decided_by_a_visit_exist_as_create_referral_writes_them(seeded):
    hospital = Organisation.objects.get(org_type=OrgType.COUNTY_HOSPITAL)
    for v in FollowUpVisit.objects.select_related("referral"):
        if not NextAction(v.next_action).is_referral:
            assert v.referral is None
            continue
        emergency = v.next_action == NextAction.EMERGENCY_REFERRAL
        assert v.referral.to_org_id == hospital.pk and v.referral.resident_id == v.resident_id
        assert v.referral.urgency == (Referral.Urgency.EMERGENCY if emergency else Referral.Urgency.ROUTINE)
        assert v.referral.source == f"publichealth.followupvisit:{v.pk}"
        assert v.referral.reason and v.referral.created_at.date() <= AS_OF
        assert AccessGrant.objects.filter(resident_id=v.resident_id, organisation=hospital,
                                          note=f"referral:{v.referral_id}").count() == 1
    assert Referral.objects.count() == FollowUpVisit.objects.exclude(referral=None).count()


def test_enrolments_are_due_when_their_last_visit_says(seeded):
    for enrolment in Enrolment.objects.filter(programme__in=CHRONIC):
        visits = list(enrolment.followups.order_by("visit_date", "id"))
        if enrolment.status == Enrolment.Status.ENDED:
            assert enrolment.next_due is None and enrolment.end_reason in ("dead", "moved_out")
            assert Resident.objects.get(pk=enrolment.resident_id).status == enrolment.end_reason
            assert all(v.visit_date <= enrolment.ended_on for v in visits)
            continue
        if not visits:
            assert enrolment.next_due is not None and enrolment.last_visit_date is None
            continue
        last = visits[-1]
        assert (enrolment.next_due, enrolment.last_visit_date, enrolment.last_class) == (
            last.next_due, last.visit_date, last.follow_up_class)
        assert enrolment.next_due_label == str(NEXT_DUE_LABELS[NextAction(last.next_action)])
        if enrolment.status == Enrolment.Status.LOST:
            assert last.visit_date <= enrolment.ended_on
    statuses = Counter(Enrolment.objects.filter(programme__in=CHRONIC).values_list("status", flat=True))
    assert statuses[Enrolment.Status.ACTIVE] / sum(statuses.values()) > 0.75
    assert statuses[Enrolment.Status.LOST] and statuses[Enrolment.Status.ENDED]
    assert RecordStatusChange.objects.count() == Resident.objects.exclude(status=Resident.Status.ACTIVE).count()


def test_child_visits_fill_the_slots_of_the_schedule(seeded):
    states = Counter()
    children = Enrolment.objects.filter(programme=Programme.CHILD).select_related("resident")
    assert children.count() > 20
    for enrolment in children:
        birth = enrolment.resident.birth_date
        visits = {v.visit_date: v.slot for v in enrolment.child_visits.all()}
        schedule = rules.child_schedule(birth, enrolled_on=enrolment.enrolled_on)
        assert {day: slot for slot, day in rules.fulfilled_slots(schedule, visits).items()} == visits
        assert all(day <= AS_OF for day in visits)
        assert (enrolment.next_due, enrolment.next_due_label) == child_next_due(
            birth, sorted(visits), enrolled_on=enrolment.enrolled_on, on=AS_OF)
        states.update(s.state for s in rules.child_slot_statuses(birth, visits, AS_OF,
                                                                 enrolled_on=enrolment.enrolled_on))
    assert states[rules.SlotState.DONE] > states[rules.SlotState.DONE_LATE] > 0
    assert states[rules.SlotState.MISSED] > 0


def test_health_records_and_checks_agree_with_the_programmes(seeded):
    residents = Resident.objects.filter(is_active=True).count()
    infos = {i.resident_id: i for i in PersonalInfo.objects.all()}
    assert 0.75 <= len(infos) / residents <= 0.92
    assert 0.80 <= sum(i.is_complete for i in infos.values()) / len(infos) < 1
    for enrolment in Enrolment.objects.filter(programme=Programme.HYPERTENSION):
        info = infos.get(enrolment.resident_id)
        if info is not None:
            assert {"code": "2", "diagnosed": enrolment.diagnosis_date.strftime("%Y-%m"), "note": ""} in info.past_diseases
    elderly = Enrolment.objects.filter(programme=Programme.ELDERLY).values_list("resident_id", flat=True)
    checked = AnnualHealthCheck.objects.filter(resident_id__in=list(elderly), check_date__year=AS_OF.year - 1)
    assert 0.5 <= checked.values("resident_id").distinct().count() / len(elderly) <= 0.85
    complete = checked.filter(is_complete_for_elderly=True).count()
    assert 0.7 * checked.count() <= complete < checked.count()
    htn = set(Enrolment.objects.filter(programme=Programme.HYPERTENSION).values_list("resident_id", flat=True))
    high = [c.sbp >= 140 or c.dbp >= 90 for c in AnnualHealthCheck.objects.all()]
    high_htn = [c.sbp >= 140 or c.dbp >= 90 for c in AnnualHealthCheck.objects.filter(resident_id__in=htn)]
    assert sum(high_htn) / len(high_htn) > sum(high) / len(high)
    assert RecordNumberCounter.objects.exists()


def test_indicators_show_real_variation(seeded):
    county = Organisation.objects.get(parent=None)
    tree = compute.OrgTree(county)
    totals = tree.at(compute.tally(INDICATORS, PERIOD, compute.scoped_ids(tree)))
    for code in ("htn_control", "dm_control"):
        assert 40 <= totals[code].rate <= 85, code
    for code in ("htn_standardised_mgmt", "dm_standardised_mgmt", "elderly_mgmt", "child_mgmt",
                 "contract_coverage", "e_record_coverage"):
        assert 0 < totals[code].rate < 100, code
    contracted = totals["contract_coverage"].rate
    assert 40 <= contracted <= 65
    assert totals["contract_coverage_key_elderly"].rate > contracted
    assert totals["contract_coverage_key_htn"].rate > contracted


def test_village_doctors_have_due_lists(seeded):
    buckets = Counter()
    for doctor in User.objects.filter(role=Role.VILLAGE_DOCTOR):
        buckets.update({k: v for k, v in queries.bucket_counts(doctor, AS_OF).items()})
    assert buckets["overdue"] and buckets["week"] and buckets["upcoming"] and buckets["behind"]
    busiest = max(User.objects.filter(role=Role.VILLAGE_DOCTOR),
                  key=lambda u: Enrolment.objects.filter(catchment_org_id=u.organisation_id).count())
    assert queries.due_list(busiest, bucket="overdue", on=AS_OF).exists()


def test_teams_contracts_and_the_audit_row(seeded):
    clinics = Organisation.objects.filter(org_type=OrgType.VILLAGE_CLINIC).count()
    centres = Organisation.objects.filter(org_type=OrgType.TOWNSHIP_CENTRE).count()
    assert FamilyDoctorTeam.objects.count() == clinics + centres == seeded.counts["family_doctor_teams"]
    for team in FamilyDoctorTeam.objects.filter(organisation__org_type=OrgType.VILLAGE_CLINIC)[:20]:
        assert team.members.filter(role="village_doctor", user__organisation=team.organisation).exists()
    dead = Resident.objects.exclude(status=Resident.Status.ACTIVE).values_list("pk", flat=True)
    assert not Contract.objects.filter(resident_id__in=list(dead)).exists()
    row = AuditLog.objects.get(action="demo.programmes_seeded")
    assert row.username == f"system:{SYSTEM_NAME}"
    assert row.detail["followupvisit"] == FollowUpVisit.objects.count()
    assert row.detail["enrolment"] == Enrolment.objects.count()
    assert row.detail["contract"] == Contract.objects.count()
