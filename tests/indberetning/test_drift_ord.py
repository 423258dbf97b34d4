"""The operations page says what is true (issue 20): no "Ret samtalen" for a conversation
that cannot be corrected, and what each batch carries (registration, correction,
cancellation)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indberetning.batches import batch_byg
from indberetning.levering import batch_send
from indberetning.models import DFDG, Batch
from registrering import services as registrering_services
from tests import factories
from tests.factories import registrer

pytestmark = pytest.mark.django_db


@pytest.fixture
def teamleder(jobcenter):
    return factories.bruger("tea", rolle="teamleder", jc=jobcenter)


def tekst(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sektion(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}".*?</(?:ul|table)>', html, re.DOTALL)
    assert m, element_id
    return m.group(0)


def test_kraever_opmaerksomhed_tilbyder_ikke_at_rette_en_annulleret_samtale(client, teamleder, sagsbehandler, dfdg):
    """The receiver refuses a cancellation: the conversation is cancelled, so the page says
    so and offers no "Ret samtalen" (the correction page would only answer that it cannot)."""
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler).samtale
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    registrering_services.samtale_annuller(samtale=samtale, begrundelse="Forkert borger.", bruger=sagsbehandler)
    dfdg.plan = [400]
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    assert Batch.objects.filter(status=Batch.Status.AFVIST).count() == 1

    client.force_login(teamleder)
    opfoelgning = sektion(client.get(reverse("indberetning:drift")).content.decode(), "til-opfoelgning")
    assert reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk}) not in opfoelgning
    assert "Ret samtalen" not in opfoelgning
    assert "Samtalen er annulleret" in opfoelgning
    assert "Annullering: Samtalen" in tekst(opfoelgning)


def test_kraever_opmaerksomhed_tilbyder_ikke_at_rette_naar_modtageren_blot_er_nede(
    client, teamleder, sagsbehandler, dfdg
):
    """A batch waiting for a retry (503) has nothing to correct: it says when it is tried again."""
    dfdg.plan = [503]
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler).samtale
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    client.force_login(teamleder)
    opfoelgning = sektion(client.get(reverse("indberetning:drift")).content.decode(), "til-opfoelgning")
    assert "Prøves igen kl." in opfoelgning
    assert reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk}) not in opfoelgning


def test_kraever_opmaerksomhed_tilbyder_at_rette_en_afvist_samtale(client, teamleder, sagsbehandler, dfdg):
    dfdg.plan = [400]
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler).samtale
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    client.force_login(teamleder)
    opfoelgning = sektion(client.get(reverse("indberetning:drift")).content.decode(), "til-opfoelgning")
    assert reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk}) in opfoelgning
    assert "Registrering: Samtalen" in tekst(opfoelgning)


def test_seneste_forsendelser_siger_registrering_rettelse_og_annullering(client, teamleder, sagsbehandler, dfdg):
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler).samtale
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    rettet = registrering_services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=samtale.dato, aftale="Søge 3 job om ugen."),
        begrundelse="Aftalen var forkert.",
        bruger=sagsbehandler,
    ).samtale
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)
    registrering_services.samtale_annuller(samtale=rettet, begrundelse="Forkert borger.", bruger=sagsbehandler)
    for dage in (2, 3):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=factories.dage_siden(dage))
    batch_send(batch_id=batch_byg(modtager=DFDG).pk)  # the cancellation and two registrations

    client.force_login(teamleder)
    seneste = sektion(client.get(reverse("indberetning:drift")).content.decode(), "seneste")
    hvad = [tekst(c).strip() for c in re.findall(r'<td data-label="Hvad">(.*?)</td>', seneste, re.DOTALL)]
    dato = samtale.dato.strftime("%d.%m.%Y")
    assert hvad == [
        "2 registreringer, 1 annullering: 3 samtaler",
        f"Rettelse: Samtalen {dato} (Jobsamtale)",
        f"Registrering: Samtalen {dato} (Jobsamtale)",
    ]


def test_forsendelsens_side_siger_hvad_hver_haendelse_er(client, teamleder, sagsbehandler, dfdg):
    samtale = registrer(factories.person(kontaktgruppe="2"), sagsbehandler).samtale
    registrering_services.samtale_annuller(samtale=samtale, begrundelse="Forkert borger.", bruger=sagsbehandler)
    batch = batch_byg(modtager=DFDG)
    client.force_login(teamleder)
    html = tekst(client.get(reverse("indberetning:batch-detalje", kwargs={"pk": batch.pk})).content.decode())
    assert "Registrering 1" in html and "Annullering 2" in html
