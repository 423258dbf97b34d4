"""The code lists and the rule table are kept in each process under a version the database
gives every change (registrering/kodecache.py, migration 0008). What a user or the law
cares about: a rule an administrator changes applies from the next request, on every
machine, whatever made the change; a change that was rolled back never applies."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrering.models import Kontaktgruppe, Samtaleform, Samtaletype, SamtaletypeRegel
from registrering.regler import regelsaet
from tests import factories

pytestmark = pytest.mark.django_db


def test_regel_aendret_med_ren_sql_gaelder_fra_naeste_forespoergsel(klient, jobcenter):
    """Another machine (or a DBA with psql) changes the rule table: no Django signal reaches
    this process, only the version the database trigger gives the change."""
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    adresse = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    assert "aftale" in factories.feltnavne(klient.get(adresse, {"samtaletype": "7"}))
    with connection.cursor() as c:
        c.execute(
            "UPDATE registrering_samtaletyperegel SET aftale = '', praktiske_aftaler = true "
            "WHERE samtaletype_id = (SELECT id FROM registrering_samtaletype WHERE kode = '7')"
        )
    felter = factories.feltnavne(klient.get(adresse, {"samtaletype": "7"}))
    assert "aftale" not in felter and "praktiske_aftaler" in felter


def test_kodeliste_aendret_i_admin_gaelder_fra_naeste_forespoergsel(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    adresse = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    data = factories.formular(samtaleform="3")
    form = Samtaleform.objects.get(kode="3")
    form.gyldig_til = factories.dage_siden(10)
    form.save()
    svar = klient.post(adresse, data)
    assert svar.status_code == 200 and "Samtaleformen gælder ikke på denne dato." in svar.content.decode()
    form.gyldig_til = None
    form.save()
    assert klient.post(adresse, data).status_code == 302


def test_rullet_tilbage_aendring_naar_aldrig_cachen():
    """A change read inside a transaction that is then rolled back must not come back when
    the next change is made: the version numbers come from a sequence and are never reused."""
    kg = Kontaktgruppe.objects.get(kode="2")
    jobsamtale = Samtaletype.objects.get(kode="7")
    dato = factories.idag()
    foer = regelsaet(kontaktgruppe=kg, samtaletype=jobsamtale, dato=dato)
    assert foer.aftale == "bindende" and foer.saerlig_indsats

    with pytest.raises(RuntimeError), transaction.atomic():
        SamtaletypeRegel.objects.filter(samtaletype=jobsamtale).update(aftale="")  # no signals: the trigger counts
        assert regelsaet(kontaktgruppe=kg, samtaletype=jobsamtale, dato=dato).aftale == ""
        raise RuntimeError("afbrudt")

    SamtaletypeRegel.objects.filter(samtaletype=jobsamtale).update(saerlig_indsats=False)
    efter = regelsaet(kontaktgruppe=kg, samtaletype=jobsamtale, dato=dato)
    assert efter.aftale == "bindende" and not efter.saerlig_indsats


def test_en_registrering_laeser_versionen_en_gang_og_ingen_regler(klient, jobcenter):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    adresse = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    data = factories.formular(
        dato=factories.dage_siden(2).isoformat(),
        **{
            "deltagere-TOTAL_FORMS": "1",
            "deltagere-0-navn": "Mona Mentor",
            "deltagere-0-rolle": "mentor",
            "deltagere-0-deltagelsesform": "1",
        },
    )
    assert klient.post(adresse, data).status_code == 302  # the process has read the tables
    data["dato"] = factories.dage_siden(3).isoformat()  # another date, same tables
    with CaptureQueriesContext(connection) as q:
        assert klient.post(adresse, data).status_code == 302
    sql = [x["sql"] for x in q.captured_queries]
    assert sum("registrering_kodeversion" in s for s in sql) == 1
    # No query reads a rule table or a code list on its own (joins from the citizen's data may).
    tabeller = (
        "samtaletyperegel",
        "kontaktgrupperegel",
        "tilladtsamtaletype",
        "tilladtvisitationsgruppe",
        "samtaletype",
        "samtaleform",
        "deltagerrolle",
        "deltagelsesform",
        "visitationsgruppe",
    )
    assert not [s for s in sql if any(f'FROM "registrering_{t}"' in s for t in tabeller)]


def test_omdoebt_samtaletype_vises_med_nyt_navn_paa_borgerens_side(klient, jobcenter, sagsbehandler):
    """The citizen's page caches rendered rows; a code list's new name still shows at once."""
    from registrering import services

    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    services.samtale_registrer(person=person, data=factories.data(dato=factories.igaar()), bruger=sagsbehandler)
    side = reverse("registrering:person-detalje", kwargs={"pk": person.pk})

    def raekkens_titel() -> str:
        import re

        html = klient.get(side).content.decode()
        return re.sub(r"<[^>]+>|\s+", " ", re.search(r'class="h6 mb-1 samtale-titel".*?</h3>', html, re.S).group(0))

    assert "Jobsamtale" in raekkens_titel()
    Samtaletype.objects.filter(kode="7").update(navn="Jobsamtale efter ny bekendtgørelse")
    assert "Jobsamtale efter ny bekendtgørelse" in raekkens_titel()


def test_hver_kodeliste_og_regeltabel_har_en_versionstrigger():
    """A new code list or rule table must be versioned too, or its changes would not reach
    the other processes: the trigger is in the database, the list in the code."""
    from registrering.models import VERSIONEREDE

    with connection.cursor() as c:
        c.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE '%%_kodeversion'"
        )
        med_trigger = {r[0] for r in c.fetchall()}
    assert med_trigger == {m._meta.db_table for m in VERSIONEREDE}
