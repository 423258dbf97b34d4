"""Real transactions: several workers at once, and the procrastinate worker end to end.

These tests commit (``transaction=True``), so each thread has its own database
connection and sees only what others committed, as workers on several machines do.
``serialized_rollback`` reloads the migrated data before each test; pytest-django runs
transactional tests after the ordinary ones, so the flush after them harms no one.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from indberetning import levering, transport
from indberetning.batches import batch_byg, batches_byg_alle
from indberetning.koersel import koersel_synkron
from indberetning.models import DFDG, Batch, Haendelse, Koersel
from indberetning.selectors import batches_forfaldne
from tests import factories
from tests.factories import dage_siden, registrer, registrer_ugyldig

from .modtager import committede

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def i_traad(funktion, *args, **kwargs):
    """Run ``funktion`` in a thread with its own database connection; return a handle
    whose ``resultat()`` joins it and re-raises what it raised."""
    ud: dict = {}

    def koer():
        try:
            ud["resultat"] = funktion(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            ud["fejl"] = e
        finally:
            connection.close()

    t = threading.Thread(target=koer)
    t.start()

    class Handle:
        @staticmethod
        def resultat(timeout=60):
            t.join(timeout)
            assert not t.is_alive(), "tråden blev ikke færdig"
            if "fejl" in ud:
                raise ud["fejl"]
            return ud.get("resultat")

    return Handle


def test_skip_locked_springer_over_det_en_anden_arbejder_har_laast(sagsbehandler):
    for dage in range(1, 11):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    a_har_laast = threading.Event()
    b_er_faerdig = threading.Event()

    def hold_kravet(execute, sql, params, many, context):
        resultat = execute(sql, params, many, context)
        if "SKIP LOCKED" in sql and not a_har_laast.is_set():
            a_har_laast.set()
            # A holds its claim uncommitted (inside batch_byg's own transaction) until B
            # has built its batch.
            assert b_er_faerdig.wait(30)
        return resultat

    def arbejder_a():
        with connection.execute_wrapper(hold_kravet):
            return batch_byg(modtager=DFDG, stoerrelse=6)

    a = i_traad(arbejder_a)
    assert a_har_laast.wait(30)
    # B does not wait for A's locks: it skips A's rows and takes the rest.
    batch_b = i_traad(batch_byg, modtager=DFDG, stoerrelse=6).resultat(timeout=10)
    b_er_faerdig.set()
    batch_a = a.resultat()
    assert (batch_a.antal, batch_b.antal) == (6, 4)
    a_ids = set(Haendelse.objects.filter(batch=batch_a).values_list("id", flat=True))
    b_ids = set(Haendelse.objects.filter(batch=batch_b).values_list("id", flat=True))
    assert a_ids.isdisjoint(b_ids) and len(a_ids | b_ids) == 10


def test_to_arbejdere_paa_samme_tid_laegger_aldrig_en_haendelse_i_to_batches(sagsbehandler, dfdg, drop_mappe, settings):
    settings.INDBERETNING_BATCH_STOERRELSE = 3
    for dage in range(1, 16):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=dage_siden(dage))
    committet = Haendelse.objects.count()
    assert committet == 30  # 15 to DFDG (HTTP), 15 to the a-kasse (drop folder)

    start = threading.Barrier(2)

    def arbejder():
        start.wait()
        return koersel_synkron()

    traade = [i_traad(arbejder), i_traad(arbejder)]
    koersler = [t.resultat()[0] for t in traade]

    # Every committed event is in exactly one batch, and the batches add up.
    assert not Haendelse.objects.filter(batch__isnull=True).exists()
    assert sum(k.haendelser_batchet for k in koersler) == committet
    assert sum(Batch.objects.values_list("antal", flat=True)) == committet
    # DFDG's answers are receipts; the a-kasse's files are delivered, unanswered.
    assert set(Batch.objects.filter(modtager=DFDG).values_list("status", flat=True)) == {Batch.Status.KVITTERET}
    assert set(Batch.objects.exclude(modtager=DFDG).values_list("status", flat=True)) == {Batch.Status.AFLEVERET}
    # DFDG got every event once and no batch twice.
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager=DFDG))
    assert dfdg.dubletter() == []
    ids = [a[0] for a in dfdg.anmodninger]
    assert len(ids) == len(set(ids)) == Batch.objects.filter(modtager=DFDG).count()
    # The a-kasse's drop folder holds one whole file per batch.
    filer = sorted(p.stem for p in (drop_mappe / "akasse-HK").iterdir())
    assert filer == sorted(str(i) for i in Batch.objects.filter(modtager="akasse-HK").values_list("id", flat=True))


def test_registrering_naar_modtageren_gennem_procrastinate_arbejderen(sagsbehandler, dfdg, akasse):
    from procrastinate.contrib.django import app

    samtale = registrer(factories.person(kontaktgruppe="1"), sagsbehandler).samtale
    # The kick was committed with the registration; a worker runs it and the send jobs it defers.

    def arbejder():
        # As ``manage.py procrastinate worker`` does: a psycopg connector to the same
        # database. In a thread of its own: the worker runs its own event loop.
        with app.replace_connector(app.connector.get_worker_connector()) as arbejder_app:
            arbejder_app.run_worker(wait=False, install_signal_handlers=False, queues=["indberetning"])

    i_traad(arbejder).resultat()
    assert sorted(dfdg.haendelser()) == committede(samtale=samtale, modtager=DFDG)
    assert sorted(akasse.haendelser()) == committede(samtale=samtale, modtager="akasse-HK")
    assert set(Batch.objects.values_list("status", flat=True)) == {Batch.Status.KVITTERET}
    kick = Koersel.objects.get(kilde=Koersel.Kilde.KICK)
    assert (kick.batches_bygget, kick.haendelser_batchet, kick.sendinger) == (2, 2, 2) and kick.afsluttet


def test_en_ophobning_leveres_af_en_kaede_af_kick_gennem_arbejderen(sagsbehandler, dfdg, akasse, settings, monkeypatch):
    """Seven kontaktgruppe 1 registrations with batches of three: the kicks hand the backlog
    on to one another (one batch per recipient each) and the chain ends by itself;
    everything arrives once. (The worker's periodic jobs are left out: a periodic run,
    deferred when the worker starts, would build the backlog itself, and which job came
    first decided the count of kicks.)"""
    from procrastinate.contrib.django import app

    monkeypatch.setattr(app.periodic_registry, "periodic_tasks", {})
    settings.INDBERETNING_BATCH_STOERRELSE = 3
    for dage in range(1, 8):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=dage_siden(dage))

    def arbejder():
        with app.replace_connector(app.connector.get_worker_connector()) as arbejder_app:
            arbejder_app.run_worker(wait=False, install_signal_handlers=False, queues=["indberetning"])

    i_traad(arbejder).resultat()
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager=DFDG))
    assert sorted(akasse.haendelser()) == sorted(committede(modtager="akasse-HK"))
    assert dfdg.dubletter() == akasse.dubletter() == []
    assert set(Batch.objects.values_list("status", flat=True)) == {Batch.Status.KVITTERET}
    assert Batch.objects.count() == 6  # 3 + 3 + 1 per recipient
    kick = Koersel.objects.filter(kilde=Koersel.Kilde.KICK)
    assert kick.count() == 3 and all(k.batches_bygget == 2 for k in kick)


def arbejder_til(stop: threading.Event) -> None:
    """A procrastinate worker as ``manage.py arbejder`` runs it (a psycopg connector, its own
    event loop, its periodic deferrer), until ``stop`` is set; for :func:`i_traad`."""
    import asyncio
    import contextlib

    from procrastinate.contrib.django import app

    with app.replace_connector(app.connector.get_worker_connector()) as arbejder_app:

        async def koer():
            async with arbejder_app.open_async():
                arbejde = asyncio.create_task(
                    arbejder_app.run_worker_async(install_signal_handlers=False, queues=["indberetning"])
                )
                await asyncio.to_thread(stop.wait, 60)
                arbejde.cancel()  # procrastinate finishes the running job, then stops
                with contextlib.suppress(asyncio.CancelledError):
                    await arbejde

        asyncio.run(koer())


def leveret_af_arbejderen(dfdg, akasse, samtale) -> None:
    """Run a worker until both receivers hold the conversation's events; then each holds
    exactly them, once."""
    til_dfdg, til_akassen = (
        committede(samtale=samtale, modtager=DFDG),
        committede(samtale=samtale, modtager="akasse-HK"),
    )
    stop = threading.Event()
    traad = i_traad(arbejder_til, stop)
    try:
        dfdg.vent_paa(lambda m: len(m.haendelser()) >= len(til_dfdg), besked="DFDG")
        akasse.vent_paa(lambda m: len(m.haendelser()) >= len(til_akassen), besked="a-kassen")
    finally:
        stop.set()
        traad.resultat()
    assert sorted(dfdg.haendelser()) == til_dfdg and sorted(akasse.haendelser()) == til_akassen
    assert dfdg.dubletter() == akasse.dubletter() == []
    assert set(Batch.objects.values_list("status", flat=True)) == {Batch.Status.KVITTERET}


def test_arbejderen_leverer_af_sig_selv_naar_jobbene_er_tabt(sagsbehandler, dfdg, akasse):
    """The batch rows, not the jobs, are the truth: with every job lost (the kick the
    registration deferred included), a worker left running delivers the report by itself,
    because it defers the periodic run on its own (every minute, and at once as it starts)."""
    samtale = registrer(factories.person(kontaktgruppe="1"), sagsbehandler).samtale
    with connection.cursor() as c:
        c.execute("DELETE FROM procrastinate_jobs")
        c.execute("DELETE FROM procrastinate_periodic_defers")
    leveret_af_arbejderen(dfdg, akasse, samtale)
    periodisk = Koersel.objects.get(kilde=Koersel.Kilde.PERIODISK, batches_bygget=2)
    assert periodisk.afsluttet and not periodisk.fejl
    assert not Koersel.objects.filter(kilde=Koersel.Kilde.KICK).exists()


def test_et_job_hvis_arbejder_doede_tages_op_igen_og_leveres(sagsbehandler, dfdg, akasse, monkeypatch):
    """A worker died while running the registration's kick (the job stays ``doing``, its
    worker gone): another worker takes the job up again by itself (the periodic
    ``genoptag_haengende``) and the report arrives. The periodic run is left out here, so
    only the revived job can deliver it."""
    from procrastinate.contrib.django import app

    genoptag = {
        k: p for k, p in app.periodic_registry.periodic_tasks.items() if k[0] == "indberetning.genoptag_haengende"
    }
    assert genoptag
    monkeypatch.setattr(app.periodic_registry, "periodic_tasks", genoptag)
    samtale = registrer(factories.person(kontaktgruppe="1"), sagsbehandler).samtale
    with connection.cursor() as c:
        c.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = NULL WHERE task_name = 'indberetning.kick'"
        )
        assert c.rowcount == 1
        c.execute("DELETE FROM procrastinate_periodic_defers")
    leveret_af_arbejderen(dfdg, akasse, samtale)
    kick = Koersel.objects.get(kilde=Koersel.Kilde.KICK)
    assert (kick.batches_bygget, kick.sendinger) == (2, 2) and kick.afsluttet
    assert not Koersel.objects.filter(kilde=Koersel.Kilde.PERIODISK).exists()


# --- a worker that lost its attempt (its deadline passed while it waited for the receiver) ---


def overtaget_af_en_anden_arbejder(dfdg, batch: Batch, settings) -> tuple:
    """Worker A sends ``batch`` and waits for the receiver's slow answer (the first entry
    of ``dfdg.plan``); meanwhile A's deadline passes and worker B takes the batch over and
    gets it receipted. Then A's answer arrives. Returns (A's result, B's result)."""
    settings.INDBERETNING_HTTP_TIMEOUT = 30  # A is still waiting, not timed out
    a = i_traad(levering.batch_send, batch_id=batch.pk)
    dfdg.vent_paa(lambda m: len(m.anmodninger) == 1, besked="arbejder A's forsøg")
    # A's worker hangs past its deadline; the periodic run hands the batch to B.
    Batch.objects.filter(pk=batch.pk).update(sendes_til=timezone.now() - datetime.timedelta(seconds=1))
    assert batch.pk in batches_forfaldne()
    udfald_b = levering.batch_send(batch_id=batch.pk)
    dfdg.slip()  # A's answer comes, too late
    return a.resultat(), udfald_b


