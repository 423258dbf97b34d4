"""Sign-in through the municipality and MitID against the real OpenID Connect provider
(tests/conftest.py ``oidc``), without a browser: the app's redirect, the provider's
authorization and token endpoints over HTTP, the app's answer through the test client.
The same flows in Chromium: tests/browser/test_log_ind_oidc.py."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from identitet.models import EksternIdentitet
from registrering.models import Bruger
from tests import factories
from tests.factories import oidc_log_ind

pytestmark = pytest.mark.django_db


def test_autorisationsanmodningen_har_pkce_s256_state_og_nonce(client, oidc):
    svar = client.get(reverse("identitet:log-ind", kwargs={"udbyder": "medarbejder"}))
    assert svar.status_code == 302
    adresse = urlsplit(svar["Location"])
    params = parse_qs(adresse.query)
    assert f"{adresse.scheme}://{adresse.netloc}" == oidc.issuer
    assert params["response_type"] == ["code"] and params["client_id"] == ["samtaler-medarbejder"]
    assert params["code_challenge_method"] == ["S256"] and len(params["code_challenge"][0]) == 43
    assert len(params["state"][0]) >= 20 and len(params["nonce"][0]) >= 20
    assert "openid" in params["scope"][0].split()


def test_medarbejder_oprettes_ved_foerste_log_ind(client, oidc, jobcenter):
    sub = oidc.medarbejder(roller=["teamleder"], preferred_username="tina@kommune.dk")
    svar = oidc_log_ind(client, "medarbejder", sub)
    assert svar.status_code == 302 and svar["Location"] == reverse("registrering:forside")
    bruger = Bruger.objects.get(eksterne_identiteter__subjekt=sub)
    assert bruger.username == "tina@kommune.dk" and not bruger.has_usable_password()
    assert [g.name for g in bruger.groups.all()] == ["teamleder"] and bruger.jobcenter == jobcenter
    assert client.session["_auth_user_id"] == str(bruger.pk)
    assert EksternIdentitet.objects.get(bruger=bruger).udsteder == oidc.issuer


def _afvist(svar, aarsag: str, status: int) -> str:
    html = svar.content.decode()
    assert svar.status_code == status, (svar.status_code, html[:2000])
    assert f'data-aarsag="{aarsag}"' in html and 'lang="da"' in html
    return html


def _ikke_logget_ind(client) -> None:
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("registrering:forside"))["Location"].startswith(reverse("login"))


def test_rollen_og_jobcentret_tages_fra_claims_ved_hvert_log_ind(client, oidc, jobcenter, andet_jobcenter):
    sub = oidc.medarbejder(roller=["teamleder"], jobcenter="751")
    oidc_log_ind(client, "medarbejder", sub)
    oidc.medarbejder(sub=sub, roller=["sagsbehandler", "ukendt-gruppe"], jobcenter="461")
    client.logout()
    assert oidc_log_ind(client, "medarbejder", sub).status_code == 302
    bruger = Bruger.objects.get(eksterne_identiteter__subjekt=sub)
    assert [g.name for g in bruger.groups.all()] == ["sagsbehandler"] and bruger.jobcenter == andet_jobcenter
    assert Bruger.objects.filter(eksterne_identiteter__subjekt=sub).count() == 1


def test_administrator_faar_adgang_til_admin_og_mister_den_med_rollen(client, oidc, jobcenter):
    sub = oidc.medarbejder(roller=["administrator"])
    oidc_log_ind(client, "medarbejder", sub)
    assert client.get("/admin/").status_code == 200
    oidc.medarbejder(sub=sub, roller=["sagsbehandler"])
    client.logout()
    oidc_log_ind(client, "medarbejder", sub)
    assert client.get("/admin/").status_code == 302  # to the admin's login


def test_rolle_fjernet_hos_kommunen_afvises_og_tager_adgangen_fra_andre_sessioner(client, oidc, jobcenter):
    from django.test import Client

    sub = oidc.medarbejder(roller=["sagsbehandler"])
    anden = Client()
    oidc_log_ind(anden, "medarbejder", sub)
    assert anden.get(reverse("registrering:person-soeg")).status_code == 200
    oidc.medarbejder(sub=sub, roller=[])
    _afvist(oidc_log_ind(client, "medarbejder", sub), "ukendt_rolle", 403)
    _ikke_logget_ind(client)
    assert anden.get(reverse("registrering:person-soeg")).status_code == 403


def test_medarbejder_uden_kendt_jobcenter_afvises_og_oprettes_ikke(client, oidc, jobcenter):
    for jobcenter_kode in (None, "999", ["751", "461"]):
        sub = oidc.medarbejder(jobcenter=jobcenter_kode)
        _afvist(oidc_log_ind(client, "medarbejder", sub), "intet_jobcenter", 403)
        _ikke_logget_ind(client)
        assert not Bruger.objects.filter(eksterne_identiteter__subjekt=sub).exists()


def test_spaerret_medarbejder_kan_ikke_logge_ind_igen(client, oidc, jobcenter):
    sub = oidc.medarbejder()
    oidc_log_ind(client, "medarbejder", sub)
    client.logout()
    Bruger.objects.filter(eksterne_identiteter__subjekt=sub).update(is_active=False)
    _afvist(oidc_log_ind(client, "medarbejder", sub), "spaerret", 403)
    _ikke_logget_ind(client)
    assert not Bruger.objects.get(eksterne_identiteter__subjekt=sub).is_active


def test_et_brugernavn_der_findes_giver_ikke_adgang_til_den_bruger(client, oidc, sagsbehandler):
    """A provider's ``preferred_username`` equal to an existing account's name is a new user,
    not that account: users are found by issuer and sub."""
    sub = oidc.medarbejder(preferred_username=sagsbehandler.username)
    oidc_log_ind(client, "medarbejder", sub)
    ny = Bruger.objects.get(eksterne_identiteter__subjekt=sub)
    assert ny != sagsbehandler and ny.username.startswith(f"{sagsbehandler.username}-")
    assert not sagsbehandler.eksterne_identiteter.exists()


def test_borger_logger_ind_med_mitid_og_ser_egne_samtaler(client, oidc, jobcenter):
    person = factories.person(jc=jobcenter, navn="Bente Borger")
    sub = oidc.borger(cpr=person.cpr, niveau="High")
    svar = oidc_log_ind(client, "borger", sub)
    assert svar.status_code == 302
    bruger = Bruger.objects.get(person=person)
    assert person.cpr not in bruger.username and not bruger.has_usable_password()
    assert client.get(reverse("registrering:mine-samtaler")).status_code == 200
    client.logout()
    oidc_log_ind(client, "borger", sub)  # the second time: the same user
    assert Bruger.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    ("claims", "aarsag", "status"),
    [
        ({"niveau": "Low"}, "sikringsniveau", 403),
        ({"niveau": "Substantial", "identity_type": "professional"}, "ikke_privat", 403),
    ],
)
def test_borger_afvises_under_betydelig_eller_med_erhvervsidentitet(client, oidc, jobcenter, claims, aarsag, status):
    person = factories.person(jc=jobcenter)
    html = _afvist(oidc_log_ind(client, "borger", oidc.borger(cpr=person.cpr, **claims)), aarsag, status)
    _ikke_logget_ind(client)
    assert not Bruger.objects.filter(person=person).exists()
    if aarsag == "sikringsniveau":
        assert "sikringsniveau" in html and "betydelig" in html


@pytest.mark.parametrize("cpr", ["3102801234", "０１０１８０１２３４", "010180-1234", None])
def test_borger_med_ugyldigt_cpr_afvises(client, oidc, cpr):
    sub = oidc.bruger(**{"dk.cpr": cpr, "loa": factories.NSIS + "Substantial", "identity_type": "private"})
    _afvist(oidc_log_ind(client, "borger", sub), "cpr_ugyldig", 400)
    _ikke_logget_ind(client)


def test_ukendt_borger_faar_en_venlig_side_og_ingen_session(client, oidc, jobcenter):
    html = _afvist(oidc_log_ind(client, "borger", oidc.borger(cpr="0202021234")), "ukendt_borger", 200)
    assert "Det er helt i orden" in html
    _ikke_logget_ind(client)
    assert not Bruger.objects.filter(username__startswith="borger-").exists()


def test_cpr_nummeret_kommer_hverken_i_loggen_eller_i_adresser(client, oidc, jobcenter, caplog):
    import logging

    person = factories.person(jc=jobcenter)
    caplog.set_level(logging.DEBUG)
    for niveau in ("Low", "Substantial"):
        client.logout()
        start = client.get(reverse("identitet:log-ind", kwargs={"udbyder": "borger"}))
        svar = oidc_log_ind(client, "borger", oidc.borger(cpr=person.cpr, niveau=niveau))
        assert person.cpr not in start["Location"] and person.cpr not in svar.get("Location", "")
    assert caplog.records and not [r for r in caplog.records if person.cpr in r.getMessage()]


def test_nonce_fra_et_andet_log_ind_afvises(client, oidc, jobcenter):
    sub = oidc.medarbejder(nonce="nonce-fra-et-tidligere-log-ind")
    _afvist(oidc_log_ind(client, "medarbejder", sub), "svar_afvist", 400)
    _ikke_logget_ind(client)


def test_udbyderen_kraever_pkce_saa_hvert_vellykket_log_ind_beviser_det(client, oidc):
    """The provider refuses a code without its PKCE verifier: the app's successful sign-ins
    (above) therefore sent a matching S256 challenge and verifier."""
    from urllib.parse import urlencode

    start = client.get(reverse("identitet:log-ind", kwargs={"udbyder": "medarbejder"}))
    _s, headers, _k = factories.http_svar(start["Location"], data=urlencode({"sub": oidc.medarbejder()}).encode())
    tilbage = urlsplit(headers["Location"])
    kode = parse_qs(tilbage.query)["code"][0]
    status, _h, krop = factories.http_svar(
        oidc.issuer + "/oauth2/token",
        data=urlencode(
            {
                "grant_type": "authorization_code",
                "code": kode,
                "client_id": "samtaler-medarbejder",
                "client_secret": "x",
                "redirect_uri": parse_qs(urlsplit(start["Location"]).query)["redirect_uri"][0],
                "code_verifier": "forkert-" * 6,
            }
        ).encode(),
    )
    assert status == 400 and b"PKCE" in krop
    # The code is spent: the app's own exchange of it is refused too.
    _afvist(client.get(f"{tilbage.path}?{tilbage.query}"), "svar_afvist", 400)


# --- discovery: issuer and signature keys from a real local server -----------------------------


def _discovery(httpserver, oidc, settings, *, client_id: str, jwks_uri: str, issuer: str | None = None) -> str:
    """The configured issuer is the local server; its discovery document sends the browser
    and the app to the real provider's endpoints."""
    eget = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": issuer or eget,
            "authorization_endpoint": oidc.issuer + "/oauth2/authorize",
            "token_endpoint": oidc.issuer + "/oauth2/token",
            "jwks_uri": jwks_uri,
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
    settings.OIDC_MEDARBEJDER_ISSUER = eget
    settings.OIDC_MEDARBEJDER_CLIENT_ID = client_id
    return eget


