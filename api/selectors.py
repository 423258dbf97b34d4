"""The API's reads: its clients and what a client may reach (its jobcentre's citizens and
conversations, through registrering's own selectors)."""

from __future__ import annotations

from django.db.models import Prefetch

from registrering import selectors as reg_selectors
from registrering.models import Person, Samtale

from .models import ApiKlient, ApiKlientBruger


def klient_for_application(application_id) -> ApiKlient | None:
    """An active client with its users (one per jobcenter), for one call."""
    brugere = ApiKlientBruger.objects.select_related("bruger__jobcenter", "jobcenter")
    return (
        ApiKlient.objects.filter(application_id=application_id, aktiv=True)
        .prefetch_related(Prefetch("brugere", queryset=brugere))
        .first()
    )


def brugere(klient: ApiKlient) -> dict[int, object]:
    """The client's users by jobcenter id."""
    return {kb.jobcenter_id: kb.bruger for kb in klient.brugere.all()}


def bruger_for(klient: ApiKlient, jobcenter_id):
    return brugere(klient).get(jobcenter_id)


def person(klient: ApiKlient, pk) -> tuple[Person, object] | None:
    """A citizen of one of the client's jobcentre and the user the client acts as there, or
    None (another jobcenter's citizen is not found: 404)."""
    for bruger in brugere(klient).values():
        fundet = reg_selectors.personer_synlige(bruger=bruger).filter(pk=pk).first()
        if fundet is not None:
            return fundet, bruger
    return None


def person_ved_cpr(klient: ApiKlient, cpr: str) -> tuple[Person, object] | None:
    jobcenter_id = Person.objects.filter(cpr=cpr).values_list("jobcenter_id", flat=True).first()
    bruger = bruger_for(klient, jobcenter_id)
    if bruger is None:
        return None
    fundet = reg_selectors.personer_synlige(bruger=bruger).filter(cpr=cpr).first()
    return (fundet, bruger) if fundet is not None else None


def samtale(klient: ApiKlient, pk) -> tuple[Samtale, object] | None:
    for bruger in brugere(klient).values():
        fundet = (
            reg_selectors.samtaler_synlige(bruger=bruger)
            .filter(pk=pk)
            .select_related("person", "samtaletype", "samtaleform", "akasse_deltagelse")
            .first()
        )
        if fundet is not None:
            return fundet, bruger
    return None
