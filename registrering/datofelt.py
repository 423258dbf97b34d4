"""The one date field of every form and GET parameter (issue 19, finding 7).

A date outside 01.01.1900–31.12.2099 is no conversation, period or statistics date anybody
means, and near the ends of Python's calendar the pages' own arithmetic overflows
(``statistik?fra=9999-12-20&til=9999-12-31`` counted weeks past year 9999: a 500). Such a
date is a Danish error at its field; the date inputs carry the same range as ``min`` and
``max``, so the browser says so first.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MINDSTE_DATO = datetime.date(1900, 1, 1)
STOERSTE_DATO = datetime.date(2099, 12, 31)


def i_omraadet(dato: datetime.date) -> bool:
    return MINDSTE_DATO <= dato <= STOERSTE_DATO


class DatoFelt(forms.DateField):
    default_error_messages = {
        "uden_for_omraadet": _("Skriv en dato mellem %(fra)s og %(til)s."),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and not i_omraadet(value):
            raise ValidationError(
                self.error_messages["uden_for_omraadet"],
                code="uden_for_omraadet",
                params={"fra": MINDSTE_DATO.strftime("%d.%m.%Y"), "til": STOERSTE_DATO.strftime("%d.%m.%Y")},
            )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=MINDSTE_DATO.isoformat(), max=STOERSTE_DATO.isoformat())
        return attrs
