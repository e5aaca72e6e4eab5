"""bin/demo's preparation in one Python process: each `manage.py` call would pay Django's start-up again.

Translations are compiled first, before anything loads a catalogue, so the seeder's account list is
already in Chinese on the very first run.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyhealth.settings")


def step(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", file=sys.stderr, flush=True)


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("i18n", "compile")
    step("Migrating the database")
    call_command("migrate", interactive=False, verbosity=0)
    step("Seeding the demo county (only into an empty database)")
    call_command("seed_demo", if_empty=True, skip_checks=True)
    call_command("collectstatic", interactive=False, verbosity=0, skip_checks=True)


if __name__ == "__main__":
    main()
