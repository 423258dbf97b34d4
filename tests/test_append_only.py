"""Issues 15 (finding 3) and 19 (findings 1 and 2): the database refuses to rewrite what is
an audit record, whoever asks.

The access log, every django-simple-history table, the report events and axes' login logs
are append-only in the database itself (samtaler_site/append_only.py, the migrations it
names), and a delivered batch's outcome is fixed (indberetning migration 0006). The suite
connects as the app's own role (tests/conftest.py), so these tests are the app role's
view: its privileges refuse first, and where it may update (a batch) the triggers do.
The same refusals against a real, non-test database set up as an operator does, with the
owner's view as well: tests/test_db_roller.py.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from indberetning.koersel import koersel_synkron
from indberetning.models import Batch, Haendelse
from registrering import services
from registrering.models import Adgangslog, Person
from samtaler_site.append_only import historik_tabeller
from tests import factories

pytestmark = pytest.mark.django_db

INDHOLD = ("id", "samtale_id", "modtager", "akasse_id", "handling", "sekvens", "registreret", "data", "xml")
LEVERINGSTILSTAND = ("batch_id",)
AFVIST = "42501"  # insufficient_privilege: a missing privilege, or a trigger's refusal


def afvises(sql, params=()) -> str:
    """Run ``sql`` in a transaction of its own; it must be refused for lack of privilege
    (SQLSTATE 42501). Returns the database's message."""
    with connection.cursor() as c:
        # The test's own writes leave deferred foreign-key checks, which TRUNCATE would wait for.
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError) as fejl, transaction.atomic(), connection.cursor() as c:
        for saetning in sql.split(";"):
            if saetning.strip():
                c.execute(saetning, params)
    assert getattr(fejl.value.__cause__, "sqlstate", None) == AFVIST, fejl.value
    return str(fejl.value)


def test_testene_koerer_som_appens_egen_rolle():
    """The suite has production's privileges: not the owner, no superuser (issue 19)."""
    from django.conf import settings

    from samtaler_site.db_roller import ejer_indstillinger

    with connection.cursor() as c:
        c.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        rolle, superbruger = c.fetchone()
    assert rolle == settings.DATABASE_APP_ROLLE and not superbruger
    assert ejer_indstillinger() is not None and rolle != ejer_indstillinger()["USER"]


def test_adgangsloggen_kan_ikke_toemmes_heller_ikke_med_sessionsindstillingen(sagsbehandler, jobcenter):
    """Issue 19, finding 1: the old escape hatch (a session setting) opens nothing."""
    services.adgang_log(bruger=sagsbehandler, personer=[factories.person(jc=jobcenter)], handling="vis")
    afvises("TRUNCATE registrering_adgangslog CASCADE")
    afvises("SET LOCAL samtaler.tom_testdatabase = 'ja'; TRUNCATE registrering_adgangslog CASCADE")
    assert Adgangslog.objects.count() == 1


def test_historik_kan_hverken_rettes_slettes_eller_toemmes(jobcenter):
    person = factories.person(jc=jobcenter)
    person.navn = "Nyt Navn"
    person.save()
    historik = Person.history.model
    assert historik.objects.filter(id=person.pk).count() == 2
    tabel = historik._meta.db_table
    afvises(f"UPDATE {tabel} SET navn = 'Omskrevet'")
    afvises(f"DELETE FROM {tabel}")
    afvises(f"TRUNCATE {tabel}")
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


def test_ingen_trigger_laeser_en_sessionsindstilling():
    """Issue 19, finding 1: a trigger decides by itself; ``current_setting`` is anyone's."""
    with connection.cursor() as c:
        c.execute(
            """SELECT DISTINCT p.proname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               JOIN pg_class c ON c.oid = t.tgrelid
               WHERE NOT t.tgisinternal AND c.relname NOT LIKE 'procrastinate%%'"""
        )
        funktioner = dict(c.fetchall())
    assert {"samtaler_kun_tilfoej", "indberetning_batch_udfald_fast", "samtaler_logud_en_gang"} <= set(funktioner)
    for navn, kilde in funktioner.items():
        assert "current_setting" not in kilde and "set_config" not in kilde, navn