def test_discovery_med_en_anden_issuer_afvises(client, oidc, settings, httpserver):
    _discovery(
        httpserver, oidc, settings, client_id="samtaler-issuer", jwks_uri=oidc.issuer + "/jwks", issuer=oidc.issuer
    )
    _afvist(client.get(reverse("identitet:log-ind", kwargs={"udbyder": "medarbejder"})), "udbyder_utilgaengelig", 503)


@pytest.mark.parametrize("noegle", ["udbyderens", "fremmed"])
def test_id_tokenets_signatur_kontrolleres_mod_udbyderens_noegler(
    client, oidc, settings, httpserver, jobcenter, noegle
):
    import json

    from joserfc.jwk import KeySet, RSAKey

    if noegle == "udbyderens":
        jwks_uri = oidc.issuer + "/jwks"
    else:
        # Another key with the provider's key id: only the signature can tell them apart.
        kid = json.loads(factories.http_svar(oidc.issuer + "/jwks")[2])["keys"][0].get("kid")
        fremmed = RSAKey.generate_key(2048, parameters={"kid": kid} if kid else None, private=True)
        httpserver.expect_request("/jwks").respond_with_json(KeySet([fremmed]).as_dict(private=False))
        jwks_uri = httpserver.url_for("/jwks")
    eget = _discovery(httpserver, oidc, settings, client_id=f"samtaler-signatur-{noegle}", jwks_uri=jwks_uri)
    svar = oidc_log_ind(client, "medarbejder", oidc.medarbejder(iss=eget))
    if noegle == "udbyderens":
        assert svar.status_code == 302 and "_auth_user_id" in client.session
    else:
        _afvist(svar, "svar_afvist", 400)
        _ikke_logget_ind(client)


