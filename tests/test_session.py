"""An idle session keeps the caseworker's work (issue 18.1), the server's side: "Forlæng"
renews the idle clock, the login page after an expired post says that the session ended,
a form the server accepted is named on the next page (so the browser drops its copy), and
the registration form sent again answers "already registered" instead of a second one.
The browser's side (the dialog, the kept input) is tests/browser/test_session.py."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrering.models import Samtale
from samtaler_site.session import MODTAGET_COOKIE, MODTAGET_SALT
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


# --- issue 25: the accepted key travels in a signed cookie, not in the session ------------------


def _meta(svar) -> str | None:
    fundet = re.search(r'<meta name="formular-modtaget" content="([^"]*)">', svar.content.decode())
    return fundet.group(1) if fundet else None


def _signeret(vaerdi: str, salt: str = MODTAGET_SALT) -> str:
    """``vaerdi`` signed as Django's set_signed_cookie signs this cookie."""
    svar = HttpResponse()
    svar.set_signed_cookie(MODTAGET_COOKIE, vaerdi, salt=salt)
    return svar.cookies[MODTAGET_COOKIE].value


def _usigneret(cookie: str) -> str:
    request = HttpRequest()
    request.COOKIES[MODTAGET_COOKIE] = cookie
    return request.get_signed_cookie(MODTAGET_COOKIE, salt=MODTAGET_SALT, max_age=300)


def _sessionskrivninger(queries) -> list[str]:
    return [
        q["sql"] for q in queries if re.match(r'\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"django_session"', q["sql"], re.I)
    ]


def test_registrering_og_naeste_side_skriver_ikke_sessionen_for_noeglen(klient, jobcenter, settings):
    """The note that the form was accepted costs no session write: with the messages kept
    elsewhere (they are the session's only other writer here), a registration and the page it
    leads to write nothing to django_session, and the page still names the key once."""
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    with CaptureQueriesContext(connection) as sql:
        svar = klient.post(
            url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle), follow=True
        )
    assert svar.redirect_chain == [(url("person-detalje", pk=person.pk), 302)]
    assert _meta(svar) == noegle
    assert Samtale.objects.count() == 1
    assert _sessionskrivninger(sql.captured_queries) == []
    with CaptureQueriesContext(connection) as sql:
        assert _meta(klient.get(url("person-detalje", pk=person.pk))) is None  # once
    assert _sessionskrivninger(sql.captured_queries) == []


def test_noeglen_er_en_kort_signeret_httponly_cookie_og_kun_efter_accept(klient, jobcenter, settings):
    """A post answered with an error page, or sent to the login page, marks nothing; an
    accepted one sets a short-lived, signed, HttpOnly, SameSite=Lax cookie (Secure with the
    session cookie), which the next page deletes."""
    settings.SESSION_COOKIE_SECURE = True
    person = factories.person(jc=jobcenter)
    opret = url("samtale-opret", person_pk=person.pk)
    noegle = _noegle(klient.get(opret))
    afvist = klient.post(opret, factories.formular(formularnoegle=noegle, aftale=""))
    assert afvist.status_code == 200 and MODTAGET_COOKIE not in afvist.cookies

    idle(klient, 31)
    til_login = klient.post(opret, factories.formular(formularnoegle=noegle))
    assert til_login["Location"].startswith(reverse("login")) and MODTAGET_COOKIE not in til_login.cookies
    assert not Samtale.objects.exists()

    klient.force_login(factories.bruger("igen", jc=jobcenter))
    svar = klient.post(opret, factories.formular(formularnoegle=noegle))
    assert svar.status_code == 302
    cookie = svar.cookies[MODTAGET_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert cookie["max-age"] == 300
    assert _usigneret(cookie.value) == noegle

    side = klient.get(svar["Location"])
    assert _meta(side) == noegle
    assert side.cookies[MODTAGET_COOKIE]["max-age"] == 0 and side.cookies[MODTAGET_COOKIE].value == ""


def test_forfalsket_eller_aendret_cookie_ignoreres(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    svar = klient.post(url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle))
    ægte = svar.cookies[MODTAGET_COOKIE].value
    andet = str(uuid.uuid4())
    forfalskede = [
        ægte.replace(noegle, andet),  # another key under the genuine signature
        ægte[:-1] + ("A" if ægte[-1] != "A" else "B"),  # the signature altered
        andet,  # not signed at all
        _signeret(andet, salt="en anden"),  # signed for something else
    ]
    with override_settings(SECRET_KEY="ikke-hemmeligheden-" + "x" * 40):
        forfalskede.append(_signeret(andet))  # signed with another secret
    detalje = url("person-detalje", pk=person.pk)
    for forfalsket in forfalskede:
        klient.cookies[MODTAGET_COOKIE] = forfalsket
        svar = klient.get(detalje)
        assert svar.status_code == 200 and _meta(svar) in (None, "")
        assert "formular-modtaget" not in svar.content.decode()
    klient.cookies[MODTAGET_COOKIE] = ægte
    assert _meta(klient.get(detalje)) == noegle


def test_for_gammel_cookie_ignoreres_og_kun_de_sidste_ti_noegler_huskes(klient, jobcenter, monkeypatch):
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    tidligere = [str(uuid.uuid4()) for _ in range(10)]  # accepted, and no page between
    klient.cookies[MODTAGET_COOKIE] = _signeret(" ".join(tidligere))
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle), follow=True
    )
    assert _meta(svar).split(" ") == [*tidligere[1:], noegle]

    klient.cookies[MODTAGET_COOKIE] = _signeret(tidligere[0])
    nu = time.time()
    monkeypatch.setattr(time, "time", lambda: nu + 5 * 60 + 1)  # five minutes later: too old
    idle(klient, 0)
    assert _meta(klient.get(url("person-detalje", pk=person.pk))) in (None, "")


def test_htmx_svar_bruger_ikke_noeglen_op(klient, jobcenter):
    """An htmx answer's head is not swapped in, so app.js would never see the key there: it
    stays for the next whole page."""
    person = factories.person(jc=jobcenter)
    noegle = _noegle(klient.get(url("samtale-opret", person_pk=person.pk)))
    klient.post(url("samtale-opret", person_pk=person.pk), factories.formular(formularnoegle=noegle))
    andet = factories.person(jc=jobcenter)
    for headers in ({"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "indhold"}):
        fragment = klient.post(
            url("samtale-opret", person_pk=andet.pk), factories.formular(_opdater="1"), headers=headers
        )
        assert fragment.status_code == 200 and "formular-modtaget" not in fragment.content.decode()
    assert _meta(klient.get(url("person-detalje", pk=person.pk))) == noegle
