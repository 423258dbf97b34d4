"""``manage.py indberet``: everything now, synchronously; non-zero when not delivered."""

import pytest
from django.core.management import CommandError, call_command

from indberetning.models import Batch, Koersel
from tests import factories
from tests.factories import dage_siden, registrer

from .modtager import committede

pytestmark = pytest.mark.django_db


def test_indberet_leverer_alt_og_efterlader_en_koersel(sagsbehandler, dfdg, drop_mappe, capsys):
    for dage in (1, 2):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler, dato=dage_siden(dage))
    call_command("indberet")
    ud = capsys.readouterr()
    assert "2 batches bygget med 4 hændelser" in ud.out
    assert "Sender batches" in ud.err  # the progress bar
    assert sorted(dfdg.haendelser()) == sorted(committede(modtager="dfdg"))
    assert len(list((drop_mappe / "akasse-HK").glob("*.xml"))) == 1
    koersel = Koersel.objects.get()
    # DFDG answered with a receipt; the a-kasse's file lies in its drop folder, unanswered.
    assert (koersel.kilde, koersel.kvitteret, koersel.afleveret, koersel.afvist, koersel.fejlet) == (
        "kommando",
        1,
        1,
        0,
        0,
    )
    assert "2 sendt: 1 kvitteret, 1 lagt i drop-mappen, 0 afvist, 0 ikke leveret." in ud.out


def test_indberet_afslutter_med_fejl_naar_en_batch_afvises(sagsbehandler, dfdg):
    dfdg.plan = [400]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    with pytest.raises(CommandError) as e:
        call_command("indberet", "--uden-fremskridt")
    assert e.value.returncode == 1
    assert Batch.objects.get().status == Batch.Status.AFVIST
    # Still not delivered on the next run: the operator has not resent it.
    with pytest.raises(CommandError):
        call_command("indberet", "--uden-fremskridt")


def test_indberet_afslutter_med_fejl_naar_modtageren_er_nede(sagsbehandler, dfdg):
    dfdg.plan = [503]
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    with pytest.raises(CommandError):
        call_command("indberet", "--uden-fremskridt")
    call_command("indberet", "--uden-fremskridt")  # the retry is due at once for the command
    assert Batch.objects.get().status == Batch.Status.KVITTERET


def test_indberet_uden_noget_at_sende_lykkes(db, capsys):
    call_command("indberet", "--uden-fremskridt")  # exit status 0: no CommandError
    ud = capsys.readouterr()
    assert (
        "0 batches bygget med 0 hændelser; 0 sendt: 0 kvitteret, 0 lagt i drop-mappen, 0 afvist, 0 ikke leveret."
        in ud.out
    )
    assert ud.err == ""  # nothing reported as not delivered
    koersel = Koersel.objects.get()  # the run is on record even when there was nothing to send
    assert (koersel.kilde, koersel.batches_bygget, koersel.sendinger) == ("kommando", 0, 0) and koersel.afsluttet
