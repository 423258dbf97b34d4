"""Small factories for tests: plain functions over the real models and code lists."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group

from registrering import selectors, services
from registrering.models import (
    Akasse,
    AkasseDeltagelse,
    Bruger,
    Deltagelsesform,
    Deltagerrolle,
    Jobcenter,
    Kontaktgruppe,
    Person,
    Samtaleform,
    Samtaletype,
    Visitationsgruppe,
)

_tal = itertools.count(1)


def jobcenter(kode: str = "751", navn: str = "Jobcenter Aarhus") -> Jobcenter:
    return Jobcenter.objects.get_or_create(kode=kode, defaults={"navn": navn})[0]


def bruger(username: str | None = None, *, rolle: str = "sagsbehandler", jc: Jobcenter | None = None, **felter) -> Bruger:
    username = username or f"bruger{next(_tal)}"
    b = Bruger.objects.create_user(username=username, password="hemmeligt-kodeord", jobcenter=jc, **felter)
    if rolle:
        b.groups.add(Group.objects.get(name=rolle))
    return b


def cpr(foedselsdato: datetime.date = datetime.date(1985, 3, 14)) -> str:
    return foedselsdato.strftime("%d%m%y") + f"{next(_tal) % 10000:04d}"


def person(*, kontaktgruppe: str = "2", jc: Jobcenter | None = None, akasse: str | None = None, navn: str = "Test Borger") -> Person:
    jc = jc or jobcenter()
    if kontaktgruppe == "1" and akasse is None:
        akasse = "HK"
    p = Person.objects.create(
        cpr=cpr(),
        navn=navn,
        kontaktgruppe=Kontaktgruppe.objects.get(kode=kontaktgruppe),
        akasse=Akasse.objects.get(kode=akasse) if akasse else None,
        jobcenter=jc,
    )
    services.periode_foerste(person=p, bruger=None)  # the first period (DFDG order § 16)
    return p


def kode(model, k):
    return model.objects.get(kode=k)


def deltager(navn="Mona Mentor", rolle="mentor", form="1") -> services.DeltagerData:
    return services.DeltagerData(navn=navn, rolle=kode(Deltagerrolle, rolle), deltagelsesform=kode(Deltagelsesform, form))


def data(
    *,
    dato: datetime.date | None = None,
    samtaletype: str = "7",
    samtaleform: str = "1",
    visitationsgruppe: str | None = None,
    akasse_deltagelse: str | None = None,
    deltagere=None,
    **felter,
) -> services.SamtaleData:
    if samtaletype in {"7", "19", "901", "902"}:
        felter.setdefault("aftale", "Søge 2 job om ugen.")
    return services.SamtaleData(
        dato=dato or selectors.idag() - datetime.timedelta(days=1),
        samtaletype=kode(Samtaletype, samtaletype),
        samtaleform=kode(Samtaleform, samtaleform),
        visitationsgruppe=kode(Visitationsgruppe, visitationsgruppe) if visitationsgruppe else None,
        akasse_deltagelse=kode(AkasseDeltagelse, akasse_deltagelse) if akasse_deltagelse else None,
        deltagere=deltagere or [],
        **felter,
    )


# --- the registration form as posted (CONTRACT.md's field names) ------------------------------


def formular(**felter) -> dict:
    """POST data of the registration form: a jobsamtale with an agreement, held yesterday.
    A field given as None is left out."""
    data = {
        "dato": (selectors.idag() - datetime.timedelta(days=1)).isoformat(),
        "samtaletype": "7",
        "samtaleform": "1",
        "aftale": "Søge 2 job om ugen",
        "deltagere-TOTAL_FORMS": "0",
        "deltagere-INITIAL_FORMS": "0",
    }
    data.update(felter)
    return {k: v for k, v in data.items() if v is not None}


def feltnavne(svar) -> set[str]:
    """The names of the form fields on a page."""
    import re

    return set(re.findall(r'name="([a-z_]+)"', svar.content.decode()))
