"""Refusals isolated and flowing (issue 12.3, 15.1): a receiver that refuses any batch
holding one marked event; a batch of five leaves four delivered and one shown at its
conversation, and its correction is delivered too. Also: 401/403 are not split, an event
that fails the schema is held back alone, and the command goes on until nothing is left."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from indberetning.batches import batch_byg
from indberetning.koersel import koersel_synkron
from indberetning.levering import OPDELT, batch_send
from indberetning.models import Batch, Haendelse
from registrering import services as registrering_services
from tests import factories
from tests.factories import dage_siden, registrer, registrer_ugyldig

pytestmark = pytest.mark.django_db


def raekke(client, person, samtale) -> str:
    """The conversation's row element on the citizen's page."""
    html = client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).content.decode()
    m = re.search(rf'<article[^>]*id="samtale-raekke-{samtale.pk}"[^>]*>.*?</article>', html, re.DOTALL)
    assert m, "rækken mangler"
    return m.group(0)


def tilstand(client, person, samtale) -> str:
    return re.search(r'data-indberetning="(\w+)"', raekke(client, person, samtale)).group(1)


def et_id_et_indhold(modtager) -> None:
    """A receiver never gets one batch id with two different documents."""
    efter_id: dict[str, set[bytes]] = {}
    for batch_id, krop in modtager.anmodninger:
        efter_id.setdefault(batch_id, set()).add(krop)
    assert all(len(k) == 1 for k in efter_id.values())


def test_en_markeret_af_fem_fire_leveret_en_vist_ved_samtalen_og_rettelsen_leveret(klient, sagsbehandler, dfdg):
    personer = [factories.person(kontaktgruppe="2", navn=f"Borger {i}") for i in range(5)]
    samtaler = [registrer(p, sagsbehandler, dato=dage_siden(i + 1)).samtale for i, p in enumerate(personer)]
    afvist_person, afvist_samtale = personer[2], samtaler[2]
    (markeret,) = Haendelse.objects.filter(samtale=afvist_samtale)
    dfdg.afvis = {str(markeret.pk)}
    assert tilstand(klient, afvist_person, afvist_samtale) == "afventer"  # and now in the row cache

    with pytest.raises(CommandError):  # non-zero: one conversation is refused
        call_command("indberet", "--uden-fremskridt")

    alle = {str(h.pk) for h in Haendelse.objects.all()}
    assert sorted(dfdg.haendelser()) == sorted(alle - {str(markeret.pk)})  # four delivered, once each
    assert dfdg.dubletter() == []
    et_id_et_indhold(dfdg)
    markeret.refresh_from_db()
    alene = markeret.batch
    assert alene.status == Batch.Status.AFVIST and alene.antal == 1 and alene.opdelt_fra_id is not None
    assert Batch.objects.filter(status=Batch.Status.OPDELT).exists()
    assert not Haendelse.objects.filter(batch__status=Batch.Status.OPDELT).exists()

    # The caseworker sees it at the conversation, with the receiver's message; the others are delivered.
    raekken = raekke(klient, afvist_person, afvist_samtale)
    assert 'data-indberetning="afvist"' in raekken and "ukendt samtaletype" in raekken
    for p, s in zip(personer, samtaler, strict=True):
        if s != afvist_samtale:
            assert tilstand(klient, p, s) == "kvitteret"

    # The team lead sees it with a link to the conversation.
    teamleder = factories.bruger("tl", rolle="teamleder", jc=sagsbehandler.jobcenter)
    klient.force_login(teamleder)
    html = klient.get(reverse("indberetning:drift")).content.decode()
    assert 'id="indberetning-advarsel"' in html
    assert f"#samtale-raekke-{afvist_samtale.pk}" in html
    assert reverse("registrering:samtale-ret", kwargs={"pk": afvist_samtale.pk}) in html
    klient.force_login(sagsbehandler)

    # A correction supersedes it and goes in a new batch. (It must change something: a
    # correction that changes nothing is a no-op, issue 15.10.)
    registrering_services.samtale_ret(
        samtale=afvist_samtale,
        data=factories.data(dato=dage_siden(3), samtaletype="7", samtaleform="2"),
        begrundelse="Rettet samtaleform",
        bruger=sagsbehandler,
    )
    alene.refresh_from_db()
    assert alene.status == Batch.Status.ERSTATTET
    call_command("indberet", "--uden-fremskridt")  # exits 0: nothing left undelivered
    rettelse = Haendelse.objects.get(samtale=afvist_samtale, sekvens=2)
    assert str(rettelse.pk) in dfdg.haendelser() and rettelse.batch_id != alene.pk
    assert tilstand(klient, afvist_person, afvist_samtale) == "kvitteret"
    et_id_et_indhold(dfdg)


def test_adgang_naegtet_deles_ikke_og_giver_advarsel(client, sagsbehandler, dfdg):
    dfdg.plan = [401]
    for i in range(3):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(i + 1))
    koersel, _problemer = koersel_synkron()
    (batch,) = Batch.objects.all()
    assert batch.status == Batch.Status.AFVIST and batch.antal == 3 and batch.adgang_naegtet
    assert koersel.opdelt == 0 and len(dfdg.anmodninger) == 1
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=sagsbehandler.jobcenter))
    svar = client.get(reverse("indberetning:drift"))
    assert 'id="indberetning-advarsel"' in svar.content.decode()
    assert "adgang_naegtet" in [a.kode for a in svar.context["advarsler"]]


def test_ugyldig_haendelse_holdes_tilbage_alene(klient, sagsbehandler, dfdg, monkeypatch):
    personer = [factories.person(kontaktgruppe="2", navn=f"Borger {i}") for i in range(3)]
    registrer(personer[0], sagsbehandler, dato=dage_siden(1))
    daarlig = registrer_ugyldig(personer[1], sagsbehandler, monkeypatch, dato=dage_siden(2))
    registrer(personer[2], sagsbehandler, dato=dage_siden(3))

    _koersel, problemer = koersel_synkron()
    (holdt,) = problemer
    assert holdt.status == Batch.Status.FEJLET and holdt.antal == 1 and "Holdt tilbage" in holdt.sidste_besked
    assert list(holdt.haendelser.values_list("samtale_id", flat=True)) == [daarlig.pk]
    assert len(dfdg.haendelser()) == 2  # the others were not held back
    raekken = raekke(klient, personer[1], daarlig)
    assert 'data-indberetning="afvist"' in raekken and "Holdt tilbage" in raekken


def test_batch_id_er_det_samme_ved_genudsendelse_efter_deling(sagsbehandler, dfdg):
    dfdg.plan = [400, 500]  # the batch of two is refused; the first half meets a 500
    for i in range(2):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(i + 1))
    koersel_synkron()
    Batch.objects.filter(status=Batch.Status.KLAR).update(naeste_forsoeg="2000-01-01T00:00:00Z")
    koersel_synkron()
    assert Batch.objects.filter(status=Batch.Status.KVITTERET).count() == 2
    ids = [a[0] for a in dfdg.anmodninger]
    assert len(ids) == 4 and len(set(ids)) == 3  # split once, the retried half under its own id
    et_id_et_indhold(dfdg)


def test_arbejderen_deler_og_bestiller_begge_halvdele(sagsbehandler, dfdg):
    from procrastinate.contrib.django.models import ProcrastinateJob

    for i in range(3):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(i + 1))
    dfdg.afvis = {str(Haendelse.objects.order_by("registreret", "id").last().pk)}
    batch = batch_byg(modtager="dfdg")
    udfald = batch_send(batch_id=batch.pk)
    assert udfald.resultat == OPDELT and udfald.http_status == 400
    batch.refresh_from_db()
    assert batch.status == Batch.Status.OPDELT and not batch.haendelser.exists()
    dele = list(Batch.objects.filter(opdelt_fra=batch))
    assert sorted(d.antal for d in dele) == [1, 2] and all(d.status == Batch.Status.KLAR for d in dele)
    for d in dele:  # each half already has its send job
        assert ProcrastinateJob.objects.filter(queueing_lock=f"indberetning-batch-{d.pk}", status="todo").exists()


def test_en_ugyldig_haendelse_i_en_batch_paa_to_holder_ikke_den_gyldige_tilbage(sagsbehandler, dfdg, monkeypatch):
    god = registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(1)).samtale
    daarlig = registrer_ugyldig(factories.person(kontaktgruppe="2"), sagsbehandler, monkeypatch, dato=dage_siden(2))
    _koersel, problemer = koersel_synkron()
    (holdt,) = problemer
    assert holdt.status == Batch.Status.FEJLET and "Holdt tilbage" in holdt.sidste_besked
    assert list(holdt.haendelser.values_list("samtale_id", flat=True)) == [daarlig.pk]
    assert dfdg.haendelser() == [str(h.pk) for h in Haendelse.objects.filter(samtale=god)]


def test_en_batch_hvor_alle_haendelser_er_ugyldige_holdes_tilbage_samlet_og_sendes_ikke(
    sagsbehandler, dfdg, monkeypatch
):
    """No event left to send: nothing leaves (not an empty document, not one batch per
    event), and the batch waits for an operator with its events and the reason."""
    for dage in (1, 2):
        registrer_ugyldig(factories.person(kontaktgruppe="2"), sagsbehandler, monkeypatch, dato=dage_siden(dage))
    _koersel, problemer = koersel_synkron()
    (holdt,) = problemer
    assert holdt.status == Batch.Status.FEJLET and "Holdt tilbage" in holdt.sidste_besked
    assert holdt.antal == holdt.haendelser.count() == 2
    assert Batch.objects.count() == 1
    assert dfdg.anmodninger == []


def test_batchens_antal_passer_efter_at_ugyldige_haendelser_er_holdt_tilbage(sagsbehandler, dfdg, monkeypatch):
    """The operations page and the split count a batch's events by ``antal``: it must say
    what the batch holds once the invalid events have been taken out."""
    for dage in (1, 2, 3):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    registrer_ugyldig(factories.person(kontaktgruppe="2"), sagsbehandler, monkeypatch, dato=dage_siden(4))
    koersel_synkron()
    assert sorted(b.antal for b in Batch.objects.all()) == [1, 3]
    for batch in Batch.objects.all():
        assert batch.antal == batch.haendelser.count()
    assert len(dfdg.haendelser()) == 3


def test_en_afvisning_halverer_batchen_saa_den_afviste_haendelse_findes_hurtigt(sagsbehandler, dfdg):
    """Eight events, the last refused: halving finds it in three splits (seven requests);
    peeling one event off at a time would take fifteen."""
    for i in range(8):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(i + 1))
    dfdg.afvis = {str(Haendelse.objects.order_by("registreret", "id").last().pk)}
    batch = batch_byg(modtager="dfdg")
    assert batch_send(batch_id=batch.pk).resultat == OPDELT
    assert sorted(Batch.objects.filter(opdelt_fra=batch).values_list("antal", flat=True)) == [4, 4]
    with pytest.raises(CommandError):
        call_command("indberet", "--uden-fremskridt")
    assert len(dfdg.anmodninger) == 7
    assert len(dfdg.haendelser()) == 7 and dfdg.dubletter() == []
    (afvist,) = Batch.objects.filter(status=Batch.Status.AFVIST)
    assert afvist.antal == 1 and {str(afvist.haendelser.get().pk)} == dfdg.afvis


def test_en_opdelt_batch_gemmer_hashen_af_det_dokument_modtageren_afviste(sagsbehandler, dfdg):
    """The refused batch keeps the evidence of what was sent (its document's hash and size)
    when its events go on in new batches."""
    import hashlib

    for i in range(2):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(i + 1))
    dfdg.afvis = {str(Haendelse.objects.order_by("registreret", "id").last().pk)}
    batch = batch_byg(modtager="dfdg")
    assert batch_send(batch_id=batch.pk).resultat == OPDELT
    ((_id, afvist),) = dfdg.anmodninger
    batch.refresh_from_db()
    assert batch.status == Batch.Status.OPDELT
    assert batch.dokument_sha256 == hashlib.sha256(afvist).hexdigest() and batch.dokument_bytes == len(afvist)