def test_en_arbejder_der_har_mistet_sit_forsoeg_slaar_ikke_en_kvitteret_batch_tilbage(sagsbehandler, dfdg, settings):
    """A's late 500 must not turn the batch B got receipted back to waiting (to be sent
    again, and shown as not delivered): only the worker holding the attempt records it."""
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    (batch,) = batches_byg_alle()
    dfdg.plan = [("sent", 500)]
    udfald_a, udfald_b = overtaget_af_en_anden_arbejder(dfdg, batch, settings)
    assert udfald_b.resultat == transport.KVITTERET and udfald_a.resultat == transport.PROEV_IGEN
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KVITTERET and batch.forsoeg == 2 and batch.kvitteret
    assert "modtaget" in batch.kvittering
    assert batch.pk not in batches_forfaldne()
    koersel_synkron()
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager=DFDG)) and dfdg.dubletter() == []
    assert len(dfdg.batches) == 1


def test_en_arbejder_der_har_mistet_sit_forsoeg_deler_ikke_en_batch_en_anden_har_leveret(sagsbehandler, dfdg, settings):
    """A's late refusal (400) of a batch of two must not split the batch B has delivered:
    the halves would go out again under new ids (delivered twice) and the delivered batch
    would be shown as split."""
    for dage in (1, 2):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    (batch,) = batches_byg_alle()
    dfdg.plan = [("sent", 400)]
    udfald_a, udfald_b = overtaget_af_en_anden_arbejder(dfdg, batch, settings)
    assert udfald_b.resultat == transport.KVITTERET
    assert udfald_a.resultat != levering.OPDELT  # A's run does not count a split it did not make
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KVITTERET and batch.antal == 2
    assert batch.haendelser.count() == 2
    assert not Batch.objects.filter(opdelt_fra=batch).exists()
    koersel_synkron()  # nothing more to send
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager=DFDG)) and dfdg.dubletter() == []
    assert len(dfdg.batches) == 1


