"""Messages Django shows that its own zh_Hans catalogue misses.

Django 5.2's MinimumLengthValidator asks for "... at least %d character(s)." while its zh_Hans catalogue
translates an older msgid ("%(min_length)d"), so the message would show in English. Naming the msgid here puts
it into the accounts catalogue, where it is translated. Never called."""

from django.utils.translation import ngettext


def _extracted_only():  # pragma: no cover
    ngettext("This password is too short. It must contain at least %d character.",
             "This password is too short. It must contain at least %d characters.", 8)
