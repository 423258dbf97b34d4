"""The citizen's own insight (GDPR art. 15, issue 24, CONTRACT.md ``borger-indsigt``):
who has looked at their data, their conversations, agreements and periods, as one read
for the page and for its JSON download.

Who looked is the access log's rows for the citizen, every one of them and nothing else,
newest first: the time, the jobcenter or authority, the purpose and the kind of access,
never the staff member's name or user name (the auditor's export has those)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors
from .models import Adgangslog, Person


def hvem(bruger) -> str:
    """The jobcenter or authority behind an access, in the citizen's words."""
    if bruger.person_id is not None:
        return _("Dig selv")
    if bruger.jobcenter_id is not None:
        return bruger.jobcenter.navn
    return _("Myndighed uden for jobcentret (revision, tilsyn eller drift af systemet)")


def adgange(*, person: Person) -> list[dict]:
    """Every access-log row of the citizen, without staff names."""
    return [
        {
            "tidspunkt": r.tidspunkt,
            "hvem": hvem(r.bruger),
            "handling": r.get_handling_display(),
            "formaal": r.formaal,
        }
        for r in Adgangslog.objects.filter(person=person)
        .select_related("bruger__jobcenter")
        .order_by("-tidspunkt", "-id")
        .iterator(chunk_size=2000)
    ]


def borger_indsigt(*, person: Person) -> dict:
    """All of it, as plain data (the page renders it; ``?format=json`` dumps it)."""
    samtaler = [
        {
            "dato": s.dato,
            "samtaletype": s.samtaletype.navn,
            "samtaleform": s.samtaleform.navn,
            "aftale": s.aftale,
            "saerlig_indsats": s.saerlig_indsats,
            "praktiske_aftaler": s.praktiske_aftaler,
        }
        for s in selectors.samtaler_for_borger(person=person)
    ]
    aftale = selectors.aftale_gaeldende(person=person)
    perioder = [
        {
            "fra": p.gyldig_fra,
            "kontaktgruppe": str(p.kontaktgruppe),
            "akasse": p.akasse.navn if p.akasse else None,
            "navne_og_adressebeskyttelse": p.beskyttet,
        }
        for p in selectors.perioder(person=person)
    ]
    return {
        "borger": {"navn": person.navn, "jobcenter": person.jobcenter.navn},
        "adgange": adgange(person=person),
        "samtaler": samtaler,
        "gaeldende_aftale": (
            {"aftale": aftale.aftale, "dato": aftale.dato, "samtaletype": aftale.samtaletype.navn} if aftale else None
        ),
        "perioder": perioder,
    }
