"""Playwright driving Debian's Chromium against pytest-django's live server.

The browser is the system's `chromium` package (bin/test installs it); Playwright's own browser download is
never used, it cannot work on these machines. A failing test leaves a screenshot in test-artifacts/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    # Without these Chromium keeps calling home, and this machine's closed network refuses it many times a second.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (bin/test installs it)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run beside one
    # unless told that this synchronous use is intended.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        tab.screenshot(path=str(artifact(request.node.nodeid)), full_page=True)
    context.close()


@pytest.fixture
def log_in(page, password):
    def log_in(username: str, secret: str | None = None):
        # Leave the previous page first: its htmx polls, answered without a session after a test clears the
        # cookies, would render the login page and set a second CSRF cookie that races the form's token.
        page.goto("about:blank")
        page.goto(page.base_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", secret or password)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()

    return log_in
