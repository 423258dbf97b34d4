"""The team lead's statistics (issue 12.6): counts equal the registrations, cancelled
conversations and the other jobcenter left out; CSV for Danish Excel; fixed query count."""

import pytest
from django.urls import reverse

from registrering import services
from tests import factories
from tests.factories import dage_siden

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(jobcenter, andet_jobcenter, sagsbehandler):
    """Aarhus: three jobsamtaler (one with early follow-up, one cancelled), one
    informationsmøde, one visitation; Odense: one jobsamtale."""
    p1 = factories.person(kontaktgruppe="2", jc=jobcenter, navn="A")
    p2 = factories.person(kontaktgruppe="2", jc=jobcenter, navn="B")
    services.samtale_registrer(
        person=p1,
        data=factories.data(dato=dage_siden(1), visitationsgruppe="jobparat", tidlig_opfoelgning=True),
        bruger=sagsbehandler,
    )
    services.samtale_registrer(
        person=p1,
        data=factories.data(dato=dage_siden(8), samtaletype="9", praktiske_aftaler="Mødested"),
        bruger=sagsbehandler,
    )
    services.samtale_registrer(
        person=p2, data=factories.data(dato=dage_siden(2), samtaleform="2"), bruger=sagsbehandler
    )
    annulleret = services.samtale_registrer(
        person=p2, data=factories.data(dato=dage_siden(3)), bruger=sagsbehandler
    ).samtale
    services.samtale_annuller(samtale=annulleret, begrundelse="Fejlregistreret", bruger=sagsbehandler)
    services.samtale_registrer(
        person=p2, data=factories.data(dato=dage_siden(200)), bruger=sagsbehandler
    )  # outside 12 weeks
    odense = factories.person(kontaktgruppe="2", jc=andet_jobcenter, navn="O")
    services.samtale_registrer(
        person=odense, data=factories.data(dato=dage_siden(1)), bruger=factories.bruger("o", jc=andet_jobcenter)
    )


def test_taellingerne_er_registreringerne(client, jobcenter, data):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    svar = client.get(reverse("registrering:statistik"))
    assert svar.status_code == 200
    s = svar.context["s"]
    assert {t["kode"]: t["antal"] for t in s.pr_type} == {"7": 2, "9": 1}
    assert s.i_alt == 3 == sum(u["antal"] for u in s.uger)
    assert len(s.uger) in (12, 13)
    assert {f["kode"]: f["antal"] for f in s.pr_form} == {"1": 2, "2": 1}
    assert (s.aftale_typer, s.aftale_med, s.tidlig_opfoelgning) == (2, 2, 1)
    assert [(v["kode"], v["antal"]) for v in s.visitationer] == [("jobparat", 1)]
    assert [b["antal"] for b in s.pr_sagsbehandler] == [3]
    html = svar.content.decode()
    assert (
        'id="statistik-tabel"' in html and "<svg" in html and "<script>" not in html and "style=" not in html
    )  # strict CSP


def test_periode_og_forkert_dato(client, jobcenter, data):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    s = client.get(
        reverse("registrering:statistik"), {"fra": dage_siden(300).isoformat(), "til": dage_siden(1).isoformat()}
    ).context["s"]
    assert s.i_alt == 4
    svar = client.get(reverse("registrering:statistik"), {"fra": "i går"})
    assert svar.status_code == 200 and "Indtast en gyldig dato" in svar.content.decode()
    svar = client.get(
        reverse("registrering:statistik"), {"fra": dage_siden(1).isoformat(), "til": dage_siden(5).isoformat()}
    )
    assert "Til-datoen skal" in svar.content.decode()


def test_teamleder_kan_ikke_vaelge_andet_jobcenter(client, jobcenter, data):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    assert client.get(reverse("registrering:statistik"), {"jobcenter": "461"}).context["s"].i_alt == 3


def test_revisor_vaelger_jobcenter(client, data):
    client.force_login(factories.bruger("rev", rolle="revisor"))
    assert client.get(reverse("registrering:statistik"), {"jobcenter": "461"}).context["s"].i_alt == 1
    assert client.get(reverse("registrering:statistik")).context["s"].i_alt == 4


def test_csv_pr_samtaletype_til_dansk_excel(client, jobcenter, data):
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    svar = client.get(reverse("registrering:statistik"), {"format": "csv"})
    assert svar["Content-Type"].startswith("text/csv")
    tekst = svar.content.decode("utf-8")
    assert tekst.startswith("\ufeff")
    linjer = tekst.lstrip("\ufeff").strip().split("\r\n")
    assert linjer[0] == "samtaletype;navn;antal"
    raekker = {linje.split(";")[0]: linje.split(";")[-1] for linje in linjer[1:]}
    assert raekker == {"7": "2", "9": "1"}


@pytest.mark.parametrize("antal", [1, 40])
def test_fast_antal_forespoergsler(client, jobcenter, sagsbehandler, django_assert_max_num_queries, antal):
    brugere = [sagsbehandler] + [factories.bruger(f"sb{i}", jc=jobcenter) for i in range(6)]
    for i in range(antal):
        p = factories.person(kontaktgruppe="2", jc=jobcenter, navn=f"P{i}")
        services.samtale_registrer(
            person=p,
            data=factories.data(dato=dage_siden(i % 80 + 1), visitationsgruppe="jobparat"),
            bruger=brugere[i % len(brugere)],
        )
    client.force_login(factories.bruger("tl", rolle="teamleder", jc=jobcenter))
    with django_assert_max_num_queries(9):
        svar = client.get(reverse("registrering:statistik"))
    assert svar.context["s"].i_alt == antal
