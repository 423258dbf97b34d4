"""The reporting state a person reads is what happened (issue 20).

``data-indberetning`` on the citizen's page (CONTRACT.md) and the words beside it
("DFDG (STAR): …") come from one table, per batch status: ``sendt`` for a file put in a
drop folder or a request still under way, ``afventer`` while a retry is scheduled,
``kvitteret`` only for a receiver's receipt, ``afvist`` when someone must act.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from indberetning import selectors
from indberetning.batches import batch_byg
from indberetning.koersel import koersel_synkron
from indberetning.levering import batch_send
from indberetning.models import DFDG, Batch
from tests import factories
from tests.factories import registrer

pytestmark = pytest.mark.django_db

KONTRAKTENS = {"afventer", "sendt", "kvitteret", "afvist"}


def raekke(client, person, samtale) -> tuple[str, str]:
    """``(data-indberetning, the words under "Indberetning")`` of a conversation's row."""
    html = client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).content.decode()
    m = re.search(rf'<article[^>]*id="samtale-raekke-{samtale.pk}"[^>]*>.*?</article>', html, re.DOTALL)
    assert m, "rækken mangler"
    tilstand = re.search(r'data-indberetning="(\w+)"', m.group(0)).group(1)
    ord_ = re.search(r'class="col-sm-9 indberetning-tilstand">(.*?)</dd>', m.group(0), re.DOTALL).group(1)
    return tilstand, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", ord_)).strip()


@pytest.mark.parametrize("status", [None, *Batch.Status.values])
@pytest.mark.parametrize("forsoeg", [0, 2])
def test_hver_batchstatus_har_en_tilstand_og_ord_der_siger_det_samme(status, forsoeg):
    """Every batch status is mapped (a new one fails here until someone decides what it
    means), to a state of the contract, and the words begin with that state's word."""
    tilstand, ord_ = selectors.tilstand(status, forsoeg, timezone.now())
    assert tilstand in KONTRAKTENS
    assert ord_.startswith(f"{tilstand} (")


def test_kun_en_kvittering_er_kvitteret():
    kvitteret = {s for s in Batch.Status.values if selectors.tilstand(s, 1)[0] == "kvitteret"}
    assert kvitteret == {Batch.Status.KVITTERET}


def test_fil_i_drop_mappen_er_sendt_ikke_modtaget(klient, sagsbehandler, settings):
    """No endpoint configured: the file lies in the folder, and nobody has answered."""
    settings.INDBERETNING_DFDG_URL = ""
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler).samtale
    koersel, problemer = koersel_synkron()
    assert problemer == [] and (koersel.afleveret, koersel.kvitteret) == (1, 0)
    assert Batch.objects.get().status == Batch.Status.AFLEVERET
    tilstand, ord_ = raekke(klient, person, samtale)
    assert tilstand == "sendt"
    assert ord_ == "DFDG (STAR): sendt (lagt i drop-mappen, ingen kvittering)"
    assert "modtaget" not in ord_


def test_kvittering_fra_modtageren_er_kvitteret_og_filen_ved_siden_af_er_sendt(klient, sagsbehandler, dfdg):
    """DFDG answers with a receipt; the a-kasse (no endpoint) gets a file. The row shows the
    worse of the two, and the words say which is which."""
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(person, sagsbehandler, samtaletype="19", akasse_deltagelse="deltog").samtale
    koersel_synkron()
    tilstand, ord_ = raekke(klient, person, samtale)
    assert tilstand == "sendt"
    assert ord_ == (
        "DFDG (STAR): kvitteret (modtaget, modtageren har kvitteret); "
        "A-kassen HK: sendt (lagt i drop-mappen, ingen kvittering)"
    )


def test_en_batch_der_venter_paa_nyt_forsoeg_afventer(klient, sagsbehandler, dfdg):
    """The receiver answers 503: the batch waits for a retry. Nothing was received, so the
    conversation is not "sent, waiting for an answer"; it waits, and says until when."""
    dfdg.plan = [503]
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler).samtale
    batch = batch_byg(modtager=DFDG)
    batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.forsoeg) == (Batch.Status.KLAR, 1)
    tilstand, ord_ = raekke(klient, person, samtale)
    naeste = timezone.localtime(batch.naeste_forsoeg).strftime("%d.%m.%Y kl. %H:%M")
    assert tilstand == "afventer"
    assert ord_ == f"DFDG (STAR): afventer (modtageren svarede ikke; prøves igen {naeste})"


def test_en_anmodning_under_vejs_er_sendt(klient, sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler).samtale
    batch = batch_byg(modtager=DFDG)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SENDES, forsoeg=1)
    assert raekke(klient, person, samtale) == ("sendt", "DFDG (STAR): sendt (sendes nu, venter på modtagerens svar)")


def test_ikke_i_en_batch_endnu_afventer(klient, sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    samtale = registrer(person, sagsbehandler).samtale
    assert raekke(klient, person, samtale) == ("afventer", "DFDG (STAR): afventer (venter på afsendelse)")


@pytest.mark.som_ejer
def test_datamigreringen_goer_gamle_drop_mappe_kvitteringer_til_afleveret(sagsbehandler):
    """Batches written to a folder before issue 20 were recorded as ``kvitteret`` with the
    file as their "receipt" and no HTTP status; real receipts keep theirs. The migration runs
    as the owner, before migration 0008 fixes a receipted batch's outcome: here that trigger
    is off for the test's own transaction."""
    migrering = importlib.import_module("indberetning.migrations.0007_drop_mappe_er_ikke_kvittering")
    with connection.cursor() as c:
        c.execute("ALTER TABLE indberetning_batch DISABLE TRIGGER USER")
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    fil, http = batch_byg(modtager=DFDG, stoerrelse=1), batch_byg(modtager=DFDG, stoerrelse=1)
    nu = timezone.now()
    Batch.objects.filter(pk=fil.pk).update(
        status="kvitteret",
        kvittering=f"/var/indberetning/dfdg/{fil.pk}.xml sha256=abc123",
        sidste_besked="Lagt i drop-mappen.",
        kvitteret=nu,
    )
    Batch.objects.filter(pk=http.pk).update(
        status="kvitteret", kvittering="<kvittering/>", sidste_besked="HTTP 200", sidste_http_status=200, kvitteret=nu
    )
    with connection.cursor() as c:
        c.execute(migrering.FREM)
    fil.refresh_from_db()
    http.refresh_from_db()
    assert (fil.status, fil.kvitteret, fil.kvittering) == (Batch.Status.AFLEVERET, None, "")
    assert (
        fil.sidste_besked
        == f"Lagt i drop-mappen som /var/indberetning/dfdg/{fil.pk}.xml (sha256=abc123); ingen kvittering."
    )
    assert (http.status, http.kvittering, http.kvitteret) == (Batch.Status.KVITTERET, "<kvittering/>", nu)
    with connection.cursor() as c:
        c.execute(migrering.TILBAGE)
    fil.refresh_from_db()
    assert (fil.status, fil.kvittering) == ("kvitteret", f"/var/indberetning/dfdg/{fil.pk}.xml sha256=abc123")
