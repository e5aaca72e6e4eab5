"""Roles and what each one covers. One table, read by `access.scope_for` and by the navigation."""

from enum import Enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGE_DOCTOR = "village_doctor", _("Village doctor")
    TOWNSHIP_DOCTOR = "township_doctor", _("Township doctor")
    COUNTY_DOCTOR = "county_doctor", _("County hospital doctor")
    ECG_READER = "ecg_reader", _("County ECG reader")
    RADIOLOGIST = "radiologist", _("County radiologist")
    LAB_TECHNICIAN = "lab_technician", _("Lab technician")
    PUBLIC_HEALTH_OFFICER = "public_health_officer", _("Public-health officer")
    CONSORTIUM_ADMIN = "consortium_admin", _("Consortium administrator")
    BUREAU_VIEWER = "bureau_viewer", _("Health-bureau viewer")


class Reach(Enum):
    """How far a role's view of residents extends."""

    SUBTREE = "subtree"  # residents in the catchment of the user's organisation and everything below it
    GRANTED = "granted"  # only residents whose care was handed to the user's organisation (AccessGrant)
    AGGREGATE = "aggregate"  # no resident rows, only aggregate figures for the whole tree below


ROLE_REACH = {
    Role.VILLAGE_DOCTOR: Reach.SUBTREE,
    Role.TOWNSHIP_DOCTOR: Reach.SUBTREE,
    Role.PUBLIC_HEALTH_OFFICER: Reach.SUBTREE,
    Role.CONSORTIUM_ADMIN: Reach.SUBTREE,
    Role.COUNTY_DOCTOR: Reach.GRANTED,
    Role.ECG_READER: Reach.GRANTED,
    Role.RADIOLOGIST: Reach.GRANTED,
    Role.LAB_TECHNICIAN: Reach.GRANTED,
    Role.BUREAU_VIEWER: Reach.AGGREGATE,
}

# Roles that may register and edit residents (others read only what their duties need).
EDITS_RESIDENTS = {Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN}
# Roles that review duplicate records and merge them; only administrators may undo a merge.
MERGES_RESIDENTS = {Role.TOWNSHIP_DOCTOR, Role.PUBLIC_HEALTH_OFFICER, Role.CONSORTIUM_ADMIN}
UNMERGES_RESIDENTS = {Role.CONSORTIUM_ADMIN}
READS_AUDIT = {Role.CONSORTIUM_ADMIN}
# Roles allowed the 3-hour emergency access (break-glass) to a resident outside their scope.
MAY_BREAK_GLASS = {Role.COUNTY_DOCTOR, Role.ECG_READER, Role.RADIOLOGIST, Role.LAB_TECHNICIAN}
