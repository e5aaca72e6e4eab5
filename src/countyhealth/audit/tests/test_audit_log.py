import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse

from countyhealth.audit import log as audit
from countyhealth.audit.models import AccessLog, AuditLog

URL = reverse("audit:log")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(when: dt.datetime):
    """Write audit rows as if at `when`: the rows take their time from the database default, not the caller."""
    return mock.patch("django.utils.timezone.now", return_value=when)


def shown(response):
    return [row.action if hasattr(row, "action") else row.what for row in response.context["page"].items]


class TestWhoMaySeeIt:
    def test_admin_sees_the_page(self, client, users):
        client.force_login(users.admin)
        response = client.get(URL)
        assert response.status_code == 200
        assert "审计日志" in response.content.decode()

    def test_everyone_else_gets_404(self, client, users):
        for user in vars(users).values():
            if user.username == "admin":
                continue
            client.force_login(user)
            assert client.get(URL).status_code == 404, user.username

    def test_anonymous_is_sent_to_log_in(self, client, db):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class TestFilters:
    @pytest.fixture
    def rows(self, users):
        a, b = users.village_doctor_a1, users.township_doctor_b
        with at(dt.datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI)):
            audit.record_change(a, "residents.resident_registered", resident_id=11)
        with at(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)):
            audit.record_change(b, "residents.resident_updated", resident_id=12)
        # Late evening in Shanghai is still 6 March there, though already past midnight nowhere else.
        with at(dt.datetime(2026, 3, 6, 23, 30, tzinfo=SHANGHAI)):
            audit.record_change(a, "residents.resident_updated", resident_id=11)
        with at(dt.datetime(2026, 3, 7, 0, 30, tzinfo=SHANGHAI)):
            audit.record_change(b, "residents.household_moved", resident_id=12)
        with at(dt.datetime(2026, 3, 5, 9, 5, tzinfo=SHANGHAI)):
            audit.record_access(a, [11, 12], "residents.list")

    @pytest.fixture
    def admin_client(self, client, users):
        client.force_login(users.admin)
        return client

    def test_newest_first(self, admin_client, rows):
        assert shown(admin_client.get(URL)) == [
            "residents.household_moved",
            "residents.resident_updated",
            "residents.resident_updated",
            "residents.resident_registered",
        ]

    def test_by_user(self, admin_client, rows):
        response = admin_client.get(URL, {"username": "td_b"})
        assert shown(response) == ["residents.household_moved", "residents.resident_updated"]
        assert {r.username for r in response.context["page"].items} == {"td_b"}

    def test_by_resident(self, admin_client, rows):
        response = admin_client.get(URL, {"resident_id": 11})
        assert [r.resident_id for r in response.context["page"].items] == [11, 11]

    def test_by_local_dates_inclusive(self, admin_client, rows):
        response = admin_client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-06"})
        assert [(r.resident_id, r.action) for r in response.context["page"].items] == [
            (11, "residents.resident_updated"),
            (12, "residents.resident_updated"),
        ]

    def test_reads_are_listed_separately(self, admin_client, rows):
        response = admin_client.get(URL, {"kind": "reads", "resident_id": 12})
        items = response.context["page"].items
        assert [(type(r), r.what, r.username) for r in items] == [(AccessLog, "residents.list", "vd_a1")]

    def test_reversed_dates_are_refused_in_chinese(self, admin_client, rows):
        response = admin_client.get(URL, {"date_from": "2026-03-06", "date_to": "2026-03-05"})
        assert response.status_code == 200
        assert response.context["page"] is None
        assert "起始日期不能晚于截止日期。" in response.content.decode()

    def test_bad_resident_id_is_a_form_error_not_a_crash(self, admin_client, rows):
        response = admin_client.get(URL, {"resident_id": "abc"})
        assert response.status_code == 200
        assert response.context["form"].errors["resident_id"]


class TestAppendOnly:
    @pytest.fixture
    def entry(self, users):
        return audit.record_change(users.admin, "accounts.password_changed", users.admin)

    def test_a_row_cannot_be_saved_again(self, entry):
        entry.action = "something.else"
        with pytest.raises(PermissionError):
            entry.save()
        assert AuditLog.objects.get().action == "accounts.password_changed"

    def test_a_row_cannot_be_deleted(self, entry):
        with pytest.raises(PermissionError):
            entry.delete()
        assert AuditLog.objects.count() == 1

    @pytest.mark.parametrize("model", [AuditLog, AccessLog])
    def test_querysets_cannot_update_or_delete(self, users, model):
        audit.record_access(users.admin, [1], "residents.detail")
        audit.record_change(users.admin, "accounts.password_changed", users.admin)
        with pytest.raises(PermissionError):
            model.objects.all().update(username="someone")
        with pytest.raises(PermissionError):
            model.objects.filter(user_id=users.admin.pk).delete()
        rows = list(model.objects.all())
        # bulk_update runs in its own atomic block; the savepoint keeps the test's transaction usable.
        with pytest.raises(PermissionError), transaction.atomic():
            model.objects.bulk_update(rows, ["username"])
        assert set(model.objects.values_list("username", flat=True)) == {"admin"}

    def test_client_address_is_recorded_from_the_request(self, client, users, password):
        client.post(reverse("accounts:login"), {"username": "vd_a1", "password": password}, REMOTE_ADDR="10.8.0.7")
        client.post(
            reverse("accounts:password-change"),
            {"old_password": password, "new_password1": "Qingshan-clinic-2026", "new_password2": "Qingshan-clinic-2026"},
            REMOTE_ADDR="10.8.0.7",
        )
        assert AuditLog.objects.get(action="accounts.password_changed").client_address == "10.8.0.7"
