"""Downward referrals' care plans (双向转诊·下转): when the county hospital refers a patient back down with a plan
such as "hypertension management, next follow-up on 3 March", the patient enters (or stays in) that programme
with that next due date, so the village doctor finds them on the due list.

Runs inside the referral's transaction, acting as the referring doctor (architecture §2: a helper inside
another action): the county doctor may not enrol residents directly, but their discharge plan must reach the
village, and the audit row says who decided it."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyhealth.audit import log as audit

from .actions import check_eligible
from .models import Enrolment
from .rules import Programme


@transaction.atomic(savepoint=False)
def apply_downward_care_plan(*, referral, acting_user) -> Enrolment | None:
    plan = referral.care_plan or {}
    if not plan.get("programme"):
        return None
    programme = Programme(plan["programme"])
    next_on = date.fromisoformat(plan["next_followup_on"])
    label = _("Follow-up after discharge from %(org)s") % {"org": referral.from_org.name}
    resident = referral.resident
    enrolment = (Enrolment.objects.current().select_for_update()
                 .filter(resident=resident, programme=programme).first())
    if enrolment is None:
        today = timezone.localdate()
        check_eligible(programme, resident.birth_date, today)
        enrolment = Enrolment.objects.create(
            resident=resident, programme=programme, enrolled_on=today, catchment_org_id=resident.catchment_org_id,
            next_due=next_on, next_due_label=label[:100], created_by=acting_user,
        )
        event = "publichealth.enrolment_created"
    else:
        enrolment.next_due, enrolment.next_due_label = next_on, label[:100]
        enrolment.save(update_fields=["next_due", "next_due_label"])
        event = "publichealth.next_due_changed"
    audit.record_change(acting_user, event, enrolment, resident_id=resident.pk,
                        detail={"programme": programme.value, "next_due": next_on.isoformat(),
                                "referral": referral.pk})
    return enrolment
