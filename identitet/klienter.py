"""The two OpenID Connect clients: staff through the municipality's identity provider and
citizens through a MitID broker, both with authlib's Django client.

authlib does the protocol: discovery (``<issuer>/.well-known/openid-configuration``),
the authorization code flow with PKCE (S256), ``state`` and ``nonce`` kept in the session,
the token request, and the ID token's signature against the provider's JWKS (fetched
again when the provider rotates its key). This module adds what authlib leaves to the
application (docs/notes/issue-23.md, "docs/sikkerhed.md"):

* the discovery document's ``issuer`` must be the configured issuer (OpenID Connect
  Discovery § 4.3), and every endpoint in it HTTPS, except on loopback;
* the ID token's ``aud`` must hold our client id: authlib checks only ``iss`` unless told,
  and would take a token for another service that names us as ``azp``;
* ``iss``, ``sub``, ``aud``, ``exp`` and ``iat`` are required, with one minute's leeway;
* the claims from the userinfo endpoint are added only when its ``sub`` is the token's.

Settings are read on every use, so a changed setting (or a test's) takes effect at once;
a client and its discovery document are kept for an hour.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError

from .afvisning import Afvisning

log = logging.getLogger(__name__)

UDBYDERE = ("medarbejder", "borger")
STANDARD_SCOPE = {"medarbejder": "openid profile email", "borger": "openid"}
LEEWAY_SEKUNDER = 60
HTTP_TIMEOUT_SEKUNDER = 10
METADATA_MAKS_ALDER_SEKUNDER = 3600
# The endpoints a browser or this server is sent to; each must be HTTPS (loopback excepted).
ENDEPUNKTER = ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint")


class IkkeKonfigureret(Exception):
    """The provider is not configured here (its sign-in pages answer 404)."""


class Udbyderfejl(Afvisning):
    """The provider did not answer, or its discovery document is not to be trusted."""

    def __init__(self, detalje: str):
        super().__init__("udbyder_utilgaengelig", status=503, detalje=detalje)


class Svarfejl(Afvisning):
    """The sign-in answer is refused: state, code, ID token or claims."""

    def __init__(self, detalje: str):
        super().__init__("svar_afvist", status=400, detalje=detalje)


@dataclass(frozen=True)
class Konfiguration:
    navn: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Udlogning:
    """An RP-initiated logout: a form the browser posts to the provider (the ID token, which
    for a citizen holds the CPR number, travels in the body, never in a URL)."""

    url: str
    felter: dict
    oprindelse: str


def konfiguration(navn: str) -> Konfiguration | None:
    praefiks = f"OIDC_{navn.upper()}_"
    issuer = getattr(settings, praefiks + "ISSUER", "")
    if navn not in UDBYDERE or not issuer:
        return None
    return Konfiguration(
        navn=navn,
        issuer=issuer,
        client_id=getattr(settings, praefiks + "CLIENT_ID", ""),
        client_secret=getattr(settings, praefiks + "CLIENT_SECRET", ""),
        scope=getattr(settings, praefiks + "SCOPE", "") or STANDARD_SCOPE[navn],
    )


def konfigureret(navn: str) -> bool:
    return konfiguration(navn) is not None and konfigurationsfejl(navn) is None


def _loopback(vaert: str) -> bool:
    if vaert == "localhost":
        return True
    try:
        return ipaddress.ip_address(vaert.strip("[]")).is_loopback
    except ValueError:
        return False


def adressefejl(url: str) -> str | None:
    """Why ``url`` may not be an identity provider's address, or ``None``: HTTPS, or plain
    HTTP on loopback only (the tests' and the local demo's provider)."""
    dele = urlsplit(url or "")
    if dele.hostname and (dele.scheme == "https" or (dele.scheme == "http" and _loopback(dele.hostname))):
        return None
    return f"{url!r} skal være en https://-adresse (http:// kun på loopback, til test og lokal demo)."


def konfigurationsfejl(navn: str) -> str | None:
    k = konfiguration(navn)
    if k is None:
        return None
    if not k.client_id:
        return "CLIENT_ID mangler."
    return adressefejl(k.issuer)


_klienter: dict[Konfiguration, tuple[object, float]] = {}


def _klient(navn: str):
    """The authlib client for the provider, with its checked discovery document."""
    k = konfiguration(navn)
    if k is None or konfigurationsfejl(navn):
        raise IkkeKonfigureret(navn)
    klient, oprettet = _klienter.get(k, (None, 0.0))
    if klient is None or time.monotonic() - oprettet > METADATA_MAKS_ALDER_SEKUNDER:
        oauth = OAuth()
        oauth.register(
            name=navn,
            client_id=k.client_id,
            client_secret=k.client_secret or None,
            server_metadata_url=k.discovery_url,
            client_kwargs={
                "scope": k.scope,
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT_SEKUNDER,
            },
        )
        klient = oauth.create_client(navn)
        _tjek_metadata(klient, k)
        _klienter[k] = (klient, time.monotonic())
    return klient, k


def _tjek_metadata(klient, k: Konfiguration) -> None:
    try:
        metadata = klient.load_server_metadata()
    except (requests.RequestException, ValueError) as fejl:
        raise Udbyderfejl(f"discovery: {type(fejl).__name__}") from fejl
    if str(metadata.get("issuer", "")).rstrip("/") != k.issuer.rstrip("/"):
        raise Udbyderfejl("discovery-dokumentets issuer er ikke den konfigurerede")
    for navn in ENDEPUNKTER:
        if metadata.get(navn) and adressefejl(metadata[navn]):
            raise Udbyderfejl(f"{navn} er ikke https")
    for navn in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(navn):
            raise Udbyderfejl(f"{navn} mangler i discovery-dokumentet")
    metoder = metadata.get("code_challenge_methods_supported")
    if metoder is not None and "S256" not in metoder:
        raise Udbyderfejl("udbyderen understøtter ikke PKCE med S256")


def til_udbyder(request: HttpRequest, navn: str, *, redirect_uri: str) -> HttpResponse:
    """The redirect to the provider's authorization endpoint (state, nonce and the PKCE
    verifier are kept in the session by authlib)."""
    klient, _k = _klient(navn)
    ekstra = {"ui_locales": "da"}
    if navn == "borger":
        # Ask the broker for NSIS Substantial at least; the answer is checked all the same.
        ekstra["acr_values"] = " ".join(settings.OIDC_BORGER_LOA_GODKENDT)
    return klient.authorize_redirect(request, redirect_uri, **ekstra)


def _claims_options(k: Konfiguration, udsteder: str) -> dict:
    return {
        "iss": {"essential": True, "value": udsteder},
        "aud": {"essential": True, "value": k.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }


def modtag_svar(request: HttpRequest, navn: str) -> tuple[dict, str, str]:
    """The checked claims, the raw ID token (for logout) and the issuer, from the
    provider's answer at the redirect URI; :class:`Svarfejl` when anything is wrong."""
    klient, k = _klient(navn)
    udsteder = klient.load_server_metadata()["issuer"]
    if request.GET.get("error") == "access_denied":
        raise Afvisning("annulleret", status=200, detalje="afbrudt hos udbyderen")
    try:
        token = klient.authorize_access_token(
            request, claims_options=_claims_options(k, udsteder), leeway=LEEWAY_SEKUNDER
        )
        claims = dict(token.get("userinfo") or {})
        if not claims or not token.get("id_token"):
            raise Svarfejl("intet ID-token i svaret")
        claims = _med_userinfo(klient, token, claims)
    except (AuthlibBaseError, JoseError) as fejl:
        raise Svarfejl(f"{type(fejl).__name__}: {getattr(fejl, 'description', '') or fejl}") from fejl
    except (requests.RequestException, ValueError) as fejl:
        raise Udbyderfejl(f"token: {type(fejl).__name__}") from fejl
    return claims, token["id_token"], udsteder


