import pytest
from django.urls import reverse

from countyhealth.accounts.roles import Role

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
HOME = reverse("home")


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_login_page_is_in_chinese_by_default(client):
    page = client.get(LOGIN).content.decode()
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    assert "用户名" in page


def test_login_lands_on_home(client, users, password):
    response = log_in(client, "vd_a1", password)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).context["user"] == users.village_doctor_a1


def test_wrong_password_shows_a_chinese_error_and_stays_anonymous(client, users):
    response = log_in(client, "vd_a1", "not-the-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_pages_need_login(client, users):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_is_a_post(client, users):
    client.force_login(users.village_doctor_a1)
    # A GET must not end the session: a link or an <img> elsewhere could otherwise log users out.
    assert client.get(LOGOUT).status_code == 405
    assert client.get(HOME).status_code == 200

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(HOME).status_code == 302


def test_inactive_user_cannot_log_in(client, make_user, county, password):
    make_user(Role.VILLAGE_DOCTOR, county.clinic_a1, username="left", is_active=False)
    assert log_in(client, "left", password).status_code == 200
    assert client.get(HOME).status_code == 302


class TestLockout:
    """django-axes: five failures for one username lock that username, whoever tries next."""

    def fail(self, client, username, times):
        return [log_in(client, username, f"wrong-{i}") for i in range(times)]

    def test_fifth_failure_shows_the_locked_out_page(self, client, users):
        responses = self.fail(client, "vd_a1", 5)
        assert [r.status_code for r in responses[:4]] == [200] * 4
        locked = responses[4]
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "账号已锁定" in page
        assert "30" in page

    def test_right_password_is_refused_while_locked(self, client, users, password):
        self.fail(client, "vd_a1", 5)
        response = log_in(client, "vd_a1", password)
        assert response.status_code == 429
        assert client.get(HOME).status_code == 302

    def test_lock_is_per_username(self, client, users, password):
        self.fail(client, "vd_a1", 5)
        # Same client address, another user: a shared township NAT must not lock everyone out.
        response = log_in(client, "vd_b1", password)
        assert response.status_code == 302

    def test_four_failures_then_success_resets_the_count(self, client, users, password):
        self.fail(client, "vd_a1", 4)
        assert log_in(client, "vd_a1", password).status_code == 302
        client.post(LOGOUT)
        responses = self.fail(client, "vd_a1", 4)
        assert all(r.status_code == 200 for r in responses)
        assert log_in(client, "vd_a1", password).status_code == 302
