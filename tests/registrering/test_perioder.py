"""Kontaktgruppe and a-kasse as periods (DFDG order § 16, issue 11): every § 28 rule reads
the period in force on the conversation's date, through the real pages."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from indberetning.models import Haendelse
from registrering import borgere, services
from registrering.models import Adgangslog, Akasse, Kontaktgruppe, PersonPeriode, Samtale
from tests import factories
from tests.factories import dage_siden, fejl_ved, url

pytestmark = pytest.mark.django_db

formular = factories.formular


def skift(
    person,
    bruger,
    *,
    kontaktgruppe: str,
    akasse: str | None,
    fra: datetime.date,
    begrundelse: str = "Overgået til kontanthjælp",
):
    return borgere.person_ret(
        person=person,
        kontaktgruppe=Kontaktgruppe.objects.get(kode=kontaktgruppe),
        akasse=Akasse.objects.get(kode=akasse) if akasse else None,
        gyldig_fra=fra,
        begrundelse=begrundelse,
        bruger=bruger,
    )


def test_samtale_holdt_i_kontaktgruppe_1_registreret_efter_skiftet_valideres_og_videregives_som_dengang(
    klient, jobcenter
):
    """Done when (issue 11): held while in kontaktgruppe 1 with a-kasse HK, registered after a
    change to kontaktgruppe 2: validated under kontaktgruppe 1 and forwarded to HK."""
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {
            "kontaktgruppe": "2",
            "akasse": "",
            "gyldig_fra": dage_siden(5).isoformat(),
            "begrundelse": "Overgået til kontanthjælp",
        },
    )
    assert svar.status_code == 302
    person.refresh_from_db()
    assert person.kontaktgruppe.kode == "2" and person.akasse is None

    # Type 19 (joint jobsamtale with the a-kasse) is allowed for kontaktgruppe 1 only.
    data = formular(
        dato=dage_siden(10).isoformat(), samtaletype="19", akasse_deltagelse="deltog", cv_ikke_fyldestgoerende="on"
    )
    assert klient.post(url("samtale-opret", person_pk=person.pk), data).status_code == 302
    samtale = Samtale.objects.get(person=person)
    assert samtale.kontaktgruppe.kode == "1" and samtale.cv_ikke_fyldestgoerende
    modtagere = set(Haendelse.objects.filter(samtale=samtale).values_list("modtager", flat=True))
    assert modtagere == {"dfdg", "akasse-HK"}
    assert Haendelse.objects.get(samtale=samtale, modtager="dfdg").data["kontaktgruppe"] == "1"

    # Held after the change: kontaktgruppe 2's rules, no forwarding.
    svar = klient.post(
        url("samtale-opret", person_pk=person.pk),
        formular(dato=dage_siden(2).isoformat(), samtaletype="19", akasse_deltagelse="deltog"),
    )
    assert svar.status_code == 200 and "kontaktgruppe 2" in fejl_ved(svar, "samtaletype")
    assert (
        klient.post(url("samtale-opret", person_pk=person.pk), formular(dato=dage_siden(2).isoformat())).status_code
        == 302
    )
    senere = Samtale.objects.get(person=person, dato=dage_siden(2))
    assert set(Haendelse.objects.filter(samtale=senere).values_list("modtager", flat=True)) == {"dfdg"}


def test_formularens_felter_foelger_kontaktgruppen_paa_samtalens_dato(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="2", akasse=None, fra=dage_siden(5))
    adresse = url("samtale-opret", person_pk=person.pk)
    foer = klient.post(adresse, formular(dato=dage_siden(10).isoformat(), _opdater="1"))
    efter = klient.post(adresse, formular(dato=dage_siden(1).isoformat(), _opdater="1"))
    # Stk. 4 (CV) for kontaktgruppe 1, nr. 9 (visitation) for kontaktgruppe 2.
    assert foer.context["form"].regler.cv_vurdering and not foer.context["form"].regler.visitation
    assert efter.context["form"].regler.visitation and not efter.context["form"].regler.cv_vurdering
    typer = lambda svar: {k for k, _n in svar.context["form"].fields["samtaletype"].widget.choices}  # noqa: E731
    assert "19" in typer(foer) and "19" not in typer(efter)


def test_skift_af_akasse_videregiver_til_akassen_paa_samtalens_dato(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="1", akasse="3F", fra=dage_siden(5), begrundelse="Skiftet a-kasse")
    gammel = services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(8)), bruger=sagsbehandler
    ).samtale
    ny = services.samtale_registrer(
        person=person, data=factories.data(dato=dage_siden(3)), bruger=sagsbehandler
    ).samtale
    assert Haendelse.objects.get(samtale=gammel, modtager__startswith="akasse-").modtager == "akasse-HK"
    assert Haendelse.objects.get(samtale=ny, modtager__startswith="akasse-").modtager == "akasse-3F"


def test_rettelse_valideres_under_samtalens_egen_dato(jobcenter, sagsbehandler):
    from django.core.exceptions import ValidationError

    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="2", akasse=None, fra=dage_siden(5))
    data = factories.data(dato=dage_siden(10), samtaletype="19", akasse_deltagelse="deltog")
    samtale = services.samtale_registrer(person=person, data=data, bruger=sagsbehandler).samtale
    data.aftale = "Søge 3 job om ugen."
    services.samtale_ret(samtale=samtale, data=data, begrundelse="Antal job", bruger=sagsbehandler)
    assert Haendelse.objects.filter(samtale=samtale, handling="ret", modtager="akasse-HK").exists()
    data.dato = dage_siden(2)  # moved to after the change: kontaktgruppe 2 does not allow type 19
    with pytest.raises(ValidationError) as e:
        services.samtale_ret(samtale=samtale, data=data, begrundelse="Forkert dato", bruger=sagsbehandler)
    assert "samtaletype" in e.value.message_dict


def test_tilbagedateret_periode_der_goer_samtaler_ugyldige_afvises_med_konflikterne(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    samtale = services.samtale_registrer(
        person=person,
        data=factories.data(dato=dage_siden(3), samtaletype="19", akasse_deltagelse="deltog"),
        bruger=sagsbehandler,
    ).samtale
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {"kontaktgruppe": "2", "akasse": "", "gyldig_fra": dage_siden(5).isoformat(), "begrundelse": "Kontanthjælp"},
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert 'id="periode-konflikter"' in html and url("samtale-ret", pk=samtale.pk) in html
    assert "ugyldige" in fejl_ved(svar, "gyldig_fra")
    assert PersonPeriode.objects.filter(person=person).count() == 1
    person.refresh_from_db()
    assert person.kontaktgruppe.kode == "1"
    # From a date after that conversation, nothing conflicts.
    assert (
        klient.post(
            url("person-ret", pk=person.pk),
            {
                "kontaktgruppe": "2",
                "akasse": "",
                "gyldig_fra": dage_siden(2).isoformat(),
                "begrundelse": "Kontanthjælp",
            },
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "felter, felt, besked",
    [
        ({"gyldig_fra": "__i_morgen__"}, "gyldig_fra", "fremtiden"),
        ({"begrundelse": ""}, "begrundelse", "begrundelse"),
        ({"kontaktgruppe": "1", "akasse": ""}, "akasse", "a-kasse"),
        ({"kontaktgruppe": "99"}, "kontaktgruppe", "gyldig"),
        ({"gyldig_fra": "31-02-2026"}, "gyldig_fra", "dato"),
    ],
)
def test_ny_periode_afvises_med_dansk_besked_ved_feltet(klient, jobcenter, felter, felt, besked):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    data = {"kontaktgruppe": "3", "akasse": "", "gyldig_fra": dage_siden(1).isoformat(), "begrundelse": "Skift"}
    data.update(felter)
    if data["gyldig_fra"] == "__i_morgen__":
        data["gyldig_fra"] = (factories.idag() + datetime.timedelta(days=1)).isoformat()
    svar = klient.post(url("person-ret", pk=person.pk), data)
    assert svar.status_code == 200
    assert besked in fejl_ved(svar, felt).lower()
    assert PersonPeriode.objects.filter(person=person).count() == 1


def test_periode_uden_aendring_og_foer_den_nuvaerende_afvises(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {"kontaktgruppe": "2", "akasse": "", "gyldig_fra": dage_siden(1).isoformat(), "begrundelse": "x"},
    )
    assert svar.status_code == 200 and "Intet er ændret" in svar.content.decode()
    skift(person, sagsbehandler, kontaktgruppe="3", akasse=None, fra=dage_siden(3))
    svar = klient.post(
        url("person-ret", pk=person.pk),
        {"kontaktgruppe": "12", "akasse": "", "gyldig_fra": dage_siden(4).isoformat(), "begrundelse": "x"},
    )
    assert svar.status_code == 200 and "efter den" in fejl_ved(svar, "gyldig_fra")
    assert PersonPeriode.objects.filter(person=person).count() == 2


def test_borgerens_side_viser_nuvaerende_og_tidligere_perioder(klient, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="2", akasse=None, fra=datetime.date(2026, 3, 1))
    html = klient.get(url("person-detalje", pk=person.pk)).content.decode()
    perioder = re.search(r'id="perioder">(.*?)</ol>', html, re.S).group(1)
    assert perioder.index("Fra 01.03.2026") < perioder.index("Fra oprettelsen")
    assert "gældende" in perioder and "Overgået til kontanthjælp" in perioder
    assert Akasse.objects.get(kode="HK").navn in perioder  # the earlier period's a-kasse
    assert url("person-ret", pk=person.pk) in html


def test_perioder_er_i_revisionssporet_og_adgangsloggen(client, jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="2", akasse=None, fra=dage_siden(4))
    assert Adgangslog.objects.filter(person=person, bruger=sagsbehandler, handling="ret").exists()
    client.force_login(factories.bruger("revisor", rolle="revisor"))
    svar = client.get(url("person-historik", pk=person.pk))
    periode = next(
        p
        for p in svar.context["poster"]
        if p.objekt == "Periode for kontaktgruppe og a-kasse" and p.handling == "oprettet" and p.begrundelse
    )
    assert periode.begrundelse == "Overgået til kontanthjælp"
    assert {a.felt: a.efter for a in periode.aendringer}["kontaktgruppe"].startswith("2")
    borger = next(p for p in svar.context["poster"] if p.objekt == "Borger" and p.handling == "ændret")
    assert {a.felt: (a.foer, a.efter) for a in borger.aendringer}["a-kasse"][1] == "—"


def test_en_periode_gaelder_fra_og_med_sin_foerste_dag(jobcenter, sagsbehandler):
    """A conversation held on the day a new period starts is judged and forwarded under it."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="1", akasse="HK", fra=dage_siden(5))
    # Type 19 (joint jobsamtale with the a-kasse) is allowed for kontaktgruppe 1 only.
    samtale = services.samtale_registrer(
        person=person,
        data=factories.data(dato=dage_siden(5), samtaletype="19", akasse_deltagelse="deltog"),
        bruger=sagsbehandler,
    ).samtale
    assert samtale.kontaktgruppe.kode == "1"
    assert sorted(Haendelse.objects.filter(samtale=samtale).values_list("modtager", flat=True)) == ["akasse-HK", "dfdg"]
    with pytest.raises(ValidationError) as e:
        services.samtale_registrer(
            person=person,
            data=factories.data(dato=dage_siden(6), samtaletype="19", akasse_deltagelse="deltog"),
            bruger=sagsbehandler,
        )
    assert "kontaktgruppe 2" in e.value.message_dict["samtaletype"][0]


