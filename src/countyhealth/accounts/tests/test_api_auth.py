"""API authentication (session with CSRF, or a hashed bearer token) and the API's error bodies."""

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from countyhealth.accounts.actions import do_issue_api_token, do_revoke_api_token
from countyhealth.accounts.models import ApiToken
from countyhealth.audit.models import AuditLog

ME = "/api/accounts/me"
UNSAFE = {"post", "put", "patch", "delete"}


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


PLATFORM_AUTH = [{"TokenAuth": []}, {"SessionAuth": []}]


def mutations(with_body_only=False):
    """Every state-changing API operation that users reach with the platform's session or token (not the
    phone's device token, nor the unauthenticated phone login), with its path parameters filled in;
    `with_body_only`: those taking a JSON body.

    Read from the published schema rather than by importing the API: accounts sits below the wiring layer."""
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            takes_json = "application/json" in operation.get("requestBody", {}).get("content", {})
            if method in UNSAFE and operation.get("security") == PLATFORM_AUTH and (not with_body_only or takes_json):
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    assert found, "the API has no state-changing operation to test"
    return found


class TestTokens:
    def test_issued_token_is_stored_hashed_and_audited(self, users):
        token, raw = do_issue_api_token(acting_user=users.township_doctor_a, name="随访平板")
        assert raw.startswith("cht_") and len(raw) > 40
        token.refresh_from_db()
        assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw[4:12] == token.prefix
        stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
        assert raw not in stored and raw[12:] not in stored
        entry = AuditLog.objects.get(action="accounts.api_token_issued")
        assert (entry.user_id, entry.object_id) == (users.township_doctor_a.pk, str(token.pk))

    def test_bearer_token_authenticates_as_its_user(self, client, users):
        _token, raw = do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        response = client.get(ME, **bearer(raw))
        assert response.status_code == 200
        assert response.json()["username"] == "td_a"

    def test_revoked_token_is_rejected(self, client, users):
        token, raw = do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        do_revoke_api_token(acting_user=users.township_doctor_a, token_id=token.pk)
        response = client.get(ME, **bearer(raw))
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert AuditLog.objects.filter(action="accounts.api_token_revoked", object_id=str(token.pk)).exists()

    def test_expired_token_is_rejected(self, client, users):
        _token, raw = do_issue_api_token(
            acting_user=users.township_doctor_a, name="tablet", expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        assert client.get(ME, **bearer(raw)).status_code == 401

    def test_token_of_a_deactivated_user_is_rejected(self, client, users):
        _token, raw = do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        users.township_doctor_a.is_active = False
        users.township_doctor_a.save(update_fields=["is_active"])
        assert client.get(ME, **bearer(raw)).status_code == 401

    def test_a_made_up_token_is_rejected(self, client, users):
        do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        assert client.get(ME, **bearer("cht_" + "x" * 43)).status_code == 401

    def test_only_the_owner_revokes(self, users):
        token, _raw = do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        with pytest.raises(ApiToken.DoesNotExist):
            do_revoke_api_token(acting_user=users.township_doctor_b, token_id=token.pk)
        token.refresh_from_db()
        assert token.revoked_at is None


class TestErrorBodies:
    def test_unauthenticated_is_401_in_the_error_shape(self, client, db):
        response = client.get(ME)
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"code": "not_authenticated", "message": "需要登录认证。", "fields": {}}

    def test_english_when_asked(self, client, db):
        response = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
        assert response.json()["message"] == "Authentication required."

    def test_malformed_json_is_400_in_the_error_shape(self, client, users):
        client.force_login(users.township_doctor_a)
        for method, path in mutations(with_body_only=True):
            response = getattr(client, method)(path, data='{"name": "张三",', content_type="application/json")
            assert response.status_code == 400, (method, path, response.content)
            assert response.json() == {
                "code": "malformed_json",
                "message": "请求内容不是有效的 JSON。",
                "fields": {},
            }, (method, path)


class TestCsrf:
    @pytest.fixture
    def browser(self, users):
        client = Client(enforce_csrf_checks=True)
        client.force_login(users.township_doctor_a)
        return client

    def test_session_mutations_without_the_csrf_token_are_refused(self, browser):
        for method, path in mutations():
            response = getattr(browser, method)(path, data="{}", content_type="application/json")
            assert response.status_code == 403, (method, path, response.status_code)
            assert set(response.json()) == {"code", "message", "fields"}

    def test_session_mutation_with_the_csrf_token_gets_through(self, browser):
        browser.get("/accounts/tokens/")  # any page with a form sets the CSRF cookie
        token = browser.cookies["csrftoken"].value
        for method, path in mutations():
            response = getattr(browser, method)(path, data="{}", content_type="application/json",
                                                HTTP_X_CSRFTOKEN=token)
            assert response.status_code != 403, (method, path, response.content)

    def test_session_reads_need_no_token(self, browser):
        assert browser.get(ME).status_code == 200

    def test_bearer_clients_need_no_csrf_token(self, users):
        client = Client(enforce_csrf_checks=True)
        _token, raw = do_issue_api_token(acting_user=users.township_doctor_a, name="tablet")
        for method, path in mutations():
            response = getattr(client, method)(path, data="{}", content_type="application/json", **bearer(raw))
            assert response.status_code not in (401, 403), (method, path, response.content)
