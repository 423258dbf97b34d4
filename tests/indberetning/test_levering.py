"""Delivery against a real local HTTP receiver, and every fault the issue names.

In each case the events committed to the outbox are counted against the events the
receiver holds: the same ids, none missing and none twice.
"""

import datetime
import io

import pytest
import xmlschema
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from indberetning import dokument, levering, transport
from indberetning.batches import batch_byg, batch_dokument, batches_byg_alle
from indberetning.koersel import koersel_synkron
from indberetning.models import DFDG, Batch, Haendelse
from indberetning.selectors import batches_forfaldne
from registrering import services as registrering_services
from tests import factories
from tests.factories import dage_siden, igaar, ledig_port, registrer

from .modtager import committede

pytestmark = pytest.mark.django_db

XSD = xmlschema.XMLSchema(str(dokument.SKEMA))


def alt_leveret_een_gang(modtaget_af, **filtre) -> None:
    """The receiver holds exactly the committed events, each once."""
    assert sorted(modtaget_af.haendelser()) == sorted(committede(**filtre))
    assert modtaget_af.dubletter() == []


def forfalden(batch: Batch) -> None:
    """Let the clock pass the batch's next attempt time (instead of waiting for it)."""
    Batch.objects.filter(pk=batch.pk).update(naeste_forsoeg=timezone.now() - datetime.timedelta(seconds=1))


def en_batch() -> Batch:
    (batch,) = batches_byg_alle()
    return batch


def test_levering_giver_kvittering_og_gyldigt_dokument(sagsbehandler, dfdg):
    for dage in (1, 2, 3):
        registrer(
            factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage), visitationsgruppe="jobparat"
        )
    batch = en_batch()
    udfald = levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert udfald.resultat == transport.KVITTERET
    assert batch.status == Batch.Status.KVITTERET and batch.forsoeg == 1 and batch.kvitteret
    assert "modtaget" in batch.kvittering
    (modtaget,) = dfdg.batches.values()
    assert modtaget.batch_id == str(batch.pk) and modtaget.modtager == "DFDG"
    XSD.validate(io.BytesIO(modtaget.dokument))  # a second, independent validator
    alt_leveret_een_gang(dfdg)


def test_modtager_nede_proeves_igen_og_intet_tabes(sagsbehandler, dfdg, settings):
    korrekt = settings.INDBERETNING_DFDG_URL
    settings.INDBERETNING_DFDG_URL = f"http://127.0.0.1:{ledig_port()}/dfdg"
    for dage in (1, 2):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    koersel, problemer = koersel_synkron()
    batch = Batch.objects.get()
    assert [b.pk for b in problemer] == [batch.pk]
    assert batch.status == Batch.Status.KLAR and batch.forsoeg == 1
    assert batch.naeste_forsoeg > timezone.now()  # backoff, not a busy loop
    assert "Kunne ikke forbinde" in batch.sidste_besked
    assert koersel.fejlet == 1 and dfdg.haendelser() == []

    settings.INDBERETNING_DFDG_URL = korrekt  # the receiver is back
    koersel, problemer = koersel_synkron()
    batch.refresh_from_db()
    assert problemer == [] and batch.status == Batch.Status.KVITTERET and batch.forsoeg == 2
    alt_leveret_een_gang(dfdg)


def test_500_og_derefter_succes_med_samme_id_og_samme_dokument(sagsbehandler, dfdg):
    dfdg.plan = [500]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.PROEV_IGEN
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KLAR and batch.sidste_http_status == 500
    assert levering.batch_send(batch_id=batch.pk) is None  # not due yet: backoff
    forfalden(batch)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    (foerste_id, foerste), (anden_id, anden) = dfdg.anmodninger
    assert foerste_id == anden_id == str(batch.pk)
    assert foerste == anden  # a resend is byte for byte the same document
    alt_leveret_een_gang(dfdg)


def test_timeout_sendes_igen_og_modtageren_kender_id_et(sagsbehandler, dfdg, settings):
    # The receiver stores the batch but answers only after the client has given up.
    dfdg.plan = ["timeout"]
    settings.INDBERETNING_HTTP_TIMEOUT = 0.3
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    udfald = levering.batch_send(batch_id=batch.pk)
    assert udfald.resultat == transport.PROEV_IGEN and "Intet svar" in udfald.besked
    dfdg.vent_paa(lambda m: str(batch.pk) in m.batches, besked="første sending")  # it has the batch, still answering
    forfalden(batch)
    udfald = levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert udfald.resultat == transport.KVITTERET and udfald.http_status == 412
    assert batch.status == Batch.Status.KVITTERET and "412" in batch.sidste_besked
    assert len(dfdg.anmodninger) == 2
    alt_leveret_een_gang(dfdg)
    dfdg.slip()  # the late answer to the first attempt, which nobody waits for any more


