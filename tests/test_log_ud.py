"""Logging out from a bookmark (issue 20): a GET of the logout address answered an empty
405 (Chromium showed an English error page) and the person stayed logged in. Now it is a
Danish page whose button logs out; the GET itself changes nothing (a link or an image must
never log anybody out), and the POST logs out as before."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_get_viser_en_dansk_side_med_en_knap_der_logger_ud(klient):
    svar = klient.get(reverse("logout"))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert '<html lang="da">' in html
    assert "Vil du logge ud?" in html and "Sara Sagsbehandler" in html
    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Still logged in: the GET did nothing.
    assert settings.SESSION_COOKIE_NAME in klient.cookies
    assert klient.get(reverse("registrering:forside")).status_code == 200


def test_knappen_logger_ud(klient):
    svar = klient.post(reverse("logout"))
    # Lands on the Danish "logged out" page (issue 23: also after the provider's logout).
    assert svar.status_code == 302 and svar["Location"] == reverse("identitet:logget-ud")
    assert klient.get(reverse("registrering:forside")).status_code == 302


def test_get_uden_at_vaere_logget_ind(client):
    svar = client.get(reverse("logout"))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Du er ikke logget ind." in html and f'href="{reverse("login")}"' in html


def test_borgeren_kan_ogsaa_logge_ud_fra_et_bogmaerke(client, jobcenter):
    from registrering.models import Bruger

    client.force_login(Bruger.objects.create_user("borger", password="x", person=factories.person(jc=jobcenter)))
    assert "Vil du logge ud?" in client.get(reverse("logout")).content.decode()