def test_en_ny_periode_fra_samme_dag_som_den_nuvaerende_afvises_ved_datoen(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    skift(person, sagsbehandler, kontaktgruppe="3", akasse=None, fra=dage_siden(3))
    with pytest.raises(ValidationError) as e:
        skift(person, sagsbehandler, kontaktgruppe="12", akasse=None, fra=dage_siden(3))
    assert "efter den" in e.value.message_dict["gyldig_fra"][0]
    assert PersonPeriode.objects.filter(person=person).count() == 2


def test_en_ny_periode_og_dens_linje_i_adgangsloggen_er_een_transaktion(jobcenter, sagsbehandler, monkeypatch):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)

    def fejl(**kw):
        raise RuntimeError("adgangsloggen kunne ikke skrives")

    monkeypatch.setattr(borgere, "adgang_log", fejl)
    with pytest.raises(RuntimeError):
        skift(person, sagsbehandler, kontaktgruppe="3", akasse=None, fra=dage_siden(3))
    assert PersonPeriode.objects.filter(person=person).count() == 1
    person.refresh_from_db()
    assert person.kontaktgruppe.kode == "2"


def test_et_skift_af_kun_akassen_bedoemmer_ikke_samtalerne_igen(jobcenter, sagsbehandler):
    """The § 28 rules follow the kontaktgruppe; a new a-kasse in the same kontaktgruppe leaves
    the registered conversations as they were judged, even if the rules have changed since."""
    from registrering.models import TilladtSamtaletype

    person = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(dato=dage_siden(3)), bruger=sagsbehandler)
    TilladtSamtaletype.objects.filter(kontaktgruppe__kode="1", samtaletype__kode="7").update(gyldig_til=dage_siden(4))
    periode = skift(person, sagsbehandler, kontaktgruppe="1", akasse="3F", fra=dage_siden(5))
    assert periode.akasse.kode == "3F"


def test_en_ny_periode_kan_gaelde_fra_i_dag(jobcenter, sagsbehandler):
    """Not in the future: today is allowed (the change has taken effect)."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    assert (
        skift(person, sagsbehandler, kontaktgruppe="3", akasse=None, fra=factories.idag()).gyldig_fra
        == factories.idag()
    )
