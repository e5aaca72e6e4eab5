"""Unified appointments (统一预约): sessions split into timed slots (分时段号源), bookings, the waitlist (候补)
and the waiting-room queue (候诊排队).

A slot row carries everything its booking UPDATE needs to decide (pool, is_open, capacity, booked, starts_at), so
the conditional UPDATE filters on the row's own columns only (architecture §4): no oversell on either database."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from countyhealth.orgs.models import Department, Organisation
from countyhealth.residents.models import Resident
from countyhealth.residents.queries import ResidentScopedQuerySet


class BookingPolicy(models.Model):
    """A department's share of slots reserved for referrals from primary care, and when unused ones are released
    to the public. Departments without a row use the defaults in `rules.DEFAULT_POLICY`."""

    department = models.OneToOneField(Department, models.CASCADE, related_name="booking_policy",
                                      verbose_name=_("department"))
    referral_share = models.PositiveSmallIntegerField(_("reserved for referrals (%)"), default=30)
    release_days = models.PositiveSmallIntegerField(_("released to the public (days before)"), default=3)

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")
        constraints = [models.CheckConstraint(condition=Q(referral_share__lte=100), name="policy_share_le_100")]

    def __str__(self):
        return f"{self.department} · {self.referral_share}% / {self.release_days}d"


class SessionQuerySet(models.QuerySet):
    def bookable(self):
        return self.filter(status=Session.Status.OPEN)

    def visible_to(self, user):
        """Sessions at the user's institution and those above it (where they book), or in their scope."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        own = getattr(user, "organisation", None)
        if scope.reach is None or own is None:
            return self.none()
        if scope.everything:
            return self
        ancestors = [own.path[:i] for i in range(3, len(own.path) + 1, 4)]
        return self.filter(models.Q(organisation__path__in=ancestors) | models.Q(organisation_id__in=scope.org_ids))


class Session(models.Model):
    """A department's (or one doctor's) clinic session (出诊), split into slots."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name=_("department"))
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("doctor"))
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # Called next in the queue: the waiting-room display shows it.
    current_number = models.PositiveIntegerField(_("now calling"), null=True, blank=True)
    last_queue_number = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["department", "starts_at"], name="session_dept_start"),
            models.Index(fields=["doctor", "starts_at"], name="session_doctor_start"),
            models.Index(fields=["organisation", "date"], name="session_org_date"),
        ]

    def __str__(self):
        return f"{self.department.name} · {self.starts_at:%Y-%m-%d %H:%M}"


class SlotQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(session__in=Session.objects.visible_to(user))


class Slot(models.Model):
    class Pool(models.TextChoices):
        PUBLIC = "public", _("Public")
        REFERRAL = "referral", _("Reserved for referrals")

    session = models.ForeignKey(Session, models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    pool = models.CharField(_("pool"), max_length=10, choices=Pool.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    is_open = models.BooleanField(default=True)  # copied from the session: the booking UPDATE needs no join
    # A reserved slot still unused at this time goes to the public pool (swept by `tasks.release_reserved_slots`).
    release_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        indexes = [
            models.Index(fields=["session", "starts_at"], name="slot_session_start"),
            models.Index(fields=["release_at"], name="slot_release_at", condition=Q(release_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} · {self.pool} · {self.booked}/{self.capacity}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


ACTIVE_BOOKING = ("booked", "checked_in", "called")


class BookingQuerySet(ResidentScopedQuerySet):
    def visible_to(self, user):
        """The resident's scope, plus bookings at or made by the user's organisations."""
        from countyhealth.accounts.access import scope_for

        scope = scope_for(user)
        if not scope.sees_residents:
            return self.none()
        if scope.everything:
            return self
        by_org = Q(organisation_id__in=scope.org_ids) | Q(booked_by_org_id__in=scope.org_ids)
        return self.filter(by_org | Q(id__in=super().visible_to(user).values("id")))

    def active(self):
        return self.filter(status__in=ACTIVE_BOOKING)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CALLED = "called", _("Called")
        COMPLETED = "completed", _("Seen")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral from primary care")
        DOCTOR = "doctor", _("Booked by a doctor")
        SELF = "self", _("Booked by the resident")
        WAITLIST = "waitlist", _("From the waitlist")
        REBOOK = "rebook", _("Re-booked")

    slot = models.ForeignKey(Slot, models.PROTECT, related_name="bookings")
    session = models.ForeignKey(Session, models.PROTECT, related_name="bookings")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="bookings", verbose_name=_("resident"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("institution"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    booked_by_org = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")
    queue_number = models.PositiveIntegerField(_("queue number"), null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["resident", "starts_at"], name="booking_resident_start"),
            models.Index(fields=["session", "status", "queue_number"], name="booking_queue"),
            models.Index(fields=["booked_by_org", "-created_at"], name="booking_by_org"),
            models.Index(fields=["organisation", "-starts_at"], name="booking_org_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["resident", "session"], condition=Q(status__in=ACTIVE_BOOKING),
                                    name="booking_one_per_session"),
            models.UniqueConstraint(fields=["session", "queue_number"], name="booking_queue_number"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def audit_resident_id(self):
        return self.resident_id


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PROMOTED = "promoted", _("Booked from the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, models.CASCADE, related_name="waitlist")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="+", verbose_name=_("resident"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    booked_by_org = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")
    booking = models.ForeignKey(Booking, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        indexes = [models.Index(fields=["session", "status", "created_at"], name="waitlist_queue")]
        constraints = [
            models.UniqueConstraint(fields=["resident", "session"], condition=Q(status="waiting"),
                                    name="waitlist_one_per_session"),
        ]

    def __str__(self):
        return f"{self.resident} · {self.session_id}"

    @property
    def audit_resident_id(self):
        return self.resident_id
