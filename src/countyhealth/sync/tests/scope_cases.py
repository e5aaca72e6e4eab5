"""Scope matrix cases: a phone of township A's village doctor is invisible to township B."""

from tests.support.scope import Case

from countyhealth.sync import actions


def _device(world):
    device, _token = actions.do_register_device(acting_user=world.users.village_doctor_a1, name="A 村手机")
    return device, {"pk": device.pk, "device_id": device.pk}


URL_CASES = {
    "sync:device-revoke": Case(_device, requester="admin_b", in_scope="admin_a", method="post"),
}
API_CASES = {
    "POST /api/sync/devices/{device_id}/revoke": Case(_device, requester="admin_b", in_scope="admin_a",
                                                      body={"reason": "x"}),
}
