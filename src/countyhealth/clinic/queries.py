"""Reads of the clinic: worklists, a visit's fees (what the insurance app settles), the public-health services a
patient is due for (read from publichealth and records, never recomputed here), stock and shortages."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countyhealth.publichealth.models import Enrolment
from countyhealth.publichealth.rules import Programme
from countyhealth.records.models import PersonalInfo

from .models import Drug, FeeLine, Shortage, StockBatch, Visit

# A programme service due within this many days is offered in the visit (the patient is here now).
DUE_SOON_DAYS = 14


def visits_at(user, on: date | None = None, status: str | None = None):
    """The worklist: visits at the user's own institution (newest first), optionally one day and status."""
    qs = Visit.objects.visible_to(user).filter(organisation_id=user.organisation_id).select_related(
        "resident", "doctor")
    if on:
        qs = qs.filter(visit_date=on)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-visit_date", "-id")


def visit_fees(visit: Visit) -> list[FeeLine]:
    """The visit's fee lines, for the receipt and the insurance upload (drug lines carry `drug`)."""
    return list(FeeLine.objects.filter(visit=visit).select_related("drug").order_by("id"))


def fee_totals(visit: Visit) -> dict[str, object]:
    rows = FeeLine.objects.filter(visit=visit).values("kind").annotate(total=Sum("amount")).order_by("kind")
    return {row["kind"]: row["total"] for row in rows}


@dataclass(frozen=True)
class DueService:
    code: str  # "followup:hypertension", "child", "elderly", "health_record"
    label: str
    due: date | None
    url: str  # where it is completed; the chronic follow-up is completed inside the visit
    in_visit: bool


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def due_services(visit: Visit, today: date) -> list[DueService]:
    """What the patient is due for, from the programmes' own `next_due` (publichealth) and the health record."""
    resident_id = visit.resident_id
    found = []
    if not PersonalInfo.objects.filter(resident_id=resident_id).exists():
        found.append(DueService("health_record", str(_("No health record yet: open one")), None,
                                _url("records:record-open", resident_id), False))
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    enrolments = (Enrolment.objects.current().filter(resident_id=resident_id, next_due__lte=horizon)
                  .exclude(last_visit_date=today).order_by("next_due"))  # done today: nothing more to offer
    for enrolment in enrolments:
        programme = Programme(enrolment.programme)
        # The label is stored in the language of whoever scheduled it; shown in the reader's language.
        label = f"{programme.label} · {gettext(enrolment.next_due_label)}"
        if programme in (Programme.HYPERTENSION, Programme.DIABETES):
            found.append(DueService(f"followup:{programme.value}", label, enrolment.next_due,
                                    reverse("clinic:visit-followup", args=[visit.pk, programme.value]), True))
        elif programme == Programme.CHILD:
            found.append(DueService("child", label, enrolment.next_due,
                                    _url("publichealth:child-visit-create", resident_id), False))
        elif programme == Programme.ELDERLY:
            found.append(DueService("elderly", label, enrolment.next_due,
                                    _url("records:check-create", resident_id), False))
    return found


def order_link(kind: str) -> str:
    """The page of the module that carries out an order, when that module offers one (lab, ECG, imaging are
    sibling apps: linked by URL name, never imported)."""
    names = {"lab": "lab:order-list", "ecg": "ecg:worklist", "imaging": "imaging:study-list"}
    return _url(names[kind]) if kind in names else ""


def settlement_links(visit: Visit) -> dict[str, str]:
    """Where the insurance module settles this visit, or shows its settlement (linked by URL name: the insurance
    app sits above the clinic and is never imported here)."""
    if visit.status == "dispensed":
        return {"settle": _url("insurance:visit-presettle", visit.pk)}
    prefix = "insurance:"
    if visit.status in ("settled", "closed") and visit.settlement_ref.startswith(prefix):
        ref = visit.settlement_ref[len(prefix):]
        if ref.isdigit():
            return {"settlement": _url("insurance:settlement-detail", int(ref))}
    return {}


def stock_summary(user, *, organisation_id: int, text: str = "", today: date):
    """Drugs with their usable quantity at one institution (one grouped query)."""
    drugs = Drug.objects.filter(is_active=True)
    if text:
        drugs = drugs.filter(Q(name_zh__contains=text) | Q(initials__startswith=text.lower()) | Q(code__iexact=text))
    usable = Sum("batches__quantity", filter=Q(batches__organisation_id=organisation_id,
                                               batches__expiry_date__gte=today), default=0)
    return drugs.annotate(on_hand=usable).order_by("code")


def batches_at(user, organisation_id: int, *, text: str = "", drug: Drug | None = None):
    """Batches held at one institution, by drug then earliest expiry (index stockbatch_fefo)."""
    qs = StockBatch.objects.visible_to(user).filter(organisation_id=organisation_id).select_related("drug")
    if drug is not None:
        qs = qs.filter(drug=drug)
    if text:
        qs = qs.filter(Q(drug__name_zh__contains=text) | Q(drug__initials__startswith=text.lower())
                       | Q(drug__code__iexact=text) | Q(batch_number=text))
    return qs.order_by("drug_id", "expiry_date", "id")


def shortages_for(user, *, open_only: bool = True):
    """缺药登记 the user oversees: own institution and, for a township, its village clinics."""
    qs = Shortage.objects.visible_to(user).select_related("organisation", "drug", "registered_by")
    if open_only:
        qs = qs.filter(resolved_at=None)
    return qs.order_by("-registered_at", "-id")


def drug_search(text: str, limit: int = 20):
    text = (text or "").strip()
    if not text:
        return []
    match = Q(name_zh__contains=text) | Q(code__iexact=text)
    if text.isascii() and text.isalpha():
        match |= Q(initials__contains=text.lower()) | Q(ingredient__startswith=text.lower())
    return list(Drug.objects.filter(match, is_active=True).order_by("code")[:limit])


def visits_for_syndromic_counts(start, end):
    """Outpatient visits as surveillance's syndromic counting reads them (chief complaint, temperature):
    (org id, day, resident id, chief complaint, temperature), registered from `ClinicConfig.ready()`."""
    return (Visit.objects.filter(visit_date__gte=start, visit_date__lte=end)
            .values_list("organisation_id", "visit_date", "resident_id", "chief_complaint", "temperature")
            .iterator(chunk_size=10000))