def test_412_for_en_batch_modtageren_allerede_har_er_leveret(sagsbehandler, dfdg, settings):
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    # The receiver got this batch before (say, from a worker whose answer was lost).
    transport.http_send(url=settings.INDBERETNING_DFDG_URL, batch_id=batch.pk, dokument=batch_dokument(batch=batch))
    udfald = levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert udfald.http_status == 412
    assert batch.status == Batch.Status.KVITTERET
    alt_leveret_een_gang(dfdg)


def test_400_afviser_batchen_som_venter_paa_en_operatoer(sagsbehandler, dfdg, client):
    dfdg.plan = [400]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    koersel, problemer = koersel_synkron()
    batch = Batch.objects.get()
    assert [b.pk for b in problemer] == [batch.pk] and koersel.afvist == 1
    assert batch.status == Batch.Status.AFVIST and batch.sidste_http_status == 400
    assert "Ukendt samtaletype" in batch.sidste_besked
    assert "0101851234" not in batch.sidste_besked  # a CPR number in the answer is masked
    # Not retried by itself.
    assert batch.pk not in batches_forfaldne()
    assert levering.batch_send(batch_id=batch.pk) is None
    assert dfdg.haendelser() == []

    # A team lead sends it again from the operations page: same id.
    teamleder = factories.bruger(rolle="teamleder", jc=sagsbehandler.jobcenter)
    client.force_login(teamleder)
    svar = client.post(reverse("indberetning:batch-genudsend", kwargs={"pk": batch.pk}))
    assert svar.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KLAR and batch.genudsendt_af == teamleder
    assert ProcrastinateJob.objects.filter(queueing_lock=f"indberetning-batch-{batch.pk}", status="todo").exists()
    koersel_synkron()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KVITTERET
    assert [a[0] for a in dfdg.anmodninger] == [str(batch.pk), str(batch.pk)]
    alt_leveret_een_gang(dfdg)


def test_arbejder_doer_efter_afsendelse_foer_kvitteringen_gemmes(sagsbehandler, dfdg, monkeypatch):
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(1))
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(2))
    batch = en_batch()

    gem = levering._udfald_gem

    def doed(**kw):
        raise SystemExit("arbejderen blev slået ihjel")

    monkeypatch.setattr(levering, "_udfald_gem", doed)
    with pytest.raises(SystemExit):
        levering.batch_send(batch_id=batch.pk)
    monkeypatch.setattr(levering, "_udfald_gem", gem)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SENDES  # the receiver has it; we do not know
    assert len(dfdg.batches) == 1

    # Another worker does not take it over while the first one's deadline runs...
    assert levering.batch_send(batch_id=batch.pk) is None
    assert batch.pk not in batches_forfaldne()
    # ...but after it, the periodic run finds it and it is sent again, same id.
    Batch.objects.filter(pk=batch.pk).update(sendes_til=timezone.now() - datetime.timedelta(seconds=1))
    assert batch.pk in batches_forfaldne()
    udfald = levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert udfald.http_status == 412 and batch.status == Batch.Status.KVITTERET and batch.forsoeg == 2
    assert dfdg.anmodninger[0] == dfdg.anmodninger[1]
    alt_leveret_een_gang(dfdg)


def test_et_krav_er_aldrig_en_del_af_kalderens_transaktion(sagsbehandler, dfdg):
    """Events are claimed into a batch, and a batch is claimed for sending, in transactions of
    their own, committed before anything is sent: inside a caller's transaction a claim
    would roll back with it after the receiver got the batch. Such a call is refused."""
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="durable"):
            batch_byg(modtager=DFDG)
    batch = en_batch()
    with transaction.atomic():
        with pytest.raises(RuntimeError, match="durable"):
            levering.batch_send(batch_id=batch.pk)
    assert dfdg.anmodninger == []
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.KLAR


def test_fejlet_efter_maks_forsoeg(sagsbehandler, dfdg, settings):
    settings.INDBERETNING_MAKS_FORSOEG = 2
    dfdg.plan = [503, 503]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    levering.batch_send(batch_id=batch.pk)
    forfalden(batch)
    levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FEJLET and "Opgivet efter 2 forsøg" in batch.sidste_besked
    assert batch.pk not in batches_forfaldne()
    levering.batch_genudsend(batch=batch, bruger=sagsbehandler)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    alt_leveret_een_gang(dfdg)


