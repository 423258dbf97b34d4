"""The citizen's page reads its visitation timeline (§ 28 nr. 9, stk. 2) and its active
markings (stk. 3) in one statement (issue 25): the page shows what the rows hold, with real
dates, and a marking ended by a cancellation is gone from it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrering import selectors, services
from registrering.models import PersonMarkering
from tests import factories
from tests.factories import dage_siden

pytestmark = pytest.mark.django_db


def test_tidslinje_og_markeringer_paa_siden_i_en_saetning(client, jobcenter, sagsbehandler):
    p = factories.person(kontaktgruppe="2", jc=jobcenter)
    foerste = factories.registrer(p, sagsbehandler, dato=dage_siden(30), visitationsgruppe="jobparat").samtale
    services.samtale_registrer(
        person=p,
        data=factories.data(dato=dage_siden(2), visitationsgruppe="jobparat", tidlig_opfoelgning=True),
        bruger=sagsbehandler,
    )
    client.force_login(sagsbehandler)
    with CaptureQueriesContext(connection) as q:
        html = client.get(reverse("registrering:person-detalje", args=[p.pk])).content.decode()
    sidelaesninger = [x["sql"] for x in q.captured_queries if "registrering_personmarkering" in x["sql"]]
    assert len(sidelaesninger) == 1 and "registrering_visitation" in sidelaesninger[0]

    idag = selectors.idag()
    # The marking from the registration date (stk. 3), with its date written as a date.
    assert f"Tidlig opfølgning - fast track fra {idag:%d.%m.%Y}" in html
    # The timeline: the newest first, the repeated group marked as no change (nr. 9).
    tidslinje, markeringer = selectors.borgerside_sidelaesninger(person=p, dato=idag)
    assert [(r["gyldig_fra"], r["gruppe_kode"], r["aendring"]) for r in tidslinje] == [
        (idag, "jobparat", False),
        (foerste.registreret.astimezone(selectors.DANSK_TID).date(), "jobparat", True),
    ]
    assert all(isinstance(r["samtale_dato"], datetime.date) for r in tidslinje)
    assert tidslinje[0]["registreret_af"] == (sagsbehandler.get_full_name() or sagsbehandler.username)
    assert f"{idag:%d.%m.%Y}: Jobparat" in html
    assert [m["markering"]["navn"] for m in markeringer] == ["Tidlig opfølgning - fast track"]


def test_en_afsluttet_markering_er_ikke_paa_siden(client, jobcenter, sagsbehandler):
    p = factories.person(kontaktgruppe="2", jc=jobcenter)
    r = services.samtale_registrer(
        person=p, data=factories.data(dato=dage_siden(2), tidlig_opfoelgning=True), bruger=sagsbehandler
    ).samtale
    services.samtale_annuller(samtale=r, begrundelse="Fejl", bruger=sagsbehandler)
    assert PersonMarkering.objects.filter(person=p).exists()  # kept, ended
    client.force_login(sagsbehandler)
    html = client.get(reverse("registrering:person-detalje", args=[p.pk])).content.decode()
    assert "Ingen aktive markeringer." in html and "fast track fra" not in html
    assert selectors.borgerside_sidelaesninger(person=p, dato=selectors.idag()) == ([], [])
