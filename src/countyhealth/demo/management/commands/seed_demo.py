"""manage.py seed_demo --residents 20000 --seed 1 [--if-empty] [--quiet]

Builds the demo county (清溪县): the consortium's organisations, a user for every role, and residents in
households. Deterministic for a seed (and the day it runs: ages count from today). It only fills an
empty database; the quick start calls it with --if-empty on every start, which then does nothing."""

import sys
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from tqdm import tqdm

from countyhealth.accounts.roles import Role
from countyhealth.accounts.system import system_user
from countyhealth.demo.app_seeds import seed_apps
from countyhealth.demo.county import COUNTY_NAME
from countyhealth.demo.seed import DEMO_PASSWORD, SYSTEM_NAME, county_exists, seed_county

VILLAGE_DOCTORS_LISTED = 3


class Command(BaseCommand):
    help = "Build the demo county: organisations, a user for every role, and residents."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20000, help="number of resident records (default 20000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same county")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already holds organisations")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--batch-size", type=int, default=5000, help="residents written per batch")

    def handle(self, *args, residents, seed, if_empty, quiet, batch_size, **options):
        if residents < 0 or batch_size < 1:
            raise CommandError(_("--residents must be zero or more and --batch-size at least 1."))
        if county_exists():
            if if_empty:
                self.stdout.write(_("Organisations already exist; demo seeding skipped."))
                return
            raise CommandError(_(
                "The database already holds organisations; seed_demo only fills an empty database. "
                "Use a fresh database, or pass --if-empty to skip seeding when data exists."
            ))
        show = not quiet and sys.stderr.isatty()
        with tqdm(total=residents, unit=_("residents"), disable=not show, file=sys.stderr) as bar:
            try:
                report = seed_county(residents=residents, seed=seed, progress=bar.update, batch_size=batch_size,
                                     programmes=True)
            except ValueError as exc:  # a village ran out of record or household numbers
                raise CommandError(str(exc)) from exc
        self._summary(report)
        seed_apps(seeder=system_user(SYSTEM_NAME), seed=seed, as_of=report.as_of, report=self.stdout.write)
        self._accounts(report.accounts)

    def _summary(self, report):
        c = report.counts
        self.stdout.write(self.style.SUCCESS(_(
            "Demo county %(county)s seeded in %(seconds).1f s: %(organisations)s organisations, %(villages)s "
            "villages, %(accounts)s accounts, %(residents)s residents in %(households)s households, "
            "%(duplicates)s probable duplicates queued for review."
        ) % {
            "county": COUNTY_NAME, "seconds": report.seconds, "organisations": f"{c['organisations']:,}",
            "villages": f"{c['villages']:,}", "accounts": f"{c['accounts']:,}", "residents": f"{c['residents']:,}",
            "households": f"{c['households']:,}", "duplicates": f"{c['duplicate_candidates']:,}",
        }))
        self.stdout.write(_("Rate: %(rate)s residents/s") % {"rate": f"{report.rate:,.0f}"})
        self.stdout.write(c["programmes"].summary())

    def _accounts(self, accounts):
        village_doctors = [a for a in accounts if a.role == Role.VILLAGE_DOCTOR]
        shown = [a for a in accounts if a.role != Role.VILLAGE_DOCTOR] + village_doctors[:VILLAGE_DOCTORS_LISTED]
        rows = [(_("Username"), pgettext("person", "Name"), _("Role"), _("Organisation"))]
        rows += [(a.username, a.full_name, str(a.role.label), a.organisation) for a in shown]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (the password of every account: %(password)s)") % {"password": DEMO_PASSWORD})
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if len(village_doctors) > VILLAGE_DOCTORS_LISTED:
            self.stdout.write(_(
                "… %(count)s village doctors in all, %(first)s to %(last)s: one per village clinic, numbered in "
                "the order of the villages' division codes."
            ) % {"count": len(village_doctors), "first": village_doctors[0].username,
                 "last": village_doctors[-1].username})


def _width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
