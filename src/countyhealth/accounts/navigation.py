"""What each role works on: the navigation bar. Apps above accounts add their entries with `register()` from
their `AppConfig.ready()`, so this module never imports them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import EDITS_RESIDENTS, MERGES_RESIDENTS, READS_AUDIT, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every signed-in user

    def url(self) -> str:
        return reverse(self.url_name)


ALL_CLINICAL = frozenset(Role) - {Role.BUREAU_VIEWER}

NAV_ITEMS = [
    NavItem(_("Home"), "home"),
    NavItem(_("Residents"), "residents:resident-list", ALL_CLINICAL),
    NavItem(_("Register resident"), "residents:resident-create", frozenset(EDITS_RESIDENTS)),
    NavItem(_("Due list"), "publichealth:due-list", frozenset(EDITS_RESIDENTS)),
    NavItem(_("Suggested enrolments"), "publichealth:suggestions", frozenset(EDITS_RESIDENTS)),
    NavItem(_("Family-doctor teams"), "familydoctor:team-list", ALL_CLINICAL),
    NavItem(_("Contract coverage"), "familydoctor:coverage", frozenset(EDITS_RESIDENTS | {Role.BUREAU_VIEWER})),
    NavItem(_("Indicators"), "indicators:dashboard", frozenset(EDITS_RESIDENTS | {Role.BUREAU_VIEWER})),
    NavItem(_("Duplicate review"), "residents:duplicate-list", frozenset(MERGES_RESIDENTS)),
    NavItem(_("Organisations"), "orgs:organisation-tree"),
    NavItem(_("Audit log"), "audit:log", frozenset(READS_AUDIT)),
]


def register(item: NavItem, *, before: str | None = None) -> None:
    """Add an app's entry (idempotent: `ready()` may run more than once), optionally before another entry's
    url_name, e.g. before="orgs:organisation-tree" to stay ahead of the administrative entries."""
    if any(existing.url_name == item.url_name for existing in NAV_ITEMS):
        return
    names = [existing.url_name for existing in NAV_ITEMS]
    NAV_ITEMS.insert(names.index(before) if before in names else len(NAV_ITEMS), item)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.roles is None or user.role in item.roles or user.is_superuser]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"label": item.label, "url": item.url(), "active": item.url_name == current} for item in items_for(user)
        ]
    }
