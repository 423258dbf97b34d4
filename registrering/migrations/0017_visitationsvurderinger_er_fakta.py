"""Issue 18, § 28 nr. 9 and stk. 2: every held, non-cancelled visitation assessment is a row
with its conversation, and the timeline ("which group on date D") is those rows in order of
their effective date. Rows written by earlier versions that do not fit that rule are taken
out, each with a history row ("-", with the reason), so the auditor still sees them:

1. the row of a cancelled conversation (versions before issue 11 kept it, and wrote a row
   without a conversation that restored the group before it from the cancellation date);
2. all but the newest row of one conversation (versions before issue 11 wrote a new row for
   each correction, from the correction date): the newest is the conversation's assessment
   as DFDG last received it (its latest sekvens);
3. a row without a conversation that repeats the group in force just before it (the restore
   row of 1., redundant once the cancelled conversation's row is gone). A row without a
   conversation that is a real change stays: it is a registered fact whatever wrote it.

Nothing changes for data written by the current code (it never leaves such rows), and the
group in force on any day is the same as before for the cases 1 and 3; for 2 it is the one
DFDG holds. Assessments that repeated the group in force were never stored before this
version; they cannot be recovered and are not invented.
"""

from django.db import migrations
from django.utils import timezone

GRUND = {
    "annulleret": "Datamigrering (issue 18): samtalen er annulleret, så vurderingen tæller ikke i tidslinjen.",
    "erstattet": "Datamigrering (issue 18): en senere rettelse af samme samtale erstattede denne vurdering.",
    "gentagelse": "Datamigrering (issue 18): rækken uden samtale gentog gruppen før den (genindsat ved en annullering).",
}
ORDEN = ("gyldig_fra", "registreret", "id")


def konverter(apps, schema_editor):
    Visitation = apps.get_model("registrering", "Visitation")
    HistoricalVisitation = apps.get_model("registrering", "HistoricalVisitation")
    nu = timezone.now()
    fjern: dict[int, str] = {}

    for v in Visitation.objects.filter(samtale__annulleret__isnull=False).only("id"):
        fjern[v.id] = GRUND["annulleret"]
    set_: set = set()
    for v in (
        Visitation.objects.filter(samtale__isnull=False, samtale__annulleret__isnull=True)
        .order_by("samtale_id", *(f"-{f}" for f in ORDEN))
        .only("id", "samtale_id")
    ):
        if v.samtale_id in set_:
            fjern[v.id] = GRUND["erstattet"]
        set_.add(v.samtale_id)
    personer = Visitation.objects.filter(samtale__isnull=True).values_list("person_id", flat=True).distinct()
    for person_id in personer:
        forrige = None
        for v in Visitation.objects.filter(person_id=person_id).order_by(*ORDEN):
            if v.id in fjern:
                continue
            if v.samtale_id is None and forrige is not None and forrige.visitationsgruppe_id == v.visitationsgruppe_id:
                fjern[v.id] = GRUND["gentagelse"]
                continue
            forrige = v

    for v in Visitation.objects.filter(id__in=fjern).order_by("id"):
        HistoricalVisitation.objects.create(
            id=v.id,
            person_id=v.person_id,
            visitationsgruppe_id=v.visitationsgruppe_id,
            gyldig_fra=v.gyldig_fra,
            registreret=v.registreret,
            registreret_af_id=v.registreret_af_id,
            samtale_id=v.samtale_id,
            history_date=nu,
            history_type="-",
            history_change_reason=fjern[v.id],
            history_user=None,
        )
    Visitation.objects.filter(id__in=fjern).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrering", "0016_cv_stavemaade"),
    ]

    operations = [
        migrations.RunPython(konverter, migrations.RunPython.noop),
    ]
