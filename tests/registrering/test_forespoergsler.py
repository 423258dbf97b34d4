"""Query counts are behaviour: every list page costs the same number of queries with one
row and with fifty (STYLE.md). The citizen's page, search and the auditor's timeline are
covered next to their views; these are the other lists, and the registration form, whose
cost must not grow with the citizen's history either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrering import services
from registrering.models import Bruger
from tests import factories

pytestmark = pytest.mark.django_db


def _samtaler(person, bruger, antal):
    for i in range(antal):
        services.samtale_registrer(
            person=person,
            data=factories.data(
                dato=factories.dage_siden(i + 1),
                visitationsgruppe=("jobparat", "aktivitetsparat")[i % 2] if person.kontaktgruppe.kode == "2" else None,
                deltagere=[factories.deltager(f"Deltager {i}")],
            ),
            bruger=bruger,
        )


@pytest.mark.parametrize("antal", [1, 50])
def test_borgerens_egne_samtaler_har_fast_antal_forespoergsler(
    client, jobcenter, sagsbehandler, django_assert_max_num_queries, antal
):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    _samtaler(person, sagsbehandler, antal)
    client.force_login(Bruger.objects.create_user("borger-x", password="x", person=person))
    with django_assert_max_num_queries(8):
        svar = client.get(reverse("registrering:mine-samtaler"))
    assert svar.status_code == 200
    assert len(svar.context["samtaler"]) == antal


@pytest.mark.parametrize("antal", [1, 50])
def test_adgangslog_eksport_har_fast_antal_forespoergsler(
    client, jobcenter, sagsbehandler, django_assert_max_num_queries, antal
):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    for _ in range(antal):
        services.adgang_log(bruger=sagsbehandler, personer=[person], handling="vis", detaljer="Borgerens side")
    client.force_login(factories.bruger("rev", rolle="revisor"))
    with django_assert_max_num_queries(7):
        svar = client.get(reverse("registrering:person-adgangslog", kwargs={"pk": person.pk}))
    assert svar.status_code == 200
    assert len(svar.content.decode().strip().splitlines()) == antal + 2  # header, rows, the export itself


@pytest.mark.parametrize("antal", [1, 50])
def test_registreringsformularen_har_fast_antal_forespoergsler(
    klient, jobcenter, sagsbehandler, django_assert_max_num_queries, antal
):
    person = factories.person(kontaktgruppe="2", jc=jobcenter)
    _samtaler(person, sagsbehandler, antal)
    with django_assert_max_num_queries(19):
        svar = klient.get(reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}) + "?samtaletype=7")
    assert svar.status_code == 200
