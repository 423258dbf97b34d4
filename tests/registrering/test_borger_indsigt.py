"""The citizen's insight (GDPR art. 15, issue 24, CONTRACT.md ``borger-indsigt``): exactly
the access log's rows for that citizen, without staff names; their conversations, agreement
and periods; all of it as JSON; the insight itself logged like any read."""

import json

import pytest

from registrering import services
from registrering.models import Adgangslog, Bruger
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def borger(jobcenter, sagsbehandler, andet_jobcenter):
    """Bente with a conversation, her page viewed by a caseworker and an auditor; Ole, whose
    log must not show up in hers."""
    bente = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Bente Borger")
    services.samtale_registrer(
        person=bente,
        data=factories.data(dato=dage_siden(3), aftale="Søge 2 job om ugen"),
        bruger=sagsbehandler,
    )
    ole = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Ole Anden")
    services.adgang_log(bruger=sagsbehandler, personer=[bente, ole], handling=Adgangslog.Handling.SOEG)
    revisor = factories.bruger("rikke", rolle="revisor", first_name="Rikke", last_name="Revisor")
    services.adgang_log(bruger=revisor, personer=[bente], handling=Adgangslog.Handling.HISTORIK)
    bruger = Bruger.objects.create_user(username="bente", password="x", person=bente)
    return bente, bruger


def test_indsigten_viser_praecis_adgangsloggens_raekker_uden_medarbejdernavne(client, borger, sagsbehandler):
    bente, bruger = borger
    client.force_login(bruger)
    svar = client.get(url("borger-indsigt"))
    assert svar.status_code == 200
    html = svar.content.decode()
    raekker = Adgangslog.objects.filter(person=bente)
    # The insight itself is logged (and shown): one more row, by the citizen.
    assert raekker.filter(handling=Adgangslog.Handling.INDSIGT, bruger=bruger).count() == 1
    assert len(svar.context["adgange"]) == raekker.count() == 4  # the registration, search, auditor, insight
    tabel = html.split('id="adgange"', 1)[1].split("</table>", 1)[0]
    assert tabel.count("<tr>") - 1 == raekker.count()  # one row each, under the header
    for navn in ("Sara", "Sagsbehandler", "sara", "Rikke", "rikke", "Ole Anden"):
        assert navn not in html
    assert "Jobcenter Aarhus" in html and "Revision og tilsyn" in html and "Dig selv" in html
    assert "Søge 2 job om ugen" in html and 'id="perioder"' in html


def test_json_download_har_det_hele(client, borger):
    bente, bruger = borger
    client.force_login(bruger)
    svar = client.get(url("borger-indsigt"), {"format": "json"})
    assert svar.status_code == 200 and svar["Content-Type"] == "application/json"
    assert svar["Content-Disposition"].startswith("attachment")
    data = json.loads(svar.content)
    assert len(data["adgange"]) == Adgangslog.objects.filter(person=bente).count()
    assert set(data["adgange"][0]) == {"tidspunkt", "hvem", "handling", "formaal"}
    assert data["samtaler"][0]["aftale"] == "Søge 2 job om ugen"
    assert data["gaeldende_aftale"]["aftale"] == "Søge 2 job om ugen"
    assert data["perioder"][0]["kontaktgruppe"].startswith("2")
    tekst = svar.content.decode()
    assert "Sara" not in tekst and "rikke" not in tekst and bente.cpr not in tekst
    assert Adgangslog.objects.filter(person=bente, handling=Adgangslog.Handling.INDSIGT, detaljer__contains="JSON")


def test_kun_for_borgeren_selv(client, sagsbehandler):
    client.force_login(sagsbehandler)
    assert client.get(url("borger-indsigt")).status_code == 403
