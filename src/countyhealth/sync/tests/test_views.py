"""The phone shell, its service worker and manifest, and the administrators' list of phones."""

import pytest

from countyhealth.sync import actions


def test_the_app_shell_and_service_worker_are_served_without_a_session(client):
    shell = client.get("/sync/")
    assert shell.status_code == 200 and b"sync-strings" in shell.content
    worker = client.get("/sync/sw.js")
    assert worker["Content-Type"] == "application/javascript"
    assert b"/static/sync/app.js" in worker.content and b"/sync/" in worker.content
    assert client.get("/sync/manifest.webmanifest").json()["start_url"] == "/sync/"


@pytest.mark.parametrize("phones", [3, 30])
def test_device_list_queries_do_not_grow_with_the_phones(client, users, phones, django_assert_max_num_queries):
    for i in range(phones):
        actions.do_register_device(acting_user=users.village_doctor_a1, name=f"手机{i}")
    client.force_login(users.admin)
    with django_assert_max_num_queries(12):
        response = client.get("/sync/devices/")
    assert response.status_code == 200
    assert response.content.count(b"/revoke/") == phones
