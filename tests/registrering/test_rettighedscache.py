"""A user's permissions are kept in each process under a version the database gives every
change of roles and permissions (registrering/auth.py, migration 0024). What a user or the
law cares about: a revoked role stops working at the user's very next request, whoever
revoked it and however (the admin, the ORM, plain SQL, another machine); a granted one works
at the next request; one user never gets another's permissions. And the staff pages no
longer spend a query on the permissions (issue 25)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrering import auth, kodecache
from registrering.models import Bruger
from tests import factories

pytestmark = pytest.mark.django_db


def side(person) -> str:
    return reverse("registrering:person-detalje", kwargs={"pk": person.pk})


def tilladelse(kode: str) -> Permission:
    app, codename = kode.split(".")
    return Permission.objects.get(content_type__app_label=app, codename=codename)


@pytest.fixture
def person(jobcenter):
    return factories.person(kontaktgruppe="2", jc=jobcenter)


def _sql(client, adresse) -> list[str]:
    with CaptureQueriesContext(connection) as q:
        assert client.get(adresse).status_code == 200
    return [x["sql"] for x in q.captured_queries]


@pytest.mark.parametrize("adresse,sparet", [("borger", 1), ("forside", 0), ("soeg", 0)])
def test_en_medarbejderside_bruger_ingen_forespoergsel_paa_rettighederne(klient, person, adresse, sparet, monkeypatch):
    """A user's next request reads no permission: the one statement that reads the code
    lists' version also reads the permissions', and the set is the process's. A page that
    reads the code lists anyway (the citizen's page, the registration) makes one statement
    fewer than reading the permissions on every request (as before the cache); a page that
    does not (the start page, search) reads the one-row version instead of the permissions.
    The first request of a user the process does not know costs no more than a later one
    (the versions come with the permissions, in one statement)."""
    url = {
        "borger": side(person),
        "forside": reverse("registrering:forside"),
        "soeg": reverse("registrering:person-soeg") + "?q=Test",
    }[adresse]
    _sql(klient, url)
    varm = _sql(klient, url)
    assert not [s for s in varm if "auth_permission" in s]
    assert sum("registrering_kodeversion" in s for s in varm) == 1
    auth._cache.clear()
    kold = _sql(klient, url)
    assert len(kold) == len(varm)
    assert sum("registrering_kodeversion" in s for s in kold) == 1
    monkeypatch.setattr(auth, "_cachet", auth._laes)  # every request reads them, as before
    foer = _sql(klient, url)
    assert len([s for s in foer if '"auth_permission"' in s]) == 1
    assert len(varm) == len(foer) - sparet


def test_fjernet_fra_rollen_i_orm_afvises_ved_naeste_forespoergsel(klient, sagsbehandler, person):
    assert klient.get(side(person)).status_code == 200
    sagsbehandler.groups.remove(Group.objects.get(name="sagsbehandler"))
    assert klient.get(side(person)).status_code == 403


def test_rettighed_fjernet_fra_rollen_i_orm_afvises_ved_naeste_forespoergsel(klient, person):
    assert klient.get(side(person)).status_code == 200
    Group.objects.get(name="sagsbehandler").permissions.remove(tilladelse("registrering.view_person"))
    assert klient.get(side(person)).status_code == 403


def test_fjernet_med_ren_sql_afvises_ved_naeste_forespoergsel(klient, sagsbehandler, person):
    """Plain SQL sends no Django signal: only the database's version tells the process."""
    assert klient.get(side(person)).status_code == 200
    with connection.cursor() as c:
        c.execute("DELETE FROM registrering_bruger_groups WHERE bruger_id = %s", [sagsbehandler.pk])
    assert klient.get(side(person)).status_code == 403


def test_rettighed_fjernet_fra_rollen_med_ren_sql_afvises_ved_naeste_forespoergsel(klient, person):
    assert klient.get(side(person)).status_code == 200
    with connection.cursor() as c:
        c.execute(
            "DELETE FROM auth_group_permissions WHERE group_id = (SELECT id FROM auth_group WHERE name = %s) "
            "AND permission_id = %s",
            ["sagsbehandler", tilladelse("registrering.view_person").pk],
        )
    assert klient.get(side(person)).status_code == 403


def test_tildelt_rolle_virker_ved_naeste_forespoergsel(client, jobcenter, person):
    ny = factories.bruger("ny", rolle="", jc=jobcenter)
    client.force_login(ny)
    assert client.get(side(person)).status_code == 403
    ny.groups.add(Group.objects.get(name="sagsbehandler"))
    assert client.get(side(person)).status_code == 200


def test_egen_rettighed_tildelt_med_ren_sql_virker_ved_naeste_forespoergsel(client, jobcenter, person):
    ny = factories.bruger("ny", rolle="", jc=jobcenter)
    client.force_login(ny)
    assert client.get(side(person)).status_code == 403
    with connection.cursor() as c:
        c.execute(
            "INSERT INTO registrering_bruger_user_permissions (bruger_id, permission_id) VALUES (%s, %s)",
            [ny.pk, tilladelse("registrering.view_person").pk],
        )
    assert client.get(side(person)).status_code == 200


def test_to_brugere_deler_ikke_rettigheder(jobcenter, person):
    med, uden = Client(), Client()
    med.force_login(factories.bruger("med", jc=jobcenter))
    uden.force_login(factories.bruger("uden", rolle="", jc=jobcenter))
    for _ in range(2):  # the second round answers both from the cache
        assert med.get(side(person)).status_code == 200
        assert uden.get(side(person)).status_code == 403


def test_rollen_aendret_i_admin_gaelder_fra_naeste_forespoergsel(klient, jobcenter, person):
    """The administrator removes "view_person" from the caseworkers' role in the admin (as the
    app's database role): the caseworker is refused at the next request."""
    adm = Client()
    adm.force_login(factories.bruger("adm", rolle="administrator", jc=jobcenter, is_staff=True))
    rolle = Group.objects.get(name="sagsbehandler")
    assert klient.get(side(person)).status_code == 200
    tilbage = [p.pk for p in rolle.permissions.all() if p.codename != "view_person"]
    svar = adm.post(reverse("admin:auth_group_change", args=[rolle.pk]), {"name": rolle.name, "permissions": tilbage})
    assert svar.status_code == 302, svar.content.decode()[:2000]
    assert klient.get(side(person)).status_code == 403


def test_aendring_i_samme_forespoergsel_laeser_versionen_igen(sagsbehandler):
    """Inside a request the version is read once; a change of roles made in that request
    (a sign-in sets the user's roles, the admin saves a role) makes the next look-up read
    it again, not answer from the set read before the change."""
    kodecache._request_started()  # what Django's request_started does for the cache
    try:
        assert Bruger.objects.get(pk=sagsbehandler.pk).has_perm("registrering.view_person")
        sagsbehandler.groups.remove(Group.objects.get(name="sagsbehandler"))
        assert not Bruger.objects.get(pk=sagsbehandler.pk).has_perm("registrering.view_person")
        Group.objects.get(name="sagsbehandler").user_set.add(sagsbehandler)
        assert Bruger.objects.get(pk=sagsbehandler.pk).has_perm("registrering.view_person")
    finally:
        kodecache._request_finished()


def test_uden_for_en_forespoergsel_laeses_versionen_hver_gang(sagsbehandler):
    """Management commands and the worker: no request, so no version kept between calls."""
    assert Bruger.objects.get(pk=sagsbehandler.pk).has_perm("registrering.view_person")
    with connection.cursor() as c:
        c.execute("DELETE FROM registrering_bruger_groups WHERE bruger_id = %s", [sagsbehandler.pk])
    assert not Bruger.objects.get(pk=sagsbehandler.pk).has_perm("registrering.view_person")


def test_superbruger_og_inaktiv_som_foer(jobcenter, person):
    """Decided from the user's row, which every request reads: never from the cache."""
    bruger = factories.bruger("sb", jc=jobcenter)
    c = Client()
    c.force_login(bruger)
    assert c.get(side(person)).status_code == 200
    Bruger.objects.filter(pk=bruger.pk).update(is_superuser=True)  # no version change
    assert Bruger.objects.get(pk=bruger.pk).has_perm("registrering.se_beskyttede")
    assert c.get(side(person)).status_code == 200
    Bruger.objects.filter(pk=bruger.pk).update(is_superuser=False, is_active=False)
    assert not Bruger.objects.get(pk=bruger.pk).has_perm("registrering.view_person")
    assert c.get(side(person)).status_code == 302  # signed out: the backend refuses the user


def test_et_log_ind_uden_nye_roller_giver_ingen_ny_version(sagsbehandler):
    """A sign-in asks to remove the roles the user does not have (identitet/services.py): a
    DELETE of no rows is no change, so it keeps every process's cache of permissions."""

    def version() -> int:
        with connection.cursor() as c:
            c.execute("SELECT rettighedsversion FROM registrering_kodeversion")
            return c.fetchone()[0]

    foer = version()
    sagsbehandler.groups.remove(Group.objects.get(name="revisor"))  # not one of theirs
    sagsbehandler.groups.add(Group.objects.get(name="sagsbehandler"))  # already theirs
    assert version() == foer
    sagsbehandler.groups.add(Group.objects.get(name="revisor"))
    assert version() != foer


def test_cachen_har_en_oevre_graense(jobcenter, monkeypatch):
    monkeypatch.setattr(auth, "STOERRELSE", 3)
    brugere = [factories.bruger(jc=jobcenter) for _ in range(5)]
    for b in brugere:
        assert Bruger.objects.get(pk=b.pk).has_perm("registrering.view_person")
    assert list(auth._cache) == [b.pk for b in brugere[2:]]


def test_hver_tabel_rettighederne_er_lavet_af_har_en_versionstrigger():
    with connection.cursor() as c:
        c.execute(
            "SELECT event_object_table, array_agg(DISTINCT event_manipulation::text) "
            "FROM information_schema.triggers WHERE trigger_name LIKE '%%_rettighedsversion_%%' "
            "GROUP BY event_object_table"
        )
        triggere = dict(c.fetchall())
    tabeller = {
        "auth_group",
        "auth_permission",
        "auth_group_permissions",
        "django_content_type",
        Bruger.groups.through._meta.db_table,
        Bruger.user_permissions.through._meta.db_table,
    }
    assert set(triggere) == tabeller
    # information_schema lists no TRUNCATE; the other three are there for every table.
    assert all(sorted(v) == ["DELETE", "INSERT", "UPDATE"] for v in triggere.values())


# --- another machine: a committed change through its own connection -------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolle_fjernet_paa_en_anden_forbindelse_afvises_ved_naeste_forespoergsel(jobcenter):
    """Another web machine (or a DBA) revokes the role and commits: no signal reaches this
    process, and its next request is refused all the same."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    bruger = factories.bruger("anden", jc=jobcenter)
    c = Client()
    c.force_login(bruger)
    assert c.get(side(person)).status_code == 200
    assert c.get(side(person)).status_code == 200  # answered from the cache
    fejl: list[BaseException] = []

    def anden_maskine():
        try:
            with connection.cursor() as cur:
                cur.execute("DELETE FROM registrering_bruger_groups WHERE bruger_id = %s", [bruger.pk])
        except BaseException as e:  # noqa: BLE001 - handed to the test
            fejl.append(e)
        finally:
            connection.close()

    traad = threading.Thread(target=anden_maskine)
    traad.start()
    traad.join(60)
    assert not traad.is_alive() and not fejl, fejl
    assert c.get(side(person)).status_code == 403
