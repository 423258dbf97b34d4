"""Issue 15, finding 3: the database refuses to rewrite what is an audit record.

The access log, every django-simple-history table and the report events are append-only
in the database itself (samtaler_site/append_only.py, the migrations it names).
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from indberetning.models import Batch, Haendelse
from registrering import services
from registrering.management.commands.flush import er_testdatabase
from registrering.models import Adgangslog, Person
from samtaler_site.append_only import historik_tabeller
from tests import factories

pytestmark = pytest.mark.django_db

INDHOLD = ("id", "samtale_id", "modtager", "akasse_id", "handling", "sekvens", "registreret", "data", "xml")
LEVERINGSTILSTAND = ("batch_id",)


def afvises(sql, params=()):
    with connection.cursor() as c:
        # The test's own writes leave deferred foreign-key checks, which TRUNCATE would wait for.
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as fejl, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(fejl.value)


def test_adgangsloggen_kan_ikke_toemmes_med_truncate(sagsbehandler, jobcenter):
    services.adgang_log(bruger=sagsbehandler, personer=[factories.person(jc=jobcenter)], handling="vis")
    assert "TRUNCATE afvist" in afvises("TRUNCATE registrering_adgangslog CASCADE")
    assert Adgangslog.objects.count() == 1


def test_historik_kan_hverken_rettes_slettes_eller_toemmes(jobcenter):
    person = factories.person(jc=jobcenter)
    person.navn = "Nyt Navn"
    person.save()
    historik = Person.history.model
    assert historik.objects.filter(id=person.pk).count() == 2
    tabel = historik._meta.db_table
    assert "UPDATE afvist" in afvises(f"UPDATE {tabel} SET navn = 'Omskrevet'")
    assert "DELETE afvist" in afvises(f"DELETE FROM {tabel}")
    assert "TRUNCATE afvist" in afvises(f"TRUNCATE {tabel}")
    with pytest.raises(DatabaseError), transaction.atomic():
        historik.objects.filter(id=person.pk).delete()
    assert sorted(historik.objects.filter(id=person.pk).values_list("navn", flat=True)) == ["Nyt Navn", "Test Borger"]


def test_hver_historiktabel_har_triggerne():
    """Also a history table a later migration adds (post_migrate installs them)."""
    tabeller = historik_tabeller(apps)
    assert len(tabeller) >= 15 and "registrering_historicalperson" in tabeller
    with connection.cursor() as c:
        c.execute(
            """SELECT c.relname, array_agg(t.tgname ORDER BY t.tgname) FROM pg_trigger t
               JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal GROUP BY c.relname"""
        )
        triggere = dict(c.fetchall())
    for tabel in tabeller:
        assert triggere.get(tabel) == ["samtaler_kun_tilfoej", "samtaler_kun_tilfoej_truncate"], tabel


@pytest.fixture
def haendelse(sagsbehandler, jobcenter):
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    return Haendelse.objects.get()


def test_indberetningshaendelser_kan_hverken_slettes_eller_toemmes(haendelse):
    assert "DELETE afvist" in afvises("DELETE FROM indberetning_haendelse")
    assert "TRUNCATE afvist" in afvises("TRUNCATE indberetning_haendelse CASCADE")
    assert Haendelse.objects.filter(pk=haendelse.pk).exists()


@pytest.mark.parametrize(
    "saet",
    [
        "xml = replace(xml, '<cpr>', '<cpr>9')",
        'data = data || \'{"aftale": "omskrevet"}\'::jsonb',
        "sekvens = sekvens + 1",
        "modtager = 'akasse-HK'",
        "handling = 'annuller'",
        "registreret = registreret - interval '1 day'",
        "samtale_id = samtale_id",  # unchanged: allowed below, in the same statement as a change
    ],
)
def test_en_haendelses_indhold_kan_ikke_aendres(haendelse, saet):
    if saet == "samtale_id = samtale_id":
        saet += ", xml = ''"
    assert "indhold kan ikke ændres" in afvises(f"UPDATE indberetning_haendelse SET {saet}")
    h = Haendelse.objects.get()
    assert (h.xml, h.data, h.sekvens, h.modtager) == (
        haendelse.xml,
        haendelse.data,
        haendelse.sekvens,
        haendelse.modtager,
    )


def test_en_haendelse_kan_laegges_i_et_batch_og_i_et_nyt(haendelse):
    """Delivery may (re)assign the batch: a refused batch's events go again in new batches."""
    foerste = Batch.objects.create(modtager=haendelse.modtager)
    andet = Batch.objects.create(modtager=haendelse.modtager)
    assert Haendelse.objects.filter(pk=haendelse.pk).update(batch=foerste) == 1
    assert Haendelse.objects.filter(pk=haendelse.pk).update(batch=andet) == 1
    assert Haendelse.objects.get().batch_id == andet.pk


def test_hver_haendelseskolonne_er_indhold_eller_leveringstilstand():
    """A new column must be classified: content (the trigger of indberetning migration 0004
    refuses to change it; add it there) or delivery state (may change; add it here)."""
    from importlib import import_module

    kolonner = {f.column for f in Haendelse._meta.concrete_fields}
    assert kolonner == set(INDHOLD) | set(LEVERINGSTILSTAND)
    assert import_module("indberetning.migrations.0004_haendelse_kun_tilfoej").INDHOLD == INDHOLD


def test_flush_maa_kun_toemme_testdatabasen():
    """``manage.py flush`` sets the TRUNCATE permission only in Django's test database."""

    class Forbindelse:
        def __init__(self, navn, testnavn=None):
            self.settings_dict = {"NAME": navn, "TEST": {"NAME": testnavn}}

    assert er_testdatabase(connection)
    assert er_testdatabase(Forbindelse("test_samtaler"))
    assert er_testdatabase(Forbindelse("ci_db", "ci_db"))
    assert not er_testdatabase(Forbindelse("samtaler", "test_samtaler"))
    assert not er_testdatabase(Forbindelse("samtaler"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transaktionelle_tests_kan_stadig_toemme_databasen(sagsbehandler, jobcenter):
    """This test commits an access-log row, history and a report event; its teardown (Django's
    flush, a TRUNCATE of every table) must get through the triggers, and the next
    transactional test starts empty of them."""
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    services.adgang_log(bruger=sagsbehandler, personer=[person], handling="vis")
    assert Haendelse.objects.exists() and Adgangslog.objects.exists() and Person.history.exists()
    # Without the flush's setting, the same TRUNCATE is refused.
    assert "TRUNCATE afvist" in afvises("TRUNCATE registrering_adgangslog CASCADE")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_efter_en_transaktionel_test_er_auditsporet_toemt():
    assert not Adgangslog.objects.exists() and not Haendelse.objects.exists() and not Person.history.exists()
