"""Choice labels for per-row builders (timeline entries, a push's answers), translated once per process and
language: Django's `get_FOO_display()` rebuilds the field's choice dict and translates again on every call,
which showed in batches of hundreds of rows."""

from functools import lru_cache

from django.utils.translation import get_language


def display(obj, name: str) -> str:
    """`obj.get_<name>_display()`, cached: the label of the field's value in the active language (the value
    itself when it is not one of the choices)."""
    return _display(type(obj), name, getattr(obj, name), get_language())


def choice_label(choices, value: str) -> str:
    """The label of `choices(value)` (a TextChoices or labelled enum) in the active language."""
    return _choice_label(choices, value, get_language())


@lru_cache(maxsize=1024)
def _display(model, name: str, value, language: str | None) -> str:
    return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


@lru_cache(maxsize=256)
def _choice_label(choices, value: str, language: str | None) -> str:
    return str(choices(value).label)
