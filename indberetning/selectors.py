"""Reads for the operations page, the citizen's page and the health status.

Scope: a report event belongs to the jobcenter of its conversation's citizen. Every read
here takes ``jobcenter_id``: ``None`` for all jobcentres (administrators, the health
status), a jobcenter's id for a team lead (see :func:`jobcenter_omfang`). A batch is in a
jobcenter's scope when it holds at least one of that jobcenter's events; a receiver's
message is shown to a team lead only when every event of the batch is their jobcenter's.

* :func:`advarsler` — what needs attention now (a stalled queue, no worker, refused or
  failed deliveries), in plain Danish with what to do. The operations page shows them in
  ``id="indberetning-advarsel"``; the health status may call it with no jobcenter.
* :func:`samtale_tilstand_sql` / :func:`samtale_tilstand` — each conversation's reporting
  state per recipient, read as a column of the citizen page's one row query.
* The engine's reads (:func:`modtagere_med_afventende`, :func:`flere_end_en_batch`,
  :func:`batches_forfaldne` …): what is pending and what is due, across every jobcentre.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from . import conf
from .models import ADGANG_NAEGTET, DFDG, Batch, Haendelse, Handling, Koersel, modtager_navn

ALLE = None


def jobcenter_omfang(bruger) -> int | None:
    """``None`` (every jobcentre) for superusers and users with
    ``registrering.se_alle_jobcentre`` (administrators); otherwise the user's own
    jobcenter's id, or 0 (nothing) when they have none."""
    if bruger.is_superuser or bruger.has_perm("registrering.se_alle_jobcentre"):
        return ALLE
    return bruger.jobcenter_id or 0


def _egne(jobcenter_id: int | None, felt: str = "samtale__person__jobcenter_id") -> Q:
    return Q() if jobcenter_id is ALLE else Q(**{felt: jobcenter_id})


def _batches_i_omfang(qs: QuerySet[Batch], jobcenter_id: int | None) -> QuerySet[Batch]:
    if jobcenter_id is ALLE:
        return qs
    return qs.filter(Exists(Haendelse.objects.filter(batch=OuterRef("pk"), samtale__person__jobcenter_id=jobcenter_id)))


def _refused_conversations(jobcenter_id: int | None) -> int:
    """Conversations with an event in a batch refused for its content (not for access)."""
    haendelser = Haendelse.objects.filter(batch__status=Batch.Status.AFVIST).exclude(
        batch__sidste_http_status__in=ADGANG_NAEGTET
    )
    if jobcenter_id is not ALLE:
        haendelser = haendelser.filter(samtale__person__jobcenter_id=jobcenter_id)
    return haendelser.values("samtale_id").distinct().count()


def alarm_minutter() -> float:
    return float(getattr(settings, "INDBERETNING_ALARM_MINUTTER", 15))


# --- the operations page ------------------------------------------------------------------


# The batch states the recipients table counts, with the words the page uses for them.
VIST_STATUS = [
    (Batch.Status.KVITTERET, _l("Modtaget (kvitteret)")),
    (Batch.Status.AFLEVERET, _l("Lagt i drop-mappen")),
    (Batch.Status.AFVIST, _l("Afvist")),
    (Batch.Status.FEJLET, _l("Ikke leveret")),
    (Batch.Status.KLAR, _l("Venter på afsendelse/nyt forsøg")),
    (Batch.Status.SENDES, _l("Sendes nu")),
]


