"""Every visitation assessment is a fact (issue 18, § 28 nr. 9 and stk. 2).

A caseworker's assessment is kept with its conversation even when it repeats the group in
force; the group on a day is derived from the held, non-cancelled assessments in order of
their effective date (the registration date, stk. 2), so correcting or cancelling one never
erases another. What is reported is an assessment that gives another group than the one
before it; when a correction or cancellation changes that for a later conversation, the
later one is reported again, so that DFDG's latest sekvens per conversation gives the same
timeline as ours. Corrections and cancellations go through the real pages."""

from __future__ import annotations

import datetime
import itertools
import re
from zoneinfo import ZoneInfo

import pytest

from indberetning.models import Haendelse
from registrering import selectors, services
from registrering.models import Samtale, Visitation
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db

KBH = ZoneInfo("Europe/Copenhagen")
DAGE = [dage_siden(n) for n in range(6, -1, -1)]  # the days the timeline is checked on


def registrer_kl(person, bruger, dage: int, gruppe: str | None, samtaletype: str = "4"):
    """A conversation held and registered ``dage`` days ago at noon (Danish time)."""
    dato = dage_siden(dage)
    tidspunkt = datetime.datetime.combine(dato, datetime.time(12), tzinfo=KBH)
    felter = {"aftale": ""} if samtaletype == "4" else {}
    return services.samtale_registrer(
        person=person,
        data=factories.data(dato=dato, samtaletype=samtaletype, visitationsgruppe=gruppe, **felter),
        bruger=bruger,
        tidspunkt=tidspunkt,
    ).samtale


def ret_paa_siden(klient, samtale: Samtale, gruppe: str):
    data = factories.formular(
        dato=samtale.dato.isoformat(),
        samtaletype=samtale.samtaletype.kode,
        aftale="",
        visitationsgruppe=gruppe,
        begrundelse="Forkert gruppe valgt",
    )
    svar = klient.post(url("samtale-ret", pk=samtale.pk), data)
    assert svar.status_code == 302, svar.content.decode()[:2000]


def annuller_paa_siden(klient, samtale: Samtale):
    svar = klient.post(url("samtale-annuller", pk=samtale.pk), {"begrundelse": "Forkert borger"})
    assert svar.status_code == 302


def gruppe_paa(person, dato) -> str | None:
    v = selectors.visitationsgruppe_paa_dato(person=person, dato=dato)
    return v.visitationsgruppe.kode if v else None


def tidslinje_efter_reglen(vurderinger: list[tuple[datetime.date, str]], dato) -> str | None:
    """The rule, written independently: the newest assessment on or before ``dato``."""
    foer = [g for fra, g in sorted(vurderinger) if fra <= dato]
    return foer[-1] if foer else None


def dfdg_tidslinje(person, dato) -> str | None:
    """The group on ``dato`` as DFDG sees it from the latest event per conversation (a
    cancelled conversation counts no more; an event without visitation changed nothing)."""
    seneste = {}
    for h in Haendelse.objects.filter(samtale__person=person, modtager="dfdg").order_by("sekvens"):
        seneste[h.samtale_id] = h
    aendringer = sorted(
        (datetime.date.fromisoformat(h.data["visitation"]["gyldigFra"]), h.registreret, h.data["visitation"])
        for h in seneste.values()
        if h.handling != "annuller" and "visitation" in h.data
    )
    foer = [v["visitationsgruppe"] for fra, _r, v in aendringer if fra <= dato]
    return foer[-1] if foer else None


def test_ret_den_foerste_af_to_ens_vurderinger_mister_ikke_den_anden(klient, jobcenter, sagsbehandler):
    """The issue's case: jobparat on day 1, jobparat again on day 2 ("uændret"); correcting
    day 1 to aktivitetsparat leaves day 2's jobparat in force from day 2, and reports it."""
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    foerste = registrer_kl(karl, sagsbehandler, 2, "jobparat")
    anden = registrer_kl(karl, sagsbehandler, 1, "jobparat")
    assert "visitation" not in Haendelse.objects.get(samtale=anden, modtager="dfdg").data  # nr. 9: no new group

    ret_paa_siden(klient, foerste, "aktivitetsparat")

    assert gruppe_paa(karl, dage_siden(2)) == "aktivitetsparat"
    assert gruppe_paa(karl, dage_siden(1)) == "jobparat"
    assert gruppe_paa(karl, factories.idag()) == "jobparat"
    # Day 2's assessment is now a change: reported again, with the reason, as a correction.
    h = Haendelse.objects.filter(samtale=anden, modtager="dfdg").order_by("-sekvens").first()
    assert (h.handling, h.sekvens) == ("ret", 2)
    assert h.data["visitation"] == {"visitationsgruppe": "jobparat", "gyldigFra": dage_siden(1).isoformat()}
    anden.refresh_from_db()
    assert anden.rettet is None  # the caseworker's content is untouched
    assert "indberettes igen" in anden.history.first().history_change_reason
    html = klient.get(url("person-detalje", pk=karl.pk)).content.decode()
    kort = re.sub(r"\s+", " ", re.search(r'id="gaeldende-visitationsgruppe"[^>]*>(.*?)</p>', html, re.S).group(1))
    assert "Jobparat" in kort and dage_siden(1).strftime("%d.%m.%Y") in kort


