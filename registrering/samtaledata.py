"""What a caseworker enters for one conversation, and the one list of its § 28 fields.

:data:`SAMTALE_FELTER` names the fields a conversation is registered with, once. The
registration form (its cleaned data and its start values), the services (a new
conversation, a correction, the test for a correction that changes nothing, a registered
conversation read back to be judged again) and the report (``indberetning.dokument``) walk
this list instead of naming the fields one by one. A new § 28 field is one more line here
(and its model field, form field and, if reported, its element in the schema).

Imports nothing from the services or the forms: both import it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import AkasseDeltagelse, Deltagelsesform, Deltagerrolle, Samtaleform, Samtaletype, Visitationsgruppe

# The longest free text of a conversation (an agreement, særlig indsats, practical
# arrangements) and of a reason, in characters (Unicode code points, a line break as one,
# :func:`tekst_laengde`): the form, the service and the browser's counter
# (static/js/app.js) count the same way.
MAKS_TEKST = 4000

DATO = "dato"
KODE = "kode"  # an entry of a code list (a foreign key; the form and the report use its code)
TEKST = "tekst"  # free text, stored without surrounding whitespace
FLAG = "flag"


@dataclass(frozen=True)
class Field:
    """One § 28 field of a conversation: the same name on ``Samtale``, on
    :class:`SamtaleData` and in the registration form (CONTRACT.md's field names)."""

    name: str
    kind: str
    # The report's element for a value sent as entered whenever it is given (nr. 3-8);
    # empty for fields the report carries by a rule of its own (the date and type identify
    # the conversation, the CV judgement only where stk. 4 applies, the early follow-up as
    # a persongruppemarkering).
    report_element: str = ""

    @property
    def empty(self):
        """The value of a field left empty."""
        return {TEKST: "", FLAG: False}.get(self.kind)

    @property
    def column(self) -> str:
        """The model's column (a code list entry is compared by its key, without a query)."""
        return f"{self.name}_id" if self.kind == KODE else self.name

    def stored(self, value):
        """The value as it is stored."""
        if self.kind == TEKST:
            return (value or "").strip()
        return value

    def as_column(self, value):
        """The stored value as the model's column holds it (see :attr:`column`)."""
        if self.kind == KODE:
            return getattr(value, "pk", None)
        return self.stored(value)

    def as_initial(self, value):
        """The value as the form starts from it (a code list entry by its code)."""
        if self.kind == KODE:
            return value.kode if value is not None else ""
        return value


SAMTALE_FELTER: tuple[Field, ...] = (
    Field("dato", DATO),  # nr. 2
    Field("samtaletype", KODE),  # nr. 3
    Field("samtaleform", KODE, report_element="samtaleform"),  # nr. 4
    Field("aftale", TEKST, report_element="aftale"),  # nr. 5 and 6
    Field("saerlig_indsats", TEKST, report_element="saerligIndsats"),  # nr. 5
    Field("akasse_deltagelse", KODE, report_element="akasseDeltagelse"),  # nr. 7
    Field("praktiske_aftaler", TEKST, report_element="praktiskeAftaler"),  # nr. 8
    Field("tidlig_opfoelgning", FLAG),  # stk. 3
    Field("cv_ikke_fyldestgoerende", FLAG),  # stk. 4
)


@dataclass
class DeltagerData:
    """§ 28 nr. 10: one participant as entered."""

    navn: str
    rolle: Deltagerrolle | None
    deltagelsesform: Deltagelsesform | None

    def key(self) -> tuple:
        """What makes two participants the same one (a correction keeps an unchanged one)."""
        return (self.navn.strip(), getattr(self.rolle, "pk", None), getattr(self.deltagelsesform, "pk", None))


@dataclass
class SamtaleData:
    """What a caseworker enters for one conversation (§ 28 nr. 2-10, stk. 3-4): the fields of
    :data:`SAMTALE_FELTER`, the visitation result (nr. 9) and the participants (nr. 10)."""

    dato: datetime.date
    samtaletype: Samtaletype | None
    samtaleform: Samtaleform | None
    aftale: str = ""
    saerlig_indsats: str = ""
    akasse_deltagelse: AkasseDeltagelse | None = None
    praktiske_aftaler: str = ""
    visitationsgruppe: Visitationsgruppe | None = None
    tidlig_opfoelgning: bool = False
    cv_ikke_fyldestgoerende: bool = False
    deltagere: list[DeltagerData] = field(default_factory=list)

    @classmethod
    def from_values(cls, values: dict, *, deltagere: list[DeltagerData]) -> SamtaleData:
        """From a form's cleaned data (a field it lacks is empty)."""
        return cls(
            **{f.name: values.get(f.name, f.empty) for f in SAMTALE_FELTER},
            visitationsgruppe=values.get("visitationsgruppe"),
            deltagere=deltagere,
        )

    @classmethod
    def from_samtale(cls, samtale, *, visitationsgruppe, deltagere: list[DeltagerData]) -> SamtaleData:
        """A registered conversation as the data it was registered with."""
        return cls(
            **{f.name: getattr(samtale, f.name) for f in SAMTALE_FELTER},
            visitationsgruppe=visitationsgruppe,
            deltagere=deltagere,
        )

    def model_values(self) -> dict:
        """The conversation's own fields as ``Samtale`` stores them."""
        return {f.name: f.stored(getattr(self, f.name)) for f in SAMTALE_FELTER}

    def same_as(self, samtale) -> bool:
        """Whether the conversation's own fields already hold these values (no query)."""
        return all(getattr(samtale, f.column) == f.as_column(getattr(self, f.name)) for f in SAMTALE_FELTER)


def normaliser_tekst(value) -> str:
    """Free text as it is counted and compared: without surrounding whitespace, and with the
    line breaks a browser posts (``\r\n``) as the one character it shows (``\n``). The text
    is stored as entered."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def tekst_laengde(value) -> int:
    """A text's length as the page's counter shows it (code points, a line break as one)."""
    return len(normaliser_tekst(value))
