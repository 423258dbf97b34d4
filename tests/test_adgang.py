"""Who may see what: every URL pattern, visited by every role.

The table below has one row per URL name. A new URL without a row fails
``test_hver_url_har_en_regel``, so nobody can add a page without deciding who may see it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registrering import services
from registrering.models import Bruger
from tests import factories

pytestmark = pytest.mark.django_db

ROLLER = ("anonym", "borger", "sagsbehandler", "sagsbehandler_odense", "teamleder", "revisor", "administrator")

LOGIN = "login"  # redirect to the login page
ANDET = "andet"  # redirect somewhere else

API_POST = (
    "person_find",
    "person_opret",
    "person_perioder_importer",
    "samtale_registrer",
    "samtale_ret",
    "samtale_annuller",
)

# url name -> expected answer per role for GET (ints are status codes)
REGLER = {
    "registrering:forside": dict(
        anonym=LOGIN,
        borger=ANDET,
        sagsbehandler=200,
        sagsbehandler_odense=200,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    "registrering:person-soeg": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=200,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    "registrering:person-opret": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=200,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "registrering:person-detalje": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    "registrering:person-ret": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    # Administrator, or a team lead of the citizen's current jobcenter.
    "registrering:person-flyt": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "registrering:samtale-opret": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "registrering:samtale-ret": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "registrering:samtale-annuller": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "registrering:aftale-udskriv": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=200,
        sagsbehandler_odense=404,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    "registrering:person-historik": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=403,
        revisor=200,
        administrator=200,
    ),
    "registrering:person-adgangslog": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=403,
        revisor=200,
        administrator=200,
    ),
    "registrering:mine-samtaler": dict(
        anonym=LOGIN,
        borger=200,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=403,
        revisor=403,
        administrator=403,
    ),
    "registrering:borger-indsigt": dict(
        anonym=LOGIN,
        borger=200,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=403,
        revisor=403,
        administrator=403,
    ),
    "registrering:statistik": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    "indberetning:drift": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    "indberetning:batch-detalje": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=200,
        revisor=403,
        administrator=200,
    ),
    # The resend action only answers POST; a GET is refused for everyone who may reach it.
    # Health status for load balancers: no login, no personal data.
    "sundhed": dict(
        anonym=200,
        borger=200,
        sagsbehandler=200,
        sagsbehandler_odense=200,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    # Sign-in through the municipality or MitID: 404 while the provider is not configured
    # (as here; configured, tests/identitet/test_log_ind.py), for everyone.
    "identitet:log-ind": dict(
        anonym=404,
        borger=404,
        sagsbehandler=404,
        sagsbehandler_odense=404,
        teamleder=404,
        revisor=404,
        administrator=404,
    ),
    "identitet:retur": dict(
        anonym=404,
        borger=404,
        sagsbehandler=404,
        sagsbehandler_odense=404,
        teamleder=404,
        revisor=404,
        administrator=404,
    ),
    # Where logout lands: no personal data.
    "identitet:logget-ud": dict(
        anonym=200,
        borger=200,
        sagsbehandler=200,
        sagsbehandler_odense=200,
        teamleder=200,
        revisor=200,
        administrator=200,
    ),
    # Issue 18: "Forlæng" of the idle session's dialog only answers POST (405 to a GET for all).
    "session-forlaeng": dict(
        anonym=405,
        borger=405,
        sagsbehandler=405,
        sagsbehandler_odense=405,
        teamleder=405,
        revisor=405,
        administrator=405,
    ),
    "indberetning:batch-genudsend": dict(
        anonym=LOGIN,
        borger=403,
        sagsbehandler=403,
        sagsbehandler_odense=403,
        teamleder=405,
        revisor=403,
        administrator=405,
    ),
}

# The integration API (issue 22): a browser session never authenticates it, whoever is logged
# in: a read is 401 for every role, a GET of a POST-only address 405; the schema is public.
REGLER |= {navn: dict.fromkeys(ROLLER, 405) for navn in ("api-token", *(f"api:{o}" for o in API_POST))}
REGLER |= {"api:samtale_hent": dict.fromkeys(ROLLER, 401), "api:openapi-json": dict.fromkeys(ROLLER, 200)}
REGLER |= {"api:api-root": dict.fromkeys(ROLLER, 404)}  # /api/v1/ itself: nothing (no docs page)

# Django's own apps govern these themselves (login and logout, the admin). Password reset
# and change pages are not exposed (samtaler_site/urls.py).
EGNE_APPS = {"admin", "login", "logout"}


def alle_url_navne(resolver=None, ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin" or p.app_name == "admin":
                continue
            yield from alle_url_navne(p, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}"


@pytest.fixture
def verden(jobcenter, andet_jobcenter):
    sb = factories.bruger("sagsbehandler", jc=jobcenter)
    person = factories.person(kontaktgruppe="1", jc=jobcenter, navn="Bente Borger")
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sb).samtale
    borger = Bruger.objects.create_user("borger", password="x", person=person)
    brugere = {
        "anonym": None,
        "borger": borger,
        "sagsbehandler": sb,
        "sagsbehandler_odense": factories.bruger("sagsbehandler2", jc=andet_jobcenter),
        "teamleder": factories.bruger("teamleder", rolle="teamleder", jc=jobcenter),
        "revisor": factories.bruger("revisor", rolle="revisor"),
        "administrator": factories.bruger("admin", rolle="administrator", is_staff=True, is_superuser=True),
    }
    from indberetning.batches import batch_byg

    batch = batch_byg(modtager="dfdg")
    kwargs = {
        "registrering:person-detalje": {"pk": person.pk},
        "registrering:samtale-opret": {"person_pk": person.pk},
        "registrering:samtale-ret": {"pk": samtale.pk},
        "registrering:samtale-annuller": {"pk": samtale.pk},
        "registrering:person-historik": {"pk": person.pk},
        "registrering:person-ret": {"pk": person.pk},
        "registrering:person-flyt": {"pk": person.pk},
        "registrering:aftale-udskriv": {"pk": person.pk},
        "registrering:person-adgangslog": {"pk": person.pk},
        "indberetning:batch-genudsend": {"pk": batch.pk if batch else "00000000-0000-0000-0000-000000000000"},
        "indberetning:batch-detalje": {"pk": batch.pk if batch else "00000000-0000-0000-0000-000000000000"},
        "identitet:log-ind": {"udbyder": "medarbejder"},
        "identitet:retur": {"udbyder": "borger"},
        "api:samtale_hent": {"samtale_id": samtale.pk},
        "api:samtale_ret": {"samtale_id": samtale.pk},
        "api:samtale_annuller": {"samtale_id": samtale.pk},
    }
    return brugere, kwargs


def test_hver_url_har_en_regel():
    navne = {n for n in alle_url_navne() if n not in EGNE_APPS}
    assert navne - set(REGLER) == set(), "Nye adresser skal have en adgangsregel i REGLER"
    assert set(REGLER) - navne == set()


@pytest.mark.parametrize("navn", sorted(REGLER))
def test_hver_rolle_faar_praecis_det_den_skal(client, verden, navn):
    brugere, kwargs = verden
    adresse = reverse(navn, kwargs=kwargs.get(navn))
    for rolle in ROLLER:
        client.logout()
        if brugere[rolle] is not None:
            client.force_login(brugere[rolle])
        svar = client.get(adresse)
        forventet = REGLER[navn][rolle]
        if forventet == LOGIN:
            assert svar.status_code == 302 and svar["Location"].startswith(reverse("login")), (rolle, svar.status_code)
        elif forventet == ANDET:
            assert svar.status_code == 302 and not svar["Location"].startswith(reverse("login")), (
                rolle,
                svar.status_code,
            )
        else:
            assert svar.status_code == forventet, (navn, rolle, svar.status_code)


def test_borgeren_sendes_til_egne_samtaler_efter_login(client, verden):
    brugere, _ = verden
    client.force_login(brugere["borger"])
    assert client.get(reverse("registrering:forside"))["Location"] == reverse("registrering:mine-samtaler")


def test_post_uden_csrf_afvises_og_aendrer_intet(verden):
    from django.test import Client

    from registrering.models import Samtale

    brugere, kwargs = verden
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(brugere["sagsbehandler"])
    svar = klient.post(
        reverse("registrering:samtale-annuller", kwargs=kwargs["registrering:samtale-annuller"]), {"begrundelse": "x"}
    )
    assert svar.status_code == 403
    assert not Samtale.objects.filter(annulleret__isnull=False).exists()


def test_andet_jobcenters_post_aendrer_intet(client, verden):
    from registrering.models import Samtale

    brugere, kwargs = verden
    client.force_login(brugere["sagsbehandler_odense"])
    svar = client.post(
        reverse("registrering:samtale-annuller", kwargs=kwargs["registrering:samtale-annuller"]), {"begrundelse": "x"}
    )
    assert svar.status_code == 404
    person_pk = kwargs["registrering:samtale-opret"]["person_pk"]
    svar = client.post(
        reverse("registrering:samtale-opret", kwargs={"person_pk": person_pk}),
        {"dato": "2026-01-05", "samtaletype": "7"},
    )
    assert svar.status_code == 404
    assert Samtale.objects.count() == 1 and not Samtale.objects.filter(annulleret__isnull=False).exists()


def test_forfalsket_id_giver_404(client, verden):
    brugere, _ = verden
    client.force_login(brugere["sagsbehandler"])
    assert client.get("/borgere/0101801234/").status_code == 404  # a CPR number is no address
    assert (
        client.get(
            reverse("registrering:person-detalje", kwargs={"pk": "6f1c0d9e-0000-4000-8000-000000000000"})
        ).status_code
        == 404
    )
