"""两病 qualification: decide from public-health management and medication, keep a history row per change, and
tell the platform (2503 register / 2504 end) after the commit."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from countyhealth.audit.log import record_change
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.publichealth.rules.facts import Programme
from countyhealth.publichealth.rules.two_disease import BenefitFacts, Insurance, check_two_disease_benefit
from countyhealth.residents.models import Resident

from .. import adapter, rules
from ..models import Qualification, QualificationChange

CHUNK = 2000


def _facts(resident_ids, *, today) -> dict[int, list[BenefitFacts]]:
    """BenefitFacts per resident and programme. Insurance (Q1) is taken as active resident insurance for anyone with
    an ID number — the platform itself refuses 2503 for someone it does not insure, and the list shows it unsent;
    Q5 (门诊慢特病) and Q6 (place and drug) are settlement-time checks that the platform applies to each drug."""
    programmes = list(rules.DISEASE_CODES)
    enrolments = {}
    for row in (Enrolment.objects.filter(resident_id__in=resident_ids, programme__in=programmes)
                .order_by("enrolled_on", "pk").values("resident_id", "programme", "status", "diagnosis_date")):
        enrolments[row["resident_id"], row["programme"]] = row  # the latest enrolment wins
    latest = (FollowUpVisit.objects.filter(resident_id__in=resident_ids, programme__in=programmes)
              .order_by("resident_id", "programme", "-visit_date", "-pk")
              .values("resident_id", "programme", "medications", "adherence"))
    on_medication = {}
    for row in latest:
        key = (row["resident_id"], row["programme"])
        if key not in on_medication:  # the latest follow-up decides (Q3)
            on_medication[key] = bool(row["medications"]) and row["adherence"] != FollowUpVisit.Adherence.NONE
    prescribed = _last_prescribed(resident_ids)
    insured = set(Resident.objects.filter(pk__in=resident_ids, id_number__isnull=False).exclude(id_number="")
                  .values_list("pk", flat=True))
    facts = defaultdict(list)
    for (resident_id, programme), row in enrolments.items():
        current = row["status"] in (Enrolment.Status.ACTIVE, Enrolment.Status.LOST)
        facts[resident_id].append(BenefitFacts(
            disease=Programme(programme), on=today, insurance=Insurance.RESIDENT,
            insurance_active=resident_id in insured,
            diagnosis_code=rules.DISEASE_CODES[programme] if row["diagnosis_date"] else None,
            diagnosis_confirmed_at_level=1 if row["diagnosis_date"] else None,
            on_medication_at_latest_followup=on_medication.get((resident_id, programme), False),
            last_prescribed_on=prescribed.get((resident_id, programme)), enrolled=current, lost=row["status"] == Enrolment.Status.LOST,
            institution_designated=True, institution_level=1, drug_on_regional_list=True))
    return facts


def _last_prescribed(resident_ids) -> dict[tuple[int, str], object]:
    """The last day a clinic prescription (not cancelled) held an antihypertensive / antidiabetic (Q3)."""
    from countyhealth.clinic.models import PrescriptionItem

    out = {}
    for programme, flag in (("hypertension", "drug__antihypertensive"), ("diabetes", "drug__antidiabetic")):
        rows = (PrescriptionItem.objects.filter(prescription__resident_id__in=resident_ids, **{flag: True})
                .exclude(prescription__status="cancelled").values("prescription__resident_id")
                .annotate(last=Max("prescription__issued_at")))
        for row in rows:
            out[row["prescription__resident_id"], programme] = timezone.localdate(row["last"])
    return out


def decide(facts: list[BenefitFacts]) -> tuple[list[str], list[dict]]:
    diseases, reasons = [], []
    for f in sorted(facts, key=lambda f: f.disease):
        check = check_two_disease_benefit(f)
        if check.qualified:
            diseases.append(str(f.disease))
        reasons.append({"programme": str(f.disease), "failures": [r.code for r in check.failures]})
    return diseases, reasons


def _candidates(organisation_ids):
    programmes = list(rules.DISEASE_CODES)
    enrolled = Enrolment.objects.filter(programme__in=programmes)
    qualified = Qualification.objects.all()
    if organisation_ids is not None:
        enrolled = enrolled.filter(catchment_org_id__in=organisation_ids)
        qualified = qualified.filter(catchment_org_id__in=organisation_ids)
    ids = set(enrolled.values_list("resident_id", flat=True)) | set(qualified.values_list("resident_id", flat=True))
    return sorted(ids)


def do_run_qualification(*, acting_user, organisation_ids=None, today=None) -> dict:
    """Re-decide every candidate in the given organisations (None: the whole county); returns counts."""
    today = today or timezone.localdate()
    counts = {"checked": 0, "qualified": 0, "disqualified": 0, "changed": 0}
    ids = _candidates(organisation_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with transaction.atomic(durable=True):
            _decide_chunk(acting_user, chunk, today, counts)
    # The decisions are committed chunk by chunk; telling the platform happens after, outside any transaction.
    counts["sent"] = send_pending()
    return counts


def _decide_chunk(acting_user, resident_ids, today, counts):
    facts = _facts(resident_ids, today=today)
    existing = {q.resident_id: q for q in Qualification.objects.select_for_update().filter(resident_id__in=resident_ids)}
    catchment = dict(Resident.objects.filter(pk__in=resident_ids).values_list("pk", "catchment_org_id"))
    for resident_id in resident_ids:
        counts["checked"] += 1
        diseases, reasons = decide(facts.get(resident_id, []))
        qualified = bool(diseases)
        current = existing.get(resident_id)
        counts["qualified" if qualified else "disqualified"] += 1
        if current is not None and current.qualified == qualified and current.diseases == diseases:
            continue
        if current is None and not qualified:
            continue  # never qualified, still not: nothing to record
        counts["changed"] += 1
        if current is None:
            current = Qualification(resident_id=resident_id, catchment_org_id=catchment[resident_id], since=today)
        current.qualified, current.diseases, current.reasons = qualified, diseases, reasons
        current.since, current.in_sync = today, False
        current.save()
        QualificationChange.objects.create(qualification=current, qualified=qualified, diseases=diseases,
                                           reasons=reasons, by=acting_user)
        record_change(acting_user, "insurance.qualification_changed", current, resident_id=resident_id,
                      detail={"qualified": qualified, "diseases": diseases})


def send_pending(limit: int = 5000) -> int:
    """Tell the platform about every qualification it has not heard of; idempotent per history row."""
    sent = 0
    codes = rules.DISEASE_CODES
    rows = (Qualification.objects.filter(in_sync=False).select_related("resident", "catchment_org")
            .order_by("pk")[:limit])
    for q in rows:
        if not q.resident.id_number:
            continue
        change = q.changes.order_by("-at", "-pk").first()
        institution = q.catchment_org.code
        try:
            psn_no = adapter.query_person(certno=q.resident.id_number, institution_code=institution)["baseinfo"]["psn_no"]
            for disease in sorted(set(q.diseases) - set(q.sent)):
                adapter.register_condition(psn_no=psn_no, code=codes[disease], begndate=q.since,
                                           msgid=f"q{change.pk}-{change.at:%Y%m%d%H%M%S%f}-{codes[disease]}", institution_code=institution)
            for disease in sorted(set(q.sent) - set(q.diseases)):
                adapter.end_condition(psn_no=psn_no, code=codes[disease], enddate=q.since,
                                      msgid=f"q{change.pk}-{change.at:%Y%m%d%H%M%S%f}-end-{codes[disease]}", institution_code=institution)
        except adapter.Unavailable:
            break  # the platform is down: the next run sends the rest
        except adapter.Refused:
            continue  # e.g. not insured here; stays unsent and visible on the list
        Qualification.objects.filter(pk=q.pk, updated_at=q.updated_at).update(sent=q.diseases, in_sync=True)
        sent += 1
    return sent