def test_ret_og_annuller_naar_dfdg_og_akassen_med_sekvens_2_og_3(sagsbehandler, dfdg, akasse):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(person, sagsbehandler, deltagere=[factories.deltager("Tolk Tove", "tolk", "2")]).samtale
    registrering_services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=igaar(), aftale="Ny aftale"),
        begrundelse="Rettelse",
        bruger=sagsbehandler,
    )
    registrering_services.samtale_annuller(samtale=samtale, begrundelse="Fejlregistrering", bruger=sagsbehandler)
    koersel, problemer = koersel_synkron()
    assert problemer == [] and koersel.kvitteret == 2

    for modtager, noegle, slags in ((dfdg, DFDG, "DFDG"), (akasse, "akasse-HK", "AKASSE")):
        alt_leveret_een_gang(modtager, modtager=noegle)
        (modtaget,) = modtager.batches.values()
        assert modtaget.modtager == slags
        XSD.validate(io.BytesIO(modtaget.dokument))
        data = XSD.to_dict(io.BytesIO(modtaget.dokument))
        haendelser = [(h["@handling"], h["@sekvens"], h["samtale"]["@id"]) for h in data["haendelse"]]
        assert haendelser == [
            ("opret", 1, str(samtale.pk)),
            ("ret", 2, str(samtale.pk)),
            ("annuller", 3, str(samtale.pk)),
        ]
        opret = data["haendelse"][0]["samtale"]
        assert opret["cpr"] == person.cpr
        if slags == "AKASSE":
            assert data["@akasseKode"] == "HK"
            assert "deltager" not in opret and "begrundelse" not in data["haendelse"][1]
        else:
            assert opret["deltager"][0]["navn"] == "Tolk Tove"
            assert data["haendelse"][2]["begrundelse"] == "Fejlregistrering"


def test_kontaktgruppe_2_sender_intet_til_nogen_akasse(sagsbehandler, dfdg, akasse, drop_mappe):
    registrer(factories.person(kontaktgruppe="2", akasse="HK"), sagsbehandler, visitationsgruppe="jobparat")
    koersel_synkron()
    assert akasse.anmodninger == []
    assert not Batch.objects.exclude(modtager=DFDG).exists()
    assert not drop_mappe.exists() or not any(p.name.startswith("akasse-") for p in drop_mappe.iterdir())
    alt_leveret_een_gang(dfdg)


def test_drop_mappen_faar_hele_gyldige_filer(sagsbehandler, drop_mappe, settings):
    settings.INDBERETNING_DFDG_URL = ""  # no endpoints: files for both recipients
    for dage in (1, 2, 3):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=dage_siden(dage))
    koersel, problemer = koersel_synkron()
    # A file in a folder is delivered, not receipted: nobody has answered (issue 20).
    assert problemer == [] and (koersel.afleveret, koersel.kvitteret) == (2, 0)
    for batch in Batch.objects.all():
        assert batch.status == Batch.Status.AFLEVERET and batch.kvitteret is None and batch.kvittering == ""
        mappe = drop_mappe / batch.modtager
        assert sorted(p.name for p in mappe.iterdir()) == [f"{batch.pk}.xml"]  # no temporary file left
        indhold = (mappe / f"{batch.pk}.xml").read_bytes()
        assert indhold == batch_dokument(batch=batch)
        assert batch.dokument_sha256 in batch.sidste_besked
        XSD.validate(io.BytesIO(indhold))
        ids = [h["@id"] for h in XSD.to_dict(io.BytesIO(indhold))["haendelse"]]
        assert sorted(ids) == sorted(committede(modtager=batch.modtager))
    assert {p.name for p in drop_mappe.iterdir()} == {"dfdg", "akasse-HK"}


def test_batches_har_hoejst_den_konfigurerede_stoerrelse(sagsbehandler, settings):
    settings.INDBERETNING_BATCH_STOERRELSE = 2
    for dage in range(1, 6):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    batches = batches_byg_alle()
    assert [b.antal for b in batches] == [2, 2, 1]
    assert Haendelse.objects.filter(batch__isnull=True).count() == 0
    assert batches_byg_alle() == []


