"""Demo users, two jobcentre and citizens in kontaktgruppe 1, 2, 3, 9 and 12 (CONTRACT.md).

Idempotent: users, jobcentre and citizens are matched on their usernames, codes and CPR
numbers; conversations are only added for citizens who have none. Conversations go
through the registration service, so they have history and report events like any other.
"""

import datetime
import os

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from registrering import borgere, samtaledata, selectors, services
from registrering.models import (
    Akasse,
    AkasseDeltagelse,
    Bruger,
    Deltagelsesform,
    Deltagerrolle,
    Jobcenter,
    Kontaktgruppe,
    Person,
    Samtaleform,
    Samtaletype,
    Visitationsgruppe,
)
from registrering.roller import opret_roller

JOBCENTRE = {"751": "Jobcenter Aarhus (demo)", "461": "Jobcenter Odense (demo)"}

BRUGERE = [
    # username, role, jobcenter code, first name, last name, staff, superuser
    ("sagsbehandler", "sagsbehandler", "751", "Sara", "Sagsbehandler", False, False),
    ("sagsbehandler2", "sagsbehandler", "461", "Søren", "Sagsbehandler", False, False),
    ("teamleder", "teamleder", "751", "Tina", "Teamleder", False, False),
    ("revisor", "revisor", None, "Rasmus", "Revisor", False, False),
    ("admin", "administrator", None, "Anna", "Administrator", True, True),
]

# Fictitious CPR numbers with valid birth dates. cpr, name, kontaktgruppe, a-kasse, jobcenter
PERSONER = [
    ("0101801234", "Bente Borger", "1", "HK", "751"),
    ("1502851235", "Anders Andersen", "1", "3F", "751"),
    ("2003901236", "Camilla Christensen", "2", "", "751"),
    ("0507981237", "Daniel Dahl", "3", "", "751"),
    ("1109751238", "Eva Eriksen", "9", "", "751"),
    ("2312881239", "Farah Hassan", "12", "", "751"),
    ("0404821240", "Gitte Græsted", "1", "FOA", "461"),
    ("1806921241", "Henrik Holm", "2", "", "461"),
]


