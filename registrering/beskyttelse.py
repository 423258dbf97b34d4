"""Navne- og adressebeskyttelse (issue 24, CONTRACT.md "Protected citizens"): the rule,
written once.

A citizen whose period in force is ``beskyttet`` (``Person.beskyttet`` holds today's value,
kept by ``borgere.person_ret``) is seen only by a user who was given the permission
``registrering.se_beskyttede`` deliberately, as a user permission of their own: no role
(group) implies it, and neither does ``is_superuser`` (Django's ``has_perm`` would let a
superuser through; this rule does not). Everyone else:

- gets 403 on every page of that citizen, and the attempt is written to the citizen's
  access log (``Adgangslog.Handling.AFVIST``): :func:`kraev_adgang`;
- sees a masked row ("Beskyttet borger", no name, no CPR number, no link) in search, lists
  and the start page, so that counts stay true: :func:`personer_masker`,
  :func:`raekker_masker`;
- the statistics and the reports to DFDG and the a-kasse count and carry the citizen as
  before (they carry no address; the statistics no name).

Prints and exports of a protected citizen carry neither name nor CPR number, whoever makes
them (:func:`navn_til_udskrift`). Every allowed view is access-logged as any other.

The API (issue 22) calls :func:`er_skjult` / :func:`kraev_adgang` for its endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

RETTIGHED = "se_beskyttede"
SKJULT_NAVN = _("Beskyttet borger")


def kan_se_beskyttede(bruger) -> bool:
    """Whether ``bruger`` holds ``registrering.se_beskyttede`` as a permission of their own
    (never through a group, never as a superuser). One query, once per user object."""
    if not getattr(bruger, "is_authenticated", False) or not bruger.is_active:
        return False
    svar = getattr(bruger, "_kan_se_beskyttede", None)
    if svar is None:
        svar = bruger.user_permissions.filter(content_type__app_label="registrering", codename=RETTIGHED).exists()
        bruger._kan_se_beskyttede = svar
    return svar


def er_skjult(*, bruger, person=None, beskyttet: bool | None = None) -> bool:
    """Whether ``person`` (or a row whose ``beskyttet`` is given) is hidden from ``bruger``.
    Asks the database only when the citizen is protected."""
    if beskyttet is None:
        beskyttet = bool(getattr(person, "beskyttet", False))
    return beskyttet and not kan_se_beskyttede(bruger)


def kraev_adgang(*, bruger, person, side: str = "") -> None:
    """Every page of one citizen: 403 for a protected citizen the user may not see, after
    the refused attempt is written to the citizen's access log (in its own statement: the
    403 does not roll it back)."""
    if er_skjult(bruger=bruger, person=person):
        from . import services
        from .models import Adgangslog

        services.adgang_log(
            bruger=bruger,
            personer=[person],
            handling=Adgangslog.Handling.AFVIST,
            detaljer=str(_("Afvist: navne- og adressebeskyttelse")) + (f" ({side})" if side else ""),
        )
        raise PermissionDenied(_("Borgeren har navne- og adressebeskyttelse."))


def kraev_adgang_til(*, bruger, person_ids, side: str = "") -> None:
    """:func:`kraev_adgang` for citizens known by id (the admin's pages of a row that
    belongs to a citizen): one query, only for a user without the permission."""
    from .models import Person

    if not person_ids or kan_se_beskyttede(bruger):
        return
    for person in Person.objects.filter(pk__in=list(person_ids), beskyttet=True):
        kraev_adgang(bruger=bruger, person=person, side=side)


def _masker(person) -> None:
    person.skjult = True
    person.navn = str(SKJULT_NAVN)
    person.cpr = ""


def personer_masker(personer, *, bruger) -> list:
    """Citizens for a list: the protected ones the user may not see are masked in place
    (``skjult`` set, name "Beskyttet borger", no CPR number); the objects are for reading
    only. Every row stays, so counts stay true."""
    personer = list(personer)
    for p in personer:
        p.skjult = False
        if er_skjult(bruger=bruger, person=p):
            _masker(p)
    return personer


def raekker_masker(raekker, *, bruger, navn: str = "navn", beskyttet: str = "person_beskyttet") -> list[dict]:
    """The same for rows read with ``values()``: each carries ``beskyttet`` (the citizen's
    ``beskyttet``); a hidden row gets ``skjult`` and the masked name in ``navn``."""
    raekker = list(raekker)
    for r in raekker:
        r["skjult"] = er_skjult(bruger=bruger, beskyttet=bool(r.get(beskyttet)))
        if r["skjult"]:
            r[navn] = str(SKJULT_NAVN)
    return raekker


def navn_til_udskrift(person) -> str:
    """The name on a print or in an export: never a protected citizen's."""
    return str(SKJULT_NAVN) if person.beskyttet else person.navn