def _med_userinfo(klient, token: dict, claims: dict) -> dict:
    """The userinfo endpoint's claims under the ID token's (which win): some brokers put
    the CPR number or the level of assurance only there."""
    if not klient.load_server_metadata().get("userinfo_endpoint"):
        return claims
    svar = klient.userinfo(token=token)
    if svar.get("sub") != claims.get("sub"):
        raise Svarfejl("userinfo-svarets sub er ikke ID-tokenets")
    return {**svar, **claims}


def udlogning(oidc: dict | None, *, post_logout_redirect_uri: str) -> Udlogning | None:
    """The provider's logout (OpenID Connect RP-Initiated Logout 1.0), when the session came
    from a provider that has an ``end_session_endpoint``; ``None`` otherwise."""
    if not oidc or not oidc.get("udbyder"):
        return None
    try:
        klient, k = _klient(oidc["udbyder"])
    except (IkkeKonfigureret, Afvisning):
        log.warning("Udlogning hos udbyderen %s sprunget over: udbyderen svarer ikke", oidc.get("udbyder"))
        return None
    url = klient.load_server_metadata().get("end_session_endpoint")
    if not url:
        return None
    dele = urlsplit(url)
    felter = {"client_id": k.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if oidc.get("id_token"):
        felter["id_token_hint"] = oidc["id_token"]
    return Udlogning(url=url, felter=felter, oprindelse=f"{dele.scheme}://{dele.netloc}")
