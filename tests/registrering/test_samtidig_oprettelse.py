"""Two caseworkers create the same citizen at the same moment (issue 19, findings 6 and 7).

Both pass the service's "does the CPR number exist?" check; the database's unique CPR
number stops the second. These tests commit (``transaction=True``): the first creation
runs in a thread with its own connection and holds its row uncommitted until the page's
insert is seen waiting for it, so the race is real, not simulated.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from registrering import borgere
from registrering.models import Adgangslog, Kontaktgruppe, Person
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _vent_paa_en_der_venter_paa_laas(sekunder: float = 30) -> None:
    """Inside a transaction: until another session of this database waits for a lock."""
    with connection.cursor() as c:
        slut = time.monotonic() + sekunder
        while time.monotonic() < slut:
            c.execute("SELECT pg_stat_clear_snapshot()")
            c.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if c.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("den anden oprettelse kom aldrig til at vente på rækken")


def test_samtidig_oprettelse_af_samme_borger_giver_den_danske_formularbesked(client, jobcenter, caplog):
    kollega = factories.bruger("kollega", jc=jobcenter)
    sara = factories.bruger("sara", jc=jobcenter)
    cpr = factories.cpr()
    oprettet, fejl = threading.Event(), []

    def foerste_oprettelse():
        try:
            with transaction.atomic():
                borgere.person_opret(
                    cpr=cpr,
                    navn="Først Oprettet",
                    kontaktgruppe=Kontaktgruppe.objects.get(kode="2"),
                    akasse=None,
                    bruger=kollega,
                )
                oprettet.set()
                _vent_paa_en_der_venter_paa_laas()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            fejl.append(e)
            oprettet.set()
        finally:
            connection.close()

    traad = threading.Thread(target=foerste_oprettelse)
    traad.start()
    assert oprettet.wait(30)
    client.force_login(sara)
    with caplog.at_level(logging.INFO):
        svar = client.post(
            reverse("registrering:person-opret"),
            {"cpr": cpr, "navn": "Anden Oprettet", "kontaktgruppe": "2", "akasse": ""},
        )
    traad.join(60)
    assert not traad.is_alive() and not fejl, fejl
    assert svar.status_code == 200
    assert "Der findes allerede en borger med dette CPR-nummer" in svar.content.decode()
    assert list(Person.objects.filter(cpr=cpr).values_list("navn", flat=True)) == ["Først Oprettet"]
    # The refused creation is in the citizen's access log, as when the citizen was there first.
    afvist = Adgangslog.objects.filter(person__cpr=cpr, bruger=sara)
    assert [r.handling for r in afvist] == [Adgangslog.Handling.OPRET_AFVIST]
    assert cpr not in caplog.text and f"{cpr[:6]}-{cpr[6:]}" not in caplog.text
