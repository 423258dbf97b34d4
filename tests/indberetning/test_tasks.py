"""The procrastinate tasks: thin wrappers, the periodic run and its run rows."""

import pytest
from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from indberetning import tasks
from indberetning.models import Batch, Koersel
from tests import factories

from .conftest import igaar, registrer

pytestmark = pytest.mark.django_db


def test_periodisk_koersel_hvert_minut():
    crons = {noegle[0]: p.cron for noegle, p in app.periodic_registry.periodic_tasks.items()}
    assert crons["indberetning.periodisk"] == "* * * * *"
    assert "indberetning.genoptag_haengende" in crons


def test_periodisk_bygger_batches_bestiller_et_sendejob_pr_batch_og_efterlader_en_raekke(sagsbehandler):
    for dage in (1, 2):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=igaar(dage))
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
