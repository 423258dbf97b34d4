"""``python manage.py slet_udloebne [--dry-run]``: erase what has passed its deadline
(registrering/sletning.py); the worker runs it every night (registrering/tasks.py).
Prints counts only, never a name, CPR number or id."""

from django.core.management.base import BaseCommand

from registrering import sletning


class Command(BaseCommand):
    help = "Sletter borgere og adgangslog, hvis slettefrist er udløbet (--dry-run: tæller kun)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="slet intet; vis kun hvor meget der ville gå")

    def handle(self, *args, dry_run=False, **options):
        k = sletning.slet_udloebne(dry_run=dry_run)
        verbum = "ville blive slettet" if dry_run else "slettet"
        self.stdout.write(f"Borgere {verbum}: {k.borgere}")
        for noegle, n in sorted(k.antal.items()):
            self.stdout.write(f"  {noegle}: {n}")
        self.stdout.write(f"Adgangslogrækker {verbum} (adgangsloggens egen frist): {k.adgangslog}")
        self.stdout.write(f"Borgere med retshold (bevares): {k.paa_hold}")
