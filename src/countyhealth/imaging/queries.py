"""Reads of remote imaging, always through `ImagingStudy.objects.visible_to(user)`."""

from django.db.models import Q
from django.utils import timezone

from .models import ImagingStudy

Status = ImagingStudy.Status


def worklist(user, *, show: str = "open"):
    """The radiologist's worklist: studies sent to their hospital, stored in the PACS, not yet reported;
    urgent first, then the oldest. `show="mine"`: only those the user claimed."""
    from countyhealth.accounts.access import scope_for

    qs = (ImagingStudy.objects.visible_to(user)
          .filter(status=Status.AWAITING_READ, to_org_id__in=scope_for(user).org_ids)
          .select_related("resident", "from_org", "claimed_by")
          .order_by("-priority", "created_at", "pk"))
    if show == "mine":
        qs = qs.filter(claimed_by=user, claim_expires_at__gt=timezone.now())
    elif show == "free":
        qs = qs.filter(Q(claimed_by=None) | Q(claim_expires_at__lte=timezone.now()))
    return qs


def sent_by(user):
    """Studies uploaded by the user's organisations, newest first (the township's list)."""
    from countyhealth.accounts.access import scope_for

    scope = scope_for(user)
    qs = ImagingStudy.objects.visible_to(user)
    if not scope.everything:
        qs = qs.filter(from_org_id__in=scope.org_ids)
    return qs.select_related("resident", "from_org", "to_org").order_by("-created_at", "-pk")


def for_resident(user, resident):
    return (ImagingStudy.objects.visible_to(user).filter(resident=resident)
            .select_related("from_org", "to_org").order_by("-created_at"))


def series_of(study) -> list[dict]:
    """The study's series with their Orthanc ids (for the viewer links), in upload order."""
    series: dict[str, dict] = {}
    for row in study.instances.order_by("pk").values("series_instance_uid", "orthanc_series_id"):
        entry = series.setdefault(row["series_instance_uid"], {"uid": row["series_instance_uid"],
                                                               "orthanc_id": row["orthanc_series_id"], "count": 0})
        entry["count"] += 1
        entry["orthanc_id"] = entry["orthanc_id"] or row["orthanc_series_id"]
    return list(series.values())


def claim_active(study) -> bool:
    return bool(study.claimed_by_id and study.claim_expires_at and study.claim_expires_at > timezone.now())
