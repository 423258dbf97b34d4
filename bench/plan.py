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
    from registrering.models import Bruger, Person, Samtale, Visitation

    sagsbehandler = Bruger.objects.get(username="sagsbehandler")
    jc = sagsbehandler.jobcenter
    egne = Person.objects.filter(jobcenter=jc)
    borgere40 = list(egne.annotate(n=Count("samtaler")).filter(n__gte=40).values_list("id", flat=True)[:300])
    soeg = list(egne.order_by("?").values_list("cpr", flat=True)[:2000])
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
        "borgerens_samtaler": plan(selectors.samtale_raekker_qs(person=person40)),
        "gaeldende_aftale": plan(
            Samtale.objects.aktive().filter(person=person40, aftaletype="bindende").order_by("-dato", "-registreret")[:1]
        ),
    }
    # The selector answers from the index, whatever the plan text says: check the result too.
    assert selectors.visitationsgruppe_paa_dato(person=person_v, dato=dato) is not None
    print(
        json.dumps(
            {
                "plans": planer,
                "data": {"borgere40": [str(i) for i in borgere40], "soeg": soeg, "registrering": registrering},
                "antal": {"borgere": Person.objects.count(), "samtaler": Samtale.objects.count(), "visitationer": Visitation.objects.count()},
            }
        )
    )


if __name__ == "__main__":
    main()
