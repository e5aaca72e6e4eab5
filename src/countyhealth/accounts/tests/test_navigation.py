import re

import pytest
from django.urls import reverse


def nav_labels(client) -> list[str]:
    page = client.get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S)
    assert nav, "the signed-in page has no main navigation"
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("village_doctor_a1", {"首页", "居民", "居民登记"}, {"审计日志", "重复档案审核"}),
        ("township_doctor_a", {"居民", "居民登记"}, {"审计日志"}),
        ("ecg_reader", {"居民"}, {"居民登记", "审计日志"}),
        ("bureau_viewer", {"首页"}, {"居民", "居民登记", "审计日志"}),
        ("admin", {"居民", "审计日志"}, set()),
    ],
)
def test_navigation_follows_the_role(client, users, who, present, absent):
    client.force_login(getattr(users, who))
    labels = set(nav_labels(client))
    assert present <= labels, labels
    assert not (absent & labels), labels


def test_every_navigation_entry_opens_for_its_role(client, users):
    """A link shown to a role must work for that role (no 403/404/500 behind the menu)."""
    from countyhealth.accounts.navigation import items_for

    for user in vars(users).values():
        client.force_login(user)
        for item in items_for(user):
            response = client.get(item.url())
            assert response.status_code == 200, (user.username, item.url_name, response.status_code)


def test_anonymous_pages_have_no_navigation(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'class="mainnav"' not in page
