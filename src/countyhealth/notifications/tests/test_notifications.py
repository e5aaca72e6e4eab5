from django.urls import reverse

from countyhealth.accounts.roles import Role
from countyhealth.notifications.actions import notify_org, notify_users
from countyhealth.notifications.models import Notification


def test_notify_org_reaches_each_active_user_of_the_role_once(county, users, make_user):
    make_user(Role.ECG_READER, county.hospital, username="retired_reader", is_active=False)
    sent = notify_org(county.hospital.pk, roles=[Role.ECG_READER], kind="ecg_uploaded", title="新心电图")
    assert [n.recipient_id for n in sent] == [users.ecg_reader.pk]


def test_notify_org_subtree_reaches_village_clinics_below(county, users):
    sent = notify_org(county.township_a.pk, subtree=True, roles=[Role.VILLAGE_DOCTOR], kind="k", title="t")
    assert {n.recipient_id for n in sent} == {users.village_doctor_a1.pk}


def test_badge_counts_only_my_unread_and_opening_marks_read(client, users):
    mine = notify_users([users.township_doctor_a.pk], kind="ecg_report_signed", title="报告已签发",
                        url=reverse("home"), urgent=True)[0]
    notify_users([users.township_doctor_b.pk], kind="k", title="别人的")
    client.force_login(users.township_doctor_a)

    badge = client.get(reverse("notifications:badge")).content.decode()
    assert f'data-newest="{mine.pk}"' in badge and 'class="count">1<' in badge

    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'class="count"' not in client.get(reverse("notifications:badge")).content.decode()


def test_open_never_redirects_off_site(client, users):
    n = notify_users([users.township_doctor_a.pk], kind="k", title="t", url="https://evil.example/")[0]
    client.force_login(users.township_doctor_a)
    assert client.post(reverse("notifications:open", args=[n.pk]))["Location"] == reverse("notifications:inbox")


def test_api_lists_and_marks_all_read(client, users):
    notify_users([users.township_doctor_a.pk], kind="k", title="一")
    notify_users([users.township_doctor_a.pk], kind="k", title="二")
    client.force_login(users.township_doctor_a)
    assert [n["title"] for n in client.get("/api/notifications/?unread=true").json()] == ["二", "一"]
    assert client.get("/api/notifications/badge").json()["unread"] == 2
    assert client.post("/api/notifications/read-all").json() == {"unread": 0, "newest_id": None}
    assert not Notification.objects.unread().filter(recipient=users.township_doctor_a).exists()


def test_inbox_page_lists_newest_first(client, users):
    notify_users([users.township_doctor_a.pk], kind="k", title="较早的")
    notify_users([users.township_doctor_a.pk], kind="k", title="最新的")
    client.force_login(users.township_doctor_a)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert html.index("最新的") < html.index("较早的")
