"""Reference rows that a data migration writes (service packages, the disease catalogue) are wiped by a flush,
which live-server tests run between tests; put them back after a flush as after migrate."""

from importlib import import_module

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def restore_after_flush(config, model_name: str, migration: str, function: str) -> None:
    """After migrate or flush, when `model_name`'s table is empty, run `function` of the app's data migration
    `migration` again. Call from the app's `ready()`."""

    def restore(sender, using="default", apps=global_apps, **kwargs):
        if apps.get_model(config.label, model_name).objects.using(using).exists():
            return
        getattr(import_module(f"{config.name}.migrations.{migration}"), function)(apps, None)

    post_migrate.connect(restore, sender=config, weak=False, dispatch_uid=f"{config.label}.{model_name}.restore")
