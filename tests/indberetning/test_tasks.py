"""The procrastinate tasks: thin wrappers, the periodic run and its run rows. (That a worker
defers the periodic run by itself: tests/indberetning/test_samtidighed.py, with a real worker.)"""

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

from indberetning import tasks
from indberetning.models import Batch, Haendelse, Koersel
from tests import factories
from tests.factories import dage_siden, registrer

pytestmark = pytest.mark.django_db


def test_periodisk_bygger_batches_bestiller_et_sendejob_pr_batch_og_efterlader_en_raekke(sagsbehandler):
    for dage in (1, 2):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=dage_siden(dage))
    tasks.periodisk(timestamp=0)
    koersel = Koersel.objects.get(kilde=Koersel.Kilde.PERIODISK)
    assert (koersel.batches_bygget, koersel.haendelser_batchet, koersel.sendinger) == (2, 4, 2)
    assert koersel.afsluttet and not koersel.fejl
    for batch in Batch.objects.all():
        assert ProcrastinateJob.objects.filter(
            task_name="indberetning.batch_send", queueing_lock=f"indberetning-batch-{batch.pk}", status="todo"
        ).exists()
    # A second run in the same minute finds nothing new and does not double the jobs.
    tasks.periodisk(timestamp=0)
    assert Koersel.objects.filter(kilde=Koersel.Kilde.PERIODISK).count() == 2
    assert ProcrastinateJob.objects.filter(task_name="indberetning.batch_send").count() == 2


def test_sendejob_bestiller_sig_selv_igen_til_naeste_forsoeg(sagsbehandler, dfdg):
    dfdg.plan = [502]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    tasks.kick()
    batch = Batch.objects.get()
    # A worker has taken the send job the kick deferred (it is running now).
    with connection.cursor() as c:
        c.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE task_name = 'indberetning.batch_send'")
    assert tasks.batch_send(batch_id=str(batch.pk)) == "proev_igen"
    batch.refresh_from_db()
    job = ProcrastinateJob.objects.get(task_name="indberetning.batch_send", status="todo")
    assert job.args == {"batch_id": str(batch.pk)}
    assert job.scheduled_at == batch.naeste_forsoeg


def test_kick_bygger_en_batch_og_bestiller_naeste_kick_foer_saa_ledige_arbejdere_hjaelper(sagsbehandler, settings):
    """A backlog is built and sent by every worker, not by the one that took the kick while
    the others wait: a kick builds one batch per recipient, hands it to a send job at once,
    and, when more is waiting, has first deferred the next kick for an idle worker."""
    settings.INDBERETNING_BATCH_STOERRELSE = 2
    for dage in range(1, 6):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    assert Haendelse.objects.filter(batch__isnull=True).count() == 5  # DFDG only

    def kick_koerer():
        # A worker has taken the waiting kick (it is running now).
        with connection.cursor() as c:
            c.execute(
                "UPDATE procrastinate_jobs SET status = 'doing' WHERE task_name = 'indberetning.kick' AND status = 'todo'"
            )
        tasks.kick()

    def ventende_kick() -> int:
        return ProcrastinateJob.objects.filter(task_name="indberetning.kick", status="todo").count()

    forventet = [(2, 3, 1), (2, 1, 1), (1, 0, 0)]  # (events in the new batch, left pending, next kick waiting)
    for runde, (antal, tilbage, naeste) in enumerate(forventet, start=1):
        kick_koerer()
        batch = Batch.objects.order_by("-oprettet").first()
        assert Batch.objects.count() == runde and batch.antal == antal
        assert Haendelse.objects.filter(batch__isnull=True).count() == tilbage
        assert ventende_kick() == naeste
        assert ProcrastinateJob.objects.filter(
            task_name="indberetning.batch_send", queueing_lock=f"indberetning-batch-{batch.pk}", status="todo"
        ).exists()
    # No event in two batches, every event in one.
    assert (
        sum(Batch.objects.values_list("antal", flat=True)) == Haendelse.objects.filter(batch__isnull=False).count() == 5
    )
    koersler = Koersel.objects.filter(kilde=Koersel.Kilde.KICK).order_by("startet")
    assert [(k.batches_bygget, k.haendelser_batchet, k.sendinger) for k in koersler] == [
        (1, 2, 1),
        (1, 2, 1),
        (1, 1, 1),
    ]


def test_periodisk_med_en_ophobning_bestiller_et_kick_saa_andre_arbejdere_bygger_med(sagsbehandler, settings):
    """The periodic run still builds everything it can claim and sweeps, but when more than
    one batch is waiting it first defers a kick, so idle workers build at the same time."""
    settings.INDBERETNING_BATCH_STOERRELSE = 2
    for dage in range(1, 6):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    with connection.cursor() as c:
        c.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'indberetning.kick'")
    tasks.periodisk(timestamp=0)
    assert ProcrastinateJob.objects.filter(task_name="indberetning.kick", status="todo").count() == 1
    assert not Haendelse.objects.filter(batch__isnull=True).exists()
    assert sorted(Batch.objects.values_list("antal", flat=True)) == [1, 2, 2]
    # Nothing waiting: no kick.
    with connection.cursor() as c:
        c.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'indberetning.kick'")
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(9))
    with connection.cursor() as c:
        c.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'indberetning.kick'")
    tasks.periodisk(timestamp=0)
    assert not ProcrastinateJob.objects.filter(task_name="indberetning.kick").exists()


def test_en_ophobning_bygges_i_raekkefoelge_og_intet_efterlades_bag_positionen(sagsbehandler, settings):
    """A run building several batches for one recipient claims each after the last event it
    claimed (so a backlog is not read from the start for every batch); an event that turns
    up behind that position during the run (committed late with an earlier time) is still
    claimed by the same run."""
    import datetime

    from indberetning.batches import batches_byg_alle
    from indberetning.models import DFDG

    settings.INDBERETNING_BATCH_STOERRELSE = 2
    for dage in range(1, 6):
        registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(dage))
    foerste = Haendelse.objects.filter(modtager=DFDG).order_by("registreret", "id").first()
    efternoeler = []

    def efter_foerste_batch(batch):
        if not efternoeler:
            r = registrer(factories.person(kontaktgruppe="2"), sagsbehandler, dato=dage_siden(9))
            h = Haendelse.objects.get(samtale=r.samtale, modtager=DFDG)
            # An event cannot be changed (a trigger refuses it): the late one is its correction,
            # written with an earlier time.
            sen = Haendelse.objects.create(
                samtale=r.samtale,
                modtager=DFDG,
                handling="ret",
                sekvens=2,
                registreret=foerste.registreret - datetime.timedelta(seconds=1),
                data=h.data,
                xml=h.xml,
            )
            efternoeler.append(sen.pk)

    bygget = batches_byg_alle(modtagere=[DFDG], hver=efter_foerste_batch)
    assert not Haendelse.objects.filter(modtager=DFDG, batch__isnull=True).exists()
    assert Haendelse.objects.get(pk=efternoeler[0]).batch_id == bygget[-1].pk  # taken by the last look, from the start
    # Batches before it follow each other in time: each one's events come after the previous one's.
    graenser = [
        (
            Haendelse.objects.filter(batch=b).order_by("registreret").first().registreret,
            Haendelse.objects.filter(batch=b).order_by("-registreret").first().registreret,
        )
        for b in bygget[:-1]
    ]
    assert all(forrige[1] <= naeste[0] for forrige, naeste in zip(graenser, graenser[1:], strict=False))
