"""Every failure a person meets is Danish, in the site's frame; one language; fail closed."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from registrering import services
from registrering.models import Samtale
from samtaler_site import fejl
from tests import factories

pytestmark = pytest.mark.django_db
ROD = Path(__file__).resolve().parent.parent


def _dansk_ramme(html: str, *, menu: bool = True) -> None:
    assert '<html lang="da">' in html
    assert 'aria-label="Hovedmenu"' in html and 'href="/"' in html  # the frame and a way back
    assert "Til forsiden" in html
    if menu:
        assert "Find borger" in html and "Log ud" in html  # the logged-in user's own menu


def test_404_er_dansk_med_menu(klient):
    svar = klient.get("/findes-ikke/")
    assert svar.status_code == 404
    html = svar.content.decode()
    _dansk_ramme(html)
    assert "Siden findes ikke" in html and "Not Found" not in html


def test_403_er_dansk_med_menu(client, jobcenter):
    borger = factories.bruger("borger1", rolle="", person=factories.person(jc=jobcenter))
    client.force_login(borger)
    svar = client.get(reverse("registrering:person-soeg"))
    assert svar.status_code == 403
    html = svar.content.decode()
    assert '<html lang="da">' in html and "Du har ikke adgang til denne side" in html
    assert "Mine samtaler" in html and "Forbidden" not in html


def test_csrf_fejl_er_dansk_og_aendrer_intet(sagsbehandler, jobcenter):
    person = factories.person(jc=jobcenter)
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(sagsbehandler)
    svar = klient.post(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}), factories.formular())
    assert svar.status_code == 403
    html = svar.content.decode()
    _dansk_ramme(html)
    assert "Formularen kunne ikke sendes" in html and "CSRF verification failed" not in html
    assert not Samtale.objects.exists()


def test_500_vises_uden_database(django_assert_num_queries):
    anmodning = RequestFactory().get("/")
    with django_assert_num_queries(0):
        try:
            raise ValueError("en fejl i koden")
        except ValueError:
            svar = fejl.serverfejl(anmodning)
    assert svar.status_code == 500
    html = svar.content.decode()
    _dansk_ramme(html, menu=False)
    assert "Der opstod en fejl i systemet" in html


def test_database_der_ikke_svarer_giver_dansk_503_uden_database(django_assert_num_queries):
    anmodning = RequestFactory().post("/borgere/", {"q": "x"})
    with django_assert_num_queries(0):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            svar = fejl.serverfejl(anmodning)
    assert svar.status_code == 503 and svar["Retry-After"]
    html = svar.content.decode()
    _dansk_ramme(html, menu=False)
    assert "Databasen svarer ikke" in html and "Det, du sendte, er ikke gemt." in html


def test_login_spaerring_siger_paa_dansk_hvor_laenge(client, jobcenter):
    factories.bruger("sara", jc=jobcenter)
    for _ in range(5):
        svar = client.post(reverse("login"), {"username": "sara", "password": "forkert"}, HTTP_ACCEPT_LANGUAGE="en")
    assert svar.status_code == 429
    html = svar.content.decode()
    _dansk_ramme(html, menu=False)
    assert "Vent 15 minutter, og prøv så igen." in html
    assert "Account locked" not in html


# --- one language --------------------------------------------------------------------------


def test_engelsk_browser_faar_kun_dansk(client, sagsbehandler, jobcenter):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="da">' in html and "Brugernavn" in html and "Adgangskode" in html
    assert "Username" not in html and "Password" not in html
    svar = client.post(reverse("login"), {"username": "", "password": ""})
    assert "Dette felt er påkrævet." in svar.content.decode() and "This field is required" not in svar.content.decode()

    client.force_login(sagsbehandler)
    person = factories.person(jc=jobcenter)
    svar = client.post(
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}), factories.formular(samtaletype=None)
    )
    html = svar.content.decode()
    assert svar.status_code == 200 and '<html lang="da">' in html
    assert "Dette felt er påkrævet." in html and "This field is required" not in html


# --- fail closed (issue 15, item 8) -------------------------------------------------------


def test_kodeord_skal_have_mindst_12_tegn():
    with pytest.raises(ValidationError) as fejlen:
        validate_password("Kort-kode-1")  # 11 characters
    assert "mindst 12 tegn" in " ".join(fejlen.value.messages)
    validate_password("Lang-nok-kode-42")


def test_nulstil_og_skift_kodeord_er_ikke_udstillet(client):
    for navn in ("password_reset", "password_change", "password_reset_done", "password_change_done"):
        with pytest.raises(NoReverseMatch):
            reverse(navn)
    for sti in ("/accounts/password_reset/", "/accounts/password_change/"):
        assert client.get(sti).status_code == 404


def test_adminens_skift_kodeord_er_ikke_udstillet(client):
    """Issue 15.8: not the admin's own password-change page either, and no link to it."""
    admin = factories.bruger("adm", rolle="administrator", is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/password_change/").status_code == 404
    forside = client.get("/admin/")
    assert forside.status_code == 200
    assert "/admin/password_change/" not in forside.content.decode()
    assert 'id="logout-form"' in forside.content.decode()


def _uden_debug_env(**ekstra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env["DJANGO_SETTINGS_MODULE"] = "samtaler_site.settings"
    return {**env, **ekstra}


def test_debug_er_slaaet_fra_naar_intet_er_sat():
    kode = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    env = _uden_debug_env(SECRET_KEY="k" * 50, ALLOWED_HOSTS="x.dk")
    res = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", kode],
        cwd=ROD,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[-2:] == ["False", "True"]


def test_uden_debug_1_stopper_manglende_secret_key_start_med_klar_besked():
    res = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROD,
        env=_uden_debug_env(ALLOWED_HOSTS="x.dk"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2
    assert "SECRET_KEY skal sættes, når DEBUG ikke er 1" in res.stderr
    assert "Traceback" not in res.stderr, "one clear line, not a wall of traceback"


# --- health endpoint ---------------------------------------------------------------------


TOKEN = "overvaagning-" + "t" * 40


def test_sundhed_svarer_anonyme_kun_med_status(client, sagsbehandler, jobcenter, settings):
    """Issue 19, finding 12: a load balancer (anyone) learns that the node is up, nothing
    about the backlog or the warnings."""
    settings.SUNDHED_TOKEN = TOKEN
    person = factories.person(kontaktgruppe="1", jc=jobcenter, akasse="HK")
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=factories.igaar()),
        bruger=sagsbehandler,
        tidspunkt=timezone.now() - datetime.timedelta(minutes=60),
    )
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer forkert"}, {"HTTP_AUTHORIZATION": TOKEN}):
        svar = client.get(reverse("sundhed"), **headers)
        assert svar.status_code == 200 and svar["Content-Type"] == "application/json"
        assert json.loads(svar.content) == {"status": "ok"}
        assert "no-cache" in svar["Cache-Control"]
    # A caseworker is no operator.
    client.force_login(sagsbehandler)
    assert json.loads(client.get(reverse("sundhed")).content) == {"status": "ok"}


def test_sundhed_med_token_viser_indberetningens_efterslaeb(client, sagsbehandler, jobcenter, settings):
    settings.SUNDHED_TOKEN = TOKEN
    token = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    svar = client.get(reverse("sundhed"), **token)
    assert svar.status_code == 200 and svar["Content-Type"] == "application/json"
    krop = json.loads(svar.content)
    assert krop["status"] == "ok" and krop["database"] == "ok"
    assert krop["indberetning"]["afventende"] == 0 and krop["indberetning"]["aeldste_sekunder"] == 0
    assert "venter" not in krop["indberetning"]["advarsler"]
    person = factories.person(kontaktgruppe="1", jc=jobcenter, akasse="HK")
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    krop = json.loads(client.get(reverse("sundhed"), **token).content)
    assert krop["indberetning"]["afventende"] == 2  # DFDG and the a-kasse
    assert krop["indberetning"]["aeldste_sekunder"] >= 0
    assert person.cpr not in svar.content.decode() and "no-cache" in svar["Cache-Control"]
    # Without a configured token, no bearer value opens the details.
    settings.SUNDHED_TOKEN = ""
    assert json.loads(client.get(reverse("sundhed"), HTTP_AUTHORIZATION="Bearer ").content) == {"status": "ok"}


def test_sundhed_viser_indberetningens_advarsler_uden_personoplysninger(client, sagsbehandler, jobcenter, settings):
    """Issue 12: a stalled queue shows in the health status too (codes only, still 200)."""
    settings.INDBERETNING_ALARM_MINUTTER = 15
    settings.SUNDHED_TOKEN = TOKEN
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Stine Stilstand")
    services.samtale_registrer(
        person=person,
        data=factories.data(dato=factories.igaar()),
        bruger=sagsbehandler,
        tidspunkt=timezone.now() - datetime.timedelta(minutes=16),
    )
    svar = client.get(reverse("sundhed"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    krop = json.loads(svar.content)
    assert svar.status_code == 200
    assert "venter" in krop["indberetning"]["advarsler"]
    assert person.cpr not in svar.content.decode() and person.navn not in svar.content.decode()


def test_sundhed_for_en_teamleder_taeller_kun_eget_jobcenter(client, jobcenter, andet_jobcenter, settings):
    settings.INDBERETNING_ALARM_MINUTTER = 15
    odense = factories.bruger("sb-odense", jc=andet_jobcenter)
    services.samtale_registrer(
        person=factories.person(kontaktgruppe="2", jc=andet_jobcenter),
        data=factories.data(dato=factories.igaar()),
        bruger=odense,
        tidspunkt=timezone.now() - datetime.timedelta(minutes=30),
    )
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    krop = json.loads(client.get(reverse("sundhed")).content)
    assert krop["indberetning"]["afventende"] == 0 and "venter" not in krop["indberetning"]["advarsler"]
    client.force_login(factories.bruger("tl-odense", rolle="teamleder", jc=andet_jobcenter))
    krop = json.loads(client.get(reverse("sundhed")).content)
    assert krop["indberetning"]["afventende"] == 1 and "venter" in krop["indberetning"]["advarsler"]
    client.force_login(factories.bruger("adm", rolle="administrator", is_staff=True))
    assert json.loads(client.get(reverse("sundhed")).content)["indberetning"]["afventende"] == 1
