"""Demo data of the apps above the public-health programmes (ECG, lab, surveillance, clinic, ...).

Each app that has demo data keeps its generator in its own `demo_seed.py`, with one function
`seed(*, seeder, seed: int, as_of: date) -> str` that writes through bulk inserts (seed.py explains why) and
returns a one-line summary. They run after the county and its programmes exist, in INSTALLED_APPS order,
each in its own transaction."""

from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule

MODULE = "demo_seed"


def app_seeders() -> list:
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("countyhealth.") and config.label != "demo" \
                and module_has_submodule(config.module, MODULE):
            found.append(import_module(f"{config.name}.{MODULE}"))
    return found


def seed_apps(*, seeder, seed: int, as_of, report=None) -> list[str]:
    summaries = []
    for module in app_seeders():
        with transaction.atomic():
            summary = module.seed(seeder=seeder, seed=seed, as_of=as_of)
        summaries.append(summary)
        if report:
            report(summary)
    return summaries
