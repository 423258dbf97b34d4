"""The Django admin is no way around the services (issues 11 and 15): registered data and
citizens are shown, never written; what it shows of a citizen is in the access log; only
a superuser grants superuser; linking a login to a citizen is logged; the login-attempt log
cannot be deleted."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.urls import reverse
from django.utils import timezone

from indberetning.models import Haendelse
from registrering import services
from registrering.models import (
    Adgangslog,
    Akasse,
    Bruger,
    Deltager,
    Person,
    PersonMarkering,
    PersonPeriode,
    Samtale,
    Visitation,
)
from tests import factories

pytestmark = pytest.mark.django_db


def admin_url(model, handling: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{handling}", args=args)


def formdata(form) -> dict:
    """What the admin's change form posts back unchanged (then the test changes one field)."""
    data = {}
    for navn, felt in form.fields.items():
        if felt.disabled:
            continue
        vaerdi = form[navn].value()
        if isinstance(felt.widget, forms.MultiWidget):
            for i, del_ in enumerate(felt.widget.decompress(vaerdi)):
                data[f"{navn}_{i}"] = "" if del_ is None else str(del_)
        elif isinstance(vaerdi, bool):
            if vaerdi:
                data[navn] = "on"
        elif isinstance(vaerdi, list | tuple):
            data[navn] = [str(v) for v in vaerdi]
        else:
            data[navn] = "" if vaerdi is None else str(vaerdi)
    return data


@pytest.fixture
def administrator(db):
    """The administrator role as a normal (non-superuser) staff user."""
    return factories.bruger("adm", rolle="administrator", is_staff=True, first_name="Ada", last_name="Admin")


@pytest.fixture
def superbruger(db):
    return factories.bruger("super", rolle="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def registreret(jobcenter, sagsbehandler):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    resultat = services.samtale_registrer(
        person=person,
        data=factories.data(
            visitationsgruppe="jobparat",
            tidlig_opfoelgning=True,
            deltagere=[factories.deltager("Mona")],
            aftale="Søge 2 job",
        ),
        bruger=sagsbehandler,
    )
    return resultat


def _objekt(model, r):
    samtale = r.samtale
    return {
        Samtale: samtale,
        Deltager: samtale.deltagere.get(),
        Visitation: r.visitation,
        PersonMarkering: r.markering,
        Person: samtale.person,
        PersonPeriode: PersonPeriode.objects.get(person=samtale.person),
    }[model]


REGISTREREDE = [Samtale, Deltager, Visitation, PersonMarkering, Person, PersonPeriode]


@pytest.mark.parametrize("model", REGISTREREDE, ids=lambda m: m.__name__)
@pytest.mark.parametrize("rolle", ["administrator", "superbruger"])
def test_registrerede_data_kan_kun_ses_i_admin(client, registreret, model, rolle, request):
    """View and history work; add, change, delete and simple-history's revert are refused,
    for a superuser too: the services are the only way to write."""
    bruger = request.getfixturevalue(rolle)
    client.force_login(bruger)
    obj = _objekt(model, registreret)
    foer = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    side = client.get(admin_url(model, "change", obj.pk))
    assert side.status_code == 200
    assert side.context["has_change_permission"] is False and side.context["has_delete_permission"] is False
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), formdata(side.context["adminform"].form)).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert client.get(admin_url(model, "history", obj.pk)).status_code == 200
    version = model.history.filter(**{model._meta.pk.attname: obj.pk}).first().history_id
    revert = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[obj.pk, version])
    assert client.post(revert, {}).status_code == 403
    liste = client.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert liste.status_code in (200, 302, 403)
    obj = model.objects.get(pk=obj.pk)
    assert {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields} == foer
    if model is Samtale:
        assert obj.sekvens == 1 and not Haendelse.objects.filter(handling="ret").exists()


