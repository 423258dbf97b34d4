"""Hardening: check --deploy, argon2, login throttling, CSP without inline scripts, sessions."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
ROD = Path(__file__).resolve().parent.parent


def test_check_deploy_er_rent_under_produktionsindstillinger():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-value", "ALLOWED_HOSTS": "samtaler.jobcenter.dk"}
    res = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROD, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "no issues" in res.stdout


def test_produktion_uden_hemmelighed_stopper_med_klar_besked():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "x.dk"})
    res = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROD, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode != 0 and "SECRET_KEY skal sættes" in res.stderr


def test_kodeord_hashes_med_argon2():
    from samtaler_site import settings as indstillinger

    assert indstillinger.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sessioner_udloeber_efter_8_timer(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_login_droesles_efter_gentagne_fejl(client, jobcenter):
    factories.bruger("sara", jc=jobcenter)
    for _ in range(4):
        assert client.post(reverse("login"), {"username": "sara", "password": "forkert"}).status_code == 200
    assert client.post(reverse("login"), {"username": "sara", "password": "forkert"}).status_code == 429
    svar = client.post(reverse("login"), {"username": "sara", "password": "hemmeligt-kodeord"})
    assert svar.status_code == 429
    assert "_auth_user_id" not in client.session


def test_csp_uden_inline_scripts(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    for adresse in (
        reverse("registrering:person-soeg"),
        reverse("registrering:person-detalje", kwargs={"pk": person.pk}),
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}) + "?samtaletype=7",
    ):
        svar = klient.get(adresse)
        csp = svar["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        html = svar.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> i " + adresse
        assert not re.search(r"\son[a-z]+=", html), "inline event handler i " + adresse
        assert "<style" not in html


OIDC = dict(
    OIDC_RP_CLIENT_ID="samtaler",
    OIDC_RP_CLIENT_SECRET="hemmelig",
    OIDC_RP_SIGN_ALGO="HS256",
    OIDC_OP_AUTHORIZATION_ENDPOINT="https://broker.invalid/auth",
    OIDC_OP_TOKEN_ENDPOINT="https://broker.invalid/token",
    OIDC_OP_USER_ENDPOINT="https://broker.invalid/userinfo",
    OIDC_CPR_CLAIM="cpr",
)


def test_mitid_via_oidc_knytter_borgeren_til_egen_borgerpost(settings, jobcenter):
    for k, v in OIDC.items():
        setattr(settings, k, v)
    from registrering.oidc import BorgerOIDCBackend

    person = factories.person(kontaktgruppe="1", jc=jobcenter)
    backend = BorgerOIDCBackend()
    claims = {"cpr": f"{person.cpr[:6]}-{person.cpr[6:]}", "sub": "abc"}
    assert backend.verify_claims(claims)
    assert not backend.filter_users_by_claims(claims).exists()
    bruger = backend.create_user(claims)
    assert bruger.person == person and person.cpr not in bruger.username
    assert list(backend.filter_users_by_claims(claims)) == [bruger]
    # A citizen the jobcenter does not know gets no user.
    assert backend.create_user({"cpr": "0101990000"}) is None
    assert not backend.verify_claims({"sub": "abc"})


def test_rolle_frataget_virker_fra_naeste_forespoergsel(client, jobcenter):
    """The backend reads permissions in one query and keeps them for one request only: a
    caseworker whose role an administrator removes is refused on the very next page."""
    from django.contrib.auth.models import Group, Permission

    b = factories.bruger(jc=jobcenter)
    b.user_permissions.add(Permission.objects.get(codename="view_person"))  # one of their own, besides the role's
    person = factories.person(jc=jobcenter)
    client.force_login(b)
    url = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    assert client.get(url).status_code == 200
    b.groups.remove(Group.objects.get(name="sagsbehandler"))
    assert client.get(url).status_code == 403
    # The user's own permission still counts.
    assert client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).status_code == 200
    b.is_active = False
    b.save()
    assert client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).status_code == 302  # to the login page