# --- axes' login logs (finding 2) ----------------------------------------------------------


@pytest.fixture
def loginlog(client, jobcenter):
    """A failed login, a login and a logout, through the real login page (axes logs them)."""
    from axes.models import AccessFailureLog, AccessLog

    factories.bruger("sara", jc=jobcenter)
    assert client.post("/accounts/login/", {"username": "sara", "password": "forkert"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "sara", "password": "hemmeligt-kodeord"}).status_code == 302
    client.post("/accounts/logout/")
    assert AccessFailureLog.objects.filter(username="sara").count() == 1
    log = AccessLog.objects.get(username="sara")
    assert log.logout_time is not None  # axes sets the logout time: the one update allowed
    return log


def test_axes_loginloggene_kan_hverken_rettes_slettes_eller_toemmes(loginlog):
    from axes.models import AccessFailureLog, AccessLog

    for tabel in ("axes_accessfailurelog", "axes_accesslog"):
        afvises(f"DELETE FROM {tabel}")
        afvises(f"TRUNCATE {tabel}")
        afvises(f"UPDATE {tabel} SET username = 'en-anden'")
    afvises("UPDATE axes_accesslog SET logout_time = NULL")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessFailureLog.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessFailureLog.objects.count() == 1 and AccessLog.objects.get().username == "sara"


def test_axes_beskaerer_ikke_fejlloggen():
    """axes would delete a user's failures beyond a limit (1000 by default): the app role
    may not, so axes is told never to."""
    from axes.conf import settings as axes_settings

    assert axes_settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT >= 2**62


# --- report events and batches (finding 2) --------------------------------------------------


@pytest.fixture
def haendelse(sagsbehandler, jobcenter):
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    return Haendelse.objects.get()


