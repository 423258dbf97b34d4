"""``python manage.py api_klient_opret --navn NAVN --jobcenter KODE [--jobcenter KODE …]``:
a client for one integrating system; prints one JSON line with its id and secret (the
secret is shown this once and stored hashed)."""

import json

from django.core.management.base import BaseCommand, CommandError

from api import services
from registrering.models import Jobcenter


class Command(BaseCommand):
    help = "Opret en API-klient (OAuth 2.0 client credentials) for et fagsystem og dets jobcentre."

    def add_arguments(self, parser):
        parser.add_argument("--navn", required=True, help="systemets navn, fx »KMD Momentum Aarhus«")
        parser.add_argument("--jobcenter", action="append", required=True, help="kommunekode; kan gentages")

    def handle(self, *args, navn, jobcenter, **options):
        jobcentre = list(Jobcenter.objects.filter(kode__in=jobcenter))
        mangler = sorted(set(jobcenter) - {j.kode for j in jobcentre})
        if mangler:
            raise CommandError(f"Ukendt jobcenter: {', '.join(mangler)}")
        if services.ApiKlient.objects.filter(navn=navn).exists():
            raise CommandError(f"Der findes allerede en API-klient med navnet {navn!r}.")
        klient, hemmelighed = services.klient_opret(navn=navn, jobcentre=jobcentre)
        self.stdout.write(json.dumps({"client_id": klient.application.client_id, "client_secret": hemmelighed}))
