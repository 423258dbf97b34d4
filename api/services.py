"""The API's write operations on its own data: clients (create, rotate the secret, revoke),
the rate limit, Idempotency-Keys. Citizens and conversations are written by
``registrering.services`` only (api/handlinger.py calls them)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from registrering.models import Bruger, Jobcenter

from .models import ApiKlient, ApiKlientBruger, Idempotensnoegle, Kaldtaeller
from .problemer import Problem

ROLLE = "sagsbehandler"  # a client registers as a caseworker of its jobcentre does


@transaction.atomic
def klient_opret(*, navn: str, jobcentre: list[Jobcenter]) -> tuple[ApiKlient, str]:
    """A client for one integrating system: its OAuth application (client credentials, the
    secret stored hashed) and a user per jobcenter named as the client. Returns the client
    and its secret, which is shown once and never stored in clear."""
    if not jobcentre:
        raise ValueError(_("Angiv mindst ét jobcenter."))
    hemmelighed = generate_client_secret()
    application = Application.objects.create(
        name=navn,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=hemmelighed,
        hash_client_secret=True,
    )
    klient = ApiKlient.objects.create(navn=navn, application=application)
    rolle = Group.objects.get(name=ROLLE)
    for jobcenter in jobcentre:
        bruger = Bruger(
            username=f"api-{application.client_id[:12]}-{jobcenter.kode}",
            first_name=navn[:150],
            jobcenter=jobcenter,
        )
        bruger.set_unusable_password()
        bruger.save()
        bruger.groups.add(rolle)
        ApiKlientBruger.objects.create(klient=klient, jobcenter=jobcenter, bruger=bruger)
    return klient, hemmelighed


@transaction.atomic
def hemmelighed_forny(*, klient: ApiKlient) -> str:
    """A new secret (the old one stops working at once, and so do its tokens)."""
    hemmelighed = generate_client_secret()
    application = klient.application
    application.client_secret = hemmelighed
    application.save()
    AccessToken.objects.filter(application=application).delete()
    return hemmelighed


@transaction.atomic
def klient_spaer(*, klient: ApiKlient) -> None:
    """Revoke: no new tokens, and the ones given stop working at once."""
    klient.aktiv = False
    klient.save(update_fields=["aktiv"])
    AccessToken.objects.filter(application_id=klient.application_id).delete()


def sidst_brugt(*, klient: ApiKlient) -> None:
    """The admin's "last use", written at most once a minute per client."""
    nu = timezone.now()
    if klient.sidst_brugt is None or nu - klient.sidst_brugt > datetime.timedelta(minutes=1):
        ApiKlient.objects.filter(pk=klient.pk).update(sidst_brugt=nu)
        klient.sidst_brugt = nu


def kald_tael(*, klient: ApiKlient) -> None:
    """One call counted in the client's current minute (in the database, so every web
    process shares it); beyond ``API_KALD_PR_MINUT`` a 429 with ``Retry-After``."""
    with connection.cursor() as c:
        c.execute(
            """INSERT INTO api_kaldtaeller (klient_id, minut, antal) VALUES (%s, date_trunc('minute', now()), 1)
               ON CONFLICT (klient_id, minut) DO UPDATE SET antal = api_kaldtaeller.antal + 1
               RETURNING antal, ceil(extract(epoch FROM date_trunc('minute', now()) + interval '1 minute' - now()))""",
            [klient.pk],
        )
        antal, sekunder = c.fetchone()
    if antal > settings.API_KALD_PR_MINUT:
        raise Problem(
            429,
            _("Klienten har brugt sine %(n)s kald i dette minut. Prøv igen om %(s)s sekunder.")
            % {"n": settings.API_KALD_PR_MINUT, "s": int(sekunder)},
            headers={"Retry-After": str(max(int(sekunder), 1))},
        )


def _krop(request) -> str:
    h = hashlib.sha256()
    for del_ in (request.method.encode(), b" ", request.path.encode(), b"\n", request.body):
        h.update(del_)
    return h.hexdigest()


class _Kaploeb(Exception):
    """Another call with the same key committed first."""


def idempotent(request, *, klient: ApiKlient, udfoer: Callable[[], tuple[int, dict]]) -> tuple[int, dict, bool]:
    """Run ``udfoer`` once per ``Idempotency-Key``: the same key and body again answers the
    first (2xx) answer and stores nothing new (``True`` as the third value: a replay); the
    same key with another body is 422. The key, the answer and everything the operation
    wrote commit together. A refusal is not kept: nothing was stored, a retry is safe.
    ``udfoer`` returns ``(status, body)``; a :class:`Problem` it raises is answered after
    the commit (what the services logged before refusing, stays)."""
    noegle = request.headers.get("Idempotency-Key")
    if noegle is None or request.method != "POST":
        return *_udfoer(udfoer), False
    if not 1 <= len(noegle) <= 255:
        raise Problem(400, _("Idempotency-Key skal være 1-255 tegn."), errors={"Idempotency-Key": [_("1-255 tegn.")]})
    krop = _krop(request)
    for _forsoeg in range(2):
        try:
            return _idempotent(klient=klient, noegle=noegle, krop=krop, udfoer=udfoer)
        except _Kaploeb:
            continue
    raise Problem(409, _("Et andet kald med samme Idempotency-Key er i gang. Prøv igen."))


def _udfoer(udfoer) -> tuple[int, dict]:
    try:
        return udfoer()
    except Problem as p:
        return p.status, p


def _idempotent(*, klient, noegle, krop, udfoer) -> tuple[int, dict, bool]:
    with transaction.atomic():
        tidligere = Idempotensnoegle.objects.select_for_update().filter(klient=klient, noegle=noegle).first()
        if tidligere is not None:
            if tidligere.krop != krop:
                raise Problem(
                    422,
                    _("Idempotency-Key er allerede brugt til en anden forespørgsel. Brug en ny nøgle."),
                    errors={"Idempotency-Key": [_("Nøglen er brugt med en anden krop.")]},
                )
            return tidligere.status, tidligere.svar, True
        status, svar = _udfoer(udfoer)
        if isinstance(svar, Problem):
            return status, svar, False
        try:
            with transaction.atomic():
                Idempotensnoegle.objects.create(klient=klient, noegle=noegle, krop=krop, status=status, svar=svar)
        except IntegrityError:
            transaction.set_rollback(True)
            raise _Kaploeb from None
        return status, svar, False


def noegler_ryd(*, nu: datetime.datetime | None = None) -> int:
    """Delete Idempotency-Keys older than ``API_IDEMPOTENS_TIMER`` hours, and old call counts."""
    nu = nu or timezone.now()
    graense = nu - datetime.timedelta(hours=settings.API_IDEMPOTENS_TIMER)
    antal, _d = Idempotensnoegle.objects.filter(oprettet__lt=graense).delete()
    Kaldtaeller.objects.filter(minut__lt=nu - datetime.timedelta(hours=1)).delete()
    return antal
