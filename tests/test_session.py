"""An idle session keeps the caseworker's work (issue 18.1), the server's side: "Forlæng"
renews the idle clock, the login page after an expired post says that the session ended,
a form the server accepted is named on the next page (so the browser drops its copy), and
the registration form sent again answers "already registered" instead of a second one.
The browser's side (the dialog, the kept input) is tests/browser/test_session.py."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from registrering.models import Samtale
from samtaler_site.sikkerhed import SIDST_AKTIV
from tests import factories
from tests.factories import url

pytestmark = pytest.mark.django_db


def idle(klient, minutter: float) -> None:
    """The caseworker has sent no request for ``minutter`` minutes."""
    s = klient.session
    s[SIDST_AKTIV] = time.time() - minutter * 60
    s.save()


def test_forlaeng_starter_inaktivitetsuret_igen(klient):
    idle(klient, 26)
    svar = klient.post(reverse("session-forlaeng"))
    assert svar.status_code == 200 and svar.json() == {"udloeber_om": 30 * 60}
    assert time.time() - klient.session[SIDST_AKTIV] < 5
    idle(klient, 29)
    assert klient.get(url("person-soeg")).status_code == 200  # still logged in


def test_forlaeng_efter_udloeb_svarer_401_og_get_405(klient):
    assert klient.get(reverse("session-forlaeng")).status_code == 405
    idle(klient, 31)
    svar = klient.post(reverse("session-forlaeng"))
    assert svar.status_code == 401 and svar.json() == {"udloebet": True}


def test_siderne_kender_graenserne_til_advarslen(klient, settings):
    settings.SESSION_ADVARSEL_SEKUNDER = 240
    html = klient.get(url("person-soeg")).content.decode()
    body = re.search(r"<body[^>]*>", html).group(0)
    assert 'data-session-inaktiv="1800"' in body and 'data-session-advarsel="240"' in body
    assert int(re.search(r'data-session-absolut="(\d+)"', body).group(1)) > 7 * 60 * 60
    assert 'id="session-dialog"' in html and 'role="alertdialog"' in html


def test_udloebet_post_sender_til_login_som_siger_at_sessionen_sluttede(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    idle(klient, 31)
    svar = klient.post(url("samtale-opret", person_pk=person.pk), factories.formular())
    assert svar.status_code == 302
    assert svar["Location"].startswith(reverse("login")) and "udloebet=post" in svar["Location"]
    assert "next=" in svar["Location"] and person.cpr not in svar["Location"]
    login = klient.get(svar["Location"]).content.decode()
    besked = re.search(r'id="session-udloebet".*?</div>', login, re.S).group(0)
    assert "Din session er udløbet, fordi du ikke har været aktiv i 30 minutter." in besked
    assert "bevaret i denne browser" in besked  # shown by app.js when it kept the form
    assert not Samtale.objects.exists()


def test_udloebet_get_siger_kun_at_sessionen_sluttede(klient):
    idle(klient, 31)
    svar = klient.get(url("person-soeg"))
    assert "udloebet=1" in svar["Location"]
    login = klient.get(svar["Location"]).content.decode()
    assert "Din session er udløbet" in login and "bevaret i denne browser" not in login


def _noegle(svar) -> str:
    return re.search(r'name="formularnoegle" value="([^"]+)"', svar.content.decode()).group(1)


def test_samme_registreringsformular_sendt_igen_registreres_ikke_to_gange(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    data = factories.formular(formularnoegle=noegle)
    assert klient.post(url("samtale-opret", person_pk=person.pk), data).status_code == 302

    svar = klient.post(url("samtale-opret", person_pk=person.pk), data, follow=True)
    samtale = Samtale.objects.get()
    html = svar.content.decode()
    assert "er allerede registreret fra denne formular, så den er ikke registreret igen." in html
    assert f'href="{url("person-detalje", pk=person.pk)}#samtale-raekke-{samtale.pk}"' in html
    assert Samtale.objects.count() == 1


def test_en_anden_formular_med_samme_type_og_dato_afvises_stadig(klient, jobcenter):
    """The one-time key names one form; another form for the same conversation is the
    duplicate § 28 refuses (with a link to correct it instead)."""
    person = factories.person(jc=jobcenter)
    klient.post(
        url("samtale-opret", person_pk=person.pk),
        factories.formular(formularnoegle=_noegle(klient.get(url("samtale-opret", person_pk=person.pk)))),
    )
    andet = factories.formular(formularnoegle=_noegle(klient.get(url("samtale-opret", person_pk=person.pk))))
    svar = klient.post(url("samtale-opret", person_pk=person.pk), andet)
    assert svar.status_code == 200 and "allerede en samtale af denne type" in svar.content.decode()


def test_modtaget_formular_naevnes_paa_naeste_side_en_gang(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    afvist = klient.post(
        url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle, aftale="")
    )
    assert afvist.status_code == 200 and "formular-modtaget" not in afvist.content.decode()
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle), follow=True
    )
    assert f'<meta name="formular-modtaget" content="{noegle}">' in svar.content.decode()
    assert "formular-modtaget" not in klient.get(url("person-detalje", pk=person.pk)).content.decode()