def alder_tekst(alder) -> str:
    """A waiting time in words: "40 min.", "3 t. 5 min.", "2 døgn"."""
    minutter = int(alder.total_seconds() // 60)
    if minutter < 60:
        return _("%(m)s min.") % {"m": minutter}
    if minutter < 48 * 60:
        return _("%(t)s t. %(m)s min.") % {"t": minutter // 60, "m": minutter % 60}
    return _("%(d)s døgn") % {"d": minutter // (24 * 60)}


def afventende_pr_modtager(*, jobcenter_id: int | None = ALLE) -> list[dict]:
    """Per recipient: events not yet in a batch, and when the oldest was registered."""
    return list(
        Haendelse.objects.filter(_egne(jobcenter_id), batch__isnull=True)
        .values("modtager")
        .annotate(antal=Count("id"), aeldste=Min("registreret"))
        .order_by("modtager")
    )


STATUS_DAGE = 7


def haendelser_pr_modtager_og_status(
    *, jobcenter_id: int | None = ALLE, dage: int = STATUS_DAGE
) -> dict[str, dict[str, int]]:
    """``{modtager: {batch status: events}}`` for batches built in the last ``dage`` days."""
    siden = timezone.now() - datetime.timedelta(days=dage)
    resultat: dict[str, dict[str, int]] = {}
    raekker = (
        Haendelse.objects.filter(_egne(jobcenter_id), batch__oprettet__gte=siden)
        .values("modtager", "batch__status")
        .annotate(antal=Count("id"))
        .order_by()
    )
    for r in raekker:
        resultat.setdefault(r["modtager"], {})[r["batch__status"]] = r["antal"]
    return resultat


def modtagere_oversigt(*, jobcenter_id: int | None = ALLE, nu: datetime.datetime) -> list[dict]:
    """The operations page's recipients table: per recipient (DFDG first) what waits, since
    when, and its events per batch status (:data:`VIST_STATUS`) in the last days."""
    afventende = {r["modtager"]: r for r in afventende_pr_modtager(jobcenter_id=jobcenter_id)}
    pr_status = haendelser_pr_modtager_og_status(jobcenter_id=jobcenter_id)
    raekker = []
    for modtager in sorted(set(afventende) | set(pr_status), key=lambda m: (m != DFDG, m)):
        a = afventende.get(modtager)
        raekker.append(
            {
                "modtager": modtager,
                "navn": modtager_navn(modtager),
                "afventer": a["antal"] if a else 0,
                "aeldste": a["aeldste"] if a else None,
                "alder": (nu - a["aeldste"]) if a else None,
                "alder_tekst": alder_tekst(nu - a["aeldste"]) if a else "",
                "status": [pr_status.get(modtager, {}).get(s, 0) for s, _navn in VIST_STATUS],
                "status_navne": [(pr_status.get(modtager, {}).get(s, 0), navn) for s, navn in VIST_STATUS],
            }
        )
    return raekker


def _antal_handling(handling: str) -> Coalesce:
    """How many of the batch's events are of one kind (opret, ret, annuller)."""
    return Coalesce(
        Subquery(
            Haendelse.objects.filter(batch=OuterRef("pk"), handling=handling)
            .order_by()
            .values("batch")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        0,
    )


def _med_samtale(qs: QuerySet[Batch], jobcenter_id: int | None) -> QuerySet[Batch]:
    """Each batch with its (first) event's conversation and citizen, for a link when the
    batch holds one event (and whether that conversation is cancelled, so nobody is sent to
    correct it), and whether it holds another jobcenter's events.

    ``antal_vist`` is what the page counts: every event for an administrator, the team
    lead's own jobcenter's for a team lead, whose first own event is the one linked: a
    batch shared with other jobcentres tells nothing about theirs (issue 19, finding 12)."""
    egne = Haendelse.objects.filter(_egne(jobcenter_id), batch=OuterRef("pk"))
    foerste = egne.order_by("registreret", "id")
    qs = qs.annotate(
        samtale_id=Subquery(foerste.values("samtale_id")[:1]),
        person_id=Subquery(foerste.values("samtale__person_id")[:1]),
        samtale_dato=Subquery(foerste.values("samtale__dato")[:1]),
        samtaletype_navn=Subquery(foerste.values("samtale__samtaletype__navn")[:1]),
        samtale_annulleret=Subquery(foerste.values("samtale__annulleret")[:1]),
        **{f"antal_{h}": _antal_handling(h) for h in Handling.values},
    )
    if jobcenter_id is ALLE:
        return qs.annotate(antal_vist=F("antal"))
    antal_egne = egne.order_by().values("batch").annotate(n=Count("id")).values("n")[:1]
    return qs.annotate(
        antal_vist=Coalesce(Subquery(antal_egne), 0),
        fremmede=Exists(
            Haendelse.objects.filter(batch=OuterRef("pk")).exclude(samtale__person__jobcenter_id=jobcenter_id)
        ),
    )


# What a batch carries, in the words of the operations page (registration, correction,
# cancellation: DFDG's opret, ret and annuller).
_HANDLING_ORD = {
    Handling.OPRET: lambda n: ngettext("%(n)s registrering", "%(n)s registreringer", n) % {"n": n},
    Handling.RET: lambda n: ngettext("%(n)s rettelse", "%(n)s rettelser", n) % {"n": n},
    Handling.ANNULLER: lambda n: ngettext("%(n)s annullering", "%(n)s annulleringer", n) % {"n": n},
}
_HANDLING_EN = {
    Handling.OPRET: _l("Registrering"),
    Handling.RET: _l("Rettelse"),
    Handling.ANNULLER: _l("Annullering"),
}


def _med_handlinger(batches: list[Batch]) -> list[Batch]:
    """Set ``handlinger`` on each batch of :func:`_med_samtale`: what it reports, in words
    ("Rettelse" for one event; "2 registreringer, 1 annullering" for several)."""
    for b in batches:
        pr = {h: getattr(b, f"antal_{h}", 0) for h in Handling.values}
        if sum(pr.values()) == 1:
            b.handlinger = str(next(_HANDLING_EN[h] for h, n in pr.items() if n))
        else:
            b.handlinger = ", ".join(_HANDLING_ORD[h](n) for h, n in pr.items() if n)
    return batches


def batches_til_opfoelgning(*, jobcenter_id: int | None = ALLE, graense: int = 200) -> list[Batch]:
    """Refused and failed batches (someone must act) and batches waiting for a retry."""
    qs = Batch.objects.filter(
        Q(status__in=Batch.KRAEVER_HANDLING) | Q(status__in=[Batch.Status.KLAR, Batch.Status.SENDES], forsoeg__gt=0)
    )
    qs = _med_samtale(_batches_i_omfang(qs, jobcenter_id), jobcenter_id).order_by("oprettet")[:graense]
    return _med_handlinger(list(qs))


def batches_seneste(*, jobcenter_id: int | None = ALLE, graense: int = 25) -> list[Batch]:
    qs = _batches_i_omfang(Batch.objects.exclude(status=Batch.Status.OPDELT), jobcenter_id)
    return _med_handlinger(list(_med_samtale(qs, jobcenter_id).order_by("-oprettet")[:graense]))


def batch_i_omfang(*, pk, jobcenter_id: int | None) -> QuerySet[Batch]:
    """The batch ``pk`` if the scope may see it (for the detail page and resend)."""
    return _med_samtale(_batches_i_omfang(Batch.objects.filter(pk=pk), jobcenter_id), jobcenter_id)


def batch_haendelser(*, batch: Batch, jobcenter_id: int | None, graense: int = 1000) -> list[dict]:
    """The batch's events in the scope, with their conversation and citizen (for links) and
    what each reports in words (``handling_tekst``: registrering, rettelse, annullering)."""
    raekker = list(
        Haendelse.objects.filter(_egne(jobcenter_id), batch=batch)
        .order_by("registreret", "id")
        .values(
            "id",
            "handling",
            "sekvens",
            "registreret",
            "samtale_id",
            person_id=F("samtale__person_id"),
            samtale_dato=F("samtale__dato"),
            samtaletype_navn=F("samtale__samtaletype__navn"),
        )[:graense]
    )
    for r in raekker:
        r["handling_tekst"] = str(_HANDLING_EN.get(r["handling"], r["handling"]))
    return raekker


def batch_dele(*, batch: Batch) -> list[Batch]:
    """The batches a refused batch was split into (``opdelt``), in order."""
    return list(Batch.objects.filter(opdelt_fra=batch).order_by("oprettet"))


def koersler_seneste(*, jobcenter_id: int | None = ALLE, graense: int = 15) -> list[Koersel]:
    """The engine's latest runs. A run's figures are national (every jobcentre's events):
    administrators only; a team lead's scope gets none (issue 19, finding 12)."""
    if jobcenter_id is not ALLE:
        return []
    return list(Koersel.objects.order_by("-startet")[:graense])


# --- warnings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Advarsel:
    """One thing that needs attention: ``kode`` for machines, ``tekst`` says what is wrong,
    ``handling`` what to do (both plain Danish)."""

    kode: str
    tekst: str
    handling: str


def arbejder_set(*, siden: datetime.datetime) -> bool:
    """A worker sent a heartbeat (procrastinate's own worker table) or a run of the engine
    (periodic, kick or the command, which a cron-only site uses) started since ``siden``."""
    from procrastinate.contrib.django.models import ProcrastinateWorker

    return (
        Koersel.objects.filter(startet__gte=siden).exists()
        or ProcrastinateWorker.objects.filter(last_heartbeat__gte=siden).exists()
    )


def advarsler(*, jobcenter_id: int | None = ALLE, nu: datetime.datetime | None = None) -> list[Advarsel]:
    """What needs attention in reporting now, for the scope (``None``: everything).

    * the oldest waiting event (not yet in a batch, or in a batch not yet delivered) is
      older than ``INDBERETNING_ALARM_MINUTTER``;
    * no worker has been seen within that time;
    * a batch is refused for access (401/403), a conversation is refused, or a batch failed.

    At most five queries whatever the size of the outbox. Used by the operations page and
    meant for the health status (``advarsler()`` with no arguments: every jobcentre).
    """
    nu = nu or timezone.now()
    minutter = alarm_minutter()
    graense = nu - datetime.timedelta(minutes=minutter)
    resultat: list[Advarsel] = []

    aeldste_haendelse = Haendelse.objects.filter(_egne(jobcenter_id), batch__isnull=True).aggregate(
        t=Min("registreret")
    )["t"]
    aeldste_batch = _batches_i_omfang(
        Batch.objects.filter(status__in=[Batch.Status.KLAR, Batch.Status.SENDES]), jobcenter_id
    ).aggregate(t=Min("oprettet"))["t"]
    aeldste = min((t for t in (aeldste_haendelse, aeldste_batch) if t is not None), default=None)
    if aeldste is not None and aeldste < graense:
        resultat.append(
            Advarsel(
                "venter",
                _("Indberetninger har ventet i mere end %(min)s minutter: den ældste siden %(tid)s.")
                % {"min": f"{minutter:g}", "tid": timezone.localtime(aeldste).strftime("%d.%m.%Y %H:%M")},
                _(
                    'Tjek at indberetningens arbejder kører, og se listen "Kræver opmærksomhed" nedenfor. '
                    "Hjælper det ikke, så kontakt driften (IT)."
                ),
            )
        )
    if not arbejder_set(siden=graense):
        resultat.append(
            Advarsel(
                "ingen_arbejder",
                _("Ingen arbejder har meldt sig i de seneste %(min)s minutter, så intet bliver sendt.")
                % {"min": f"{minutter:g}"},
                _(
                    "Bed driften (IT) starte indberetningens arbejder (python manage.py procrastinate worker) "
                    "eller køre python manage.py indberet."
                ),
            )
        )
    tal = {"adgang": 0, "afvist": 0, "fejlet": 0}
    for r in (
        _batches_i_omfang(Batch.objects.filter(status__in=Batch.KRAEVER_HANDLING), jobcenter_id)
        .values("status", "sidste_http_status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if r["status"] == Batch.Status.FEJLET:
            tal["fejlet"] += r["n"]
        elif r["sidste_http_status"] in ADGANG_NAEGTET:
            tal["adgang"] += r["n"]
        else:
            tal["afvist"] += r["n"]
    if tal["adgang"]:
        resultat.append(
            Advarsel(
                "adgang_naegtet",
                _(
                    "Modtageren har nægtet adgang til %(n)s forsendelser (HTTP 401/403): intet kommer igennem, før det er løst."
                )
                % {"n": tal["adgang"]},
                _(
                    "Bed administratoren kontrollere certifikat, adgangsoplysninger og modtagerens adresse. "
                    "Send derefter forsendelserne igen nedenfor."
                ),
            )
        )
    if tal["afvist"]:
        # Counted in conversations, as the warning says: a refused batch from before refusals
        # were split may hold several.
        samtaler = _refused_conversations(jobcenter_id)
        resultat.append(
            Advarsel(
                "afvist",
                ngettext("Modtageren har afvist %(n)s samtale.", "Modtageren har afvist %(n)s samtaler.", samtaler)
                % {"n": samtaler},
                _(
                    "Åbn samtalen fra listen nedenfor, læs modtagerens besked og ret samtalen. "
                    "Rettelsen sendes af sig selv; de øvrige samtaler er sendt."
                ),
            )
        )
    if tal["fejlet"]:
        resultat.append(
            Advarsel(
                "fejlet",
                _("%(n)s forsendelser er ikke leveret: holdt tilbage eller opgivet efter gentagne forsøg.")
                % {"n": tal["fejlet"]},
                _(
                    "Læs begrundelsen nedenfor. Er en samtales data ugyldige, så ret samtalen; "
                    "er modtageren nede, så send igen, når den svarer."
                ),
            )
        )
    return resultat


# --- the citizen's page -------------------------------------------------------------------

# Reporting states of a conversation, worst first: the row shows the worst across its
# recipients (CONTRACT.md, ``data-indberetning``). Each is derived from what happened to
# the batch that holds the recipient's newest event, never from hope:
#   afventer   — not sent yet: no batch yet, a batch waiting for its turn, or a retry
#                scheduled after the receiver did not answer (5xx, timeout);
#   sendt      — out of our hands without a receipt: a request under way, or a file put
#                in a drop folder (nobody acknowledges a file);
#   kvitteret  — the receiver's receipt (HTTP 2xx, or 412 for an id it already holds);
#   afvist     — refused by the receiver, or given up/held back: someone must act.
AFVIST, AFVENTER, SENDT, KVITTERET = "afvist", "afventer", "sendt", "kvitteret"
RANG = {AFVIST: 0, AFVENTER: 1, SENDT: 2, KVITTERET: 3}
# The word a person reads first for each state: the words and ``data-indberetning`` say
# the same thing (tests/indberetning/test_tilstand.py).
TILSTAND_ORD = {AFVIST: _l("afvist"), AFVENTER: _l("afventer"), SENDT: _l("sendt"), KVITTERET: _l("kvitteret")}

# Every batch status, and what it means for the conversation (state, and what happened in
# words). A status missing here is a test failure, not a guess.
_IKKE_I_BATCH = None
STATUS_TILSTAND = {
    _IKKE_I_BATCH: (AFVENTER, _l("venter på afsendelse")),
    Batch.Status.KLAR: (AFVENTER, _l("venter på afsendelse")),
    Batch.Status.SENDES: (SENDT, _l("sendes nu, venter på modtagerens svar")),
    Batch.Status.AFLEVERET: (SENDT, _l("lagt i drop-mappen, ingen kvittering")),
    Batch.Status.KVITTERET: (KVITTERET, _l("modtaget, modtageren har kvitteret")),
    Batch.Status.AFVIST: (AFVIST, _l("modtageren har afvist den")),
    Batch.Status.FEJLET: (AFVIST, _l("ikke leveret")),
    # Neither holds a conversation's newest event (a split batch holds no events; a
    # superseded event is older than its correction), but if one did, nothing is delivered.
    Batch.Status.OPDELT: (AFVENTER, _l("venter på afsendelse")),
    Batch.Status.ERSTATTET: (AFVENTER, _l("venter på afsendelse")),
}


def samtale_tilstand_sql() -> str:
    """SQL for one column of a conversation query: per recipient, the batch state of the
    newest event (a correction supersedes a refused event), as JSON. One index probe per
    conversation on the events' (samtale, modtager, sekvens) constraint. A constant: no value
    of any request or row is ever put into it."""
    return """(
        SELECT COALESCE(json_agg(json_build_array(t.modtager, t.status, t.forsoeg, t.batch_id, t.besked, t.naeste) ORDER BY t.modtager), '[]')
        FROM (
            SELECT DISTINCT ON (h.modtager) h.modtager, b.status, b.forsoeg, b.id AS batch_id,
                   CASE WHEN b.status IN ('afvist', 'fejlet') THEN left(b.sidste_besked, 1000) END AS besked,
                   CASE WHEN b.status = 'klar' AND b.forsoeg > 0 THEN b.naeste_forsoeg END AS naeste
            FROM indberetning_haendelse h LEFT JOIN indberetning_batch b ON b.id = h.batch_id
            WHERE h.samtale_id = "registrering_samtale"."id"
            ORDER BY h.modtager, h.sekvens DESC
        ) t
    )"""


def tilstand(status: str | None, forsoeg: int | None = 0, naeste: datetime.datetime | None = None) -> tuple[str, str]:
    """``(state, words)`` for the batch status of a recipient's newest event (``None``: not
    in a batch yet). The words start with the state's own word (:data:`TILSTAND_ORD`)."""
    navn, hvad = STATUS_TILSTAND[status]
    if status == Batch.Status.KLAR and forsoeg:
        # A retry is scheduled: the receiver did not answer (5xx, timeout, no connection).
        hvad = (
            _("modtageren svarede ikke; prøves igen %(tid)s")
            % {"tid": timezone.localtime(naeste).strftime("%d.%m.%Y kl. %H:%M")}
            if naeste
            else _("modtageren svarede ikke; prøves igen")
        )
    return navn, f"{TILSTAND_ORD[navn]} ({hvad})"


def samtale_tilstand(raa) -> dict:
    """From the column of :func:`samtale_tilstand_sql`: ``indberetning`` (the worst state,
    or ``""`` when nothing is reported), ``indberetning_modtagere`` (per recipient: name,
    state, words, the receiver's message when refused) and ``indberetning_noegle`` (changes
    whenever any of it may change: for the row cache)."""
    if isinstance(raa, str):
        raa = json.loads(raa)
    modtagere = []
    for modtager, status, forsoeg, _batch_id, besked, naeste in raa or []:
        naeste_tid = datetime.datetime.fromisoformat(naeste) if naeste else None
        navn, tekst = tilstand(status, forsoeg, naeste_tid)
        modtagere.append({"navn": modtager_navn(modtager), "tilstand": navn, "tekst": tekst, "besked": besked or ""})
    modtagere.sort(key=lambda m: (m["navn"] != modtager_navn(DFDG), m["navn"]))
    vaerst = min((m["tilstand"] for m in modtagere), key=RANG.__getitem__, default="")
    key = "|".join(f"{m}:{s}:{f}:{b}" for m, s, f, b, _b, _n in raa or [])
    key = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16] if key else "-"
    return {"indberetning": vaerst, "indberetning_modtagere": modtagere, "indberetning_noegle": key}


def afventende_samlet(*, jobcenter_id: int | None = ALLE) -> tuple[int, datetime.datetime | None]:
    """All recipients together: how many events wait for a batch, and when the oldest was
    registered (the health endpoint's backlog; one query on the pending events' index)."""
    r = Haendelse.objects.filter(_egne(jobcenter_id), batch__isnull=True).aggregate(
        antal=Count("id"), aeldste=Min("registreret")
    )
    return r["antal"], r["aeldste"]


# --- the engine: what is pending and what is due (every jobcentre) ------------------------

# Both read the pending-events index from its newest end. Claims take the oldest events
# first, so until vacuum runs the old end is a run of entries of claimed rows, which every
# read from that end steps over (and must look up in the table while, say, an autoanalyze
# holds an old snapshot). From the new end the first entries are live.
#
# Recipients with pending events: one index descent per recipient (a "loose index scan"),
# not a read of every pending event.
_MODTAGERE_SQL = """
WITH RECURSIVE m(modtager) AS (
    (SELECT modtager FROM indberetning_haendelse WHERE batch_id IS NULL ORDER BY modtager DESC LIMIT 1)
    UNION ALL
    SELECT (
        SELECT h.modtager FROM indberetning_haendelse AS h
        WHERE h.batch_id IS NULL AND h.modtager < m.modtager ORDER BY h.modtager DESC LIMIT 1
    ) FROM m WHERE m.modtager IS NOT NULL
)
SELECT modtager FROM m WHERE modtager IS NOT NULL ORDER BY modtager
"""

# More than ``graense`` events pending for one recipient?
_FLERE_SQL = """
SELECT EXISTS (
    SELECT 1 FROM indberetning_haendelse
    WHERE batch_id IS NULL AND modtager = %(modtager)s
    ORDER BY registreret DESC, id DESC OFFSET %(graense)s LIMIT 1
)
"""


def modtagere_med_afventende() -> list[str]:
    """Recipients with events not yet in a batch, in order."""
    with connection.cursor() as c:
        c.execute(_MODTAGERE_SQL)
        return [r[0] for r in c.fetchall()]


def flere_end_en_batch(*, modtager: str, stoerrelse: int | None = None) -> bool:
    """More events pending for ``modtager`` than one batch holds? (Events another worker is
    claiming right now still count: at worst one kick too many, which finds nothing.)"""
    with connection.cursor() as c:
        c.execute(_FLERE_SQL, {"modtager": modtager, "graense": stoerrelse or conf.batch_size()})
        return c.fetchone()[0]


def batches_forfaldne(*, straks: bool = False) -> list[uuid.UUID]:
    """Batches to send now: ``klar`` and due (any ``klar`` when ``straks``), and ``sendes``
    whose worker has not reported back in time."""
    nu = timezone.now()
    klar = Batch.objects.filter(status=Batch.Status.KLAR)
    if not straks:
        klar = klar.filter(naeste_forsoeg__lte=nu)
    haengende = Batch.objects.filter(status=Batch.Status.SENDES, sendes_til__lt=nu)
    return list(klar.union(haengende).values_list("id", flat=True))


def batch_naeste_forsoeg(*, batch_id) -> datetime.datetime | None:
    """When a batch waiting for a retry (``klar``) is due; ``None`` when it is not waiting."""
    return Batch.objects.filter(pk=batch_id, status=Batch.Status.KLAR).values_list("naeste_forsoeg", flat=True).first()


def batches_status(*, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """``{batch id: status}`` of the given batches."""
    return dict(Batch.objects.filter(pk__in=list(ids)).values_list("id", "status"))


def batches_ikke_leveret(*, ogsaa: Iterable[uuid.UUID] = ()) -> list[Batch]:
    """Batches waiting for an operator (refused or failed), and the batches ``ogsaa``."""
    return list(Batch.objects.filter(status__in=Batch.KRAEVER_HANDLING).union(Batch.objects.filter(pk__in=list(ogsaa))))
