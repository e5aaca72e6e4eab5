"""The referral dashboard's figures (aggregates only: no resident rows, so the health bureau sees them too).

基层首诊率 (primary-care first-visit rate), as this platform can measure it: among *first-contact* bookings —
bookings a patient starts an episode with (booked by a doctor, by the resident, or from the waitlist; not those
made for a referral, nor re-bookings of a follow-up visit), cancelled ones excluded — the share made at township
centres and village clinics. Month of the appointment. Visits without a booking are not counted."""

from datetime import datetime, time

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from countyhealth.accounts.access import scope_for
from countyhealth.appointments.models import Booking
from countyhealth.orgs.models import Organisation, OrgType

from .models import Referral

FIRST_CONTACT = (Booking.Source.DOCTOR, Booking.Source.SELF, Booking.Source.WAITLIST)
PRIMARY_CARE = (OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC)


def _scoped(rows, user, *fields):
    scope = scope_for(user)
    if scope.reach is None:
        return rows.none()
    if scope.everything:
        return rows
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__in": scope.org_ids})
    return rows.filter(condition)


def _month_keys(start, months: int) -> list[str]:
    keys, year, month = [], start.year, start.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return keys


def _key(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m") if hasattr(value, "hour") else value.strftime("%Y-%m")


def figures(user, *, months: int = 12) -> dict:
    today = timezone.localdate()
    back = today.year * 12 + today.month - 1 - (months - 1)  # the month `months - 1` before this one
    first = today.replace(year=back // 12, month=back % 12 + 1, day=1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    keys = _month_keys(first, months)
    referrals = _scoped(Referral.objects.filter(created_at__gte=since), user, "from_org_id", "to_org_id")

    per_month = {k: {"up": 0, "down": 0} for k in keys}
    for row in (referrals.annotate(month=TruncMonth("created_at")).values("month", "direction")
                .annotate(n=Count("id"))):
        per_month.setdefault(_key(row["month"]), {"up": 0, "down": 0})[row["direction"]] += row["n"]

    wait = ExpressionWrapper(F("responded_at") - F("created_at"), output_field=DurationField())
    accept_hours = dict.fromkeys(keys)
    for row in (referrals.filter(responded_at__isnull=False, status__in=["accepted", "arrived", "completed"])
                .annotate(month=TruncMonth("created_at")).values("month").annotate(avg=Avg(wait))):
        if row["avg"] is not None:
            accept_hours[_key(row["month"])] = round(row["avg"].total_seconds() / 3600, 1)

    names = dict(Organisation.objects.values_list("id", "name"))
    by_org: dict[int, dict] = {}
    for row in referrals.values("direction", "from_org_id").annotate(n=Count("id")):
        entry = by_org.setdefault(row["from_org_id"], {"institution": names.get(row["from_org_id"], "?"),
                                                       "up": 0, "down": 0})
        entry[row["direction"]] += row["n"]
    institutions = sorted(by_org.values(), key=lambda e: -(e["up"] + e["down"]))[:20]

    bookings = _scoped(Booking.objects.filter(starts_at__gte=since, source__in=FIRST_CONTACT)
                       .exclude(status=Booking.Status.CANCELLED), user, "organisation_id", "booked_by_org_id")
    visits = {k: [0, 0] for k in keys}  # [primary care, all]
    for row in (bookings.annotate(month=TruncMonth("starts_at")).values("month", "organisation__org_type")
                .annotate(n=Count("id"))):
        counts = visits.setdefault(_key(row["month"]), [0, 0])
        counts[1] += row["n"]
        if row["organisation__org_type"] in PRIMARY_CARE:
            counts[0] += row["n"]
    first_visit_rate = [round(100 * visits[k][0] / visits[k][1], 1) if visits.get(k, [0, 0])[1] else None
                        for k in keys]
    return {
        "months": keys,
        "up": [per_month[k]["up"] for k in keys],
        "down": [per_month[k]["down"] for k in keys],
        "accept_hours": [accept_hours[k] for k in keys],
        "first_visit_rate": first_visit_rate,
        "first_visits": [visits[k][1] for k in keys],
        "institutions": institutions,
    }
