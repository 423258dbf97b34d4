"""The Jinja2 environment for the hot fragments that a page renders many times: the
citizen's conversation rows (registrering/jinja2/). Django's template language renders
everything else; docs/arkitektur.md ("Hot rows are plain dicts") says why.

What a fragment may use: ``_()`` (Django's gettext, so ``makemessages`` finds the strings)
and the filters ``dato`` (d.m.Y), ``tidspunkt`` (d.m.Y H:i in the current time zone, as
Django's ``date`` filter shows a datetime), ``iso`` (Y-m-d) and ``maskintal`` (a number for
an attribute, never localised). URLs come from the view.
Autoescaping is always on, and the output is ``Markup``, which Django's templates do not
escape again.
"""

from __future__ import annotations

import datetime

from django.template import engines
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from samtaler_site.maskintal import maskintal


def dato(d: datetime.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def tidspunkt(t: datetime.datetime | None) -> str:
    return timezone.localtime(t).strftime("%d.%m.%Y %H:%M") if t else ""


def iso(d: datetime.date | None) -> str:
    return d.isoformat() if d else ""


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever a setting says
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Old-style gettext: ``_()`` is Django's gettext itself, with no formatting on top.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.filters.update(dato=dato, tidspunkt=tidspunkt, iso=iso, maskintal=maskintal)
    return env


def macro(template_name: str, name: str):
    """A macro of a template of this environment, as a function returning ``Markup``."""
    return getattr(engines["jinja2"].env.get_template(template_name).module, name)