class Command(BaseCommand):
    help = "Opretter demo-brugere, jobcentre, a-kasser og borgere med samtaler (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "demo")
        opret_roller()
        jobcentre = {
            kode: Jobcenter.objects.update_or_create(kode=kode, defaults={"navn": navn})[0]
            for kode, navn in JOBCENTRE.items()
        }
        brugere = {}
        for username, rolle, jc, fornavn, efternavn, staff, superuser in BRUGERE:
            bruger, oprettet = Bruger.objects.get_or_create(username=username)
            bruger.first_name, bruger.last_name = fornavn, efternavn
            bruger.jobcenter = jobcentre.get(jc) if jc else None
            bruger.is_staff, bruger.is_superuser = staff, superuser
            if oprettet or not bruger.check_password(password):
                bruger.set_password(password)
            bruger.save()
            bruger.groups.set([Group.objects.get(name=rolle)])
            brugere[username] = bruger

        personer = {}
        for cpr, navn, kg, akasse, jc in PERSONER:
            person, _ = Person.objects.get_or_create(
                cpr=cpr,
                defaults={
                    "navn": navn,
                    "kontaktgruppe": Kontaktgruppe.objects.get(kode=kg),
                    "akasse": Akasse.objects.get(kode=akasse) if akasse else None,
                    "jobcenter": jobcentre[jc],
                },
            )
            if not person.perioder.exists():
                borgere.periode_foerste(person=person, bruger=None)  # DFDG order § 16
            personer[cpr] = person

        borger, _ = Bruger.objects.get_or_create(username="borger")
        borger.first_name, borger.last_name = "Bente", "Borger"
        borger.person = personer["0101801234"]
        if not borger.check_password(password):
            borger.set_password(password)
        borger.save()
        borger.groups.clear()

        self._samtaler(personer, brugere)
        self.stdout.write(self.style.SUCCESS(f"Demo-data klar: {len(brugere) + 1} brugere, {len(personer)} borgere."))

    def _samtaler(self, personer, brugere):
        idag = selectors.idag()
        kode = lambda model, k: model.objects.get(kode=k)  # noqa: E731
        deltager = lambda navn, rolle, form: samtaledata.DeltagerData(  # noqa: E731
            navn=navn, rolle=kode(Deltagerrolle, rolle), deltagelsesform=kode(Deltagelsesform, form)
        )

        def registrer(cpr, bruger, dage_siden, type_kode, form_kode="1", **felter):
            person = personer[cpr]
            data = samtaledata.SamtaleData(
                dato=idag - datetime.timedelta(days=dage_siden),
                samtaletype=kode(Samtaletype, type_kode),
                samtaleform=kode(Samtaleform, form_kode),
                **felter,
            )
            services.samtale_registrer(person=person, data=data, bruger=brugere[bruger])

        plan = {
            "0101801234": lambda: (
                registrer(
                    "0101801234",
                    "sagsbehandler",
                    60,
                    "7",
                    aftale="Søge mindst 2 relevante job om ugen.\nOpdatere CV på Jobnet.",
                ),
                registrer(
                    "0101801234",
                    "sagsbehandler",
                    20,
                    "19",
                    "1",
                    aftale="Søge mindst 2 relevante job om ugen.\nDeltage i jobsøgningskursus i næste måned.",
                    akasse_deltagelse=kode(AkasseDeltagelse, "deltog"),
                    deltagere=[deltager("Karin Kofoed", "akassekonsulent", "1")],
                ),
                registrer(
                    "0101801234",
                    "sagsbehandler",
                    5,
                    "10",
                    "4",
                    praktiske_aftaler="CV gennemgås igen om 14 dage.",
                    cv_ikke_fyldestgoerende=True,
                ),
            ),
            "1502851235": lambda: registrer(
                "1502851235", "sagsbehandler", 14, "7", "2", aftale="Søge 3 job om ugen inden for lager og logistik."
            ),
            "2003901236": lambda: (
                registrer(
                    "2003901236",
                    "sagsbehandler",
                    40,
                    "7",
                    aftale="Deltage i virksomhedspraktik.",
                    visitationsgruppe=kode(Visitationsgruppe, "aktivitetsparat"),
                ),
                registrer("2003901236", "sagsbehandler", 3, "4", "2", praktiske_aftaler="Ringer efter praktikstart."),
            ),
            "0507981237": lambda: registrer(
                "0507981237",
                "sagsbehandler",
                10,
                "7",
                aftale="Søge optagelse på erhvervsuddannelse til august.",
                visitationsgruppe=kode(Visitationsgruppe, "uddannelsesparat"),
                deltagere=[deltager("Mona Mentor", "mentor", "1")],
            ),
            "1109751238": lambda: registrer(
                "1109751238", "sagsbehandler", 30, "902", "6", aftale="Opfølgning hver 6. måned på arbejdspladsen."
            ),
            "2312881239": lambda: registrer(
                "2312881239",
                "sagsbehandler",
                8,
                "901",
                "1",
                aftale="Danskundervisning 3 dage om ugen.",
                visitationsgruppe=kode(Visitationsgruppe, "jobparat"),
                tidlig_opfoelgning=True,
                deltagere=[deltager("Tariq Tolk", "tolk", "5")],
            ),
            "0404821240": lambda: registrer("0404821240", "sagsbehandler2", 12, "7", aftale="Søge 2 job om ugen."),
            "1806921241": lambda: registrer(
                "1806921241",
                "sagsbehandler2",
                6,
                "7",
                aftale="Møde i jobcafé hver tirsdag.",
                visitationsgruppe=kode(Visitationsgruppe, "jobparat"),
            ),
        }
        for cpr, skridt in plan.items():
            if not personer[cpr].samtaler.exists():
                skridt()
