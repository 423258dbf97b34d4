"""generer_data: realistic data, built with COPY, that the normal pages and services read."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse

from indberetning import dokument
from indberetning.batches import batch_dokument
from indberetning.models import Batch, Haendelse
from registrering import regler, selectors, services, udgivelse
from registrering.forms import cpr_normaliser
from registrering.models import (
    Bruger,
    Deltager,
    Person,
    PersonMarkering,
    PersonPeriode,
    Samtale,
    SamtaletypeRegel,
    Visitation,
)
from registrering.samtaledata import DeltagerData, SamtaleData
from tests import factories

# generer_data drops and rebuilds indexes and keys and loads delivered history: the tables'
# owner's work (samtaler_site/db_roller.py). These tests, unlike most of the suite, run as
# the owner (tests/conftest.py), in a transaction rolled back after.
pytestmark = [pytest.mark.django_db, pytest.mark.som_ejer]

DEMO_CPR = {
    "0101801234",
    "1502851235",
    "2003901236",
    "0507981237",
    "1109751238",
    "2312881239",
    "0404821240",
    "1806921241",
}


@pytest.fixture
def genereret(db):
    call_command(
        "generer_data", personer=240, samtaler_pr_person=4, chunk=60, processer=2, seed=7, stdout=open("/dev/null", "w")
    )
    return Person.objects.exclude(cpr__in=DEMO_CPR)


def test_borgere_har_gyldige_unikke_cpr_numre_og_alle_kontaktgrupper(genereret):
    assert genereret.count() == 240
    cprs = list(genereret.values_list("cpr", flat=True))
    assert len(set(cprs)) == len(cprs)
    for cpr in cprs:
        assert cpr_normaliser(cpr) == cpr  # ten digits, a real birth date
    assert set(genereret.values_list("kontaktgruppe__kode", flat=True)) == {str(i) for i in range(1, 13)}
    assert genereret.values("jobcenter").distinct().count() >= 6
    # Kontaktgruppe 1 is forwarded to the a-kasse (stk. 5): every such citizen has one.
    assert not genereret.filter(kontaktgruppe__kode="1", akasse__isnull=True).exists()
    # Each has its first period (DFDG order § 16), as person_opret writes it, with history.
    perioder = PersonPeriode.objects.filter(person__in=genereret)
    assert perioder.count() == 240 and not perioder.filter(gyldig_fra__isnull=False).exists()
    assert not perioder.exclude(kontaktgruppe=F("person__kontaktgruppe")).exists()
    assert perioder.filter(akasse__isnull=False).count() == genereret.filter(akasse__isnull=False).count()
    assert not perioder.exclude(akasse=F("person__akasse")).filter(akasse__isnull=False).exists()
    assert PersonPeriode.history.filter(person_id__in=genereret.values("id"), history_type="+").count() == 240


def test_samtaler_overholder_reglerne_og_begraensningerne(genereret):
    samtaler = Samtale.objects.filter(person__in=genereret).select_related(
        "person__kontaktgruppe", "samtaletype", "samtaleform", "akasse_deltagelse"
    )
    assert samtaler.count() == 240 * 4
    idag = factories.idag()
    for s in samtaler:
        data = SamtaleData.from_samtale(
            s,
            visitationsgruppe=None,
            deltagere=[
                DeltagerData(navn=d.navn, rolle=d.rolle, deltagelsesform=d.deltagelsesform)
                for d in s.deltagere.select_related("rolle", "deltagelsesform")
            ],
        )
        rs = regler.regelsaet(kontaktgruppe=s.person.kontaktgruppe, samtaletype=s.samtaletype, dato=s.dato)
        assert regler.valider_samtale(person=s.person, data=data, regler=rs, samtale=s) == {}, s.pk
        assert s.aftaletype == rs.aftale
        assert s.dato < idag
        assert s.jobcenter_id == s.person.jobcenter_id and s.kontaktgruppe_id == s.person.kontaktgruppe_id
    # The constraints and indexes are back after the load (and were validated by it).
    with connection.cursor() as c:
        c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'registrering_samtale'")
        navne = {r[0] for r in c.fetchall()}
    assert {
        "samtale_en_pr_type_og_dato",
        "samtale_person_dato",
        "samtale_gaeldende_aftale",
        "registrering_samtale_pkey",
    } <= navne
    assert (
        Samtale.objects.filter(person__in=genereret, annulleret__isnull=False, sekvens=2).count()
        == samtaler.filter(annulleret__isnull=False).count()
    )


def test_visitationer_kun_for_kontaktgruppe_2_3_12_og_kun_ved_skift(genereret):
    assert set(
        Visitation.objects.filter(person__in=genereret).values_list("person__kontaktgruppe__kode", flat=True)
    ) <= {"2", "3", "12"}
    for person in genereret.filter(kontaktgruppe__kode__in=["2", "3", "12"]):
        raekker = list(Visitation.objects.filter(person=person).order_by("gyldig_fra", "registreret"))
        assert raekker, "hver visiteret borger har en visitationsgruppe"
        for a, b in zip(raekker, raekker[1:], strict=False):
            assert a.visitationsgruppe_id != b.visitationsgruppe_id  # a row only when the group changes
        assert selectors.visitationsgruppe_paa_dato(person=person, dato=factories.idag()) == raekker[-1]
        assert all(v.gyldig_fra == v.samtale.dato for v in raekker)


def test_historik_og_markeringer(genereret):
    samtaler = Samtale.objects.filter(person__in=genereret)
    annulleret = samtaler.filter(annulleret__isnull=False).count()
    assert Samtale.history.filter(person_id__in=genereret.values("id"), history_type="+").count() == samtaler.count()
    assert Samtale.history.filter(person_id__in=genereret.values("id"), history_type="~").count() == annulleret
    assert Person.history.filter(id__in=genereret.values("id")).count() == 240
    deltagere = Deltager.objects.filter(samtale__in=samtaler)
    assert deltagere.exists()
    assert Deltager.history.filter(samtale_id__in=samtaler.values("id")).count() == deltagere.count()
    assert not Deltager.history.filter(samtale_id__in=samtaler.values("id"), history_user__isnull=True).exists()
    assert (
        Visitation.history.filter(person_id__in=genereret.values("id")).count()
        == Visitation.objects.filter(person__in=genereret).count()
    )
    # One marking per citizen at most, started by a conversation that asked for it (stk. 3).
    for pm in PersonMarkering.objects.filter(person__in=genereret).select_related("samtale"):
        assert pm.samtale.tidlig_opfoelgning and pm.fra == pm.samtale.dato and pm.til is None


def test_indberetninger_er_leveret_og_dokumenterne_er_gyldige(genereret):
    samtaler = Samtale.objects.filter(person__in=genereret)
    haendelser = Haendelse.objects.filter(samtale__in=samtaler)
    assert haendelser.filter(modtager="dfdg", handling="opret").count() == samtaler.count()
    assert (
        haendelser.filter(handling="annuller").values("samtale").distinct().count()
        == samtaler.filter(annulleret__isnull=False).count()
    )
    kg1 = samtaler.filter(person__kontaktgruppe__kode="1")
    assert haendelser.filter(samtale__in=kg1, modtager__startswith="akasse-", handling="opret").count() == kg1.count()
    assert not haendelser.filter(batch__isnull=True).exists()
    batches = Batch.objects.filter(haendelser__in=haendelser).distinct()
    assert set(batches.values_list("status", flat=True)) == {"kvitteret"}
    for batch in batches:
        indhold = batch_dokument(batch=batch)
        dokument.dokument_valider(indhold)  # the XSD
        assert hashlib.sha256(indhold).hexdigest() == batch.dokument_sha256
        assert batch.antal == batch.haendelser.count() <= 500


def test_haendelserne_er_dem_registreringen_ville_have_skrevet(genereret):
    """Each event's content is what the registration service freezes for its conversation
    (samtale_indhold; the a-kasse's part for the a-kasse), and its XML is haendelse_xml of
    that content: the generator writes them from ready-made text, not through those functions."""
    alle = Haendelse.objects.filter(samtale__person__in=genereret).select_related(
        "samtale__person__akasse",
        "samtale__samtaletype",
        "samtale__samtaleform",
        "samtale__jobcenter",
        "samtale__kontaktgruppe",
        "samtale__akasse_deltagelse",
    )
    antal = {"opret": 0, "annuller": 0, "akasse": 0}
    for h in [*alle.order_by("id")[:400], *alle.filter(handling="annuller")]:
        s = h.samtale
        if h.handling == "opret":
            rs = regler.regelsaet(kontaktgruppe=s.kontaktgruppe, samtaletype=s.samtaletype, dato=s.dato)
            data = udgivelse.samtale_indhold(
                samtale=s, handling="opret", regler=rs, visitation=Visitation.objects.filter(samtale=s).first()
            )
        else:
            data = udgivelse.samtale_indhold(samtale=s, handling="annuller", begrundelse=s.annulleringsbegrundelse)
        if h.modtager != "dfdg":
            data = dokument.akasse_indhold(data)
            assert h.modtager == f"akasse-{s.person.akasse.kode}" and h.akasse_id == s.person.akasse_id
            antal["akasse"] += 1
        assert h.data == data, h.pk
        assert h.xml == dokument.haendelse_xml(
            haendelse_id=h.id,
            samtale_id=s.pk,
            handling=h.handling,
            sekvens=h.sekvens,
            registreret=h.registreret,
            data=h.data,
        )
        assert h.sekvens == (2 if h.handling == "annuller" else 1)
        antal[h.handling] += 1
    assert antal["opret"] and antal["annuller"] and antal["akasse"]


def test_siderne_og_tjenesterne_laeser_de_genererede_data(genereret, client):
    sagsbehandler = Bruger.objects.get(username="sagsbehandler")  # demo_data, Jobcenter Aarhus
    client.force_login(sagsbehandler)
    person = genereret.filter(jobcenter=sagsbehandler.jobcenter, kontaktgruppe__kode="2").first()
    assert person is not None
    svar = client.post(reverse("registrering:person-soeg"), {"q": person.cpr})
    assert svar["Location"] == reverse("registrering:person-detalje", kwargs={"pk": person.pk})  # issue 25
    svar = client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk}))
    assert svar.status_code == 200
    assert svar.content.decode().count('class="list-group-item') == person.samtaler.count()
    assert 'id="gaeldende-visitationsgruppe"' in svar.content.decode()
    assert client.get(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})).status_code == 200
    # A new registration on top of the generated history goes through the service as usual.
    resultat = services.samtale_registrer(
        person=person, data=factories.data(dato=factories.idag()), bruger=sagsbehandler
    )
    assert resultat.samtale.pk
    revisor = factories.bruger("rev", rolle="revisor")
    client.force_login(revisor)
    svar = client.get(reverse("registrering:person-historik", kwargs={"pk": person.pk}))
    assert svar.status_code == 200 and len(svar.context["poster"]) >= person.samtaler.count()


def test_endnu_en_koersel_tilfoejer_uden_kollisioner(genereret):
    call_command("generer_data", personer=50, samtaler_pr_person=2, processer=1, seed=7, stdout=open("/dev/null", "w"))
    assert Person.objects.exclude(cpr__in=DEMO_CPR).count() == 290
    assert Samtale.objects.filter(dato__gte=datetime.date(2000, 1, 1)).count() >= 290 * 2


def test_borgerens_side_finder_aftale_og_cv_som_selektorerne(genereret):
    """The citizen's page derives the current binding agreement (§ 28 nr. 5) and the latest CV
    judgement (stk. 4) from the rows it has read when they hold every conversation, and asks
    the database otherwise; either way the answers must be the current agreement
    (``aftale_gaeldende``) and the newest held, non-cancelled conversation that judged the CV,
    also after the latest agreement is cancelled and an older one applies again."""
    sb = Bruger.objects.get(username="sagsbehandler")
    med_aftale = list(Person.objects.filter(pk__in=genereret, samtaler__aftaletype="bindende").distinct()[:15])
    for person in med_aftale[:5]:
        services.samtale_annuller(
            samtale=selectors.aftale_gaeldende(person=person), begrundelse="Registreret på forkert borger", bruger=sb
        )
    personer = list(genereret[:120]) + med_aftale
    assert Samtale.objects.filter(person__in=personer, cv_ikke_fyldestgoerende=True, annulleret__isnull=True).exists()

    def pk(raekke_eller_samtale) -> str | None:
        if isinstance(raekke_eller_samtale, dict):
            return raekke_eller_samtale["pk"]
        return raekke_eller_samtale and raekke_eller_samtale.pk

    bindende = (SamtaletypeRegel.Aftale.BINDENDE,)
    for person in personer:
        forventet_aftale = selectors.aftale_gaeldende(person=person)
        forventet_cv = (
            Samtale.objects.filter(person=person, cv_ikke_fyldestgoerende=True, annulleret__isnull=True)
            .order_by("-dato", "-registreret")
            .first()
        )
        alle = selectors.samtale_side(person=person, antal=1000)  # every row: the answer is read from the rows
        faa = selectors.samtale_side(person=person, antal=1)  # one row of several: asked of the database
        assert alle.alle_vist and (not faa.alle_vist or alle.antal_alle == 1), person
        for side in (alle, faa):
            aftaler, cv = selectors.aftaler_og_cv(person=person, side=side, aftaletyper=bindende)
            assert [pk(a) for a in aftaler] == ([forventet_aftale.pk] if forventet_aftale else []), person
            assert pk(cv) == pk(forventet_cv), person


def test_statistikkens_dagstal_er_talt_efter_indlaesningen(genereret):
    """The day counts are counted once after the load (the triggers are off during COPY) by
    the same rule, and the triggers are on again afterwards."""
    from registrering.models import StatistikDag
    from tests.registrering.test_statistiktal import forventet, holdt

    assert StatistikDag.objects.exists() and holdt() == forventet()
    p = genereret.filter(kontaktgruppe__kode="2").first()
    factories.registrer(p, factories.bruger("efter", jc=p.jobcenter), dato=factories.dage_siden(0))
    assert holdt() == forventet()
