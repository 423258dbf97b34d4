"""The API's bodies as the OpenAPI schema shows them (django-ninja, pydantic). Values are
taken as the page's form takes them (codes and ISO dates as text) and checked by that form,
so the messages are the page's; the schema only says the shape."""

from __future__ import annotations

import uuid

from ninja import Field, Schema

Tekst = str


class PersonFindInd(Schema):
    cpr: str = Field(..., description="CPR-nummer, 10 cifre (med eller uden bindestreg)", examples=["1403851234"])


class PersonUd(Schema):
    id: uuid.UUID
    navn: str
    kontaktgruppe: str
    akasse: str | None = None
    beskyttet: bool = False
    beskyttet: bool = False


class PersonOpretInd(Schema):
    cpr: str
    navn: str
    kontaktgruppe: str = Field(..., description="kontaktgruppens kode", examples=["2"])
    akasse: str | None = Field(None, description="a-kassens kode (kontaktgruppe 1: påkrævet)", examples=["HK"])
    jobcenter: str | None = Field(None, description="kommunekode; kun nødvendig for en klient med flere jobcentre")


class IdUd(Schema):
    id: uuid.UUID


class PeriodeInd(Schema):
    cpr: str
    kontaktgruppe: str
    akasse: str | None = None
    beskyttet: bool = False
    gyldig_fra: str = Field(..., description="ISO-dato, ikke i fremtiden", examples=["2026-01-05"])
    begrundelse: str | None = None


class PeriodeResultat(Schema):
    raekke: int
    status: str = Field(..., description="oprettet, uaendret, afvist, konflikt eller ikke_fundet")
    person: uuid.UUID | None = None
    detail: str | None = None
    errors: dict[str, list[str]] | None = None
    samtaler: list[uuid.UUID] | None = None


class ImportUd(Schema):
    antal: dict[str, int]
    resultater: list[PeriodeResultat]


class Deltager(Schema):
    navn: str
    rolle: str
    deltagelsesform: str


class SamtaleFelter(Schema):
    dato: str = Field(..., examples=["2026-12-01"])
    samtaletype: str = Field(..., examples=["7"])
    samtaleform: str = Field(..., examples=["1"])
    aftale: str | None = None
    saerlig_indsats: str | None = None
    akasse_deltagelse: str | None = None
    praktiske_aftaler: str | None = None
    visitationsgruppe: str | None = None
    tidlig_opfoelgning: bool = False
    cv_ikke_fyldestgoerende: bool = False
    deltagere: list[Deltager] = []


class SamtaleInd(SamtaleFelter):
    person: uuid.UUID


class SamtaleRetInd(SamtaleFelter):
    sekvens: int = Field(..., ge=1)
    begrundelse: str


class AnnullerInd(Schema):
    sekvens: int = Field(..., ge=1)
    begrundelse: str


class SekvensUd(Schema):
    id: uuid.UUID
    sekvens: int


class Indberetning(Schema):
    modtager: str = Field(..., examples=["dfdg", "akasse-HK"])
    tilstand: str = Field(..., description="afventer, sendt, kvitteret eller afvist")
    tekst: str
    besked: str


class SamtaleUd(Schema):
    id: uuid.UUID
    person: uuid.UUID
    dato: str
    samtaletype: str
    samtaleform: str
    aftale: str
    saerlig_indsats: str
    akasse_deltagelse: str | None
    praktiske_aftaler: str
    visitationsgruppe: str | None
    tidlig_opfoelgning: bool
    cv_ikke_fyldestgoerende: bool
    deltagere: list[Deltager]
    sekvens: int
    annulleret: str | None
    indberetning: list[Indberetning]


class ProblemUd(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    sekvens: int | None = None
