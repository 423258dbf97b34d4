"""Retention (issue 24, CONTRACT.md "Retention"): after a run nothing of an erased citizen
remains in any table; a second run erases nothing; a hold keeps; the statistics of past
years are unchanged; and the erasure goes through the one database function the
append-only triggers let through, which the app role cannot imitate."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from identitet.models import EksternIdentitet
from registrering import borgere, services, sletning, statistik
from registrering.models import Adgangslog, Bruger, Kontaktgruppe, Person, Sletning, Slettefrist
from tests import factories
from tests.factories import dage_siden

pytestmark = pytest.mark.django_db

SEKS_AAR = datetime.timedelta(days=6 * 365)


def fuld_borger(jobcenter, sagsbehandler, navn):
    """A citizen with everything that hangs on one: conversations with participants, a
    visitation, a marking, a cancellation, a correction, periods, report events, access-log
    rows, and a MitID login of their own."""
    p = factories.person(kontaktgruppe="2", jc=jobcenter, navn=navn)
    r = services.samtale_registrer(
        person=p,
        data=factories.data(
            dato=dage_siden(20),
            visitationsgruppe="jobparat",
            tidlig_opfoelgning=True,
            deltagere=[factories.deltager()],
        ),
        bruger=sagsbehandler,
    )
    data = factories.data(dato=dage_siden(20), visitationsgruppe="jobparat", tidlig_opfoelgning=True)
    data.aftale = "Søge 3 job om ugen."
    services.samtale_ret(samtale=r.samtale, data=data, begrundelse="Antal job", bruger=sagsbehandler)
    anden = services.samtale_registrer(person=p, data=factories.data(dato=dage_siden(10)), bruger=sagsbehandler)
    services.samtale_annuller(samtale=anden.samtale, begrundelse="Fejl", bruger=sagsbehandler)
    borgere.person_ret(
        person=p,
        kontaktgruppe=Kontaktgruppe.objects.get(kode="3"),
        akasse=None,
        gyldig_fra=dage_siden(5),
        begrundelse="Skift",
        bruger=sagsbehandler,
        beskyttet=True,
    )
    services.adgang_log(bruger=sagsbehandler, personer=[p], handling=Adgangslog.Handling.VIS)
    b = Bruger.objects.create_user(username=f"borger-{p.pk}", password=None, person=p)
    EksternIdentitet.objects.create(bruger=b, udsteder="https://mitid.example", subjekt=f"sub-{p.pk}")
    services.adgang_log(bruger=b, personer=[p], handling=Adgangslog.Handling.INDSIGT)
    p.refresh_from_db()
    return p


def spor(person_id, cpr) -> dict[str, int]:
    """Every table of the schema, scanned whole for the citizen's id (with and without
    dashes) and CPR number; the erasure record alone keeps the opaque id (CONTRACT.md)."""
    fund = {}
    moenstre = [f"%{person_id}%", f"%{str(person_id).replace('-', '')}%", f"%{cpr}%"]
    with connection.cursor() as c:
        c.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        tabeller = [r[0] for r in c.fetchall()]
        assert "registrering_historicalsamtale" in tabeller and "indberetning_haendelse" in tabeller
        for t in tabeller:
            if t == "registrering_sletning":
                continue
            c.execute(f'SELECT count(*) FROM "{t}" x WHERE x::text LIKE ANY(%s)', [moenstre])
            (n,) = c.fetchone()
            if n:
                fund[t] = n
    return fund


def stat(jobcenter):
    s = statistik.statistik(jobcenter_id=jobcenter.pk, fra=dage_siden(400), til=dage_siden(0))
    return (s.i_alt, s.pr_type, s.pr_form, s.aftale_typer, s.aftale_med, s.tidlig_opfoelgning, s.visitationer)


def test_intet_af_en_slettet_borger_er_tilbage_i_nogen_tabel(jobcenter, sagsbehandler):
    slettes = fuld_borger(jobcenter, sagsbehandler, "Slette Sørensen")
    holdt = fuld_borger(jobcenter, sagsbehandler, "Hold Hansen")
    services.retshold_saet(
        person=holdt, retshold="Verserende klagesag", bruger=factories.bruger("adm", rolle="administrator")
    )
    pid, cpr = slettes.pk, slettes.cpr
    assert len(spor(pid, cpr)) >= 12  # everything is there before
    foer = stat(jobcenter)

    # Not due today: nothing goes.
    assert sletning.slet_udloebne().borgere == 0 and Person.objects.filter(pk=pid).exists()

    nu = timezone.now() + SEKS_AAR
    k = sletning.slet_udloebne(nu=nu)
    assert k.borgere == 1 and k.paa_hold == 1
    assert spor(pid, cpr) == {}
    # The hold kept the other citizen whole.
    assert Person.objects.filter(pk=holdt.pk).exists() and holdt.samtaler.count() == 2
    assert len(spor(holdt.pk, holdt.cpr)) >= 12
    # The erasure record: opaque id, rule, counts; no CPR number, no name.
    rekord = Sletning.objects.get(person_id=pid)
    assert rekord.slettefrist.kode == "sagsdata" and rekord.antal["samtaler"] == 2
    assert rekord.antal["haendelser"] >= 2 and rekord.antal["adgangslog"] >= 3 and rekord.antal["brugere"] == 1
    tekst = f"{rekord.regel} {rekord.antal}"
    assert cpr not in tekst and "Slette" not in tekst
    # The statistics of the past are unchanged.
    assert stat(jobcenter) == foer
    # A second run erases nothing.
    assert sletning.slet_udloebne(nu=nu).borgere == 0
    assert Sletning.objects.filter(person_id__isnull=False).count() == 1


def test_kommandoen_med_dry_run_sletter_intet_og_viser_kun_tal(jobcenter, sagsbehandler, monkeypatch):
    p = fuld_borger(jobcenter, sagsbehandler, "Tørløb Thomsen")
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime.now(datetime.UTC) + SEKS_AAR)
    ud = io.StringIO()
    call_command("slet_udloebne", "--dry-run", stdout=ud)
    assert "Borgere ville blive slettet: 1" in ud.getvalue()
    assert p.navn not in ud.getvalue() and p.cpr not in ud.getvalue() and str(p.pk) not in ud.getvalue()
    assert Person.objects.filter(pk=p.pk).exists() and not Sletning.objects.exists()
    ud = io.StringIO()
    call_command("slet_udloebne", stdout=ud)
    assert "Borgere slettet: 1" in ud.getvalue() and not Person.objects.filter(pk=p.pk).exists()


def test_adgangsloggens_egen_frist(jobcenter, sagsbehandler):
    p = factories.person(jc=jobcenter)
    services.adgang_log(bruger=sagsbehandler, personer=[p], handling=Adgangslog.Handling.VIS)
    services.retshold_saet(person=p, retshold="Klage", bruger=sagsbehandler)  # the citizen is kept
    Slettefrist.objects.filter(kode="adgangslog").update(varighed="P30D")
    k = sletning.slet_udloebne(nu=timezone.now() + datetime.timedelta(days=31))
    assert k.adgangslog == 1 and not Adgangslog.objects.filter(person=p).exists()
    assert Sletning.objects.get(person_id=None).antal == {"adgangslog": 1}


def test_appens_rolle_kommer_ikke_forbi_triggerne_uden_om_funktionen(jobcenter, sagsbehandler):
    p = factories.person(jc=jobcenter)
    services.adgang_log(bruger=sagsbehandler, personer=[p], handling=Adgangslog.Handling.VIS)
    with connection.cursor() as c:
        c.execute("SELECT current_user")
        assert c.fetchone()[0] == "samtaler_app"
        # Setting the marker itself does not make the app role the owner.
        for sql in (
            "DELETE FROM registrering_adgangslog WHERE person_id = %s",
            "DELETE FROM registrering_historicalperson WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                c.execute("SELECT set_config('samtaler.sletning', txid_current()::text, true)")
                c.execute(sql, [p.pk])
        # A statement after the function (same transaction) is refused again.
        with pytest.raises(DatabaseError), transaction.atomic():
            c.execute("SELECT samtaler_slet_adgangslog(now() - interval '100 years')")
            c.execute("DELETE FROM registrering_historicalperson WHERE id = %s", [p.pk])
    assert Adgangslog.objects.filter(person=p).exists()


def test_varighed_er_iso_8601_i_dage_eller_uger():
    from django.core.exceptions import ValidationError

    frist = Slettefrist(kode="x", navn="x", varighed="P1825D", regnes_fra="borger")
    frist.full_clean()
    assert frist.tidsrum == datetime.timedelta(days=1825)
    for forkert in ("1825", "P5Y", "P-1D", "PT5H"):
        frist.varighed = forkert
        with pytest.raises(ValidationError):
            frist.full_clean()


def test_administrator_saetter_retshold_i_admin_og_det_staar_i_historikken(client, jobcenter):
    from django.urls import reverse

    p = factories.person(jc=jobcenter, navn="Klage Karlsen")
    admin = factories.bruger("adm", rolle="administrator", is_staff=True, first_name="Ada", last_name="Admin")
    client.force_login(admin)
    adresse = reverse("admin:registrering_person_change", args=[p.pk])
    assert client.get(adresse).status_code == 200
    svar = client.post(adresse, {"retshold": "Verserende klagesag", "_save": "Gem"})
    assert svar.status_code == 302, svar.content.decode()[:2000]
    p.refresh_from_db()
    assert p.retshold == "Verserende klagesag" and p.navn == "Klage Karlsen"
    seneste = p.history.first()
    assert seneste.history_user == admin and "Verserende klagesag" in seneste.history_change_reason
    # Kept past the deadline.
    assert sletning.slet_udloebne(nu=timezone.now() + SEKS_AAR).borgere == 0
    # A caseworker has no admin, and a revisor may look but not change.
    revisor = factories.bruger("rev", rolle="revisor", is_staff=True)
    client.force_login(revisor)
    client.post(adresse, {"retshold": "", "_save": "Gem"})
    p.refresh_from_db()
    assert p.retshold == "Verserende klagesag"


def test_arbejderen_koerer_sletningen_hver_nat():
    from procrastinate.contrib.django import app

    import registrering.tasks  # noqa: F401  (procrastinate finds each app's tasks.py)

    natlige = {t.task.name: t.cron for t in app.periodic_registry.periodic_tasks.values()}
    assert natlige["registrering.slet_udloebne"] == "43 2 * * *"
