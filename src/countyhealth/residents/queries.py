"""Scoped reads of residents: the platform's one `visible_to(user)` rule for resident data."""

from django.apps import apps
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Reach
from countyhealth.orgs.models import Village

from .names import normalise_name
from .rules import PhoneError, legacy_to_18, normalise_id_number, normalise_phone

# A record merged into one that was merged in turn: old numbers are followed this many links to the master.
MAX_MERGE_CHAIN = 5


class AccessGrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return catchment_scope(self, user, resident_key="id")

    def listed(self):
        """Records shown in lists and search: merged duplicates lead to their master instead."""
        return self.filter(is_active=True)


def granted_resident_ids(org_ids):
    AccessGrant = apps.get_model("residents", "AccessGrant")
    return AccessGrant.objects.active().filter(organisation_id__in=org_ids).values("resident_id")


def catchment_scope(queryset, user, *, resident_key: str):
    """The platform's one scope rule over rows carrying `catchment_org_id`: the user's subtree plus residents
    granted to it, only granted residents for GRANTED roles, everything at the root, nothing otherwise.
    `resident_key` names the row's resident id ("id" on residents, "resident_id" elsewhere)."""
    scope = scope_for(user)
    if not scope.sees_residents:
        return queryset.none()
    granted = Q(**{f"{resident_key}__in": granted_resident_ids(scope.org_ids)})
    if scope.reach is Reach.GRANTED:
        return queryset.filter(granted)
    if scope.everything:
        return queryset
    return queryset.filter(Q(catchment_org_id__in=scope.org_ids) | granted)


class CatchmentScopedQuerySet(models.QuerySet):
    """Base for models that copy the resident's `catchment_org` (worklists): scope is one indexed column
    instead of a subquery over residents. Same rule as `ResidentQuerySet.visible_to`."""

    def visible_to(self, user):
        return catchment_scope(self, user, resident_key="resident_id")

    def responsible_to(self, user):
        """A worklist's rows: the user's own catchment only (everything for a root organisation). A subset of
        `visible_to` without the access-grant branch, whose OR keeps PostgreSQL off the catchment index
        (92 ms p50 for a due list at 1M residents, against 3 ms for the catchment alone)."""
        scope = scope_for(user)
        if scope.reach is not Reach.SUBTREE:
            return self.none()
        return self if scope.everything else self.filter(catchment_org_id__in=scope.org_ids)


class ResidentScopedQuerySet(models.QuerySet):
    """Base for every model with a `resident` foreign key."""

    def visible_to(self, user):
        Resident = apps.get_model("residents", "Resident")
        return self.filter(resident__in=Resident.objects.visible_to(user).values("id"))


class DuplicateCandidateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A pair is reviewed only by someone who may see both records."""
        Resident = apps.get_model("residents", "Resident")
        ids = Resident.objects.visible_to(user).values("id")
        return self.filter(resident_a_id__in=ids, resident_b_id__in=ids)

    def open(self):
        return self.filter(status="open", resident_a__is_active=True, resident_b__is_active=True)


class ResidentLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        Resident = apps.get_model("residents", "Resident")
        ids = Resident.objects.visible_to(user).values("id")
        return self.filter(survivor_id__in=ids, merged_id__in=ids)


def duplicate_candidates() -> DuplicateCandidateQuerySet:
    """DuplicateCandidate rows with `visible_to`, for `get_visible_or_404` and the review list."""
    return DuplicateCandidateQuerySet(model=apps.get_model("residents", "DuplicateCandidate"))


def resident_links() -> ResidentLinkQuerySet:
    return ResidentLinkQuerySet(model=apps.get_model("residents", "ResidentLink"))


def villages_for(user):
    """Villages whose residents the user may register: those served by an organisation in the user's subtree."""
    scope = scope_for(user)
    if scope.reach is not Reach.SUBTREE:
        return Village.objects.none()
    if scope.everything:
        return Village.objects.all()
    return Village.objects.filter(clinic_id__in=scope.org_ids)


