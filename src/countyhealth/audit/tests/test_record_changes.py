"""Many audit rows in one statement (core.bulk: COPY on PostgreSQL): each row whole, with its id, and
announced once to the apps that follow writes."""

from countyhealth.audit import log as audit
from countyhealth.audit.models import AuditLog
from countyhealth.core import hooks
from countyhealth.core.context import client_address


def test_each_row_is_written_whole_with_its_id_and_announced(users, county):
    announced = []

    def follow(*, action, resident_ids):
        announced.append((action, resident_ids))

    token = client_address.set("10.1.2.3")
    try:
        with hooks.listening("audit.changes_recorded", follow):
            audit.record_changes(users.village_doctor_a1, "test.bulk", [
                (county.clinic_a1, 7, {"n": i, "text": "血压 \"高\"\t\\ 第二行\n", "list": [1, None]})
                for i in range(3)])
    finally:
        client_address.reset(token)
    assert announced == [("test.bulk", [7, 7, 7])]
    stored = list(AuditLog.objects.filter(action="test.bulk").order_by("pk"))
    assert len(stored) == 3
    first = stored[0]
    assert (first.user_id, first.username, first.org_id) == (users.village_doctor_a1.pk, "vd_a1",
                                                            users.village_doctor_a1.organisation_id)
    assert (first.resident_id, first.client_address, first.object_type, first.object_id) == (
        7, "10.1.2.3", "orgs.organisation", str(county.clinic_a1.pk))
    assert [row.detail for row in stored] == [{"n": i, "text": "血压 \"高\"\t\\ 第二行\n", "list": [1, None]}
                                             for i in range(3)]
    assert first.at is not None
