"""Small truths the pages left out (issue 20): the særlig indsats on the citizen's own page,
what a deleted visitation was, which participant was removed, and who cancelled."""

import re

import pytest
from django.urls import reverse

from registrering import services
from registrering.models import Bruger
from tests import factories

pytestmark = pytest.mark.django_db


def tekst(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def revisor(db):
    return factories.bruger("revisor", rolle="revisor", first_name="Rasmus", last_name="Revisor")


def test_borgerens_egen_side_viser_den_saerlige_indsats(client, sagsbehandler, jobcenter):
    """The caseworker's page and the print show it; the citizen's own page did not."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(
        person=person,
        data=factories.data(aftale="Søge 2 job om ugen.", saerlig_indsats="Mentor to timer om ugen."),
        bruger=sagsbehandler,
    )
    client.force_login(Bruger.objects.create_user("borger", password="x", person=person))
    html = client.get(reverse("registrering:mine-samtaler")).content.decode()
    assert 'id="gaeldende-saerlig-indsats"' in html
    assert "Mentor to timer om ugen." in html


def test_slettet_visitation_viser_hvad_der_blev_slettet(client, revisor, sagsbehandler, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(visitationsgruppe="jobparat"), bruger=sagsbehandler
    ).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=samtale.dato),  # no visitation result: the row goes
        begrundelse="Visitationen hørte til en anden samtale.",
        bruger=sagsbehandler,
    )
    client.force_login(revisor)
    poster = client.get(reverse("registrering:person-historik", kwargs={"pk": person.pk})).context["poster"]
    (slettet,) = [p for p in poster if p.objekt == "Visitation" and p.handling == "slettet"]
    diff = {a.felt: (a.foer, a.efter) for a in slettet.aendringer}
    assert diff["visitationsgruppe"] == ("Jobparat", "—")
    assert diff["har virkning fra"][1] == "—" and diff["har virkning fra"][0] != "—"
    assert slettet.begrundelse == "Visitationen hørte til en anden samtale."


def test_fjernet_deltager_naevnes_ved_navn(client, revisor, sagsbehandler, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person,
        data=factories.data(
            deltagere=[factories.deltager("Mona Mentor", "mentor", "1"), factories.deltager("Tina Tolk", "tolk", "2")]
        ),
        bruger=sagsbehandler,
    ).samtale
    services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=samtale.dato, deltagere=[factories.deltager("Mona Mentor", "mentor", "1")]),
        begrundelse="Tolken deltog ikke.",
        bruger=sagsbehandler,
    )
    client.force_login(revisor)
    svar = client.get(reverse("registrering:person-historik", kwargs={"pk": person.pk}))
    (fjernet,) = [
        p for p in svar.context["poster"] if p.begrundelse == "Tolken deltog ikke." and "Deltager" in p.objekt
    ]
    assert fjernet.objekt.startswith("Deltager Tina Tolk ved ")
    assert [(a.felt, a.foer, a.efter) for a in fjernet.aendringer] == [("aktiv", "ja", "nej")]
    assert "Deltager Tina Tolk ved" in tekst(svar.content.decode())


def test_annulleret_raekke_siger_hvem_der_annullerede(klient, sagsbehandler, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler).samtale
    kollega = factories.bruger("kim", jc=jobcenter, first_name="Kim", last_name="Kollega")
    services.samtale_annuller(samtale=samtale, begrundelse="Registreret på den forkerte borger.", bruger=kollega)
    html = klient.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).content.decode()
    annullering = re.search(r'class="col-sm-9 samtale-annullering">(.*?)</dd>', html, re.DOTALL).group(1)
    assert re.fullmatch(
        r"\d\d\.\d\d\.\d{4} \d\d:\d\d af Kim Kollega: Registreret på den forkerte borger\.", tekst(annullering).strip()
    ), annullering
