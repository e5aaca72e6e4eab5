import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyhealth.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every URLconf (and the API and signal-processing modules they pull in: seconds) and build the
    reverse tables of each language at worker boot, so no user's first request pays for them.

    Then the half million objects of the boot (modules, models, URL patterns, translations) are frozen out of
    the cyclic garbage collector: they live as long as the worker, yet every full collection walked them all,
    25-35 ms that fell at random inside requests (a phone's push of 200 follow-ups met one in two pushes)."""
    import gc

    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - built, with the namespaces, on first access per language
    gc.collect()
    gc.freeze()


_warm_up()
