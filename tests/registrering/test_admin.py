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
    # A citizen's legal hold is the one thing an administrator sets here (issue 24): the
    # form has that field only, and posting it unchanged changes nothing.
    retshold = model is Person
    assert side.context["has_change_permission"] is retshold and side.context["has_delete_permission"] is False
    assert client.get(admin_url(model, "add")).status_code == 403
    svar = client.post(admin_url(model, "change", obj.pk), formdata(side.context["adminform"].form))
    assert svar.status_code == (302 if retshold else 403)
    if retshold:
        assert list(side.context["adminform"].form.fields) == ["retshold"]
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


# --- issue 19, finding 9: every admin read of a citizen's data is logged ----------------------

ADMIN_FORMAAL = "Administration af systemet (Django admin)"


def test_admin_laesning_af_adgangsloggen_logges(client, registreret, administrator):
    person = registreret.samtale.person
    client.force_login(administrator)
    assert client.get(admin_url(Adgangslog, "changelist")).status_code == 200
    liste = Adgangslog.objects.filter(bruger=administrator).get()
    assert (liste.person_id, liste.handling, liste.formaal) == (person.pk, "soeg", ADMIN_FORMAAL)
    raekke = Adgangslog.objects.filter(person=person).exclude(bruger=administrator).first()
    assert client.get(admin_url(Adgangslog, "change", raekke.pk)).status_code == 200
    vist = Adgangslog.objects.filter(bruger=administrator).latest("id")
    assert (vist.person_id, vist.handling, vist.formaal) == (person.pk, "vis", ADMIN_FORMAAL)


def test_admin_laesning_af_en_borgers_login_logges_hos_borgeren(client, administrator, jobcenter):
    person = factories.person(jc=jobcenter)
    borgerlogin = Bruger.objects.create_user(f"borger-{person.pk}", password="x", person=person)
    ansat = factories.bruger("ansat", jc=jobcenter)
    client.force_login(administrator)
    assert client.get(admin_url(Bruger, "change", borgerlogin.pk)).status_code == 200
    (log,) = Adgangslog.objects.filter(bruger=administrator)
    assert (log.person_id, log.handling, log.formaal) == (person.pk, "vis", ADMIN_FORMAAL)
    # A staff login shows no citizen: nothing to log.
    assert client.get(admin_url(Bruger, "change", ansat.pk)).status_code == 200
    assert client.get(admin_url(Bruger, "changelist")).status_code == 200
    assert Adgangslog.objects.filter(bruger=administrator).count() == 1


def test_admin_laesning_af_en_forsendelse_logges_hos_hver_borger_i_den(client, administrator, jobcenter, sagsbehandler):
    from indberetning.batches import batch_byg
    from indberetning.models import Batch

    personer = [factories.person(jc=jobcenter, kontaktgruppe="2") for _ in range(3)]
    for p in personer:
        services.samtale_registrer(person=p, data=factories.data(), bruger=sagsbehandler)
    batch = batch_byg(modtager="dfdg")
    client.force_login(administrator)
    assert client.get(admin_url(Batch, "changelist")).status_code == 200
    assert not Adgangslog.objects.filter(bruger=administrator).exists()  # ids and states only
    assert client.get(admin_url(Batch, "change", batch.pk)).status_code == 200
    logget = Adgangslog.objects.filter(bruger=administrator)
    assert sorted(logget.values_list("person_id", flat=True)) == sorted(p.pk for p in personer)
    assert {(r.handling, r.formaal) for r in logget} == {("vis", ADMIN_FORMAAL)}
    assert all(str(batch.pk) in r.detaljer for r in logget)


# --- issue 20: the batch page is a view, the resend action still works -------------------------


def test_forsendelsen_vises_i_admin_uden_at_kunne_rettes(client, administrator, jobcenter, sagsbehandler):
    from indberetning.batches import batch_byg
    from indberetning.models import Batch

    services.samtale_registrer(person=factories.person(jc=jobcenter), data=factories.data(), bruger=sagsbehandler)
    batch = batch_byg(modtager="dfdg")
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SENDES)  # the delivery's steps (issue 19)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.FEJLET)
    client.force_login(administrator)
    side = client.get(admin_url(Batch, "change", batch.pk))
    html = side.content.decode()
    assert side.context["has_change_permission"] is False
    assert "<title>Vis forsendelse |" in html and "Ret forsendelse" not in html and "Ret batch" not in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert client.post(admin_url(Batch, "change", batch.pk), {"status": "kvitteret"}).status_code == 403
    # The resend action (the service) is still there.
    liste = client.get(admin_url(Batch, "changelist")).content.decode()
    assert 'value="genudsend"' in liste
    svar = client.post(admin_url(Batch, "changelist"), {"action": "genudsend", "_selected_action": [str(batch.pk)]})
    assert svar.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Batch.Status.KLAR and batch.genudsendt_af == administrator


# --- issue 19, finding 10, and issue 20: no names in titles; the admin is Danish ---------------


