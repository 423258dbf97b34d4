"""Protected citizens (issue 24, CONTRACT.md "Protected citizens"): without the deliberately
granted permission ``registrering.se_beskyttede`` every page of the citizen answers 403 and
the attempt is logged; lists and search show a masked row with true counts; prints leave
name and CPR out; statistics and the reports count the citizen as before. With the
permission every view is logged."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from indberetning.models import Haendelse
from registrering import beskyttelse, borgere, services
from registrering.models import Adgangslog
from tests import factories
from tests.factories import dage_siden, url

pytestmark = pytest.mark.django_db

NAVN = "Hemmelig Hansen"


def giv_rettighed(bruger):
    bruger.user_permissions.add(
        Permission.objects.get(content_type__app_label="registrering", codename="se_beskyttede")
    )


def historik_ret(bruger):
    """The auditor's pages as well (a deliberate user permission here too)."""
    bruger.user_permissions.add(Permission.objects.get(content_type__app_label="registrering", codename="se_historik"))


@pytest.fixture
def beskyttet(jobcenter, sagsbehandler):
    """A protected citizen with a held conversation (registered before the protection)."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn=NAVN)
    samtale = services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(3)), bruger=sagsbehandler
    ).samtale
    borgere.person_ret(
        person=person,
        kontaktgruppe=person.kontaktgruppe,
        akasse=None,
        gyldig_fra=dage_siden(1),
        begrundelse="Navne- og adressebeskyttelse i CPR",
        bruger=sagsbehandler,
        beskyttet=True,
    )
    person.refresh_from_db()
    person.samtale = samtale
    return person


def sider(person):
    samtale = person.samtale
    return {
        "person-detalje": url("person-detalje", pk=person.pk),
        "samtale-opret": url("samtale-opret", person_pk=person.pk),
        "person-ret": url("person-ret", pk=person.pk),
        "person-flyt": url("person-flyt", pk=person.pk),
        "aftale-udskriv": url("aftale-udskriv", pk=person.pk),
        "person-historik": url("person-historik", pk=person.pk),
        "person-adgangslog": url("person-adgangslog", pk=person.pk),
        "samtale-ret": url("samtale-ret", pk=samtale.pk),
        "samtale-annuller": url("samtale-annuller", pk=samtale.pk),
    }


def afviste(person):
    return Adgangslog.objects.filter(person=person, handling=Adgangslog.Handling.AFVIST)


def test_uden_rettigheden_giver_hver_side_403_og_forsoeget_logges(client, beskyttet, sagsbehandler):
    historik_ret(sagsbehandler)
    client.force_login(sagsbehandler)
    for navn, adresse in sider(beskyttet).items():
        foer = afviste(beskyttet).count()
        svar = client.get(adresse)
        assert svar.status_code == 403, navn
        assert NAVN not in svar.content.decode() and beskyttet.cpr not in svar.content.decode(), navn
        assert afviste(beskyttet).count() == foer + 1, navn
        assert afviste(beskyttet).first().bruger == sagsbehandler
    # A post is refused the same way, and stores nothing.
    svar = client.post(url("samtale-opret", person_pk=beskyttet.pk), factories.formular(dato=dage_siden(2).isoformat()))
    assert svar.status_code == 403 and beskyttet.samtaler.count() == 1
    # Nothing but the refusals (and the set-up's rows) was logged: no view.
    assert not Adgangslog.objects.filter(person=beskyttet, handling=Adgangslog.Handling.VIS).exists()


def test_med_rettigheden_vises_siderne_og_hver_visning_logges(client, beskyttet, sagsbehandler):
    historik_ret(sagsbehandler)
    giv_rettighed(sagsbehandler)
    client.force_login(sagsbehandler)
    for navn, adresse in sider(beskyttet).items():
        foer = Adgangslog.objects.filter(person=beskyttet).count()
        svar = client.get(adresse)
        assert svar.status_code == (403 if navn == "person-flyt" else 200), navn  # flyt: team leads only
        if navn != "person-flyt":
            assert Adgangslog.objects.filter(person=beskyttet).count() == foer + 1, navn
    assert not afviste(beskyttet).exists() or afviste(beskyttet).filter(detaljer__contains="flyt").count() == 0
    assert NAVN in client.get(url("person-detalje", pk=beskyttet.pk)).content.decode()


def test_rettigheden_kommer_aldrig_fra_en_rolle_eller_superbruger(client, beskyttet, jobcenter):
    admin = factories.bruger("adm", rolle="administrator", jc=jobcenter, is_staff=True)
    revisor = factories.bruger("rev", rolle="revisor")
    superbruger = factories.bruger("super", rolle="", jc=jobcenter, is_superuser=True, is_staff=True)
    assert not admin.groups.get().permissions.filter(codename="se_beskyttede").exists()
    for bruger in (admin, revisor, superbruger):
        assert bruger.has_perm("registrering.view_person")
        assert not beskyttelse.kan_se_beskyttede(bruger)
        client.force_login(bruger)
        assert client.get(url("person-detalje", pk=beskyttet.pk)).status_code == 403, bruger.username
        # The admin's page of the citizen, and of their conversation, too.
        assert client.get(reverse("admin:registrering_person_change", args=[beskyttet.pk])).status_code in (403, 302)
    client.force_login(superbruger)
    assert client.get(reverse("admin:registrering_person_change", args=[beskyttet.pk])).status_code == 403
    assert client.get(reverse("admin:registrering_samtale_change", args=[beskyttet.samtale.pk])).status_code == 403
    liste = client.get(reverse("admin:registrering_person_changelist")).content.decode()
    assert "Beskyttet borger" in liste and NAVN not in liste


def test_soegning_viser_en_maskeret_raekke_og_taeller_sandt(client, beskyttet, sagsbehandler, jobcenter):
    factories.person(jc=jobcenter, navn="Hemmelig Hestehandler")
    client.force_login(sagsbehandler)
    for q in (beskyttet.cpr, "Hemmelig"):
        svar = client.post(url("person-soeg"), {"q": q})
        html = svar.content.decode()
        assert svar.status_code == 200
        assert NAVN not in html and beskyttet.cpr[:6] not in html.replace(q, "") and "Beskyttet borger" in html
        assert url("person-detalje", pk=beskyttet.pk) not in html
        assert svar.context["antal"] == (1 if q == beskyttet.cpr else 2)
    giv_rettighed(sagsbehandler)
    sagsbehandler.refresh_from_db()
    client.force_login(sagsbehandler)
    html = client.post(url("person-soeg"), {"q": "Hemmelig"}).content.decode()
    assert NAVN in html and url("person-detalje", pk=beskyttet.pk) in html


def test_forsiden_maskerer_borgeren(client, beskyttet, sagsbehandler):
    client.force_login(sagsbehandler)
    html = client.get(url("forside")).content.decode()
    assert "Beskyttet borger" in html and NAVN not in html
    assert url("person-detalje", pk=beskyttet.pk) not in html
    giv_rettighed(sagsbehandler)
    sagsbehandler = type(sagsbehandler).objects.get(pk=sagsbehandler.pk)
    client.force_login(sagsbehandler)
    assert NAVN in client.get(url("forside")).content.decode()


def test_udskrift_har_hverken_navn_eller_cpr_heller_ikke_med_rettigheden(client, beskyttet, sagsbehandler):
    giv_rettighed(sagsbehandler)
    client.force_login(sagsbehandler)
    for adresse in (url("aftale-udskriv", pk=beskyttet.pk),):
        html = client.get(adresse).content.decode()
        hoved = html.split('class="udskrift-hoved', 1)[1].split("</div>", 1)[0]
        assert NAVN not in hoved and beskyttet.cpr[6:] not in hoved and "Beskyttet borger" in hoved


def test_person_ret_sender_til_soegningen_naar_borgeren_bliver_skjult(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter, navn=NAVN)
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {
            "kontaktgruppe": "2",
            "akasse": "",
            "beskyttet": "on",
            "gyldig_fra": dage_siden(1).isoformat(),
            "begrundelse": "CPR",
            "sekvens": "1",
        },
    )
    assert svar.status_code == 302 and svar["Location"] == url("person-soeg")


def test_statistik_og_indberetning_taeller_borgeren_som_foer(client, beskyttet, jobcenter):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    s = client.get(reverse("registrering:statistik")).context["s"]
    assert s.i_alt == 1
    # The report to DFDG carries the citizen as any other (it has no address).
    haendelse = Haendelse.objects.get(samtale=beskyttet.samtale, modtager="dfdg")
    assert beskyttet.cpr in str(haendelse.data)
