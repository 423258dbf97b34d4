"""Password login once staff sign in through the municipality: only break-glass
administrators, in production (``KODEORD_KUN_NOEDADGANG``, on when DEBUG is off); each
break-glass login is recorded, append-only, and shown on the operations page. Logout."""

import logging

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from identitet.models import Noedadgang, NoedadgangLogin
from tests import factories
from tests.factories import oidc_log_ind

pytestmark = pytest.mark.django_db

KODEORD = "hemmeligt-kodeord"  # tests/factories.py


@pytest.fixture
def sso(settings):
    """Staff and citizen sign-in configured, production's password rule on (no provider is
    needed: nothing here signs in through it)."""
    settings.KODEORD_KUN_NOEDADGANG = True
    settings.OIDC_MEDARBEJDER_ISSUER = "https://login.kommune.example"
    settings.OIDC_MEDARBEJDER_CLIENT_ID = "samtaler"
    settings.OIDC_BORGER_ISSUER = "https://mitid-broker.example"
    settings.OIDC_BORGER_CLIENT_ID = "samtaler"


def _log_ind(client, brugernavn, sti="login"):
    return client.post(reverse(sti), {"username": brugernavn, "password": KODEORD}, REMOTE_ADDR="198.51.100.7")


@pytest.fixture
def noedadgang(db):
    admin = factories.bruger("noed-admin", rolle="administrator", is_staff=True)
    Noedadgang.objects.create(bruger=admin, begrundelse="Hvis kommunens login er nede")
    return admin


def test_medarbejder_kan_ikke_logge_ind_med_kodeord_naar_kommunens_login_er_slaaet_til(client, sso, sagsbehandler):
    svar = _log_ind(client, sagsbehandler.username)
    assert svar.status_code == 200 and "_auth_user_id" not in client.session
    html = svar.content.decode()
    assert "Indtast venligst korrekt" in html  # the ordinary message: nothing says the password was right
    assert 'id="kun-noedadgang"' in html and "Log ind med kommunens konto" in html


def test_lokalt_og_uden_kommunens_login_virker_kodeord_som_foer(client, settings, sso, sagsbehandler):
    settings.KODEORD_KUN_NOEDADGANG = False  # DEBUG=1: make run's demo users
    assert _log_ind(client, sagsbehandler.username).status_code == 302
    client.logout()
    settings.KODEORD_KUN_NOEDADGANG = True
    settings.OIDC_MEDARBEJDER_ISSUER = ""
    assert _log_ind(client, sagsbehandler.username).status_code == 302


def test_borger_skal_bruge_mitid_naar_det_er_slaaet_til(client, sso, jobcenter):
    from registrering.models import Bruger

    Bruger.objects.create_user("borger", password=KODEORD, person=factories.person(jc=jobcenter))
    assert _log_ind(client, "borger").status_code == 200 and "_auth_user_id" not in client.session


def test_noedadgangsflag_uden_administratorrolle_giver_ikke_kodeord(client, sso, sagsbehandler):
    Noedadgang.objects.create(bruger=sagsbehandler, begrundelse="fejlagtigt sat")
    assert _log_ind(client, sagsbehandler.username).status_code == 200
    assert not NoedadgangLogin.objects.exists()


def test_noedadgang_logges_og_vises_paa_driftssiden_for_administratorer(client, sso, noedadgang, jobcenter, caplog):
    caplog.set_level(logging.WARNING, logger="identitet")
    svar = _log_ind(client, noedadgang.username)
    assert svar.status_code == 302 and client.session["_auth_user_id"] == str(noedadgang.pk)
    login = NoedadgangLogin.objects.get()
    assert login.bruger == noedadgang and login.ip == "198.51.100.7"
    assert any("Nødadgang" in r.getMessage() and noedadgang.username in r.getMessage() for r in caplog.records)

    client.force_login(factories.bruger("admin2", rolle="administrator", is_staff=True))
    html = client.get(reverse("indberetning:drift")).content.decode()
    assert 'id="noedadgang-logins"' in html and f'data-noedadgang="{noedadgang.username}"' in html
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    assert 'id="noedadgang-logins"' not in client.get(reverse("indberetning:drift")).content.decode()


def test_noedadgang_gennem_adminens_login_logges_ogsaa(client, sso, noedadgang):
    assert _log_ind(client, noedadgang.username, "admin:login").status_code == 302
    assert NoedadgangLogin.objects.filter(bruger=noedadgang).count() == 1


def test_noedadgangslogins_kan_hverken_rettes_eller_slettes(client, sso, noedadgang):
    _log_ind(client, noedadgang.username)
    for handling in (lambda: NoedadgangLogin.objects.update(ip=None), lambda: NoedadgangLogin.objects.all().delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            handling()
    assert NoedadgangLogin.objects.count() == 1


def test_kun_en_superbruger_kan_give_noedadgang(client, noedadgang):
    """The administrator role sees the logins but cannot make a break-glass account."""
    admin = factories.bruger("admin3", rolle="administrator", is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:identitet_noedadgang_add")).status_code == 403
    assert client.get(reverse("admin:identitet_noedadganglogin_changelist")).status_code == 200


# --- logout -------------------------------------------------------------------------------------


def test_log_ud_efter_kodeord_lander_paa_en_dansk_side(client, sagsbehandler):
    client.force_login(sagsbehandler)
    svar = client.post(reverse("logout"))
    assert svar.status_code == 302 and svar["Location"] == reverse("identitet:logget-ud")
    html = client.get(svar["Location"]).content.decode()
    assert "Du er logget ud" in html and 'lang="da"' in html
    assert client.get(reverse("registrering:forside")).status_code == 302


def test_log_ud_efter_mitid_sender_id_tokenet_i_en_formular_ikke_i_en_adresse(client, oidc, jobcenter):
    person = factories.person(jc=jobcenter)
    oidc_log_ind(client, "borger", oidc.borger(cpr=person.cpr))
    svar = client.post(reverse("logout"))
    html = svar.content.decode()
    assert svar.status_code == 200 and "_auth_user_id" not in client.session
    assert f'action="{oidc.issuer}/oauth2/end_session"' in html and 'name="id_token_hint"' in html
    assert 'name="post_logout_redirect_uri" value="http://testserver/accounts/logget-ud/"' in html
    assert f"form-action 'self' {oidc.issuer}" in svar["Content-Security-Policy"]
