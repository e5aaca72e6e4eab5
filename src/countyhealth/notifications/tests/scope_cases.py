from tests.support.scope import Case


def notification(world):
    from countyhealth.notifications.actions import notify_users

    resident = world.make_resident(world.county.village_a1)
    return notify_users([world.township_doctor_a.pk], kind="test", title="新报告", url="/",
                        resident_id=resident.pk)[0]


URL_CASES = {"notifications:open": Case(notification, method="post")}
API_CASES = {"POST /api/notifications/{notification_id}/read": Case(notification)}