def test_genudsendelse_bevarer_hashen_af_det_foerst_sendte_dokument(sagsbehandler, dfdg, monkeypatch):
    """The batch's hash is the evidence of what was first delivered: an operator's resend
    with a changed document (a new program version) must not overwrite it."""
    import hashlib

    dfdg.plan = [400]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    levering.batch_send(batch_id=batch.pk)
    aegte = dokument.dokument_byg
    # The next program version writes the same content a little differently (still valid).
    monkeypatch.setattr(dokument, "dokument_byg", lambda **kw: aegte(**kw) + b"<!-- version 2 -->")
    levering.batch_genudsend(batch=Batch.objects.get(pk=batch.pk), bruger=sagsbehandler)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    (_id, foerste), (_id2, anden) = dfdg.anmodninger
    assert foerste != anden
    batch.refresh_from_db()
    assert batch.dokument_sha256 == hashlib.sha256(foerste).hexdigest()
    assert batch.dokument_bytes == len(foerste)
    alt_leveret_een_gang(dfdg)


def test_genudsendelse_af_en_fejlet_batch_faar_alle_forsoegene_igen(sagsbehandler, dfdg, settings):
    """After an operator's resend a batch has its attempts anew: one more hiccup (a 503)
    means a retry later, not ``fejlet`` again at once."""
    settings.INDBERETNING_MAKS_FORSOEG = 2
    dfdg.plan = [503, 503, 503]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    levering.batch_send(batch_id=batch.pk)
    forfalden(batch)
    levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FEJLET
    levering.batch_genudsend(batch=batch, bruger=sagsbehandler)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.PROEV_IGEN
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KLAR and batch.forsoeg == 1
    assert batch.naeste_forsoeg > timezone.now()
    forfalden(batch)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    alt_leveret_een_gang(dfdg)


def test_en_fejl_i_transporten_proeves_igen_og_er_ikke_en_afvisning(sagsbehandler, dfdg, monkeypatch):
    """A bug in the transport (an exception nobody expected) is our fault, not the
    receiver's refusal: the batch waits for a retry with backoff, and is delivered once
    the bug is gone."""
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    aegte = transport.http_send

    def fejl(**kw):
        raise TypeError("en fejl i transporten")

    monkeypatch.setattr(transport, "http_send", fejl)
    udfald = levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert udfald.resultat == transport.PROEV_IGEN
    assert batch.status == Batch.Status.KLAR and batch.naeste_forsoeg > timezone.now()
    assert batch.pk not in {b.pk for b in Batch.objects.filter(status__in=Batch.KRAEVER_HANDLING)}
    monkeypatch.setattr(transport, "http_send", aegte)
    forfalden(batch)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    alt_leveret_een_gang(dfdg)


def test_batchen_viser_hvor_den_blev_sendt_hen(sagsbehandler, dfdg, settings, monkeypatch):
    """The operator sees where a batch went (the receiver's address); a batch held back
    before sending went nowhere."""
    from tests.factories import registrer_ugyldig

    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    sendt = en_batch()
    levering.batch_send(batch_id=sendt.pk)
    sendt.refresh_from_db()
    assert sendt.status == Batch.Status.KVITTERET and sendt.adresse == settings.INDBERETNING_DFDG_URL
    registrer_ugyldig(factories.person(kontaktgruppe="2"), sagsbehandler, monkeypatch)
    holdt = en_batch()
    levering.batch_send(batch_id=holdt.pk)
    holdt.refresh_from_db()
    assert holdt.status == Batch.Status.FEJLET and holdt.adresse == ""


def test_en_adresse_der_ikke_maa_modtage_cpr_numre_er_vores_fejl_ikke_modtagerens_afvisning(sagsbehandler, settings):
    """Nothing leaves for an address that is not HTTPS (CPR numbers): the batch is ``fejlet``
    (ours to correct), not ``afvist`` (the receiver's refusal of the content)."""
    settings.INDBERETNING_DFDG_URL = "http://modtager.invalid/dfdg"
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = en_batch()
    levering.batch_send(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FEJLET and batch.sidste_http_status is None
    assert "Ikke sendt" in batch.sidste_besked


def test_en_koersel_bygger_hoejst_det_antal_batches_pr_modtager_den_faar_lov_til(sagsbehandler, settings):
    """A run that may build two batches per recipient builds two and leaves the rest
    pending for the next (the kick's share of a backlog)."""
    settings.INDBERETNING_BATCH_STOERRELSE = 1
    for dage in range(1, 6):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    assert len(batches_byg_alle(maks_pr_modtager=2)) == 2
    assert Haendelse.objects.filter(batch__isnull=True).count() == 3
