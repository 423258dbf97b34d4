"""The outbox: events written in the registration's own transaction, per recipient."""

import pytest
from django.db import transaction
from procrastinate.contrib.django.models import ProcrastinateJob

from indberetning.jobs import KICK_LOCK
from indberetning.models import DFDG, Haendelse
from registrering import services as registrering_services
from registrering.regler import dansk_dato
from tests import factories
from tests.factories import dage_siden, igaar, registrer

pytestmark = pytest.mark.django_db


def test_registrering_giver_en_haendelse_til_dfdg_og_en_til_akassen_for_kontaktgruppe_1(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(person, sagsbehandler).samtale
    haendelser = Haendelse.objects.filter(samtale=samtale).order_by("modtager")
    assert [(h.modtager, h.handling, h.sekvens) for h in haendelser] == [("akasse-HK", "opret", 1), (DFDG, "opret", 1)]
    assert haendelser[0].akasse.kode == "HK"
    assert all(h.batch_id is None and h.registreret == samtale.registreret for h in haendelser)


def test_kontaktgruppe_2_giver_intet_til_nogen_akasse(sagsbehandler):
    person = factories.person(kontaktgruppe="2", akasse="HK")
    registrer(person, sagsbehandler, visitationsgruppe="jobparat")
    assert list(Haendelse.objects.values_list("modtager", flat=True)) == [DFDG]


def test_ret_og_annuller_faar_sekvens_2_og_3_hos_dfdg_og_akassen(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(person, sagsbehandler).samtale
    registrering_services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=igaar(), aftale="Søge 3 job om ugen."),
        begrundelse="Forkert antal",
        bruger=sagsbehandler,
    )
    registrering_services.samtale_annuller(samtale=samtale, begrundelse="Dobbeltregistreret", bruger=sagsbehandler)
    raekker = list(
        Haendelse.objects.filter(samtale=samtale)
        .order_by("modtager", "sekvens")
        .values_list("modtager", "handling", "sekvens")
    )
    assert raekker == [
        ("akasse-HK", "opret", 1),
        ("akasse-HK", "ret", 2),
        ("akasse-HK", "annuller", 3),
        (DFDG, "opret", 1),
        (DFDG, "ret", 2),
        (DFDG, "annuller", 3),
    ]
    ret = Haendelse.objects.get(samtale=samtale, modtager=DFDG, sekvens=2)
    assert ret.data["aftale"] == "Søge 3 job om ugen."
    assert ret.data["begrundelse"] == "Forkert antal"
    annuller = Haendelse.objects.get(samtale=samtale, modtager=DFDG, sekvens=3)
    assert set(annuller.data) == {"cpr", "dato", "samtaletype", "begrundelse"}


def test_snapshot_aendres_ikke_naar_samtalen_rettes_senere(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(person, sagsbehandler, aftale="Første aftale").samtale
    foer = Haendelse.objects.get(samtale=samtale, modtager=DFDG, sekvens=1).data
    registrering_services.samtale_ret(
        samtale=samtale,
        data=factories.data(dato=igaar(), aftale="Anden aftale"),
        begrundelse="Rettet",
        bruger=sagsbehandler,
    )
    assert Haendelse.objects.get(samtale=samtale, modtager=DFDG, sekvens=1).data == foer
    assert foer["aftale"] == "Første aftale"


def test_uaendret_visitationsgruppe_indberettes_ikke_som_aendring(sagsbehandler):
    person = factories.person(kontaktgruppe="2")
    foerste = registrer(person, sagsbehandler, visitationsgruppe="jobparat", dato=dage_siden(2)).samtale
    anden = registrer(person, sagsbehandler, visitationsgruppe="jobparat", samtaletype="4", dato=dage_siden(1)).samtale
    tredje = registrer(
        person, sagsbehandler, visitationsgruppe="aktivitetsparat", samtaletype="12", dato=dage_siden(1)
    ).samtale
    data = {s: Haendelse.objects.get(samtale=s).data for s in (foerste, anden, tredje)}
    assert data[foerste]["visitation"]["visitationsgruppe"] == "jobparat"
    assert "visitation" not in data[anden]
    # § 28 stk. 2: in force from the registration date in Danish time.
    assert data[tredje]["visitation"] == {
        "visitationsgruppe": "aktivitetsparat",
        "gyldigFra": dansk_dato(tredje.registreret).isoformat(),
    }


def test_akassen_faar_kun_det_stk_5_kraever(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    samtale = registrer(
        person,
        sagsbehandler,
        deltagere=[factories.deltager("Mona Mentor", "mentor", "1")],
        tidlig_opfoelgning=True,
        cv_ikke_fyldestgoerende=True,
    ).samtale
    dfdg = Haendelse.objects.get(samtale=samtale, modtager=DFDG).data
    akasse = Haendelse.objects.get(samtale=samtale, modtager="akasse-HK").data
    assert dfdg["deltager"] == [{"navn": "Mona Mentor", "rolle": "mentor", "deltagelsesform": "1"}]
    assert dfdg["persongruppemarkering"]["markering"] == "tidlig_opfoelgning_fast_track"
    assert dfdg["cvIkkeFyldestgoerende"] is True
    assert akasse["cvIkkeFyldestgoerende"] is True
    assert akasse["aftale"] == dfdg["aftale"]
    assert "deltager" not in akasse and "persongruppemarkering" not in akasse
    assert len(akasse["cpr"]) == 10 and akasse["cpr"].isdigit()


def test_tilbagerullet_registrering_efterlader_ingen_haendelse_og_intet_job(sagsbehandler):
    person = factories.person(kontaktgruppe="1")
    jobs_foer = ProcrastinateJob.objects.count()

    class Fortryd(Exception):
        pass

    with pytest.raises(Fortryd), transaction.atomic():
        registrer(person, sagsbehandler)
        # Inside the transaction both the events and the kick job exist...
        assert Haendelse.objects.count() == 2
        assert ProcrastinateJob.objects.filter(queueing_lock=KICK_LOCK, status="todo").exists()
        raise Fortryd
    # ...and rolled back, neither does: the job is deferred on Django's own connection.
    assert Haendelse.objects.count() == 0
    assert ProcrastinateJob.objects.count() == jobs_foer


def test_afvist_registrering_giver_ingen_haendelse(sagsbehandler):
    from django.core.exceptions import ValidationError

    person = factories.person(kontaktgruppe="2")
    with pytest.raises(ValidationError):
        registrer(person, sagsbehandler, samtaletype="19", akasse_deltagelse="deltog")
    assert not Haendelse.objects.exists()


def test_kick_samles_til_et_ventende_job(sagsbehandler):
    for _ in range(3):
        registrer(factories.person(kontaktgruppe="1"), sagsbehandler)
    assert ProcrastinateJob.objects.filter(task_name="indberetning.kick", status="todo").count() == 1
    assert Haendelse.objects.count() == 6
