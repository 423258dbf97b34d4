"""Moving a citizen to another jobcenter (issue 11, person-flyt)."""

import pytest

from registrering import borgere, services
from registrering.models import Adgangslog, Person
from tests import factories
from tests.factories import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def borger_med_historik(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Flemming Flytter")
    for dage, tekst in ((9, "Første aftale"), (3, "Anden aftale")):
        data = factories.data(dato=factories.dage_siden(dage), aftale=tekst)
        services.samtale_registrer(person=person, data=data, bruger=sagsbehandler)
    return person


def test_teamleder_flytter_borgeren_og_det_nye_jobcenter_ser_hele_historikken(
    client, jobcenter, andet_jobcenter, borger_med_historik, sagsbehandler
):
    person = borger_med_historik
    teamleder = factories.bruger("tl", rolle="teamleder", jc=jobcenter)
    odense = factories.bruger("odense", jc=andet_jobcenter)
    client.force_login(odense)
    assert client.get(url("person-detalje", pk=person.pk)).status_code == 404

    client.force_login(teamleder)
    assert client.get(url("person-flyt", pk=person.pk)).status_code == 200
    svar = client.post(
        url("person-flyt", pk=person.pk), {"jobcenter": "461", "begrundelse": "Flyttet til Odense Kommune"}
    )
    assert svar.status_code == 302 and svar["Location"] == url("person-soeg")  # no longer theirs to see
    person.refresh_from_db()
    assert person.jobcenter == andet_jobcenter

    client.force_login(odense)
    html = client.get(url("person-detalje", pk=person.pk)).content.decode()
    assert "Første aftale" in html and "Anden aftale" in html
    assert client.get(url("samtale-opret", person_pk=person.pk)).status_code == 200
    client.force_login(sagsbehandler)
    assert client.get(url("person-detalje", pk=person.pk)).status_code == 404
    assert client.get(url("person-historik", pk=person.pk)).status_code == 403

    # The auditor's history and the access log have the move, with who and why.
    assert Adgangslog.objects.filter(
        person=person, bruger=teamleder, handling="ret", detaljer__contains="Odense"
    ).exists()
    client.force_login(factories.bruger("revisor", rolle="revisor"))
    poster = client.get(url("person-historik", pk=person.pk)).context["poster"]
    flytning = next(p for p in poster if p.begrundelse == "Flyttet til Odense Kommune")
    assert flytning.bruger == "tl" and {a.felt: a.efter for a in flytning.aendringer}["jobcenter"] == "Jobcenter Odense"


def test_kun_administrator_og_teamleder_for_borgerens_jobcenter_maa_flytte(
    client, jobcenter, andet_jobcenter, borger_med_historik, sagsbehandler
):
    person = borger_med_historik
    post = {"jobcenter": "461", "begrundelse": "Flytning"}
    client.force_login(sagsbehandler)
    assert client.post(url("person-flyt", pk=person.pk), post).status_code == 403
    client.force_login(factories.bruger("tl-odense", rolle="teamleder", jc=andet_jobcenter))
    assert client.post(url("person-flyt", pk=person.pk), post).status_code == 404
    client.force_login(factories.bruger("revisor", rolle="revisor"))
    assert client.post(url("person-flyt", pk=person.pk), post).status_code == 403
    assert Person.objects.get(pk=person.pk).jobcenter == jobcenter
    # An administrator (not a superuser) may, from any jobcenter.
    client.force_login(factories.bruger("adm", rolle="administrator", is_staff=True))
    assert client.post(url("person-flyt", pk=person.pk), post).status_code == 302
    assert Person.objects.get(pk=person.pk).jobcenter == andet_jobcenter


@pytest.mark.parametrize(
    "data, felt, besked",
    [
        ({"jobcenter": "461", "begrundelse": ""}, "begrundelse", "begrundelse"),
        ({"jobcenter": "999", "begrundelse": "x"}, "jobcenter", "Vælg et jobcenter"),
        ({"jobcenter": "751", "begrundelse": "x"}, "jobcenter", "hører allerede til"),
    ],
)
def test_flytning_afvises_med_dansk_besked(client, jobcenter, andet_jobcenter, borger_med_historik, data, felt, besked):
    person = borger_med_historik
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    svar = client.post(url("person-flyt", pk=person.pk), data)
    assert svar.status_code == 200
    assert besked in svar.content.decode()
    assert Person.objects.get(pk=person.pk).jobcenter == jobcenter
    assert not Person.history.filter(id=person.pk, history_type="~").exists()


def test_flytningen_og_dens_linje_i_adgangsloggen_er_een_transaktion(
    jobcenter, andet_jobcenter, borger_med_historik, monkeypatch
):
    """Every change of a citizen's data is in the access log: when the log line cannot be
    written, the citizen is not moved either."""
    admin = factories.bruger("adm", rolle="administrator", is_staff=True)

    def fejl(**kw):
        raise RuntimeError("adgangsloggen kunne ikke skrives")

    monkeypatch.setattr(borgere, "adgang_log", fejl)
    with pytest.raises(RuntimeError):
        borgere.person_flyt(person=borger_med_historik, jobcenter=andet_jobcenter, begrundelse="Flyttet", bruger=admin)
    assert Person.objects.get(pk=borger_med_historik.pk).jobcenter == jobcenter
