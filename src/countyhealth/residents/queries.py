"""Scoped reads of residents: the platform's one `visible_to(user)` rule for resident data."""

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Reach


class AccessGrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        AccessGrant = apps.get_model("residents", "AccessGrant")
        granted = AccessGrant.objects.active().filter(organisation_id__in=scope.org_ids).values("resident_id")
        if scope.reach is Reach.GRANTED:
            return self.filter(id__in=granted)
        if scope.everything:
            return self
        return self.filter(Q(catchment_org_id__in=scope.org_ids) | Q(id__in=granted))

    def listed(self):
        """Records shown in lists and search: merged duplicates lead to their master instead."""
        return self.filter(is_active=True)


class ResidentScopedQuerySet(models.QuerySet):
    """Base for every model with a `resident` foreign key."""

    def visible_to(self, user):
        Resident = apps.get_model("residents", "Resident")
        return self.filter(resident__in=Resident.objects.visible_to(user).values("id"))
