"""The elderly programme's yearly service is the annual health check (PHS3 §5.2): a check that is complete for
the elderly (records computes the verdict, guidance included) fulfils the year, so the enrolment leaves the due
list until the next year's list opens on 1 January."""

from django.utils.translation import gettext as _

from countyhealth.audit import log as audit

from .models import Enrolment
from .rules import Programme, elderly_due_list_opens


def apply_health_check(*, check, acting_user) -> None:
    """Listener of `records.health_check_saved`, inside the check's transaction."""
    if not check.is_complete_for_elderly:
        return
    enrolment = (Enrolment.objects.current().select_for_update()
                 .filter(resident_id=check.resident_id, programme=Programme.ELDERLY).first())
    if enrolment is None or (enrolment.last_visit_date and enrolment.last_visit_date > check.check_date):
        return
    enrolment.last_visit_date = check.check_date
    enrolment.next_due = elderly_due_list_opens(check.check_date.year + 1)
    enrolment.next_due_label = _("Annual health check")
    enrolment.save(update_fields=["last_visit_date", "next_due", "next_due_label"])
    audit.record_change(acting_user, "publichealth.elderly_year_fulfilled", enrolment, resident_id=check.resident_id,
                        detail={"check_id": check.pk, "next_due": enrolment.next_due.isoformat()})
