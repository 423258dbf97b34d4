"""Query plans and the benchmark's test data, from the database in DATABASE_URL.

Run by bench/web_bench.py (``python bench/plan.py``); prints one JSON object:
``plans`` (EXPLAIN ANALYZE of the hot queries, through the app's own selectors),
``data`` (whom the Locust users search for, open and register for) and ``antal``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samtaler_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from registrering import selectors
    from registrering.models import Adgangslog, Bruger, Person, Samtale, Visitation

    sagsbehandler = Bruger.objects.get(username="sagsbehandler")
    jc = sagsbehandler.jobcenter
    egne = Person.objects.filter(jobcenter=jc)
    borgere40 = list(egne.annotate(n=Count("samtaler")).filter(n__gte=40).values_list("id", flat=True)[:300])
    soeg = list(egne.order_by("?").values_list("cpr", flat=True)[:2000])
    # Name searches as caseworkers type them: the surname first, then the start of the first
    # name ("Hansen ben"); birth dates as DDMMÅÅ.
    navne = [f"{n.split()[-1]} {n.split()[0][:3]}" for n in egne.order_by("?").values_list("navn", flat=True)[:2000]]
    foedselsdatoer = [c[:6] for c in soeg]
    registrering = [
        {"id": str(i), "kg_id": kg}
        for i, kg in egne.filter(kontaktgruppe__kode="2").order_by("?").values_list("id", "kontaktgruppe_id")[:2000]
    ]
    visiteret = (
        Visitation.objects.filter(person__jobcenter=jc).values("person").annotate(n=Count("id")).order_by("-n").first()
    )
    person_v = Person.objects.get(pk=visiteret["person"])
    dato = selectors.idag()
    person40 = Person.objects.get(pk=borgere40[0])

    def plan(qs) -> str:
        return qs.explain(analyze=True, buffers=True)

    planer = {
        "visitationsgruppe_paa_dato": plan(
            Visitation.objects.filter(person=person_v, gyldig_fra__lte=dato)
            .select_related("visitationsgruppe")
            .order_by("-gyldig_fra", "-registreret", "-id")[:1]
        ),
        "cpr_soegning": plan(selectors.person_soeg(bruger=sagsbehandler, q=soeg[0])),
        "navnesoegning": plan(selectors.person_soeg(bruger=sagsbehandler, q="Hansen")),
        # Issue 13: words in any order (GIN index person_navn_ord), a birth date (a range on
        # the CPR number's index), the total behind "viser 50 af N", and the start page.
        "navnesoegning_ord": plan(selectors.person_soeg(bruger=sagsbehandler, q=navne[0])),
        "navnesoegning_antal": plan(selectors.person_soeg_qs(bruger=sagsbehandler, q="Hansen").order_by()),
        "foedselsdato_soegning": plan(selectors.person_soeg(bruger=sagsbehandler, q=foedselsdatoer[0])),
        "forside_egne": plan(
            Samtale.objects.filter(registreret_af=sagsbehandler)
            .filter(selectors.synlighed(bruger=sagsbehandler, felt="person"))
            .order_by("-registreret", "-id")[:10]
        ),
        "forside_set": plan(
            Adgangslog.objects.filter(bruger=sagsbehandler, handling=Adgangslog.Handling.VIS)
            .filter(selectors.synlighed(bruger=sagsbehandler, felt="person"))
            .order_by("-tidspunkt", "-id")[:200]
        ),
        "borgerens_samtaler": plan(selectors.samtale_raekker_qs(person=person40)),
        "gaeldende_aftale": plan(
            Samtale.objects.aktive()
            .filter(person=person40, aftaletype="bindende")
            .order_by("-dato", "-registreret")[:1]
        ),
    }
    # The selector answers from the index, whatever the plan text says: check the result too.
    assert selectors.visitationsgruppe_paa_dato(person=person_v, dato=dato) is not None
    print(
        json.dumps(
            {
                "plans": planer,
                "data": {
                    "borgere40": [str(i) for i in borgere40],
                    "soeg": soeg,
                    "navne": navne,
                    "foedselsdatoer": foedselsdatoer,
                    "registrering": registrering,
                },
                "antal": {
                    "borgere": Person.objects.count(),
                    "samtaler": Samtale.objects.count(),
                    "visitationer": Visitation.objects.count(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