def test_en_arbejder_der_har_mistet_sit_forsoeg_mens_den_holdt_ugyldige_tilbage_sender_ikke_batchen(
    sagsbehandler, dfdg, monkeypatch
):
    """A finds an invalid event in a batch of two and, before it takes the batch's lock to
    hold the event back, loses its attempt: B holds the event back and delivers the other.
    A then leaves the batch alone: it sends nothing (not even a repeat the receiver
    answers with 412) and holds nothing back a second time."""
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(1))
    registrer_ugyldig(factories.person(kontaktgruppe="2"), sagsbehandler, monkeypatch, dato=dage_siden(2))
    (batch,) = batches_byg_alle()
    a_vil_laase = threading.Event()
    b_er_faerdig = threading.Event()

    def hold_foer_laasen(execute, sql, params, many, context):
        if "FOR UPDATE" in sql and '"indberetning_batch"' in sql and not a_vil_laase.is_set():
            a_vil_laase.set()
            assert b_er_faerdig.wait(30)
        return execute(sql, params, many, context)

    def arbejder_a():
        with connection.execute_wrapper(hold_foer_laasen):
            return levering.batch_send(batch_id=batch.pk)

    a = i_traad(arbejder_a)
    assert a_vil_laase.wait(30)
    Batch.objects.filter(pk=batch.pk).update(sendes_til=timezone.now() - datetime.timedelta(seconds=1))
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    b_er_faerdig.set()
    a.resultat()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KVITTERET and batch.antal == batch.haendelser.count() == 1
    assert Batch.objects.filter(status=Batch.Status.FEJLET).count() == 1
    assert len(dfdg.anmodninger) == 1 and len(dfdg.haendelser()) == 1


def test_operatoerens_genudsendelse_er_sin_egen_transaktion_og_batchen_leveres(sagsbehandler, dfdg):
    """Outside a test's transaction, as in production: the resend locks the batch in a
    transaction of its own, sets it ready with a send job, and the batch is delivered."""
    dfdg.plan = [400]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    (batch,) = batches_byg_alle()
    levering.batch_send(batch_id=batch.pk)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.AFVIST
    levering.batch_genudsend(batch=batch, bruger=sagsbehandler)
    assert levering.batch_send(batch_id=batch.pk).resultat == transport.KVITTERET
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager=DFDG))
