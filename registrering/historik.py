"""What changed, when, by whom and why: reads of the django-simple-history tables.

The auditor's timeline of a citizen (:func:`historik_for_person`) and, for optimistic
concurrency, what was stored after the version a form was opened on
(:func:`samtale_aendringer_siden`, :func:`perioder_siden`) and that version itself
(:func:`samtale_version`, the base a stale correction is merged on). Both share one diff
loop (:func:`_historikposter`). Moved out of ``selectors.py`` (issue 21): the reads a page
shares about the present stay there; this module answers questions about the past."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AkasseDeltagelse,
    Deltager,
    Person,
    PersonMarkering,
    PersonPeriode,
    Samtale,
    Samtaleform,
    Samtaletype,
    Visitation,
)
from .regler import DANSK_TID

# --- the auditor's timeline -------------------------------------------------------------------


@dataclass
class Aendring:
    felt: str
    foer: str
    efter: str


@dataclass
class Historikpost:
    tidspunkt: datetime.datetime
    bruger: str
    objekt: str
    handling: str  # "oprettet", "ændret", "slettet"
    begrundelse: str
    aendringer: list[Aendring] = field(default_factory=list)


HANDLINGER = {"+": _("oprettet"), "~": _("ændret"), "-": _("slettet")}


def _handling(r, foer) -> str:
    """What a history row did, in the auditor's words: the change that set a conversation's
    ``annulleret`` is its cancellation (reported to DFDG as such), not an edit."""
    if (
        r.history_type == "~"
        and r.instance_type is Samtale
        and foer is not None
        and r.annulleret is not None
        and foer.annulleret is None
    ):
        return _("annulleret")
    return HANDLINGER.get(r.history_type, r.history_type)


# Fields that are bookkeeping, not content, and are left out of the diff.
UDELADTE_FELTER = {
    "id",
    "person",
    "samtale",
    "registreret_af",
    "aftaletype",
    "sekvens",
    "jobcenter",
    "kontaktgruppe_snapshot",
}


def _kodenavne() -> dict:
    from . import models

    modeller = (
        models.Akasse,
        models.AkasseDeltagelse,
        models.Deltagelsesform,
        models.Deltagerrolle,
        models.Jobcenter,
        models.Kontaktgruppe,
        models.Persongruppemarkering,
        models.Samtaleform,
        models.Samtaletype,
        models.Visitationsgruppe,
    )
    return {m: {o.pk: str(o) for o in m.objects.all()} for m in modeller}


def _vis(vaerdi, felt, navne) -> str:
    if vaerdi is None or vaerdi == "":
        return "—"
    if isinstance(vaerdi, bool):
        return str(_("ja") if vaerdi else _("nej"))
    if felt.is_relation and felt.related_model in navne:
        return navne[felt.related_model].get(vaerdi, str(vaerdi))
    if isinstance(vaerdi, datetime.datetime):
        return timezone.localtime(vaerdi, DANSK_TID).strftime("%d.%m.%Y %H:%M")
    if isinstance(vaerdi, datetime.date):
        return vaerdi.strftime("%d.%m.%Y")
    return str(vaerdi)


def historik_for_person(*, person: Person) -> list[Historikpost]:
    """Every change to the citizen, their conversations, participants, visitation rows,
    markings and periods of kontaktgruppe and a-kasse, newest first, with who, when, the reason and a field-by-field diff.

    A fixed number of queries whatever the history's length: one per history table (with
    the acting user joined), one for the conversations' labels and one per code list;
    the diffs are computed in memory (STYLE.md: avoid Suila's N+1 trap)."""
    samtaler = {
        s.pk: f"{s.samtaletype} {s.dato:%d.%m.%Y}"
        for s in Samtale.objects.filter(person=person).select_related("samtaletype")
    }
    kilder = [
        (Person.history.filter(id=person.pk), lambda r: str(_("Borger"))),
        (
            Samtale.history.filter(person_id=person.pk),
            lambda r: str(_("Samtale %(s)s")) % {"s": samtaler.get(r.id, r.id)},
        ),
        (
            Deltager.history.filter(samtale_id__in=list(samtaler)),
            lambda r: (
                str(_("Deltager %(navn)s ved %(s)s")) % {"navn": r.navn, "s": samtaler.get(r.samtale_id, r.samtale_id)}
            ),
        ),
        (Visitation.history.filter(person_id=person.pk), lambda r: str(_("Visitation"))),
        (PersonMarkering.history.filter(person_id=person.pk), lambda r: str(_("Persongruppemarkering"))),
        (PersonPeriode.history.filter(person_id=person.pk), lambda r: str(_("Periode for kontaktgruppe og a-kasse"))),
    ]
    poster = _historikposter(kilder, _kodenavne())
    poster.sort(key=lambda p: p.tidspunkt, reverse=True)
    return poster


def _historikposter(kilder, navne) -> list[Historikpost]:
    """One post per history row of each source (a history queryset and its label), each
    with the field-by-field diff against the same object's previous history row."""
    poster: list[Historikpost] = []
    for qs, etiket in kilder:
        model = qs.model.instance_type
        sporede = {f.attname for f in qs.model._meta.concrete_fields}
        # The citizen's jobcenter is content (a move, person-flyt); a conversation's is bookkeeping.
        udeladte = UDELADTE_FELTER - {"jobcenter"} if model is Person else UDELADTE_FELTER
        felter = [f for f in model._meta.concrete_fields if f.name not in udeladte and f.attname in sporede]
        forrige: dict = {}
        for r in qs.select_related("history_user").order_by("history_date", "history_id"):
            foer = forrige.get(r.id)
            aendringer = []
            for f in felter:
                ny = getattr(r, f.attname)
                if r.history_type == "-":
                    # A deletion's row holds the values that went: each shown as removed.
                    if not (ny is None or ny == "" or ny is False):
                        aendringer.append(Aendring(str(f.verbose_name), _vis(ny, f, navne), "—"))
                    continue
                gammel = getattr(foer, f.attname) if foer is not None else None
                if foer is None and (ny is None or ny == "" or ny is False):
                    continue
                if foer is not None and ny == gammel:
                    continue
                aendringer.append(
                    Aendring(
                        str(f.verbose_name), _vis(gammel, f, navne) if foer is not None else "—", _vis(ny, f, navne)
                    )
                )
            forrige[r.id] = r
            poster.append(
                Historikpost(
                    tidspunkt=r.history_date,
                    bruger=(r.history_user.get_full_name() or r.history_user.username)
                    if r.history_user
                    else str(_("system")),
                    objekt=etiket(r),
                    handling=str(_handling(r, foer)),
                    begrundelse=r.history_change_reason or "",
                    aendringer=aendringer,
                )
            )
    return poster


# --- optimistic concurrency: what changed since the version a form was opened on ------------


def _samtale_version_start(*, samtale: Samtale, sekvens: int):
    """When the first change after version ``sekvens`` of the conversation was stored (the
    history row that counted past it); None if there is none."""
    return (
        Samtale.history.filter(id=samtale.pk, sekvens__gt=sekvens)
        .order_by("history_date", "history_id")
        .values_list("history_date", flat=True)
        .first()
    )


def samtale_aendringer_siden(*, samtale: Samtale, sekvens: int) -> list[Historikpost]:
    """Everything stored about the conversation after version ``sekvens``, oldest first,
    field by field from simple-history: the conversation, its participants and its
    visitation assessment (for the refusal of a stale correction or cancellation)."""
    start = _samtale_version_start(samtale=samtale, sekvens=sekvens)
    if start is None:
        return []
    kilder = [
        (Samtale.history.filter(id=samtale.pk), lambda r: str(_("Samtalen"))),
        (Deltager.history.filter(samtale_id=samtale.pk), lambda r: str(_("Deltager %(navn)s")) % {"navn": r.navn}),
        (Visitation.history.filter(samtale_id=samtale.pk), lambda r: str(_("Visitationsvurdering"))),
    ]
    poster = [p for p in _historikposter(kilder, _kodenavne()) if p.tidspunkt >= start]
    poster.sort(key=lambda p: p.tidspunkt)
    return poster


@dataclass(frozen=True)
class SamtaleVersion:
    """A conversation's values as they stood at one version, as the correction form posts
    them (codes, ISO dates, ``"on"``/``""``), with its assessment and participants."""

    felter: dict
    deltagere: tuple


def samtale_version(*, samtale: Samtale, sekvens: int) -> SamtaleVersion | None:
    """Version ``sekvens`` of the conversation from simple-history (the base a stale
    correction is merged on); None when the history does not reach back to it."""
    from .samtaledata import SAMTALE_FELTER

    raekke = Samtale.history.filter(id=samtale.pk, sekvens=sekvens).order_by("-history_date", "-history_id").first()
    if raekke is None:
        return None
    start = _samtale_version_start(samtale=samtale, sekvens=sekvens)
    navne = {m: {o.pk: o.kode for o in m.objects.all()} for m in (Samtaletype, Samtaleform, AkasseDeltagelse)}
    felter = {}
    for f in SAMTALE_FELTER:
        vaerdi = getattr(raekke, f.column)
        if f.column.endswith("_id"):
            model = Samtale._meta.get_field(f.name).related_model
            vaerdi = navne[model].get(vaerdi, "") if vaerdi else ""
        felter[f.name] = vaerdi
    foer = (lambda qs: qs.filter(history_date__lt=start)) if start else (lambda qs: qs)
    vurdering = (
        foer(Visitation.history.filter(samtale_id=samtale.pk))
        .select_related("visitationsgruppe")
        .order_by("-history_date", "-history_id")
        .first()
    )
    felter["visitationsgruppe"] = (
        vurdering.visitationsgruppe.kode if vurdering is not None and vurdering.history_type != "-" else ""
    )
    deltagere = {}
    for d in (
        foer(Deltager.history.filter(samtale_id=samtale.pk))
        .select_related("rolle", "deltagelsesform")
        .order_by("history_date", "history_id")
    ):
        deltagere[d.id] = d if d.history_type != "-" and d.aktiv else None
    return SamtaleVersion(
        felter=felter,
        deltagere=tuple(
            sorted((d.navn, d.rolle.kode, d.deltagelsesform.kode) for d in deltagere.values() if d is not None)
        ),
    )


def perioder_siden(*, person: Person, sekvens: int) -> list[Historikpost]:
    """The periods of kontaktgruppe and a-kasse registered after the first ``sekvens`` (the
    citizen's version as the person-ret form counts it), field by field from the history."""
    nye = list(
        PersonPeriode.objects.filter(person=person).order_by("registreret", "id").values_list("id", flat=True)[sekvens:]
    )
    kilder = [
        (PersonPeriode.history.filter(id__in=nye), lambda r: str(_("Periode for kontaktgruppe og a-kasse"))),
    ]
    return sorted(_historikposter(kilder, _kodenavne()), key=lambda p: p.tidspunkt)
