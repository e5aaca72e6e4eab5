"""Translation catalogues, one per app (src/countyhealth/<app>/locale) plus one for the project templates.

  manage.py i18n update   extract msgids into every catalogue (needs GNU gettext's xgettext)
  manage.py i18n check    fail on untranslated or fuzzy entries, or on msgids the sources no longer match
  manage.py i18n compile  write the .mo files with polib (no gettext needed, so the quick start needs no apt)
  manage.py i18n todo     list untranslated msgids as TSV lines "msgid<TAB>"
  manage.py i18n apply F  fill empty msgstrs from a TSV file of "msgid<TAB>translation" lines
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LANG = "zh_Hans"
PACKAGE = settings.BASE_DIR


def catalogue_roots() -> list[Path]:
    """Directories that own a catalogue: each app with code or templates, and the package itself."""
    apps = [p.parent for p in sorted(PACKAGE.glob("*/apps.py"))]
    return [PACKAGE, *apps]


def po_path(root: Path) -> Path:
    return root / "locale" / LANG / "LC_MESSAGES" / "django.po"


def extract(root: Path, package: Path = PACKAGE) -> None:
    ignores = ["tests", "migrations"]
    if root == package:  # the package catalogue covers only what no app owns
        ignores += [p.name for p in catalogue_roots()[1:]]
    args = [sys.executable, "-m", "django", "makemessages", "-l", LANG, "--no-obsolete", "--add-location=never"]
    for ignore in ignores:
        args += ["--ignore", ignore]
    (root / "locale").mkdir(exist_ok=True)
    # Django itself is imported from the real tree; makemessages only reads the files under `root`.
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    result = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode:
        raise CommandError(f"makemessages failed in {root}:\n{result.stderr}")


def problems(po: polib.POFile) -> list[str]:
    out = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            out.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                out.append(f"untranslated: {entry.msgid!r}")
        elif not entry.msgstr:
            out.append(f"untranslated: {entry.msgid!r}")
    return out


def _needs_translation(entry) -> bool:
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not all(entry.msgstr_plural.values())
    return not entry.msgstr


class Command(BaseCommand):
    help = "Update, check or compile the zh-Hans translation catalogues."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["update", "check", "compile", "todo", "apply"])
        parser.add_argument("tsv", nargs="?", help="with apply: the TSV file of translations")

    def handle(self, what, tsv=None, **options):
        if what == "apply":
            return self.run_apply(tsv)
        getattr(self, f"run_{what}")()

    def catalogues(self):
        return [polib.pofile(str(po_path(r))) for r in catalogue_roots() if po_path(r).exists()]

    def run_todo(self):
        seen = set()
        for po in self.catalogues():
            for entry in po:
                if not entry.obsolete and _needs_translation(entry) and entry.msgid not in seen:
                    seen.add(entry.msgid)
                    self.stdout.write(entry.msgid.replace("\n", "\\n") + "\t")

    def run_apply(self, tsv):
        if not tsv:
            raise CommandError("apply needs a TSV file")
        table = {}
        for line in Path(tsv).read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                msgid, msgstr = line.split("\t", 1)
                if msgstr.strip():
                    table[msgid.replace("\\n", "\n")] = msgstr.strip().replace("\\n", "\n")
        for po in self.catalogues():
            changed = False
            for entry in po:
                if entry.msgid in table and _needs_translation(entry):
                    if entry.msgid_plural:  # Chinese has one form: every plural slot gets the same text
                        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, table[entry.msgid])
                    else:
                        entry.msgstr = table[entry.msgid]
                    entry.previous_msgid = None
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    changed = True
            if changed:  # polib re-wraps what it saves; leave untouched catalogues as they are
                po.save()

    def run_update(self):
        for root in catalogue_roots():
            extract(root)
            if not po_path(root).exists():
                continue
            po = polib.pofile(str(po_path(root)))
            missing = problems(po)
            if missing:
                self.stdout.write(f"{po_path(root).relative_to(PACKAGE)}: {len(missing)} to translate")

    def run_check(self):
        """Extract into a copy of the package, so a check never rewrites a catalogue in the working tree."""
        failures = []
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / PACKAGE.name
            shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
            for root in catalogue_roots():
                committed = po_path(root)
                extracted = po_path(copy / root.relative_to(PACKAGE))
                extract(copy / root.relative_to(PACKAGE), package=copy)
                if not extracted.exists():
                    continue  # nothing to translate in this app
                needed = {e.msgid for e in polib.pofile(str(extracted)) if not e.obsolete}
                if not committed.exists():
                    failures.append(f"{root.name}: no catalogue (run manage.py i18n update)")
                    continue
                have = {e.msgid for e in polib.pofile(str(committed)) if not e.obsolete}
                failures += [f"{root.name}: msgid not in catalogue: {m!r}" for m in sorted(needed - have)]
                failures += [f"{root.name}: {p}" for p in problems(polib.pofile(str(committed)))]
        if failures:
            raise CommandError("Translations incomplete:\n  " + "\n  ".join(failures))
        self.stdout.write("i18n: every msgid has a zh-Hans translation")

    def run_compile(self):
        for root in catalogue_roots():
            po = po_path(root)
            if po.exists():
                polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
