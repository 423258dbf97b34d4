"""The integration API over real HTTP (issue 22, CONTRACT.md "Integration API"): every
operation, tenancy, idempotency, optimistic concurrency, problem details, the access log,
tokens and sessions."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api import services
from api.models import Idempotensnoegle
from indberetning.models import Haendelse
from registrering.models import Adgangslog, Deltager, Person, PersonPeriode, Samtale, Visitation
from tests import factories
from tests.api.conftest import samtale_krop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PROBLEM = "application/problem+json"


def _problem(svar, status: int) -> dict:
    assert svar.status_code == status, svar.text
    assert svar.headers["Content-Type"] == PROBLEM
    krop = svar.json()
    assert krop["status"] == status and krop["detail"] and krop["title"]
    return krop


# --- tokens, sessions, the schema -----------------------------------------------------------


def test_token_er_kortlivet_og_api_saetter_ingen_session(api, borger):
    svar = requests.post(
        f"{api.url}/api/v1/token",
        data={"grant_type": "client_credentials", "client_id": api.client_id, "client_secret": api.secret},
        timeout=10,
    )
    assert svar.status_code == 200, svar.text
    token = svar.json()
    assert token["token_type"] == "Bearer" and 0 < token["expires_in"] <= 3600
    assert "Set-Cookie" not in svar.headers
    forkert = requests.post(
        f"{api.url}/api/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(api.client_id, "forkert"),
        timeout=10,
    )
    assert forkert.status_code == 401

    fundet = api.post("/personer/find", {"cpr": borger.cpr})
    assert fundet.status_code == 200 and "Set-Cookie" not in fundet.headers
    uuid.UUID(fundet.headers["X-Request-ID"])


def test_en_browsersession_godkender_ikke_api(api, borger, sagsbehandler):
    browser = Client()
    browser.force_login(sagsbehandler)
    cookie = {"sessionid": browser.cookies["sessionid"].value}
    svar = api.post("/personer/find", {"cpr": borger.cpr}, token=False, cookies=cookie)
    krop = _problem(svar, 401)
    assert "Bearer" in svar.headers["WWW-Authenticate"] and "token" in krop["detail"]
    assert not Adgangslog.objects.filter(person=borger).exists()


def test_udloebet_spaerret_og_fornyet(api, borger):
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    _problem(api.post("/personer/find", {"cpr": borger.cpr}), 401)

    ny_hemmelighed = services.hemmelighed_forny(klient=api.klient)
    with pytest.raises(AssertionError):
        api.hent_token()  # the old secret no longer works
    api.token = api.hent_token(ny_hemmelighed)
    assert api.post("/personer/find", {"cpr": borger.cpr}).status_code == 200

    services.klient_spaer(klient=api.klient)
    _problem(api.post("/personer/find", {"cpr": borger.cpr}), 401)  # its token is revoked at once
    with pytest.raises(AssertionError):
        api.hent_token(ny_hemmelighed)  # and it gets no new one
    api.klient.refresh_from_db()
    assert api.klient.sidst_brugt is not None


def test_skemaet_har_kontraktens_operationer(live_server):
    svar = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=10)
    assert svar.status_code == 200
    skema = svar.json()
    operationer = {op["operationId"] for sti in skema["paths"].values() for op in sti.values()}
    assert operationer >= {
        "person_find",
        "person_opret",
        "person_perioder_importer",
        "samtale_registrer",
        "samtale_hent",
        "samtale_ret",
        "samtale_annuller",
    }
    assert all("cpr" not in sti.lower() for sti in skema["paths"])


# --- citizens -------------------------------------------------------------------------------


def test_person_find_kun_i_klientens_jobcenter_og_i_adgangsloggen(api, borger, anden_borger):
    svar = api.post(
        "/personer/find", {"cpr": borger.cpr}, headers={"X-Request-ID": "0b5d6a9e-3c1f-4c1a-9a57-2f1f0c1d2e3f"}
    )
    assert svar.status_code == 200, svar.text
    assert svar.json() == {
        "id": str(borger.pk),
        "navn": "Anna Andersen",
        "kontaktgruppe": "2",
        "akasse": None,
        "beskyttet": False,
    }
    assert svar.headers["X-Request-ID"] == "0b5d6a9e-3c1f-4c1a-9a57-2f1f0c1d2e3f"
    log = Adgangslog.objects.get(person=borger)
    assert str(log.request_id) == svar.headers["X-Request-ID"]
    assert log.bruger_navn == "KMD Momentum Aarhus" and log.handling == Adgangslog.Handling.SOEG

    _problem(api.post("/personer/find", {"cpr": anden_borger.cpr}), 404)  # another jobcenter's
    assert not Adgangslog.objects.filter(person=anden_borger).exists()
    krop = _problem(api.post("/personer/find", {"cpr": "12345"}), 422)
    assert krop["errors"] == {"cpr": ["Et CPR-nummer har 10 cifre (ddmmåå-xxxx)."]}


def test_person_opret_med_formularens_regler(api, jobcenter):
    cpr = factories.cpr()
    svar = api.post("/personer", {"cpr": cpr, "navn": "Ny Borger", "kontaktgruppe": "1", "akasse": "HK"})
    assert svar.status_code == 201, svar.text
    person = Person.objects.get(pk=svar.json()["id"])
    assert person.jobcenter == jobcenter and person.akasse.kode == "HK"
    assert PersonPeriode.objects.filter(person=person).count() == 1
    log = Adgangslog.objects.get(person=person)
    assert log.handling == Adgangslog.Handling.OPRET and str(log.request_id) == svar.headers["X-Request-ID"]

    igen = _problem(api.post("/personer", {"cpr": cpr, "navn": "Ny Borger", "kontaktgruppe": "1", "akasse": "HK"}), 422)
    assert "findes allerede" in igen["errors"]["cpr"][0]
    uden_akasse = _problem(api.post("/personer", {"cpr": factories.cpr(), "navn": "X", "kontaktgruppe": "1"}), 422)
    assert uden_akasse["errors"]["akasse"] == [
        "Vælg borgerens a-kasse: oplysningerne videregives til a-kassen (§ 28 stk. 5)."
    ]
    mangler = _problem(api.post("/personer", {"navn": "X"}), 422)
    assert mangler["errors"]["cpr"] == ["Feltet skal udfyldes."]


def test_api_klient_opret_kommandoen(live_server, jobcenter, andet_jobcenter, capsys):
    call_command("api_klient_opret", "--navn", "Opera Fyn", "--jobcenter", "751", "--jobcenter", "461")
    linje = json.loads(capsys.readouterr().out.strip())
    assert set(linje) == {"client_id", "client_secret"}
    token = requests.post(
        f"{live_server.url}/api/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(linje["client_id"], linje["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    krop = {"cpr": factories.cpr(), "navn": "To Jobcentre", "kontaktgruppe": "2"}
    svar = requests.post(f"{live_server.url}/api/v1/personer", json=krop, headers=headers, timeout=10)
    assert svar.status_code == 422 and "jobcenter" in svar.json()["errors"]
    svar = requests.post(
        f"{live_server.url}/api/v1/personer", json=krop | {"jobcenter": "461"}, headers=headers, timeout=10
    )
    assert svar.status_code == 201
    assert Person.objects.get(pk=svar.json()["id"]).jobcenter == andet_jobcenter


# --- conversations --------------------------------------------------------------------------


def _spor(samtale: Samtale) -> dict:
    """Everything a registration leaves behind, without ids, times and who."""
    return {
        "samtale": {
            f: getattr(samtale, f)
            for f in ("dato", "samtaletype_id", "samtaleform_id", "aftale", "aftaletype", "kontaktgruppe_id", "sekvens")
        }
        | {"jobcenter": samtale.jobcenter_id, "tidlig": samtale.tidlig_opfoelgning},
        "historik": sorted(h.history_type for h in samtale.history.all()),
        "deltagere": sorted(
            (d.navn, d.rolle_id, d.deltagelsesform_id, d.aktiv) for d in Deltager.objects.filter(samtale=samtale)
        ),
        "deltager_historik": sorted(h.history_type for h in Deltager.history.filter(samtale_id=samtale.pk)),
        "visitation": sorted(v.visitationsgruppe_id for v in Visitation.objects.filter(samtale=samtale)),
        "haendelser": sorted(
            (h.modtager, h.handling, h.sekvens, json.dumps(h.data, sort_keys=True, default=str).count(":"))
            for h in Haendelse.objects.filter(samtale=samtale)
        ),
        "adgangslog": sorted(
            a.handling for a in Adgangslog.objects.filter(person=samtale.person).exclude(handling="vis")
        ),
    }


def test_en_registrering_via_api_er_som_en_fra_siden(api, jobcenter, sagsbehandler):
    fra_siden = factories.person(kontaktgruppe="1", jc=jobcenter, navn="Side Sørensen")
    fra_api = factories.person(kontaktgruppe="1", jc=jobcenter, navn="Api Andersen")
    felter = {"akasse_deltagelse": "deltog", "tidlig_opfoelgning": True, "cv_ikke_fyldestgoerende": True}
    felter |= {"samtaletype": "19", "visitationsgruppe": None}
    browser = Client()
    browser.force_login(sagsbehandler)
    side = browser.post(
        factories.url("samtale-opret", person_pk=fra_siden.pk),
        factories.formular(
            samtaletype="19",
            akasse_deltagelse="deltog",
            tidlig_opfoelgning="on",
            cv_ikke_fyldestgoerende="on",
            **{
                "deltagere-TOTAL_FORMS": "1",
                "deltagere-0-navn": "Mona Mentor",
                "deltagere-0-rolle": "mentor",
                "deltagere-0-deltagelsesform": "1",
            },
        ),
    )
    assert side.status_code == 302, side.content.decode()[:3000]
    svar = api.post("/samtaler", samtale_krop(fra_api, **felter))
    assert svar.status_code == 201, svar.text
    assert svar.json()["sekvens"] == 1
    samtale_api = Samtale.objects.get(pk=svar.json()["id"])
    samtale_side = Samtale.objects.get(person=fra_siden)
    assert _spor(samtale_api) == _spor(samtale_side)
    assert samtale_api.registreret_af.get_full_name() == "KMD Momentum Aarhus"

    # The citizen's page shows it as it shows the page's own.
    html = browser.get(factories.url("person-detalje", pk=fra_api.pk)).content.decode()
    assert 'data-indberetning="afventer"' in html and "Fælles jobsamtale" in html

    hent = api.get(f"/samtaler/{samtale_api.pk}")
    assert hent.status_code == 200, hent.text
    krop = hent.json()
    assert krop["samtaletype"] == "19" and krop["akasse_deltagelse"] == "deltog" and krop["sekvens"] == 1
    assert krop["deltagere"] == [{"navn": "Mona Mentor", "rolle": "mentor", "deltagelsesform": "1"}]
    assert {m["modtager"]: m["tilstand"] for m in krop["indberetning"]} == {"dfdg": "afventer", "akasse-HK": "afventer"}
    log = Adgangslog.objects.filter(person=fra_api, handling=Adgangslog.Handling.VIS, request_id__isnull=False).get()
    assert str(log.request_id) == hent.headers["X-Request-ID"] and log.bruger_navn == "KMD Momentum Aarhus"


def test_idempotency_key(api, borger):
    krop = samtale_krop(borger)
    foerste = api.post("/samtaler", krop, noegle="ordre-1")
    assert foerste.status_code == 201, foerste.text
    igen = api.post("/samtaler", krop, noegle="ordre-1")
    assert (igen.status_code, igen.json()) == (201, foerste.json())
    assert igen.headers["Idempotent-Replayed"] == "true"
    assert Samtale.objects.filter(person=borger).count() == 1
    assert Haendelse.objects.filter(samtale__person=borger).count() == 1

    anden = _problem(api.post("/samtaler", krop | {"aftale": "Noget andet"}, noegle="ordre-1"), 422)
    assert "Idempotency-Key" in anden["errors"]
    assert Samtale.objects.filter(person=borger).count() == 1

    # Kept for API_IDEMPOTENS_TIMER hours, then cleaned up.
    assert services.noegler_ryd() == 0
    assert services.noegler_ryd(nu=timezone.now() + datetime.timedelta(hours=25)) == 1
    assert not Idempotensnoegle.objects.exists()


def test_ret_og_annuller_med_sekvens(api, borger):
    oprettet = api.post("/samtaler", samtale_krop(borger)).json()
    sti = f"/samtaler/{oprettet['id']}"
    ret = {k: v for k, v in samtale_krop(borger).items() if k != "person"}
    svar = api.post(f"{sti}/ret", ret | {"aftale": "Søge 3 job om ugen", "sekvens": 1, "begrundelse": "Tastefejl"})
    assert svar.status_code == 200, svar.text
    assert svar.json()["sekvens"] == 2
    assert Samtale.objects.get(pk=oprettet["id"]).aftale == "Søge 3 job om ugen"

    forældet = _problem(api.post(f"{sti}/ret", ret | {"aftale": "Andet", "sekvens": 1, "begrundelse": "x"}), 409)
    assert forældet["sekvens"] == 2 and "ændret af KMD Momentum Aarhus" in forældet["detail"]
    assert Samtale.objects.get(pk=oprettet["id"]).aftale == "Søge 3 job om ugen"

    uden_begrundelse = _problem(api.post(f"{sti}/annuller", {"sekvens": 2, "begrundelse": " "}), 422)
    assert uden_begrundelse["errors"]["begrundelse"] == ["Skriv en begrundelse for annulleringen."]
    _problem(api.post(f"{sti}/annuller", {"sekvens": 1, "begrundelse": "Forkert borger"}), 409)
    svar = api.post(f"{sti}/annuller", {"sekvens": 2, "begrundelse": "Forkert borger"})
    assert svar.status_code == 200 and svar.json()["sekvens"] == 3
    assert api.get(sti).json()["annulleret"] is not None
    assert sorted(Haendelse.objects.filter(samtale_id=oprettet["id"]).values_list("handling", flat=True)) == [
        "annuller",
        "opret",
        "ret",
    ]


def test_en_anden_jobcenters_samtale_er_404(api, anden_borger):
    samtale = factories.registrer(anden_borger, factories.bruger(jc=anden_borger.jobcenter)).samtale
    _problem(api.post("/samtaler", samtale_krop(anden_borger)), 404)
    _problem(api.get(f"/samtaler/{samtale.pk}"), 404)
    _problem(api.post(f"/samtaler/{samtale.pk}/annuller", {"sekvens": 1, "begrundelse": "x"}), 404)
    ret = {k: v for k, v in samtale_krop(anden_borger).items() if k != "person"}
    _problem(api.post(f"/samtaler/{samtale.pk}/ret", ret | {"sekvens": 1, "begrundelse": "x"}), 404)
    assert Samtale.objects.get(pk=samtale.pk).sekvens == 1
    assert not Adgangslog.objects.filter(person=anden_borger, bruger__api_klient__isnull=False).exists()


def test_afvisninger_er_problem_details_ved_felterne(api, borger):
    krop = _problem(api.post("/samtaler", samtale_krop(borger, samtaletype="4", aftale="Bindende aftale")), 422)
    assert krop["errors"]["aftale"] and "aftale" in krop["errors"]["aftale"][0].lower()
    krop = _problem(api.post("/samtaler", samtale_krop(borger, samtaletype="999")), 422)
    assert "samtaletype" in krop["errors"]
    krop = _problem(
        api.post("/samtaler", samtale_krop(borger, deltagere=[{"navn": "Tolk", "rolle": "?", "deltagelsesform": "1"}])),
        422,
    )
    assert list(krop["errors"]) == ["deltagere.0.rolle"]
    krop = _problem(api.post("/samtaler", {"person": str(borger.pk)}), 422)
    assert krop["errors"]["dato"] == ["Feltet skal udfyldes."] and krop["detail"] == "Ret fejlene ved felterne."
    assert not Samtale.objects.filter(person=borger).exists()


def test_graense_pr_klient(api, borger, settings):
    settings.API_KALD_PR_MINUT = 2
    assert api.post("/personer/find", {"cpr": borger.cpr}).status_code == 200
    assert api.post("/personer/find", {"cpr": borger.cpr}).status_code == 200
    svar = api.post("/personer/find", {"cpr": borger.cpr})
    _problem(svar, 429)
    assert 1 <= int(svar.headers["Retry-After"]) <= 60


# --- periods in bulk ------------------------------------------------------------------------


def test_perioder_importeres_med_person_rets_regler_og_idempotent(api, jobcenter, borger, anden_borger, sagsbehandler):
    dagpenge = factories.person(kontaktgruppe="1", akasse="HK", jc=jobcenter)
    samtale = factories.registrer(
        dagpenge, sagsbehandler, dato=factories.dage_siden(3), samtaletype="19", akasse_deltagelse="deltog"
    ).samtale
    ukendt = factories.cpr()
    raekker = [
        {
            "cpr": borger.cpr,
            "kontaktgruppe": "3",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.dage_siden(10).isoformat(),
        },
        {
            "cpr": borger.cpr,
            "kontaktgruppe": "1",
            "akasse": "3F",
            "beskyttet": False,
            "gyldig_fra": factories.dage_siden(4).isoformat(),
        },
        {
            "cpr": dagpenge.cpr,
            "kontaktgruppe": "2",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.dage_siden(5).isoformat(),
        },
        {
            "cpr": ukendt,
            "kontaktgruppe": "2",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.igaar().isoformat(),
        },
        {
            "cpr": anden_borger.cpr,
            "kontaktgruppe": "3",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.igaar().isoformat(),
        },
        {
            "cpr": "99999",
            "kontaktgruppe": "3",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.igaar().isoformat(),
        },
        {
            "cpr": borger.cpr,
            "kontaktgruppe": "1",
            "akasse": None,
            "beskyttet": False,
            "gyldig_fra": factories.igaar().isoformat(),
        },
    ]
    svar = api.post("/personer/perioder", raekker)
    assert svar.status_code == 200, svar.text
    resultater = svar.json()["resultater"]
    assert [r["status"] for r in resultater] == [
        "oprettet",
        "oprettet",
        "konflikt",
        "ikke_fundet",
        "ikke_fundet",
        "afvist",
        "afvist",
    ]
    assert resultater[2]["samtaler"] == [str(samtale.pk)] and "ugyldige" in resultater[2]["errors"]["gyldig_fra"][0]
    assert resultater[5]["errors"]["cpr"] == ["Et CPR-nummer har 10 cifre (ddmmåå-xxxx)."]
    assert "a-kasse" in resultater[6]["errors"]["akasse"][0]
    borger.refresh_from_db()
    assert (borger.kontaktgruppe.kode, borger.akasse.kode) == ("1", "3F")
    perioder = list(
        PersonPeriode.objects.filter(person=borger)
        .order_by("registreret")
        .values_list("kontaktgruppe__kode", "begrundelse")
    )
    assert perioder[1:] == [("3", "Indlæst af KMD Momentum Aarhus"), ("1", "Indlæst af KMD Momentum Aarhus")]
    assert not PersonPeriode.objects.filter(person=anden_borger, gyldig_fra__isnull=False).exists()

    # The same file again (another key, as a nightly job would send it): nothing changes.
    igen = api.post("/personer/perioder", raekker[:3]).json()
    assert [r["status"] for r in igen["resultater"]] == ["uaendret", "uaendret", "konflikt"]
    assert PersonPeriode.objects.filter(person=borger).count() == 3
    assert Adgangslog.objects.filter(person=borger, handling="ret").count() == 2


# --- protected citizens (issue 24) ------------------------------------------------------------


def test_beskyttede_borgere_som_paa_siderne(api, borger, sagsbehandler):
    samtale = factories.registrer(borger, sagsbehandler).samtale
    svar = api.post(
        "/personer/perioder",
        [{"cpr": borger.cpr, "kontaktgruppe": "2", "beskyttet": True, "gyldig_fra": factories.igaar().isoformat()}],
    )
    assert [r["status"] for r in svar.json()["resultater"]] == ["oprettet"], svar.text
    borger.refresh_from_db()
    assert borger.beskyttet

    # Like every page of the citizen: 403 for a user without se_beskyttede (a caseworker's role has not).
    assert _problem(api.post("/personer/find", {"cpr": borger.cpr}), 403)["detail"] == (
        "Borgeren har navne- og adressebeskyttelse."
    )
    _problem(api.post("/samtaler", samtale_krop(borger)), 403)
    _problem(api.get(f"/samtaler/{samtale.pk}"), 403)
    _problem(api.post(f"/samtaler/{samtale.pk}/annuller", {"sekvens": 1, "begrundelse": "x"}), 403)
    assert Samtale.objects.filter(person=borger).count() == 1 and Samtale.objects.get(pk=samtale.pk).sekvens == 1
    # Each refusal is a refused attempt in the citizen's access log, with the client as the actor.
    afviste = Adgangslog.objects.filter(person=borger, handling=Adgangslog.Handling.AFVIST)
    assert afviste.count() == 4
    assert {a.bruger.username for a in afviste.select_related("bruger")} == {
        kb.bruger.username for kb in api.klient.brugere.all()
    }

    # Given the permission deliberately, the client sees the citizen.
    from django.contrib.auth.models import Permission

    ret = Permission.objects.get(content_type__app_label="registrering", codename="se_beskyttede")
    for kb in api.klient.brugere.all():
        kb.bruger.user_permissions.add(ret)
    svar = api.post("/personer/find", {"cpr": borger.cpr})
    assert svar.status_code == 200 and svar.json()["beskyttet"] is True

    # The protection ends from a date: a new period; the same file again changes nothing.
    slut = [{"cpr": borger.cpr, "kontaktgruppe": "2", "beskyttet": False, "gyldig_fra": factories.idag().isoformat()}]
    assert api.post("/personer/perioder", slut).json()["antal"] == {"oprettet": 1}
    assert api.post("/personer/perioder", slut).json()["antal"] == {"uaendret": 1}
    borger.refresh_from_db()
    assert not borger.beskyttet
