"""Locust scenarios for ``make bench`` (bench/web_bench.py runs them headless, one class at a time).

The data (who to search for, whose page to open, who to register for) comes from the JSON
file in ``BENCH_DATA``, written by bench/web_bench.py from the benchmark database.
Every user logs in first with Django's own login form (``login`` is left out of the figures).

* ``Sagsbehandler`` — the caseworker's mix: search by CPR, open a citizen (40 conversations),
  open the registration form, register (a jobsamtale with an agreement and two participants).
* ``Registrering``, ``Borgerside``, ``CprSoegning`` — one action each, for throughput.
* ``NavneSoegning``, ``FoedselsdatoSoegning``, ``Forside`` — the search by name words in any
  order and by birth date, and the caseworker's start page (issue 13).
* ``BarIndsaettelse``, ``TrivielLaesning`` — the framework's floors (bench/views.py).
* ``AdminListe``, ``AdminVisning`` — the Django admin's change list for Samtale and a citizen's
  (read-only) page; the admin has no add view for registered data since issue 11.
* ``Statistik`` — the team lead's statistics page, the default 12 weeks of their jobcenter
  (demo user ``teamleder``, Jobcenter Aarhus; issue 12's target: p95 ≤ 300 ms at 1,000,000).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re

from locust import HttpUser, constant, task

DATA = json.load(open(os.environ["BENCH_DATA"])) if os.environ.get("BENCH_DATA") else {}
ADGANGSKODE = os.environ.get("DEMO_PASSWORD", "demo")


class Basis(HttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user sends the next request when the last is answered
    brugernavn = "sagsbehandler"

    def on_start(self):
        self.rnd = random.Random()
        self.client.get("/accounts/login/", name="login")
        svar = self.client.post(
            "/accounts/login/",
            {
                "username": self.brugernavn,
                "password": ADGANGSKODE,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="login",
            allow_redirects=False,
        )
        if svar.status_code != 302:
            raise RuntimeError(f"login fejlede for {self.brugernavn}: {svar.status_code}")

    def _csrf(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    def soeg(self):
        cpr = self.rnd.choice(DATA["soeg"])
        # Issue 25: one citizen of the user's jobcenter answers with a redirect to their page
        # (by id); the search is measured alone, not the page it leads to.
        with self.client.post(
            "/borgere/",
            {"q": cpr},
            headers=self._csrf(),
            name="CPR-søgning",
            catch_response=True,
            allow_redirects=False,
        ) as svar:
            direkte = svar.status_code == 302 and svar.headers.get("Location", "").startswith("/borgere/")
            if not direkte and (svar.status_code != 200 or "1 borger fundet" not in svar.text):
                svar.failure(f"ingen træf ({svar.status_code})")

    def navnesoeg(self):
        q = self.rnd.choice(DATA["navne"])
        with self.client.post(
            "/borgere/", {"q": q}, headers=self._csrf(), name="navnesøgning (efternavn fornavn)", catch_response=True
        ) as svar:
            if (
                svar.status_code != 200
                or not re.search(r"borgere? fundet|Viser \d+ af", svar.text)
                or " 0 borgere fundet" in svar.text
            ):
                svar.failure(f"ingen træf ({svar.status_code})")

    def foedselsdato(self):
        q = self.rnd.choice(DATA["foedselsdatoer"])
        with self.client.post(
            "/borgere/", {"q": q}, headers=self._csrf(), name="fødselsdatosøgning", catch_response=True
        ) as svar:
            if svar.status_code != 200 or ">0 borgere fundet" in svar.text:
                svar.failure(f"ingen træf ({svar.status_code})")

    def forside(self):
        self.client.get("/", name="forside")

    def borger(self):
        self.client.get(f"/borgere/{self.rnd.choice(DATA['borgere40'])}/", name="borgerens side (40 samtaler)")

    def formular(self):
        self.client.get(
            f"/borgere/{self.rnd.choice(DATA['registrering'])['id']}/samtaler/ny/", name="registreringsformular"
        )

    def registrer(self):
        person = self.rnd.choice(DATA["registrering"])
        dato = datetime.date.today() - datetime.timedelta(days=self.rnd.randint(1, 1500))
        felter = {
            "dato": dato.isoformat(),
            "samtaletype": "7",
            "samtaleform": "1",
            "aftale": "Søge mindst 2 relevante job om ugen.\nOpdatere cv på Jobnet.",
            "visitationsgruppe": self.rnd.choice(["", "", "jobparat", "aktivitetsparat"]),
            "deltagere-TOTAL_FORMS": "2",
            "deltagere-INITIAL_FORMS": "0",
            "deltagere-MIN_NUM_FORMS": "0",
            "deltagere-MAX_NUM_FORMS": "30",
            "deltagere-0-navn": "Mona Mentor",
            "deltagere-0-rolle": "mentor",
            "deltagere-0-deltagelsesform": "1",
            "deltagere-1-navn": "Tariq Tolk",
            "deltagere-1-rolle": "tolk",
            "deltagere-1-deltagelsesform": "1",
        }
        with self.client.post(
            f"/borgere/{person['id']}/samtaler/ny/",
            felter,
            headers=self._csrf(),
            name="registrering (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as svar:
            if svar.status_code != 302:
                svar.failure(f"ikke registreret ({svar.status_code})")


class Sagsbehandler(Basis):
    @task(3)
    def t_soeg(self):
        self.soeg()

    @task(3)
    def t_borger(self):
        self.borger()

    @task(2)
    def t_formular(self):
        self.formular()

    @task(2)
    def t_registrer(self):
        self.registrer()


class Registrering(Basis):
    @task
    def t(self):
        self.registrer()


class Borgerside(Basis):
    @task
    def t(self):
        self.borger()


class CprSoegning(Basis):
    @task
    def t(self):
        self.soeg()


class NavneSoegning(Basis):
    @task
    def t(self):
        self.navnesoeg()


class FoedselsdatoSoegning(Basis):
    @task
    def t(self):
        self.foedselsdato()


class Forside(Basis):
    @task
    def t(self):
        self.forside()


class Registreringsformular(Basis):
    @task
    def t(self):
        self.formular()


class BarIndsaettelse(Basis):
    @task
    def t(self):
        person = self.rnd.choice(DATA["registrering"])
        dato = datetime.date.today() - datetime.timedelta(days=self.rnd.randint(1, 3650))
        with self.client.post(
            "/bench/indsaet/",
            {
                "person": person["id"],
                "kontaktgruppe": person["kg_id"],
                "dato": dato.isoformat(),
                "praktiske_aftaler": "Næste samtale om 4 uger.",
                "navn0": "Mona Mentor",
                "navn1": "Tariq Tolk",
            },
            headers=self._csrf(),
            name="gulv: bar indsættelse (POST)",
            catch_response=True,
        ) as svar:
            if svar.status_code != 201:
                svar.failure(f"{svar.status_code}")


class TrivielLaesning(Basis):
    @task
    def t(self):
        self.client.get(f"/bench/laes/{self.rnd.choice(DATA['borgere40'])}/", name="gulv: triviel læsning")


class AdminListe(Basis):
    brugernavn = "admin"

    @task
    def t(self):
        self.client.get("/admin/registrering/samtale/", name="admin: samtaler, ændringsliste")


class AdminVisning(Basis):
    brugernavn = "admin"

    @task
    def t(self):
        self.client.get(
            f"/admin/registrering/person/{self.rnd.choice(DATA['borgere40'])}/change/", name="admin: vis borger"
        )


class Statistik(Basis):
    brugernavn = "teamleder"

    @task
    def t(self):
        with self.client.get("/statistik/", name="statistik (12 uger)", catch_response=True) as svar:
            if svar.status_code != 200 or 'id="statistik-tabel"' not in svar.text:
                svar.failure(f"ingen statistik ({svar.status_code})")
