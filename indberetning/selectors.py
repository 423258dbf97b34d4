"""Reads for the operations page and the admin."""

from __future__ import annotations

from django.db.models import Count, Min, QuerySet, Sum

from .models import Batch, Haendelse, Koersel


def afventende_pr_modtager() -> list[dict]:
    """Per recipient: events not yet in a batch, and when the oldest was registered
    (read from the partial index of pending events)."""
    return list(
        Haendelse.objects.filter(batch__isnull=True)
        .values("modtager")
        .annotate(antal=Count("id"), aeldste=Min("registreret"))
        .order_by("modtager")
    )


def batches_pr_modtager_og_status() -> dict[str, dict[str, dict]]:
    """``{modtager: {status: {"batches": n, "haendelser": m}}}``."""
    resultat: dict[str, dict[str, dict]] = {}
    raekker = Batch.objects.values("modtager", "status").annotate(batches=Count("id"), haendelser=Sum("antal")).order_by()
    for r in raekker:
        resultat.setdefault(r["modtager"], {})[r["status"]] = {"batches": r["batches"], "haendelser": r["haendelser"]}
    return resultat


def batches_til_opfoelgning() -> QuerySet[Batch]:
    """Refused and failed batches (an operator must act) and batches waiting for a retry."""
    return (
        Batch.objects.filter(status__in=[Batch.Status.AFVIST, Batch.Status.FEJLET])
        .union(Batch.objects.filter(status__in=[Batch.Status.KLAR, Batch.Status.SENDES], forsoeg__gt=0))
        .order_by("oprettet")
    )


def batches_seneste(*, graense: int = 25) -> QuerySet[Batch]:
    return Batch.objects.order_by("-oprettet")[:graense]


def koersler_seneste(*, graense: int = 15) -> QuerySet[Koersel]:
    return Koersel.objects.order_by("-startet")[:graense]