def test_siden_siger_at_den_senere_samtale_er_indberettet_igen(klient, jobcenter, sagsbehandler):
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    foerste = registrer_kl(karl, sagsbehandler, 2, "jobparat")
    anden = registrer_kl(karl, sagsbehandler, 1, "jobparat")
    data = factories.formular(
        dato=foerste.dato.isoformat(), samtaletype="4", aftale="", visitationsgruppe="aktivitetsparat", begrundelse="x"
    )
    html = klient.post(url("samtale-ret", pk=foerste.pk), data, follow=True).content.decode()
    assert f"Visitationsvurderingen ved {anden} er indberettet igen" in html


def test_gruppen_har_virkning_fra_den_foerste_af_flere_ens_vurderinger(klient, jobcenter, sagsbehandler):
    """The card says when the group took effect (CONTRACT.md), not the latest repetition;
    the timeline marks a repetition as not reported."""
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    registrer_kl(karl, sagsbehandler, 3, "jobparat")
    registrer_kl(karl, sagsbehandler, 2, "jobparat")
    html = klient.get(url("person-detalje", pk=karl.pk)).content.decode()
    kort = re.search(r'id="gaeldende-visitationsgruppe"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert f'datetime="{dage_siden(3).isoformat()}"' in kort
    assert "ikke indberettet som ny" in html
    paa = selectors.visitation_i_kraft_siden(person=karl, dato=factories.idag())
    assert (paa.gruppe_kode, paa.gyldig_fra) == ("jobparat", dage_siden(3))


# --- corrections and cancellations in every order --------------------------------------------------

HANDLINGER = ("ret_foerste", "ret_anden", "annuller_foerste", "annuller_anden")


def _muligt(raekke) -> bool:
    # A cancelled conversation cannot be corrected (or cancelled again).
    annullerede = set()
    for h in raekke:
        hvem = h.split("_")[1]
        if hvem in annullerede:
            return False
        if h.startswith("annuller"):
            annullerede.add(hvem)
    return True


FORLOEB = [r for n in (1, 2) for r in itertools.permutations(HANDLINGER, n) if _muligt(r)]


@pytest.mark.parametrize("forloeb", FORLOEB, ids=["+".join(r) for r in FORLOEB])
def test_rettelser_og_annulleringer_i_enhver_raekkefoelge(klient, jobcenter, sagsbehandler, forloeb):
    """Day 1 jobparat, day 2 jobparat; correct (to aktivitetsparat) or cancel either, one or
    two actions, in either order: the timeline is always that of the remaining assessments,
    no other assessment is touched, and DFDG's latest events give the same timeline."""
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    samtaler = {"foerste": registrer_kl(karl, sagsbehandler, 2, "jobparat")}
    samtaler["anden"] = registrer_kl(karl, sagsbehandler, 1, "jobparat")
    vurderinger = {"foerste": (dage_siden(2), "jobparat"), "anden": (dage_siden(1), "jobparat")}

    for handling in forloeb:
        hvad, hvem = handling.split("_")
        samtale = Samtale.objects.get(pk=samtaler[hvem].pk)
        if hvad == "ret":
            ret_paa_siden(klient, samtale, "aktivitetsparat")
            vurderinger[hvem] = (vurderinger[hvem][0], "aktivitetsparat")
        else:
            annuller_paa_siden(klient, samtale)
            del vurderinger[hvem]

    rækker = {(v.samtale_id, v.gyldig_fra, v.visitationsgruppe.kode) for v in Visitation.objects.filter(person=karl)}
    assert rækker == {(samtaler[hvem].pk, fra, g) for hvem, (fra, g) in vurderinger.items()}
    for dato in DAGE:
        forventet = tidslinje_efter_reglen(list(vurderinger.values()), dato)
        assert gruppe_paa(karl, dato) == forventet, dato
        assert dfdg_tidslinje(karl, dato) == forventet, dato


def test_tre_vurderinger_ret_den_midterste_frem_og_tilbage(klient, jobcenter, sagsbehandler):
    """jobparat, aktivitetsparat, aktivitetsparat: the third is no change until the second is
    corrected to jobparat (then it is reported), and no change again once it is corrected
    back; each time DFDG's timeline is ours."""
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    registrer_kl(karl, sagsbehandler, 3, "jobparat")
    midt = registrer_kl(karl, sagsbehandler, 2, "aktivitetsparat")
    sidst = registrer_kl(karl, sagsbehandler, 1, "aktivitetsparat")
    for gruppe, sidst_rapporteret in (("jobparat", True), ("aktivitetsparat", False)):
        ret_paa_siden(klient, Samtale.objects.get(pk=midt.pk), gruppe)
        seneste = Haendelse.objects.filter(samtale=sidst, modtager="dfdg").order_by("-sekvens").first()
        assert ("visitation" in seneste.data) is sidst_rapporteret
        for dato in DAGE:
            assert dfdg_tidslinje(karl, dato) == gruppe_paa(karl, dato), dato
    assert Samtale.objects.get(pk=sidst.pk).sekvens == 3  # reported again twice, nothing else


def test_ingen_ny_vurdering_ved_rettelse_fjerner_kun_samtalens_egen(klient, jobcenter, sagsbehandler):
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    foerste = registrer_kl(karl, sagsbehandler, 2, "jobparat")
    anden = registrer_kl(karl, sagsbehandler, 1, "jobparat")
    ret_paa_siden(klient, foerste, "")
    assert list(Visitation.objects.filter(person=karl).values_list("samtale_id", flat=True)) == [anden.pk]
    assert gruppe_paa(karl, dage_siden(2)) is None and gruppe_paa(karl, dage_siden(1)) == "jobparat"
    for dato in DAGE:
        assert dfdg_tidslinje(karl, dato) == gruppe_paa(karl, dato), dato


# --- the data migration ------------------------------------------------------------------------------


def test_datamigreringen_konverterer_gamle_raekker_trofast(sagsbehandler, jobcenter):
    """Rows written by versions before issue 11 (a cancelled conversation's row with a row
    without conversation restoring the group before it; a new row per correction) become
    the new rule's: the same group on every day as DFDG holds, each removal in the history."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migrering = importlib.import_module("registrering.migrations.0017_visitationsvurderinger_er_fakta")
    karl = factories.person(kontaktgruppe="2", jc=jobcenter)
    a = registrer_kl(karl, sagsbehandler, 6, "jobparat")
    b = registrer_kl(karl, sagsbehandler, 5, "aktivitetsparat")
    c = registrer_kl(karl, sagsbehandler, 3, "jobparat")

    def raekke(samtale, gruppe, dage):
        tid = datetime.datetime.combine(dage_siden(dage), datetime.time(13), tzinfo=KBH)
        return Visitation.objects.create(
            person=karl,
            samtale=samtale,
            visitationsgruppe=factories.kode(factories.Visitationsgruppe, gruppe),
            gyldig_fra=dage_siden(dage),
            registreret=tid,
            registreret_af=sagsbehandler,
        )

    # b cancelled on day 4 the old way: its row stayed, and a row restored jobparat.
    Samtale.objects.filter(pk=b.pk).update(
        annulleret=datetime.datetime.combine(dage_siden(4), datetime.time(9), tzinfo=KBH)
    )
    raekke(None, "jobparat", 4)
    # c corrected on day 2 the old way: a second row from the correction date.
    raekke(c, "aktivitetsparat", 2)

    # The models as the migration sees them (no simple-history signals: it writes the history).
    apps = MigrationLoader(connection).project_state(("registrering", "0017_visitationsvurderinger_er_fakta")).apps
    migrering.konverter(apps, None)

    assert [
        (v.samtale_id, v.visitationsgruppe.kode, v.gyldig_fra) for v in Visitation.objects.order_by("gyldig_fra")
    ] == [
        (a.pk, "jobparat", dage_siden(6)),
        (c.pk, "aktivitetsparat", dage_siden(2)),
    ]
    assert [gruppe_paa(karl, d) for d in DAGE] == [
        "jobparat",
        "jobparat",
        "jobparat",
        "jobparat",
        "aktivitetsparat",
        "aktivitetsparat",
        "aktivitetsparat",
    ]
    fjernet = Visitation.history.filter(history_type="-").values_list("history_change_reason", flat=True)
    assert len(fjernet) == 3 and all(g.startswith("Datamigrering (issue 18)") for g in fjernet)
    migrering.konverter(apps, None)  # again: nothing more to do
    assert Visitation.history.filter(history_type="-").count() == 3