def test_ingen_borger_eller_deltager_i_admins_sidetitler(client, superbruger, jobcenter, sagsbehandler):
    import re

    from indberetning.batches import batch_byg
    from indberetning.models import Batch

    person = factories.person(jc=jobcenter, navn="Tove Titelsen")
    r = services.samtale_registrer(
        person=person,
        data=factories.data(
            visitationsgruppe="jobparat", tidlig_opfoelgning=True, deltagere=[factories.deltager("Mona Mentor")]
        ),
        bruger=sagsbehandler,
    )
    borgerlogin = Bruger.objects.create_user(
        "borger-tove", password="x", person=person, first_name="Tove", last_name="Titelsen"
    )
    batch = batch_byg(modtager="dfdg")
    objekter = {
        Person: person,
        PersonPeriode: PersonPeriode.objects.get(person=person),
        Samtale: r.samtale,
        Deltager: r.samtale.deltagere.get(),
        Visitation: r.visitation,
        PersonMarkering: r.markering,
    }
    adresser = []
    for model, obj in objekter.items():
        version = model.history.filter(**{model._meta.pk.attname: obj.pk}).first().history_id
        simple = f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history"
        adresser += [
            admin_url(model, "changelist"),
            admin_url(model, "change", obj.pk),
            admin_url(model, "history", obj.pk),
            reverse(simple, args=[obj.pk, version]),
        ]
    adresser += [
        admin_url(Adgangslog, "change", Adgangslog.objects.filter(person=person).first().pk),
        admin_url(Adgangslog, "history", Adgangslog.objects.filter(person=person).first().pk),
        admin_url(Bruger, "change", borgerlogin.pk),
        admin_url(Bruger, "history", borgerlogin.pk),
        admin_url(Haendelse, "change", Haendelse.objects.first().pk),
        admin_url(Batch, "change", batch.pk),
    ]
    client.force_login(superbruger)
    for adresse in adresser:
        svar = client.get(adresse)
        assert svar.status_code == 200, adresse
        titel = re.search(r"<title>(.*?)</title>", svar.content.decode(), re.S).group(1)
        for navn in ("Tove", "Titelsen", "Mona", "Mentor"):
            assert navn not in titel, (adresse, titel)


def test_historiksiderne_er_paa_dansk(client, superbruger, registreret):
    person = registreret.samtale.person
    client.force_login(superbruger)
    historik = client.get(admin_url(Person, "history", person.pk)).content.decode()
    for dansk in ("Historik: borger", "Objekt", "Handling", "Ændret af", "Begrundelse", "Ændringer", "Oprettet"):
        assert dansk in historik, dansk
    for engelsk in (
        "View history",
        "Change history",
        "Object",
        "Comment",
        "Changed by",
        "Change reason",
        "Created",
        "None",
    ):
        assert engelsk not in historik, engelsk
    version = Person.history.filter(id=person.pk).first().history_id
    side = client.get(reverse("admin:registrering_person_simple_history", args=[person.pk, version])).content.decode()
    brødkrummer = side.split('class="breadcrumbs"')[1].split("</div>")[0]
    assert "Borgere" in brødkrummer and "Registrering af samtaler" in brødkrummer
    assert "Historical" not in side and "View borger" not in side and "Revert" not in side


def test_admin_hedder_samtaleregistrering_og_tredjepartsmodellerne_er_danske(client, superbruger):
    client.force_login(superbruger)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Samtaleregistrering – administration" in html
    assert "Django administration" not in html and "Django-administration" not in html and "Django website" not in html
    for dansk in (
        "Forsendelser",
        "Mislykkede login",
        "Gennemførte login",
        "Loginforsøg pr. bruger og adresse",
        "Baggrundsjob",
    ):
        assert dansk in html, dansk
    for engelsk in ("Batches", "Access attempts", "Access failures", "Access logs", "Procrastinate jobs", "Axes"):
        assert engelsk not in html, engelsk


def test_oversaettelseskataloget_er_oversat_og_kompileret():
    """Every entry of locale/da's catalogue is what gettext answers: the .mo is compiled from
    the current .po (run msgfmt after editing it, see the file's head)."""
    import re
    from pathlib import Path

    from django.utils import translation

    po = (Path(__file__).resolve().parents[2] / "locale/da/LC_MESSAGES/django.po").read_text()
    par = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.M)
    assert len(par) > 40
    with translation.override("da"):
        for msgid, msgstr in par:
            assert translation.gettext(msgid.replace('\\"', '"')) == msgstr.replace('\\"', '"'), msgid


# --- issue 20: the access log's entry in Danish time; the administrator's purpose ---------------


def test_adgangslogposten_viser_dansk_tid_i_titel_og_felt(client, superbruger, registreret):
    person = registreret.samtale.person
    # 23:30 UTC on 15 January is 00:30 on 16 January in Copenhagen.
    raekke = Adgangslog.objects.create(
        tidspunkt=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC),
        person=person,
        bruger=superbruger,
        handling="vis",
        formaal="Test",
    )
    assert str(raekke).startswith("16.01.2026 00:30")
    client.force_login(superbruger)
    html = client.get(admin_url(Adgangslog, "change", raekke.pk)).content.decode()
    assert "16.01.2026 00:30" in html and "16. januar 2026 00:30" in html
    assert "23:30" not in html and "2026-01-15" not in html


def test_administratorens_forside_logges_med_administratorens_formaal(
    client, administrator, registreret, sagsbehandler
):
    person = registreret.samtale.person
    client.force_login(administrator)
    assert client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).status_code == 200
    assert client.get(reverse("registrering:forside")).status_code == 200
    forside = Adgangslog.objects.filter(bruger=administrator, handling="oversigt").get()
    assert forside.formaal == "Administration af systemet"
    assert {r.formaal for r in Adgangslog.objects.filter(bruger=administrator)} == {"Administration af systemet"}
    # A caseworker's stays the caseworker's.
    client.force_login(sagsbehandler)
    client.get(reverse("registrering:forside"))
    assert Adgangslog.objects.filter(bruger=sagsbehandler, handling="oversigt").get().formaal == (
        "Sagsbehandling efter lov om en aktiv beskæftigelsesindsats"
    )
