"""Sign-in as business actions: a staff user from the municipality's claims, a citizen
from the MitID broker's, and the record of a break-glass password login.

Staff (``medarbejder_log_ind``): the user is found by (issuer, ``sub``) and created the
first time (just in time, with no usable password). Roles (the Django groups of
``registrering.roller``) and the jobcenter are set from the claims at *every* sign-in, so
a role or a jobcenter the municipality takes away is gone at the next sign-in, in every
session the user has (permissions are read per request). A token without a known role or
jobcenter is refused (:class:`Afvisning`), after the user's roles have been emptied.

Citizens (``borger_log_ind``): NSIS Substantial or High, a private (not business) MitID,
a valid CPR number (``registrering.models.valider_cpr``) that the jobcentre know.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registrering.models import Bruger, Jobcenter, Person, valider_cpr
from registrering.roller import ROLLER

from .afvisning import Afvisning
from .klienter import konfigureret
from .models import EksternIdentitet, Noedadgang, NoedadgangLogin

log = logging.getLogger(__name__)

ADMINISTRATOR = "administrator"


def _vaerdier(vaerdi) -> list[str]:
    if vaerdi is None:
        return []
    if isinstance(vaerdi, (list, tuple)):
        return [str(v) for v in vaerdi]
    return [str(vaerdi)]


def roller_fra_claims(claims: dict) -> list[str]:
    return sorted({v for v in _vaerdier(claims.get(settings.OIDC_MEDARBEJDER_ROLLE_CLAIM)) if v in ROLLER})


def jobcenter_fra_claims(claims: dict) -> Jobcenter | None:
    """The one jobcenter the claim names by kommunekode (several, or an unknown one: none)."""
    koder = _vaerdier(claims.get(settings.OIDC_MEDARBEJDER_JOBCENTER_CLAIM))
    if len(koder) != 1 or not koder[0].strip():
        return None
    return Jobcenter.objects.filter(kode=koder[0].strip()).first()


def _brugernavn(claims: dict, *, udsteder: str) -> str:
    """A readable, unique username (it is shown in audit trails). Never the key: a user is
    found by issuer and ``sub``, so a name or an e-mail address cannot take over an account."""
    grund = str(claims.get("preferred_username") or claims.get("email") or f"sso-{claims['sub']}")[:150]
    if not Bruger.objects.filter(username=grund).exists():
        return grund
    spor = hashlib.sha256(f"{udsteder} {claims['sub']}".encode()).hexdigest()[:8]
    return f"{grund[:140]}-{spor}"


def _opdater_medarbejder(bruger: Bruger, claims: dict, *, roller: list[str], jobcenter: Jobcenter | None) -> None:
    bruger.first_name = str(claims.get("given_name") or claims.get("name") or bruger.first_name)[:150]
    bruger.last_name = str(claims.get("family_name") or ("" if claims.get("name") else bruger.last_name))[:150]
    bruger.email = str(claims.get("email") or bruger.email)[:254]
    bruger.jobcenter = jobcenter
    bruger.is_staff = ADMINISTRATOR in roller  # the Django admin is the administrator's
    bruger.save()
    rollegrupper = Group.objects.filter(name__in=ROLLER)
    bruger.groups.remove(*[g for g in rollegrupper if g.name not in roller])
    bruger.groups.add(*[g for g in rollegrupper if g.name in roller])


def medarbejder_log_ind(*, udsteder: str, claims: dict) -> Bruger:
    roller = roller_fra_claims(claims)
    jobcenter = jobcenter_fra_claims(claims)
    with transaction.atomic():
        identitet = (
            EksternIdentitet.objects.select_for_update()
            .select_related("bruger")
            .filter(udsteder=udsteder, subjekt=claims["sub"])
            .first()
        )
        if identitet is None and roller and jobcenter is not None:
            bruger = Bruger.objects.create_user(username=_brugernavn(claims, udsteder=udsteder), password=None)
            identitet = EksternIdentitet.objects.create(bruger=bruger, udsteder=udsteder, subjekt=claims["sub"])
        if identitet is not None and identitet.bruger.is_active:
            _opdater_medarbejder(identitet.bruger, claims, roller=roller, jobcenter=jobcenter)
            identitet.sidst_logget_ind = timezone.now()
            identitet.save(update_fields=["sidst_logget_ind"])
    if identitet is not None and not identitet.bruger.is_active:
        raise Afvisning("spaerret")
    if not roller:
        raise Afvisning("ukendt_rolle")
    if jobcenter is None:
        raise Afvisning("intet_jobcenter")
    return identitet.bruger


def borger_log_ind(*, claims: dict) -> Bruger:
    if claims.get(settings.OIDC_BORGER_LOA_CLAIM) not in settings.OIDC_BORGER_LOA_GODKENDT:
        raise Afvisning("sikringsniveau")
    typeclaim = settings.OIDC_BORGER_IDENTITETSTYPE_CLAIM
    if typeclaim and claims.get(typeclaim) != "private":
        raise Afvisning("ikke_privat")
    cpr = claims.get(settings.OIDC_BORGER_CPR_CLAIM)
    try:
        valider_cpr(cpr)
    except ValidationError:
        raise Afvisning("cpr_ugyldig", status=400) from None
    person = Person.objects.filter(cpr=cpr).first()
    if person is None:
        raise Afvisning("ukendt_borger", status=200)
    bruger = Bruger.objects.filter(person=person).first()
    if bruger is None:
        # The username is the citizen's opaque id, never the CPR number.
        bruger = Bruger.objects.create_user(username=f"borger-{person.pk}", password=None, person=person)
    if not bruger.is_active:
        raise Afvisning("spaerret")
    return bruger


# --- password login and break-glass accounts ---------------------------------------------------


def er_noedadgang(bruger: Bruger) -> bool:
    """A break-glass account: flagged (an administrator's :class:`Noedadgang` row, set by a
    superuser) and an administrator."""
    if not Noedadgang.objects.filter(bruger=bruger).exists():
        return False
    return bruger.is_superuser or bruger.groups.filter(name=ADMINISTRATOR).exists()


def kodeord_tilladt(bruger: Bruger) -> bool:
    """Whether ``bruger`` may log in with a password. With ``KODEORD_KUN_NOEDADGANG`` (on in
    production): staff only through the municipality once that is configured, except
    break-glass accounts; citizens only through MitID once that is configured."""
    if not settings.KODEORD_KUN_NOEDADGANG:
        return True
    if bruger.person_id is not None:
        return not konfigureret("borger")
    return not konfigureret("medarbejder") or er_noedadgang(bruger)


def noedadgang_login_registrer(*, bruger: Bruger, ip: str | None) -> NoedadgangLogin | None:
    """A password login of a break-glass account: a row for the operations page and a log
    line for the security monitoring."""
    if not er_noedadgang(bruger):
        return None
    try:
        ip = str(ipaddress.ip_address(ip or ""))
    except ValueError:
        ip = None
    log.warning("Nødadgang: %s loggede ind med adgangskode fra %s", bruger.username, ip or "ukendt adresse")
    return NoedadgangLogin.objects.create(bruger=bruger, brugernavn=bruger.username, ip=ip)