def _prefix(queryset, field: str, value: str) -> Q:
    """A prefix match that uses the (field, id) index on both databases.

    PostgreSQL uses a varchar_pattern_ops index for LIKE 'x%'. SQLite's LIKE is case-insensitive and ignores
    indexes (and Django adds an ESCAPE clause), so there the prefix becomes a range on the binary collation:
    every string starting with `value` sorts between `value` and `value` + the highest code point."""
    if connections[queryset.db].vendor == "postgresql":
        return Q(**{f"{field}__startswith": value})
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})


def id_number_holders(value: str, *, legacy: str | None = None) -> list[int]:
    """Ids of the residents an ID number leads to: its own holder, records carrying it as an identifier (kept
    from a merge), and the masters of merged records that held it (old numbers lead to the master).

    Resolved eagerly (a few indexed look-ups) so that the caller's query becomes a primary-key match that
    any scope filter can combine with; an OR of subqueries would defeat SQLite's planner."""
    Resident = apps.get_model("residents", "Resident")
    ResidentIdentifier = apps.get_model("residents", "ResidentIdentifier")
    carried = Q(system=ResidentIdentifier.System.ID_NUMBER, value=value)
    if legacy:
        carried |= Q(system=ResidentIdentifier.System.LEGACY_ID_NUMBER, value=legacy)
    ids = set(Resident.objects.filter(id_number=value).values_list("id", flat=True))
    ids |= set(ResidentIdentifier.objects.filter(carried).values_list("resident_id", flat=True))
    frontier = ids
    for _depth in range(MAX_MERGE_CHAIN):
        masters = set(Resident.objects.filter(pk__in=frontier, master__isnull=False)
                      .values_list("master_id", flat=True)) - ids
        if not masters:
            break
        ids |= masters
        frontier = masters
    return sorted(ids)


def search(queryset, text):
    """Search residents by name, pinyin, initials, ID number (18 or legacy 15 digits) or phone.

    Takes and returns a QuerySet (callers pass `Resident.objects.visible_to(user).listed()`). Names and
    pinyin match by prefix on their indexed keys, ordered by (key, id) or id; numbers match exactly."""
    compact = "".join((text or "").split())
    if not compact:
        return queryset.order_by("-id")
    number = normalise_id_number(compact)
    if len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
        return queryset.filter(id__in=id_number_holders(number)).order_by("id")
    if len(number) == 15 and number.isdigit():
        return queryset.filter(id__in=id_number_holders(legacy_to_18(number), legacy=number)).order_by("id")
    if all(ch.isdigit() or ch in "+-" for ch in compact):
        try:
            return queryset.filter(phone=normalise_phone(compact)).order_by("id")
        except PhoneError:
            return queryset.none()
    name = normalise_name(compact).replace("ü", "v")
    if name.isascii() and name.isalpha():
        # Pick the one index that serves both the filter and the order where the query can only be one kind:
        # without vowels it is initials (zsf); with i, u or v it is pinyin (no syllable starts with them);
        # four letters or more with a vowel is pinyin (zhang). Short ones with a, e or o may be either
        # (ma; awj for 安文杰) and look in both, sorted by pinyin: sorted by id, PostgreSQL walks the primary
        # key past nearly every row of a million (835 ms measured) instead of combining the two prefix indexes.
        vowels = set(name) & set("aeiouv")
        if not vowels:
            return queryset.filter(_prefix(queryset, "name_initials", name)).order_by("name_initials", "id")
        if vowels & set("iuv") or len(name) >= 4:
            return queryset.filter(_prefix(queryset, "name_pinyin", name)).order_by("name_pinyin", "id")
        return queryset.filter(
            _prefix(queryset, "name_initials", name) | _prefix(queryset, "name_pinyin", name)
        ).order_by("name_pinyin", "id")
    return queryset.filter(_prefix(queryset, "name_normalised", name)).order_by("name_normalised", "id")
