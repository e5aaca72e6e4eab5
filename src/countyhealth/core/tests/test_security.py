"""Secure defaults: response headers, cookies, and settings that refuse to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[3]


def test_pages_carry_the_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    # No third-party script source: htmx and ECharts are served from our own static files.
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split()[1:] == ["'self'"]


def test_api_responses_carry_them_too(client, db):
    response = client.get("/api/accounts/me")
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_session_cookie_is_http_only(client, users, password):
    client.post(reverse("accounts:login"), {"username": "vd_a1", "password": password})
    assert client.cookies["sessionid"]["httponly"]


def settings_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "countyhealth.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_load_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(
        {"COUNTYHEALTH_DATA_DIR": str(tmp_path)}, "import countyhealth.settings"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False False False"),
        ({"HTTPS": "true"}, "False True True"),
        ({"DEBUG": "true"}, "True False False"),
    ],
)
def test_debug_is_off_and_https_settings_follow_the_environment(tmp_path, env, expected):
    code = (
        "from countyhealth import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = settings_in_subprocess({"SECRET_KEY": "x" * 50, "COUNTYHEALTH_DATA_DIR": str(tmp_path), **env}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
