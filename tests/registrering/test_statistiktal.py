"""The statistics' day counts (registrering/statistiktal.py, issue 25) are what counting the
conversations would give, after every kind of change and every way in; a rolled-back change
counts nothing; the app's own database role cannot write a count.

The oracle :func:`forventet` counts the conversations and assessments in Python, by the rule
the team lead's page states (held = not cancelled, under the jobcenter that held them, on the
day held), independently of the database's triggers."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from registrering import services, sletning
from registrering.models import Samtale, StatistikDag, StatistikVisitationDag, Visitation
from tests import factories
from tests.factories import dage_siden
from tests.registrering.test_samtidig_oprettelse import (
    _vent_paa_en_der_venter_paa_laas as vent_paa_en_der_venter_paa_laas,
)


def forventet() -> tuple[dict, dict]:
    samtaler: Counter = Counter()
    for s in Samtale.objects.filter(annulleret__isnull=True):
        noegle = (s.jobcenter_id, s.dato, s.samtaletype_id, s.samtaleform_id, s.registreret_af_id)
        for i, v in enumerate((1, s.aftaletype != "", s.aftaletype != "" and s.aftale != "", s.tidlig_opfoelgning)):
            samtaler[(*noegle, i)] += int(v)
    visitationer: Counter = Counter()
    for v in Visitation.objects.filter(samtale__isnull=False, samtale__annulleret__isnull=True).select_related(
        "samtale"
    ):
        visitationer[(v.samtale.jobcenter_id, v.samtale.dato, v.visitationsgruppe_id)] += 1
    return _uden_nul(samtaler), _uden_nul(visitationer)


def holdt() -> tuple[dict, dict]:
    samtaler: Counter = Counter()
    for r in StatistikDag.objects.all():
        noegle = (r.jobcenter_id, r.dato, r.samtaletype_id, r.samtaleform_id, r.registreret_af_id)
        for i, v in enumerate((r.antal, r.aftale_typer, r.aftale_med, r.tidlig)):
            samtaler[(*noegle, i)] += v
    visitationer = Counter(
        {(r.jobcenter_id, r.dato, r.visitationsgruppe_id): r.antal for r in StatistikVisitationDag.objects.all()}
    )
    return _uden_nul(samtaler), _uden_nul(visitationer)


def _uden_nul(c: Counter) -> dict:
    return {k: v for k, v in c.items() if v}


@pytest.mark.django_db
def test_taellingerne_foelger_hver_aendring(jobcenter, andet_jobcenter, sagsbehandler):
    anden = factories.bruger("anden", jc=jobcenter)
    a = factories.person(kontaktgruppe="2", jc=jobcenter, navn="A")
    b = factories.person(kontaktgruppe="3", jc=jobcenter, navn="B")

    def tjek():
        assert holdt() == forventet()

    r1 = services.samtale_registrer(
        person=a,
        data=factories.data(dato=dage_siden(9), visitationsgruppe="jobparat", tidlig_opfoelgning=True),
        bruger=sagsbehandler,
    ).samtale
    r2 = services.samtale_registrer(
        person=a, data=factories.data(dato=dage_siden(9), samtaletype="9", samtaleform="2"), bruger=anden
    ).samtale
    r3 = services.samtale_registrer(
        person=b, data=factories.data(dato=dage_siden(4), visitationsgruppe="aktivitetsparat"), bruger=sagsbehandler
    ).samtale
    services.samtale_registrer(person=b, data=factories.data(dato=dage_siden(3), samtaletype="9"), bruger=anden)
    tjek()
    foer = holdt()
    assert sum(v for k, v in foer[0].items() if k[-1] == 0) == 4 and sum(foer[1].values()) == 2

    # A correction that moves the day, the type (one without an agreement) and the form, and
    # changes the assessment.
    ny = factories.data(dato=dage_siden(8), samtaletype="9", samtaleform="2", visitationsgruppe="aktivitetsparat")
    services.samtale_ret(samtale=r1, data=ny, begrundelse="Forkert dato", bruger=sagsbehandler)
    tjek()
    # "Ingen ny vurdering": the assessment is withdrawn.
    services.samtale_ret(
        samtale=Samtale.objects.get(pk=r3.pk),
        data=factories.data(dato=dage_siden(4)),
        begrundelse="Ingen vurdering",
        bruger=sagsbehandler,
    )
    tjek()
    assert sum(holdt()[1].values()) == 1
    # A cancellation takes the conversation (and its assessment) out.
    services.samtale_annuller(samtale=Samtale.objects.get(pk=r1.pk), begrundelse="Fejl", bruger=sagsbehandler)
    tjek()
    assert holdt()[1] == {}
    services.samtale_annuller(samtale=Samtale.objects.get(pk=r2.pk), begrundelse="Fejl", bruger=anden)
    tjek()
    # The other jobcenter's conversation counts under it, not under the citizen's jobcenter now.
    o = factories.person(kontaktgruppe="2", jc=andet_jobcenter, navn="O")
    factories.registrer(o, factories.bruger("o", jc=andet_jobcenter), dato=dage_siden(2), visitationsgruppe="jobparat")
    tjek()
    assert {k[0] for k in holdt()[0]} == {jobcenter.pk, andet_jobcenter.pk}


@pytest.mark.django_db
def test_en_sletning_tager_borgerens_samtaler_ud_af_taellingerne(jobcenter, sagsbehandler):
    """Erasure (issue 24) deletes the rows; the counts follow, and the anonymous archive keeps
    what the page shows (tests/registrering/test_sletning.py checks the page's figures)."""
    p = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Slet")
    factories.registrer(p, sagsbehandler, dato=dage_siden(30), visitationsgruppe="jobparat")
    bliver = factories.person(kontaktgruppe="2", jc=jobcenter, navn="Bliver")
    factories.registrer(bliver, sagsbehandler, dato=dage_siden(30))
    Samtale.objects.filter(person=bliver).update(registreret=timezone.now() + datetime.timedelta(days=6 * 365))
    assert sletning.slet_udloebne(nu=timezone.now() + datetime.timedelta(days=6 * 365)).borgere == 1
    assert holdt() == forventet()
    assert sum(v for k, v in holdt()[0].items() if k[-1] == 0) == 1 and holdt()[1] == {}


@pytest.mark.django_db
def test_en_fortrudt_registrering_taeller_ikke(jobcenter, sagsbehandler):
    p = factories.person(kontaktgruppe="2", jc=jobcenter)
    factories.registrer(p, sagsbehandler, dato=dage_siden(5))
    foer = holdt()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.registrer(p, sagsbehandler, dato=dage_siden(4), visitationsgruppe="jobparat")
        assert holdt() != foer  # counted inside the transaction ...
        raise RuntimeError("fortrudt")
    assert holdt() == foer == forventet()  # ... and gone with it


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE registrering_statistikdag SET antal = antal + 100",
        "INSERT INTO registrering_statistikvisitationdag (jobcenter_id, dato, visitationsgruppe_id, antal) "
        "VALUES (1, CURRENT_DATE, 1, 100)",
        "DELETE FROM registrering_statistikdag",
        "SELECT samtaler_statistik_genberegn()",
        "SELECT samtaler_statistik_samtale()",
    ],
)
def test_appens_rolle_kan_ikke_skrive_en_optaelling(jobcenter, sagsbehandler, sql):
    factories.registrer(factories.person(kontaktgruppe="2", jc=jobcenter), sagsbehandler, dato=dage_siden(1))
    foer = holdt()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    assert holdt() == foer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_samtidige_registreringer_paa_samme_dag_taeller_begge(jobcenter, sagsbehandler):
    """Two caseworkers' transactions add to the same day's row at once: the second waits for
    the first's commit (ON CONFLICT … DO UPDATE) and both are counted."""
    foerste, anden = (factories.person(kontaktgruppe="2", jc=jobcenter, navn=n) for n in ("T1", "T2"))
    inde, fejl = threading.Event(), []

    def foerste_registrering():
        try:
            with transaction.atomic():
                factories.registrer(foerste, sagsbehandler, dato=dage_siden(6), visitationsgruppe="jobparat")
                inde.set()
                vent_paa_en_der_venter_paa_laas()  # the other is blocked on the day's row
        except BaseException as e:  # noqa: BLE001 - handed to the test
            fejl.append(e)
            inde.set()
        finally:
            connection.close()

    traad = threading.Thread(target=foerste_registrering)
    traad.start()
    assert inde.wait(30)
    factories.registrer(anden, sagsbehandler, dato=dage_siden(6), visitationsgruppe="jobparat")
    traad.join(60)
    assert not fejl, fejl
    assert holdt() == forventet()
    dag = StatistikDag.objects.get(jobcenter=jobcenter, dato=dage_siden(6))
    assert dag.antal == 2 and StatistikVisitationDag.objects.get(jobcenter=jobcenter, dato=dage_siden(6)).antal == 2
