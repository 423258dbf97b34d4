"""The operations page: who may see it, what it shows, and the resend action."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indberetning.batches import batch_byg
from indberetning.koersel import koersel_udfoer
from indberetning.levering import batch_send
from indberetning.models import Batch, Koersel
from registrering import services as registrering_services
from tests import factories
from tests.factories import dage_siden, registrer

pytestmark = pytest.mark.django_db


@pytest.fixture
def teamleder(jobcenter):
    return factories.bruger("tea", rolle="teamleder", jc=jobcenter)


@pytest.mark.parametrize("rolle, ser", [("teamleder", True), ("administrator", True), ("sagsbehandler", False)])
def test_driftssiden_og_menupunktet_kun_for_teamleder_og_administrator(client, jobcenter, rolle, ser):
    client.force_login(factories.bruger(rolle=rolle, jc=jobcenter))
    drift = reverse("indberetning:drift")
    assert (f'href="{drift}"' in client.get(reverse("registrering:forside")).content.decode()) == ser
    svar = client.get(drift)
    assert svar.status_code == (200 if ser else 403)
    assert ("Drift af indberetningen" in svar.content.decode()) == ser


def test_sagsbehandler_maa_ikke_se_driftssiden(klient):
    assert klient.get(reverse("indberetning:drift")).status_code == 403


def test_anonym_sendes_til_login(client):
    svar = client.get(reverse("indberetning:drift"))
    assert svar.status_code == 302 and "/accounts/login/" in svar["Location"]


def test_driftssiden_viser_ventende_alder_status_og_besked(client, teamleder, sagsbehandler, dfdg, settings):
    dfdg.plan = [400]
    gammel = timezone.now() - datetime.timedelta(hours=2)
    registrering_services.samtale_registrer(
        person=factories.person(kontaktgruppe="1"),
        data=factories.data(dato=dage_siden(2)),
        bruger=sagsbehandler,
        tidspunkt=gammel,
    )
    batch_send(batch_id=batch_byg(modtager="dfdg").pk)  # refused with a message
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)  # pending for DFDG
    koersel_udfoer(kilde=Koersel.Kilde.PERIODISK, send=lambda batch_id: False)

    client.force_login(teamleder)
    svar = client.get(reverse("indberetning:drift"))
    assert svar.status_code == 200
    html = svar.content.decode()
    modtagere = {m["modtager"]: m for m in svar.context["modtagere"]}
    assert modtagere["akasse-HK"]["afventer"] == 0  # the periodic run just batched it
    assert modtagere["dfdg"]["afventer"] == 0
    assert "Ukendt samtaletype" in html and "Send igen" in html
    (afvist,) = [b for b in svar.context["til_opfoelgning"] if b.status == Batch.Status.AFVIST]
    assert reverse("indberetning:batch-genudsend", kwargs={"pk": afvist.pk}) in html
    assert "DFDG (STAR)" in html and "A-kassen HK" in html
    # The runs' figures are national: an administrator's (issue 19, finding 12).
    assert "Fast kørsel hvert minut" not in html
    client.force_login(factories.bruger("adm", rolle="administrator", is_staff=True))
    assert "Fast kørsel hvert minut" in client.get(reverse("indberetning:drift")).content.decode()


def test_ventende_haendelser_og_den_aeldstes_alder(client, teamleder, sagsbehandler):
    for timer in (3, 1):
        registrering_services.samtale_registrer(
            person=factories.person(kontaktgruppe="1"),
            data=factories.data(dato=dage_siden(1)),
            bruger=sagsbehandler,
            tidspunkt=timezone.now() - datetime.timedelta(hours=timer),
        )
    client.force_login(teamleder)
    svar = client.get(reverse("indberetning:drift"))
    modtagere = {m["modtager"]: m for m in svar.context["modtagere"]}
    for noegle in ("dfdg", "akasse-HK"):
        assert modtagere[noegle]["afventer"] == 2
        assert (
            datetime.timedelta(hours=2, minutes=59)
            < modtagere[noegle]["alder"]
            < datetime.timedelta(hours=3, minutes=1)
        )


def test_genudsendelse_kraever_post(client, teamleder, sagsbehandler):
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = batch_byg(modtager="dfdg")
    client.force_login(teamleder)
    assert client.get(reverse("indberetning:batch-genudsend", kwargs={"pk": batch.pk})).status_code == 405


def test_kvitteret_batch_kan_ikke_genudsendes(client, teamleder, sagsbehandler, dfdg):
    registrer(factories.person(kontaktgruppe="2"), sagsbehandler)
    batch = batch_byg(modtager="dfdg")
    batch_send(batch_id=batch.pk)
    client.force_login(teamleder)
    svar = client.post(reverse("indberetning:batch-genudsend", kwargs={"pk": batch.pk}), follow=True)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KVITTERET
    assert "Kun afviste" in svar.content.decode()


@pytest.mark.parametrize("antal", [1, 30])
def test_driftssiden_har_et_fast_antal_forespoergsler(
    client, teamleder, sagsbehandler, django_assert_max_num_queries, antal
):
    for dage in range(1, antal + 1):
        registrer(
            factories.person(kontaktgruppe="1"),
            sagsbehandler,
            dato=dage_siden(dage % 28 + 1),
            samtaletype=("7" if dage <= 28 else "4"),
        )
    koersel_udfoer(kilde=Koersel.Kilde.PERIODISK, send=lambda batch_id: False)
    client.force_login(teamleder)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("indberetning:drift")).status_code == 200


def test_admin_viser_batches_haendelser_og_koersler(admin_client, sagsbehandler):
    registrer(factories.person(kontaktgruppe="1"), sagsbehandler)
    koersel_udfoer(kilde=Koersel.Kilde.PERIODISK, send=lambda batch_id: False)
    batch = Batch.objects.first()
    for url in (
        reverse("admin:indberetning_batch_changelist"),
        reverse("admin:indberetning_batch_change", args=[batch.pk]),
        reverse("admin:indberetning_haendelse_changelist"),
        reverse("admin:indberetning_koersel_changelist"),
    ):
        assert admin_client.get(url).status_code == 200, url