def test_http_udbyder_uden_for_loopback_kan_ikke_konfigureres(client, settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.OIDC_BORGER_ISSUER = "http://mitid-broker.example.dk"
    settings.OIDC_BORGER_CLIENT_ID = "samtaler"
    with pytest.raises(SystemCheckError, match="OIDC_BORGER.*https://"):
        call_command("check")
    assert client.get(reverse("identitet:log-ind", kwargs={"udbyder": "borger"})).status_code == 404
    settings.OIDC_BORGER_ISSUER = "https://mitid-broker.example.dk"
    settings.OIDC_BORGER_CLIENT_ID = ""
    with pytest.raises(SystemCheckError, match="CLIENT_ID mangler"):
        call_command("check")


def test_uden_konfiguration_er_der_ingen_log_ind_knapper_og_ingen_sider(client):
    html = client.get(reverse("login")).content.decode()
    assert "Log ind med MitID" not in html and "kommunens konto" not in html and 'name="password"' in html
    for udbyder in ("medarbejder", "borger"):
        assert client.get(reverse("identitet:log-ind", kwargs={"udbyder": udbyder})).status_code == 404
        assert client.get(reverse("identitet:retur", kwargs={"udbyder": udbyder})).status_code == 404


def test_login_siden_viser_begge_log_ind_naar_de_er_konfigureret(client, oidc):
    html = client.get(reverse("login") + "?next=/statistik/").content.decode()
    assert "Log ind med kommunens konto" in html and "Log ind med MitID" in html and 'name="password"' in html
    assert reverse("identitet:log-ind", kwargs={"udbyder": "borger"}) + "?next=/statistik/" in html


def test_naeste_side_efter_log_ind_og_aldrig_en_fremmed(client, oidc, jobcenter):
    sub = oidc.medarbejder()
    assert oidc_log_ind(client, "medarbejder", sub, next="/borgere/")["Location"] == "/borgere/"
    client.logout()
    svar = oidc_log_ind(client, "medarbejder", sub, next="https://angriber.example/")
    assert svar["Location"] == reverse("registrering:forside")


def test_afbrudt_hos_udbyderen_giver_en_dansk_side_og_ingen_session(client, oidc):
    start = client.get(reverse("identitet:log-ind", kwargs={"udbyder": "medarbejder"}))
    status, headers, _k = factories.http_svar(start["Location"], data=b"action=deny")
    assert status == 302
    tilbage = urlsplit(headers["Location"])
    assert parse_qs(tilbage.query)["error"] == ["access_denied"]
    _afvist(client.get(f"{tilbage.path}?{tilbage.query}"), "annulleret", 200)
    _ikke_logget_ind(client)