def test_indberetningshaendelser_kan_hverken_slettes_eller_toemmes(haendelse):
    afvises("DELETE FROM indberetning_haendelse")
    afvises("TRUNCATE indberetning_haendelse CASCADE")
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
        "samtale_id = samtale_id, xml = ''",
    ],
)
def test_en_haendelses_indhold_kan_ikke_aendres(haendelse, saet):
    afvises(f"UPDATE indberetning_haendelse SET {saet}")
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
    refuses to change it; add it there) or delivery state (may change; add it here, and to
    the app role's UPDATE columns in samtaler_site/db_roller.py)."""
    from importlib import import_module

    from samtaler_site.db_roller import KOLONNE_OPDATERING

    kolonner = {f.column for f in Haendelse._meta.concrete_fields}
    assert kolonner == set(INDHOLD) | set(LEVERINGSTILSTAND)
    assert import_module("indberetning.migrations.0004_haendelse_kun_tilfoej").INDHOLD == INDHOLD
    assert KOLONNE_OPDATERING["indberetning_haendelse"] == LEVERINGSTILSTAND


@pytest.fixture
def kvitteret(haendelse, tmp_path):
    """The event delivered by the real engine to a real receiver that answers with a receipt
    (a drop-folder file is only ``afleveret``: nobody acknowledged it, issue 20)."""
    from tests.indberetning import modtager

    server = modtager.server()
    try:
        server.expect_request("/dfdg", method="POST").respond_with_handler(modtager.Modtager())
        with override_settings(INDBERETNING_DIR=tmp_path / "drop", INDBERETNING_DFDG_URL=server.url_for("/dfdg")):
            _, problemer = koersel_synkron()
    finally:
        server.stop()
    assert problemer == []
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.KVITTERET and batch.kvittering and batch.dokument_sha256
    return batch


@pytest.mark.parametrize(
    "saet",
    [
        "status = 'afvist'",
        "status = 'klar'",
        "kvittering = 'Modtaget af ingen'",
        "kvitteret = NULL",
        "dokument_sha256 = repeat('0', 64)",
        "sidste_http_status = 422",
        "sidste_besked = 'Afvist'",
        "modtager = 'akasse-HK'",
    ],
)
def test_et_kvitteret_batchs_udfald_kan_ikke_omskrives(kvitteret, saet):
    """Finding 2: the receipt, the document's hash and the outcome of a delivered batch are
    fixed (the app role may update batches: the trigger refuses)."""
    assert "UPDATE afvist" in afvises(f"UPDATE indberetning_batch SET {saet} WHERE id = %s", [kvitteret.pk])
    assert Batch.objects.get() == kvitteret
    b = Batch.objects.get()
    assert (b.status, b.kvittering, b.dokument_sha256) == (
        kvitteret.status,
        kvitteret.kvittering,
        kvitteret.dokument_sha256,
    )


def test_et_kvitteret_batch_kan_hverken_slettes_eller_miste_eller_faa_haendelser(kvitteret, sagsbehandler, jobcenter):
    afvises("DELETE FROM indberetning_batch")
    assert "UPDATE afvist" in afvises("UPDATE indberetning_haendelse SET batch_id = NULL")
    services.samtale_registrer(
        person=factories.person(jc=jobcenter),
        data=factories.data(),
        bruger=sagsbehandler,
    )
    ny = Haendelse.objects.get(batch__isnull=True)
    assert "UPDATE afvist" in afvises(
        "UPDATE indberetning_haendelse SET batch_id = %s WHERE id = %s", [kvitteret.pk, ny.pk]
    )
    assert list(kvitteret.haendelser.values_list("id", flat=True)) != [ny.pk]
    assert Haendelse.objects.get(pk=ny.pk).batch_id is None


@pytest.mark.parametrize(
    "fra,til,tilladt",
    [
        ("klar", "kvitteret", False),  # a receipt without a delivery
        ("klar", "afvist", False),
        ("klar", "sendes", True),
    ],
)
def test_et_batch_foelger_leveringens_overgange(haendelse, fra, til, tilladt):
    batch = Batch.objects.create(modtager=haendelse.modtager, status=fra)
    sql = "UPDATE indberetning_batch SET status = %s WHERE id = %s"
    if tilladt:
        with connection.cursor() as c:
            c.execute(sql, [til, batch.pk])
        assert Batch.objects.get(pk=batch.pk).status == til
    else:
        assert "ikke en tilladt overgang" in afvises(sql, [til, batch.pk])


def test_et_nyt_batch_kan_ikke_begynde_som_kvitteret(haendelse):
    afvises(
        "INSERT INTO indberetning_batch (id, modtager, status, antal, oprettet, forsoeg, naeste_forsoeg, "
        "sidste_besked, kvittering, adresse, dokument_sha256) VALUES (gen_random_uuid(), 'dfdg', 'kvitteret', 1, "
        "now(), 1, now(), '', 'Falsk kvittering', '', '')"
    )


# --- the test runner's own path -------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_transaktionelle_tests_kan_stadig_toemme_databasen(sagsbehandler, jobcenter):
    """This test commits an access-log row, history and a report event; its teardown (Django's
    flush, as the owner, in the test database) must get through the triggers, and the next
    transactional test starts empty of them. The app role itself cannot empty it."""
    person = factories.person(jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler)
    services.adgang_log(bruger=sagsbehandler, personer=[person], handling="vis")
    assert Haendelse.objects.exists() and Adgangslog.objects.exists() and Person.history.exists()
    afvises("TRUNCATE registrering_adgangslog CASCADE")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_efter_en_transaktionel_test_er_auditsporet_toemt():
    assert not Adgangslog.objects.exists() and not Haendelse.objects.exists() and not Person.history.exists()