@pytest.mark.parametrize("model", REGISTREREDE, ids=lambda m: m.__name__)
def test_admin_visning_af_borgerdata_skrives_i_adgangsloggen_med_formaal(client, registreret, administrator, model):
    client.force_login(administrator)
    obj = _objekt(model, registreret)
    person = registreret.samtale.person
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "history", obj.pk)).status_code == 200
    version = model.history.filter(**{model._meta.pk.attname: obj.pk}).first().history_id
    assert (
        client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history", args=[obj.pk, version])
        ).status_code
        == 200
    )
    raekker = list(Adgangslog.objects.filter(person=person, bruger=administrator).order_by("id"))
    assert [r.handling for r in raekker] == ["vis", "historik", "historik"]
    assert all(
        r.formaal == "Administration af systemet (Django admin)" and "Django admin" in r.detaljer for r in raekker
    )
    # A change list names the citizens it lists: each is logged as a search hit.
    assert client.get(admin_url(model, "changelist")).status_code == 200
    liste = Adgangslog.objects.filter(person=person, bruger=administrator).latest("id")
    assert liste.handling == "soeg" and liste.formaal == "Administration af systemet (Django admin)"


@pytest.mark.parametrize("antal", [1, 50])
def test_admin_listen_over_samtaler_har_fast_antal_forespoergsler(
    client, administrator, sagsbehandler, jobcenter, django_assert_max_num_queries, antal
):
    for i in range(antal):
        person = factories.person(jc=jobcenter, navn=f"Borger {i}")
        services.samtale_registrer(
            person=person, data=factories.data(deltagere=[factories.deltager()]), bruger=sagsbehandler
        )
    client.force_login(administrator)
    for model in (Samtale, Deltager, Person):
        with django_assert_max_num_queries(14):
            assert client.get(admin_url(model, "changelist")).status_code == 200
    assert Adgangslog.objects.filter(bruger=administrator, handling="soeg").count() == 3 * antal


def test_haendelsens_xml_i_admin_skrives_i_adgangsloggen(client, registreret, administrator):
    h = Haendelse.objects.filter(samtale=registreret.samtale).first()
    client.force_login(administrator)
    svar = client.get(admin_url(Haendelse, "change", h.pk))
    assert svar.status_code == 200 and registreret.samtale.person.cpr in svar.content.decode()
    log = Adgangslog.objects.get(person=registreret.samtale.person, bruger=administrator)
    assert log.handling == "vis" and str(h.pk) in log.detaljer and log.formaal


def test_kodelister_regler_akasser_og_brugere_kan_stadig_redigeres(client, administrator):
    client.force_login(administrator)
    akasse = Akasse.objects.get(kode="HK")
    side = client.get(admin_url(Akasse, "change", akasse.pk))
    assert side.context["has_change_permission"] is True
    data = formdata(side.context["adminform"].form)
    data["endpoint_url"] = "https://hk.example/indberetning"
    assert client.post(admin_url(Akasse, "change", akasse.pk), data).status_code == 302
    akasse.refresh_from_db()
    assert akasse.endpoint_url == "https://hk.example/indberetning"
    assert client.get(admin_url(Bruger, "add")).status_code == 200


def test_kun_en_superbruger_kan_goere_en_bruger_til_superbruger(client, administrator, superbruger, jobcenter):
    ansat = factories.bruger("ansat", jc=jobcenter)
    client.force_login(administrator)
    side = client.get(admin_url(Bruger, "change", ansat.pk))
    assert "is_superuser" not in side.context["adminform"].form.fields
    data = formdata(side.context["adminform"].form)
    data.update(is_superuser="on", first_name="Ændret")
    assert client.post(admin_url(Bruger, "change", ansat.pk), data).status_code == 302
    ansat.refresh_from_db()
    assert ansat.first_name == "Ændret" and not ansat.is_superuser
    # Nor may the administrator take over a superuser's account (and so become one).
    assert client.get(admin_url(Bruger, "change", superbruger.pk)).context["has_change_permission"] is False
    kodeord = {"password1": "Nyt-langt-kodeord-1", "password2": "Nyt-langt-kodeord-1"}
    assert client.post(reverse("admin:auth_user_password_change", args=[superbruger.pk]), kodeord).status_code == 403
    client.force_login(superbruger)
    data = formdata(client.get(admin_url(Bruger, "change", ansat.pk)).context["adminform"].form)
    data["is_superuser"] = "on"
    assert client.post(admin_url(Bruger, "change", ansat.pk), data).status_code == 302
    ansat.refresh_from_db()
    assert ansat.is_superuser


