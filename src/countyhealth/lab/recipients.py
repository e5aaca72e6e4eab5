"""Who is called for a critical value at each level (critical-values.md §2, cross-tier rule).

Level 0: the ordering doctor, the clinicians of the ordering department (or, without a department, of the
ordering institution), and for a village-clinic order also the doctors of its township centre.
Level 1: the department head / centre director (`EscalationContact` level 1 of the ordering department or
institution; a village clinic's goes to its township's); without one configured, the institution's
administrators. Level 2: the medical-affairs office — `EscalationContact` level 2 of the institution or any
institution above it, and the users of the county hospital's medical-affairs department; without any, the
consortium administrators at the root."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from countyhealth.accounts.roles import Role
from countyhealth.orgs.models import DepartmentKind, Organisation, OrgType

from .models import EscalationContact

CLINICIANS = (Role.VILLAGE_DOCTOR, Role.TOWNSHIP_DOCTOR, Role.COUNTY_DOCTOR)
MAY_ACKNOWLEDGE = frozenset({*CLINICIANS, Role.CONSORTIUM_ADMIN})


def _active():
    return get_user_model().objects.filter(is_active=True, is_system=False)


def _responsible_org(alert) -> Organisation:
    """A village clinic's alerts also go to its township centre (cross-tier rule)."""
    org = alert.ordering_org
    if org.org_type == OrgType.VILLAGE_CLINIC and org.parent_id is not None:
        return org.parent
    return org


def level_users(alert, level: int) -> list[int]:
    users = _active()
    if level == 0:
        ids = [alert.ordering_doctor_id] if alert.ordering_doctor_id else []
        if alert.ordering_department_id:
            clinicians = users.filter(department_id=alert.ordering_department_id, role__in=CLINICIANS)
        else:
            clinicians = users.filter(organisation_id=alert.ordering_org_id, role__in=CLINICIANS)
        ids += clinicians.values_list("id", flat=True)
        responsible = _responsible_org(alert)
        if responsible.pk != alert.ordering_org_id:
            ids += users.filter(organisation=responsible, role=Role.TOWNSHIP_DOCTOR).values_list("id", flat=True)
        return list(dict.fromkeys(ids))
    if level == 1:
        org = _responsible_org(alert)
        contacts = EscalationContact.objects.filter(level=1, organisation=org)
        if alert.ordering_department_id and org.pk == alert.ordering_org_id:
            specific = contacts.filter(department_id=alert.ordering_department_id)
            contacts = specific if specific.exists() else contacts.filter(department__isnull=True)
        ids = list(contacts.filter(user__is_active=True).values_list("user_id", flat=True))
        return ids or list(users.filter(organisation=org, role=Role.CONSORTIUM_ADMIN).values_list("id", flat=True))
    ancestors = [p for p in _ancestor_paths(alert.ordering_org.path)]
    contacts = EscalationContact.objects.filter(level=2, organisation__path__in=ancestors, user__is_active=True)
    ids = list(contacts.values_list("user_id", flat=True))
    ids += users.filter(Q(department__kind=DepartmentKind.MEDICAL_AFFAIRS)
                        & Q(department__organisation__org_type=OrgType.COUNTY_HOSPITAL)
                        & Q(department__organisation__path__in=ancestors)).values_list("id", flat=True)
    if not ids:
        ids = list(users.filter(role=Role.CONSORTIUM_ADMIN, organisation__parent__isnull=True)
                   .values_list("id", flat=True))
    return list(dict.fromkeys(ids))


def _ancestor_paths(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