def test_at_knytte_en_bruger_til_en_borger_logges_hos_borgeren(client, administrator, jobcenter):
    person = factories.person(jc=jobcenter)
    anden = factories.person(jc=jobcenter, navn="Anden Borger")
    login = Bruger.objects.create_user("borgerlogin", password="x")
    client.force_login(administrator)
    for hvem in (person, anden):
        data = formdata(client.get(admin_url(Bruger, "change", login.pk)).context["adminform"].form)
        data["person"] = str(hvem.pk)
        assert client.post(admin_url(Bruger, "change", login.pk), data).status_code == 302
    login.refresh_from_db()
    assert login.person == anden

    def ved(p):
        return list(
            Adgangslog.objects.filter(person=p, bruger=administrator, handling="ret")
            .order_by("id")
            .values_list("detaljer", flat=True)
        )

    assert ved(person) == [
        "Bruger borgerlogin knyttet til borgeren",
        "Bruger borgerlogin ikke længere knyttet til borgeren",
    ]
    assert ved(anden) == ["Bruger borgerlogin knyttet til borgeren"]


@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog], ids=lambda m: m.__name__)
def test_loginforsoegsloggen_kan_ikke_slettes_i_admin(client, superbruger, model):
    nu = timezone.now()
    felter = {
        "username": "sara",
        "ip_address": "10.0.0.1",
        "user_agent": "x",
        "http_accept": "x",
        "path_info": "/accounts/login/",
    }
    if model is AccessAttempt:
        felter.update(get_data="", post_data="", failures_since_start=3)
    obj = model.objects.create(**felter)
    client.force_login(superbruger)
    liste = client.get(admin_url(model, "changelist"))
    assert liste.status_code == 200 and "delete_selected" not in liste.content.decode()
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    client.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=obj.pk).exists()
    assert nu <= model.objects.get(pk=obj.pk).attempt_time <= timezone.now() + datetime.timedelta(seconds=1)


# --- issue 19, finding 5: a-kasse codes name folders ------------------------------------------


@pytest.mark.parametrize("kode", ["/../../tmp/x", "..", "hk", "HK/X", "A" * 11, "H K", "ÆØÅ", "３F"])
def test_akassekode_der_ikke_kan_navngive_en_mappe_afvises_i_admin(client, administrator, kode):
    client.force_login(administrator)
    data = {"kode": kode, "navn": "Ny a-kasse", "gyldig_fra": "2020-01-01", "sortering": "0", "endpoint_url": ""}
    svar = client.post(admin_url(Akasse, "add"), data)
    assert svar.status_code == 200
    assert "store bogstaver A-Z og cifre 0-9" in " ".join(svar.context["adminform"].form.errors.get("kode", []))
    assert not Akasse.objects.filter(navn="Ny a-kasse").exists()


def test_akassekoder_som_de_rigtige_godtages(client, administrator):
    client.force_login(administrator)
    data = {"kode": "9X", "navn": "Ny a-kasse", "gyldig_fra": "2020-01-01", "sortering": "0", "endpoint_url": ""}
    assert client.post(admin_url(Akasse, "add"), data).status_code == 302
    for akasse in Akasse.objects.all():  # every code from the data migration ("3F", "METAL" …)
        akasse.full_clean()


def test_databasen_afviser_en_akassekode_der_kan_forlade_drop_mappen(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Akasse.objects.create(kode="../../tmp/x", navn="Udenfor")


def test_akassens_hjaelpetekst_viser_den_rigtige_drop_mappe(client, administrator):
    client.force_login(administrator)
    akasse = Akasse.objects.get(kode="HK")
    html = client.get(admin_url(Akasse, "change", akasse.pk)).content.decode()
    assert "akasse-HK/" in html and "akasse-/." not in html
