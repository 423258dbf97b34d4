"""Realistic data at national scale, fast: ``manage.py generer_data --personer N --samtaler-pr-person M``.

What it builds, for N citizens spread over several jobcentre and all twelve kontaktgrupper:

* M held conversations each (allowed samtaletyper for the kontaktgruppe, with the agreement,
  særlig indsats, a-kasse participation or practical arrangements the rule table asks for),
  on distinct dates in the last two years, so ``samtale_en_pr_type_og_dato`` always holds;
  about 1 % cancelled (with a reason, sequence 2 and a cancellation event);
* 0–2 participants per conversation (the a-kasse's consultant at a joint jobsamtale);
* visitation histories for kontaktgruppe 2, 3 and 12 (a row only when the group changes,
  in force from the registration date, as the service does);
* a persongruppemarkering for the citizens who asked for early follow-up;
* each citizen's first period of kontaktgruppe and a-kasse (no start, DFDG order § 16);
* the django-simple-history rows of all of these (``+``, and ``~`` for a cancellation),
  with the caseworker as ``history_user``;
* the report events (``Haendelse``: DFDG always, the a-kasse for kontaktgruppe 1), with the
  frozen XML element from :func:`indberetning.dokument.haendelse_xml`, in delivered
  (``kvitteret``) batches of 500 per recipient, with the real document's SHA-256.

How it is fast: worker processes build the rows as PostgreSQL COPY text (no ORM objects),
the main process streams them with psycopg 3's ``cursor.copy``; the history rows are
copied server-side with ``INSERT … SELECT``; and, unless ``--bevar-indekser``, the
secondary indexes and the foreign keys and unique constraints of the tables written are
dropped first and rebuilt afterwards (as ``pg_restore`` does), all in one transaction:
either everything is there, indexes and validated constraints included, or nothing.
The rebuild is also the check: recreating ``samtale_en_pr_type_og_dato`` and the foreign
keys fails the whole run if a generated row broke one. ``-v 2`` prints the time of each
rebuild statement.

The rows are put together from text made once per run (:func:`_forbered`): dates and
times in ISO form, and every code and fixed text already escaped for COPY, for the XML
element and for the JSON. The events' XML and JSON are therefore not built by
``haendelse_xml`` and ``json.dumps`` row by row, but they are the same text (the tests
compare them with what the registration service writes); the batch documents are built
by ``dokument_byg`` from those elements and hashed as they are. The random draws are the
ones ``random.choices`` makes, so a seed still gives the same data. The server's COPY is
the bottleneck now (about 1.3 million events of about 1 kB per million conversations):
the workers build chunks faster than it takes them in.

While it runs it holds exclusive locks on the tables it writes: run it on a benchmark or
development database, not under load.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools
import json
import multiprocessing
import os
import random
import re
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from indberetning.models import AKASSE_PRAEFIKS, DFDG
from registrering import statistiktal
from samtaler_site.db_roller import som_ejer

# --- what the people and texts look like ----------------------------------------------------

FORNAVNE = (
    "Anne Kirsten Mette Hanne Helle Susanne Lene Maria Marianne Lone Camilla Pia Louise Charlotte Tina Gitte "
    "Bente Sofie Emma Ida Freja Amalie Laura Fatima Aisha Peter Michael Lars Jens Thomas Henrik Søren Christian "
    "Martin Jan Morten Jesper Anders Niels Mads Rasmus Mikkel Frederik Lucas Oliver Emil Ahmed Mohammed Ali Omar"
).split()
MELLEMNAVNE = "Marie Louise Kristine Elisabeth Juul Bach Holm Krogh Dam Lund Skov Vestergaard Bech".split()
EFTERNAVNE = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen Madsen "
    "Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen Mikkelsen Olesen "
    "Frederiksen Laursen Henriksen Lund Schmidt Eriksen Holm Kristiansen Clausen Simonsen Svendsen Andreasen "
    "Iversen Jeppesen Mogensen Jacobsen Hassan Ali Yilmaz Nguyen Kowalski Ahmadi"
).split()

# Kommunekode, name, weight (roughly the size of the municipality).
JOBCENTRE = [
    ("101", "Jobcenter København (bench)", 30),
    ("751", "Jobcenter Aarhus (demo)", 18),
    ("461", "Jobcenter Odense (demo)", 11),
    ("851", "Jobcenter Aalborg (bench)", 11),
    ("561", "Jobcenter Esbjerg (bench)", 6),
    ("630", "Jobcenter Vejle (bench)", 6),
    ("157", "Jobcenter Gentofte (bench)", 4),
    ("791", "Jobcenter Viborg (bench)", 5),
]
SAGSBEHANDLERE_PR_JOBCENTER = 4

# Share of citizens per kontaktgruppe (all twelve; dagpenge, kontanthjælp and sygedagpenge
# are the big ones).
KONTAKTGRUPPE_VAEGT = {
    "1": 26,
    "2": 14,
    "3": 8,
    "4": 16,
    "5": 4,
    "6": 4,
    "7": 2,
    "8": 3,
    "9": 8,
    "10": 2,
    "11": 5,
    "12": 8,
}
SAMTALETYPE_VAEGT = {
    "7": 40,
    "19": 14,
    "901": 30,
    "902": 40,
    "4": 12,
    "8": 3,
    "9": 4,
    "10": 5,
    "11": 3,
    "12": 5,
    "13": 2,
    "15": 4,
}
SAMTALEFORM_VAEGT = {"1": 50, "2": 25, "3": 2, "4": 10, "5": 11, "6": 2}
AKASSE_VAEGT_TOP = {"3F": 14, "HK": 13, "AKA": 9, "FOA": 8, "DFH": 7, "ASE": 7, "METAL": 5, "KRIFA": 5, "CA": 4}

AFTALER = [
    "Søge mindst 2 relevante job om ugen.\nOpdatere CV på Jobnet inden næste samtale.",
    "Søge 3 job om ugen inden for lager og logistik.\nDeltage i jobsøgningskursus.",
    "Deltage i virksomhedspraktik i 8 uger.\nMøde stabilt og melde afbud ved sygdom.",
    "Søge optagelse på erhvervsuddannelse til august.\nMøde i uddannelsesvejledningen.",
    "Danskundervisning 3 dage om ugen.\nSøge 2 job om ugen inden for rengøring.",
    "Deltage i mentorforløb.\nSøge job med løntilskud inden for pleje.",
]
FLEKSJOB_AFTALER = [
    "Opfølgning hver 6. måned på arbejdspladsen.",
    "Fleksjobbet fortsætter med 12 timer om ugen; opfølgning om et år.",
]
SAERLIGE_INDSATSER = ["Ekstra kontaktforløb med mentor.", "Tilbud om IPS-forløb.", "Fast kontaktperson i jobcentret."]
PRAKTISKE = [
    "Næste samtale om 4 uger.",
    "Borgeren ringer efter praktikstart.",
    "CV gennemgås igen om 14 dage.",
    "Jobcentret sender mødeindkaldelse i e-Boks.",
]
DELTAGER_NAVNE = [
    "Karin Kofoed",
    "Mona Mentor",
    "Tariq Tolk",
    "Bo Bisidder",
    "Sanne Støtte",
    "Henrik Hjælper",
    "Pia Partsrep",
]
ANNULLERINGSBEGRUNDELSER = ["Registreret på forkert borger.", "Samtalen blev aflyst.", "Dobbeltregistrering."]

ANDEL_ANNULLERET = 0.01
ANDEL_TIDLIG = 0.03
ANDEL_CV = 0.10
ANDEL_VISITATIONSSKIFT = 0.15

# Tables written; their secondary indexes and constraints are rebuilt around the load.
TABELLER = [
    "registrering_person",
    "registrering_samtale",
    "registrering_deltager",
    "registrering_visitation",
    "registrering_personmarkering",
    "registrering_personperiode",
    "indberetning_batch",
    "indberetning_haendelse",
    "registrering_historicalperson",
    "registrering_historicalsamtale",
    "registrering_historicaldeltager",
    "registrering_historicalvisitation",
    "registrering_historicalpersonmarkering",
    "registrering_historicalpersonperiode",
]

# Partial indexes left in place during the load: their predicate holds for no generated row
# (every event generated is delivered, so none waits for a batch), so COPY adds nothing to
# them, while a rebuild would read the whole event table once more for an empty index.
UROERTE_INDEKSER = ["haendelse_afventer"]

COPY_KOLONNER = {
    "gen_person": "(id, bruger_id)",
    "registrering_person": "(id, cpr, navn, oprettet, akasse_id, jobcenter_id, kontaktgruppe_id)",
    "registrering_samtale": (
        "(id, person_id, dato, samtaletype_id, samtaleform_id, aftaletype, aftale, saerlig_indsats, akasse_deltagelse_id, "
        "praktiske_aftaler, tidlig_opfoelgning, cv_ikke_fyldestgoerende, jobcenter_id, kontaktgruppe_id, registreret, "
        "registreret_af_id, rettet, annulleret, annulleringsbegrundelse, sekvens)"
    ),
    "registrering_deltager": "(samtale_id, navn, rolle_id, deltagelsesform_id, aktiv)",
    "registrering_visitation": "(person_id, visitationsgruppe_id, gyldig_fra, registreret, registreret_af_id, samtale_id)",
    "registrering_personmarkering": "(person_id, markering_id, fra, til, samtale_id)",
    "indberetning_batch": (
        "(id, modtager, akasse_id, status, antal, oprettet, forsoeg, naeste_forsoeg, sendes_til, sidst_forsoegt, "
        "sidste_http_status, sidste_besked, kvittering, kvitteret, adresse, dokument_sha256, dokument_bytes, genudsendt, genudsendt_af_id)"
    ),
    "indberetning_haendelse": "(id, samtale_id, modtager, akasse_id, handling, sekvens, registreret, data, xml, batch_id)",
}
# COPY order: nothing depends on it while the foreign keys are dropped, but with
# --bevar-indekser the (deferred) keys are checked at commit, when everything is there.
COPY_RAEKKEFOELGE = list(COPY_KOLONNER)

HISTORIK_SQL = [
    # Each citizen's first period of kontaktgruppe and a-kasse (DFDG order § 16; no start),
    # as borgere.person_opret writes it, with its history.
    """INSERT INTO registrering_personperiode (person_id, kontaktgruppe_id, akasse_id, gyldig_fra, registreret, registreret_af_id, begrundelse)
       SELECT p.id, p.kontaktgruppe_id, p.akasse_id, NULL, p.oprettet, g.bruger_id, ''
       FROM registrering_person p JOIN gen_person g ON g.id = p.id""",
    """INSERT INTO registrering_historicalpersonperiode
         (id, person_id, kontaktgruppe_id, akasse_id, gyldig_fra, registreret, registreret_af_id, begrundelse,
          history_date, history_change_reason, history_type, history_user_id)
       SELECT pp.id, pp.person_id, pp.kontaktgruppe_id, pp.akasse_id, NULL, pp.registreret, pp.registreret_af_id, '',
          pp.registreret, NULL, '+', pp.registreret_af_id
       FROM registrering_personperiode pp JOIN gen_person g ON g.id = pp.person_id""",
    # Citizens: created by a caseworker of their jobcenter.
    """INSERT INTO registrering_historicalperson
         (id, cpr, navn, history_date, history_change_reason, history_type, akasse_id, history_user_id, jobcenter_id, kontaktgruppe_id)
       SELECT p.id, p.cpr, p.navn, p.oprettet, NULL, '+', p.akasse_id, g.bruger_id, p.jobcenter_id, p.kontaktgruppe_id
       FROM registrering_person p JOIN gen_person g ON g.id = p.id""",
    # Conversations as registered (sequence 1, not cancelled) ...
    """INSERT INTO registrering_historicalsamtale
         (id, dato, aftaletype, aftale, saerlig_indsats, praktiske_aftaler, tidlig_opfoelgning, cv_ikke_fyldestgoerende,
          registreret, rettet, annulleret, annulleringsbegrundelse, sekvens, history_date, history_change_reason, history_type,
          akasse_deltagelse_id, history_user_id, registreret_af_id, jobcenter_id, kontaktgruppe_id, person_id, samtaleform_id, samtaletype_id)
       SELECT s.id, s.dato, s.aftaletype, s.aftale, s.saerlig_indsats, s.praktiske_aftaler, s.tidlig_opfoelgning, s.cv_ikke_fyldestgoerende,
          s.registreret, NULL, NULL, '', 1, s.registreret, NULL, '+',
          s.akasse_deltagelse_id, s.registreret_af_id, s.registreret_af_id, s.jobcenter_id, s.kontaktgruppe_id, s.person_id, s.samtaleform_id, s.samtaletype_id
       FROM registrering_samtale s JOIN gen_person g ON g.id = s.person_id""",
    # ... and the cancellation, with its reason.
    """INSERT INTO registrering_historicalsamtale
         (id, dato, aftaletype, aftale, saerlig_indsats, praktiske_aftaler, tidlig_opfoelgning, cv_ikke_fyldestgoerende,
          registreret, rettet, annulleret, annulleringsbegrundelse, sekvens, history_date, history_change_reason, history_type,
          akasse_deltagelse_id, history_user_id, registreret_af_id, jobcenter_id, kontaktgruppe_id, person_id, samtaleform_id, samtaletype_id)
       SELECT s.id, s.dato, s.aftaletype, s.aftale, s.saerlig_indsats, s.praktiske_aftaler, s.tidlig_opfoelgning, s.cv_ikke_fyldestgoerende,
          s.registreret, s.rettet, s.annulleret, s.annulleringsbegrundelse, s.sekvens, s.annulleret, s.annulleringsbegrundelse, '~',
          s.akasse_deltagelse_id, s.registreret_af_id, s.registreret_af_id, s.jobcenter_id, s.kontaktgruppe_id, s.person_id, s.samtaleform_id, s.samtaletype_id
       FROM registrering_samtale s JOIN gen_person g ON g.id = s.person_id
       WHERE s.annulleret IS NOT NULL""",
    """INSERT INTO registrering_historicaldeltager
         (id, navn, aktiv, history_date, history_change_reason, history_type, deltagelsesform_id, history_user_id, rolle_id, samtale_id)
       SELECT d.id, d.navn, d.aktiv, s.registreret, NULL, '+', d.deltagelsesform_id, s.registreret_af_id, d.rolle_id, d.samtale_id
       FROM registrering_deltager d JOIN registrering_samtale s ON s.id = d.samtale_id JOIN gen_person g ON g.id = s.person_id""",
    """INSERT INTO registrering_historicalvisitation
         (id, gyldig_fra, registreret, history_date, history_change_reason, history_type, history_user_id, registreret_af_id,
          person_id, samtale_id, visitationsgruppe_id)
       SELECT v.id, v.gyldig_fra, v.registreret, v.registreret, NULL, '+', v.registreret_af_id, v.registreret_af_id,
          v.person_id, v.samtale_id, v.visitationsgruppe_id
       FROM registrering_visitation v JOIN gen_person g ON g.id = v.person_id""",
    """INSERT INTO registrering_historicalpersonmarkering
         (id, fra, til, history_date, history_change_reason, history_type, history_user_id, person_id, markering_id, samtale_id)
       SELECT m.id, m.fra, m.til, s.registreret, NULL, '+', s.registreret_af_id, m.person_id, m.markering_id, m.samtale_id
       FROM registrering_personmarkering m JOIN registrering_samtale s ON s.id = m.samtale_id JOIN gen_person g ON g.id = m.person_id""",
]


# --- CPR numbers ------------------------------------------------------------------------------

CPR_FRA = datetime.date(1958, 1, 1)
CPR_DAGE = (datetime.date(1999, 12, 31) - CPR_FRA).days + 1
# Born 1958-1999 with a 7th digit 0-3 means the 1900s (the CPR office's century rule).
CPR_LOEBENUMRE = 4000
RESERVE_FRA = datetime.date(2000, 1, 1)
RESERVE_DAGE = (datetime.date(2005, 12, 31) - RESERVE_FRA).days + 1


def cpr_for_indeks(i: int) -> str:
    """A valid, unique CPR number for every index below 61 million: a real birth date
    (1958-1999) and a serial number whose 7th digit says the 1900s. Consecutive indexes get
    different birth dates; the serial is spread so they do not all end in 0000."""
    dag, runde = i % CPR_DAGE, i // CPR_DAGE
    if runde >= CPR_LOEBENUMRE:
        raise CommandError("For mange borgere til CPR-nummerrummet (61 mio.).")
    loebenr = (runde + dag * 37) % CPR_LOEBENUMRE
    return (CPR_FRA + datetime.timedelta(days=dag)).strftime("%d%m%y") + f"{loebenr:04d}"


def cpr_reserve(i: int) -> str:
    """A second space (born 2000-2005, 7th digit 4-9 = the 2000s) for the rare index whose
    number is taken already (a demo or hand-made citizen)."""
    dag, runde = i % RESERVE_DAGE, i // RESERVE_DAGE
    return (RESERVE_FRA + datetime.timedelta(days=dag)).strftime("%d%m%y") + f"{4000 + (runde * 7 + dag) % 6000:04d}"


# --- building one chunk (runs in worker processes; no database access) --------------------

_KONTEKST: dict = {}


def _felt(tekst: str) -> str:
    """A value in COPY's text format."""
    return tekst.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_UFELT = re.compile(r"\\([\\tnr])")
_UFELT_TEGN = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _ufelt(tekst: str) -> str:
    """The inverse of :func:`_felt` (the stored text of a value from its COPY form)."""
    if "\\" not in tekst:
        return tekst
    return _UFELT.sub(lambda m: _UFELT_TEGN[m[1]], tekst)


def _vaegtet(vaegte: dict, tilladte) -> tuple[list, list]:
    """Codes and cumulative weights (``random.choices(cum_weights=...)`` skips summing each call)."""
    koder = [k for k in tilladte if vaegte.get(k, 1) > 0]
    return koder, list(itertools.accumulate(vaegte.get(k, 1) for k in koder))


def _vaelger(rnd: random.Random, koder: list, kum: list):
    """``lambda: rnd.choices(koder, cum_weights=kum)[0]`` without building a list per call:
    the same draw from the same ``random()`` (so the same data for a seed)."""
    tilfaeldig, total, hoejst = rnd.random, kum[-1] + 0.0, len(koder) - 1
    return lambda: koder[bisect.bisect(kum, tilfaeldig() * total, 0, hoejst)]


_UUID_MASKE = ~(0xF << 76) & ~(0x3 << 62)
_UUID_V4 = (0x4 << 76) | (0x2 << 62)


def _uuid4_fabrik(rnd: random.Random):
    """Version-4 UUIDs from the chunk's own generator: reproducible for a seed, and a
    fraction of the cost of ``uuid.uuid4()``."""

    def uuid4(bits=rnd.getrandbits, maske=_UUID_MASKE, v4=_UUID_V4) -> str:
        h = "%032x" % (bits(128) & maske | v4)
        return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]

    return uuid4


# 07:00-13:00 UTC is 08:00-15:00 in Denmark in winter and summer alike, so the Danish
# registration date is the conversation's date (§ 28 stk. 2 counts Danish days). A
# registration is at 07:00 UTC + 0..21599 s, a cancellation two hours later.
_REGISTRERING_SEKUNDER = 21600
_ANNULLERING_EFTER = 7200


def _forbered(k: dict) -> dict:
    """What every chunk of a run shares, as ready-made text: dates and times in ISO form
    (the same text as ``isoformat()``), and each code and text escaped once for COPY, for
    the XML element (:func:`indberetning.dokument.haendelse_xml`) and for its JSON
    (``json.dumps(..., ensure_ascii=False)``), instead of once per row."""
    from indberetning import dokument

    koder = k["koder"]
    spaend = max(730, 2 * k["samtaler_pr_person"])
    idag: datetime.date = k["idag"]
    # "T07:00:00+00:00" ... "T14:59:59+00:00": datetime(..., 7, tzinfo=UTC) + seconds, isoformat()'s time part.
    tider = [
        f"T{7 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00"
        for s in range(_REGISTRERING_SEKUNDER + _ANNULLERING_EFTER)
    ]
    # Days back from today: conversations 1..spaend, a citizen created up to 60 days before the first.
    dage = [(idag - datetime.timedelta(days=d)).isoformat() for d in range(spaend + 61)]
    tekster = {""}
    for liste in (AFTALER, FLEKSJOB_AFTALER, SAERLIGE_INDSATSER, PRAKTISKE, DELTAGER_NAVNE, ANNULLERINGSBEGRUNDELSER):
        tekster.update(liste)
    for kodeliste in koder.values():
        tekster.update(str(x) for x in kodeliste)
    tekster.update(kode for kode, _, _ in k["jobcentre"])
    tekster.add("akassekonsulent")
    return {
        # True when no text holds a backslash, tab or carriage return (as here): then the
        # only escape in the XML's COPY text is a line break's \\n, and one replace undoes it.
        "kun_linjeskift": not any(t in x for x in tekster for t in "\\\t\r"),
        "tider": tider,
        "dage": dage,
        "spaend": spaend,
        "felt": {t: _felt(t) for t in tekster},  # COPY
        "xt": {t: _felt(dokument._t(t)) for t in tekster},  # XML text, then COPY
        "xa": {t: _felt(dokument._a(t)) for t in tekster},  # XML attribute, then COPY
        "js": {t: _felt(json.dumps(t, ensure_ascii=False)) for t in tekster},  # JSON string, then COPY
        "id": {n: {kode: str(v) for kode, v in d.items()} for n, d in koder.items()},
        "cpr_datoer": [(CPR_FRA + datetime.timedelta(days=d)).strftime("%d%m%y") for d in range(CPR_DAGE)],
    }


def _cpr(i: int, cpr_datoer: list) -> str:
    """:func:`cpr_for_indeks` with the birth dates formatted beforehand."""
    dag, runde = i % CPR_DAGE, i // CPR_DAGE
    if runde >= CPR_LOEBENUMRE:
        raise CommandError("For mange borgere til CPR-nummerrummet (61 mio.).")
    return f"{cpr_datoer[dag]}{(runde + dag * 37) % CPR_LOEBENUMRE:04d}"


def byg_chunk(opgave: tuple[int, int, int]) -> dict:
    """Rows for persons ``start .. start+antal-1``: COPY text per table, and counts.

    Every row is written as COPY text straight away from text made once per run
    (:func:`_forbered`); the report events' ``data`` (JSON) and ``xml`` are the same text
    :func:`indberetning.dokument.haendelse_xml` and ``json.dumps`` give for the content
    :func:`registrering.udgivelse.samtale_indhold` freezes, and each delivered batch's
    SHA-256 is that of the real document (:func:`indberetning.dokument.dokument_byg`) over
    those elements."""
    from indberetning.dokument import dokument_byg

    nr, start, antal = opgave
    k = _KONTEKST
    f = k["forberedt"]
    M = k["samtaler_pr_person"]
    # Seeded by the first index too, so a second run (which continues the indexes) gets new ids.
    rnd = random.Random(f"{k['seed']}:{start}")
    tilfaeldig, vaelg, heltal = rnd.random, rnd.choice, rnd.randint
    ny_uuid = _uuid4_fabrik(rnd)
    koder = k["koder"]
    ider = f["id"]
    tider, dage, spaend = f["tider"], f["dage"], f["spaend"]
    FELT, XT, XA, JS = f["felt"], f["xt"], f["xa"], f["js"]
    optagne, cpr_datoer = k["optagne"], f["cpr_datoer"]

    ud_gen, ud_person, ud_samtale, ud_deltager, ud_visitation, ud_markering = [], [], [], [], [], []
    # Per recipient: [(registreret, id, the COPY row up to its batch_id, the XML element as COPY text)].
    haendelser_pr_modtager: dict[str, list] = {}
    modtager_akasse: dict[str, tuple] = {}
    n_personer = n_samtaler = n_deltagere = n_visitationer = n_markeringer = n_annulleret = 0

    kg_vaelg = _vaelger(rnd, *_vaegtet(KONTAKTGRUPPE_VAEGT, k["kontaktgrupper"]))
    form_koder, form_vaegte = _vaegtet(SAMTALEFORM_VAEGT, koder["samtaleform"])
    form_vaelg = _vaelger(rnd, form_koder, form_vaegte)
    akasse_koder = list(koder["akasse"])
    akasse_vaelg = _vaelger(
        rnd, akasse_koder, list(itertools.accumulate(AKASSE_VAEGT_TOP.get(a, 2) for a in akasse_koder))
    )
    jc = k["jobcentre"]
    jc_vaelg = _vaelger(rnd, jc, list(itertools.accumulate(v for _, _, v in jc)))
    antal_d_vaelg = _vaelger(rnd, [0, 1, 2], [50, 85, 100])
    roller = list(koder["rolle"])
    deltagelse = list(koder["akasse_deltagelse"])
    markering_kode = "tidlig_opfoelgning_fast_track"
    markering_id = ider["markering"][markering_kode]
    kg_info_alle = k["kontaktgrupper"]
    type_vaelg = {kg: _vaelger(rnd, *_vaegtet(SAMTALETYPE_VAEGT, kg_info_alle[kg]["typer"])) for kg in kg_info_alle}
    # Per samtaletype: its id and rules, and the XML and JSON of its code.
    type_info = {
        t: (
            ider["samtaletype"][t],
            r["aftale"],
            r["saerlig_indsats"],
            r["akasse_deltagelse"],
            r["praktiske_aftaler"],
            XT[t],
            JS[t],
        )
        for t, r in k["regler"].items()
    }
    # The groups a visitation may change to, from each group (None: the first one).
    skift = {
        kg: {fra: [g for g in info["visitationsgrupper"] if g != fra] for fra in [None, *info["visitationsgrupper"]]}
        for kg, info in kg_info_alle.items()
    }
    aftale_xml = {a: f"<aftale>{XT[a]}</aftale>" if a else "" for a in ("", *AFTALER, *FLEKSJOB_AFTALER)}
    aftale_js = {a: f', "aftale": {JS[a]}' if a else "" for a in aftale_xml}
    saerlig_xml = {a: f"<saerligIndsats>{XT[a]}</saerligIndsats>" if a else "" for a in ("", *SAERLIGE_INDSATSER)}
    saerlig_js = {a: f', "saerligIndsats": {JS[a]}' if a else "" for a in saerlig_xml}
    praktisk_xml = {a: f"<praktiskeAftaler>{XT[a]}</praktiskeAftaler>" if a else "" for a in ("", *PRAKTISKE)}
    praktisk_js = {a: f', "praktiskeAftaler": {JS[a]}' if a else "" for a in praktisk_xml}
    deltagelse_xml = {a: f"<akasseDeltagelse>{XT[a]}</akasseDeltagelse>" if a else "" for a in (None, *deltagelse)}
    deltagelse_js = {a: f', "akasseDeltagelse": {JS[a]}' if a else "" for a in deltagelse_xml}
    deltagelse_id = {a: ider["akasse_deltagelse"][a] if a else "\\N" for a in deltagelse_xml}
    begrundelse_xml = {a: f"<begrundelse>{XT[a]}</begrundelse>" for a in ANNULLERINGSBEGRUNDELSER}
    cv_xml = {
        True: "<cvIkkeFyldestgoerende>true</cvIkkeFyldestgoerende>",
        False: "<cvIkkeFyldestgoerende>false</cvIkkeFyldestgoerende>",
    }
    cv_js = {True: ', "cvIkkeFyldestgoerende": true', False: ', "cvIkkeFyldestgoerende": false'}
    markering_xa = XA[markering_kode]
    markering_js = JS[markering_kode]

    for i in range(start, start + antal):
        cpr = _cpr(i, cpr_datoer)
        if cpr in optagne:
            cpr = cpr_reserve(i)
            if cpr in optagne:
                continue
        person_id = ny_uuid()
        kg = kg_vaelg()
        kg_info = kg_info_alle[kg]
        akasse = akasse_vaelg() if kg_info["akasse_videregivelse"] or tilfaeldig() < 0.3 else None
        jc_kode, jc_id, _ = jc_vaelg()
        brugere = k["brugere"][jc_kode]
        navn = vaelg(FORNAVNE) + (" " + vaelg(MELLEMNAVNE) if tilfaeldig() < 0.3 else "") + " " + vaelg(EFTERNAVNE)
        # Days back, oldest first (the dates in ascending order).
        dage_tilbage = sorted(rnd.sample(range(1, spaend + 1), M), reverse=True)
        oprettet = (
            dage[(dage_tilbage[0] if dage_tilbage else 0) + heltal(1, 60)]
            + tider[heltal(0, _REGISTRERING_SEKUNDER - 1)]
        )
        opretter = vaelg(brugere)
        ud_gen.append(f"{person_id}\t{opretter}\n")
        akasse_felt = ider["akasse"][akasse] if akasse else "\\N"
        kg_id = ider["kontaktgruppe"][kg]
        ud_person.append(f"{person_id}\t{cpr}\t{_felt(navn)}\t{oprettet}\t{akasse_felt}\t{jc_id}\t{kg_id}\n")
        n_personer += 1
        naeste_type = type_vaelg[kg]
        visitationsgrupper = kg_info["visitationsgrupper"]
        skift_kg = skift[kg]
        cv_vurdering = kg_info["cv_vurdering"]
        modtagere = [(DFDG, None)]
        if kg_info["akasse_videregivelse"] and akasse:
            modtagere.append((f"{AKASSE_PRAEFIKS}{akasse}", akasse))
        for modtager, akasse_kode in modtagere:
            if modtager not in haendelser_pr_modtager:
                haendelser_pr_modtager[modtager] = []
                modtager_akasse[modtager] = (akasse_kode, ider["akasse"][akasse_kode] if akasse_kode else "\\N")
        # What every conversation of the citizen starts with.
        samtale_hoved = f"\t{person_id}\t"
        samtale_fod = f"\t{jc_id}\t{kg_id}\t"
        xml_hoved = f"<cpr>{cpr}</cpr><jobcenter>{XT[jc_kode]}</jobcenter><kontaktgruppe>{XT[kg]}</kontaktgruppe><dato>"
        js_hoved = f'{{"cpr": "{cpr}", "dato": "'
        js_midte = f', "jobcenter": {JS[jc_kode]}, "kontaktgruppe": {JS[kg]}, "samtaleform": '
        visitationsgruppe = None  # the latest registered group
        markering = None  # (fra) of the citizen's active marking

        for d in dage_tilbage:
            dato = dage[d]
            samtale_id = ny_uuid()
            type_kode = naeste_type()
            type_id, aftaletype, regel_saerlig, regel_deltagelse, regel_praktisk, type_xt, type_js = type_info[
                type_kode
            ]
            form = form_vaelg()
            bruger = vaelg(brugere)
            sekunder = heltal(0, _REGISTRERING_SEKUNDER - 1)
            registreret = dato + tider[sekunder]
            annulleret = tilfaeldig() < ANDEL_ANNULLERET
            aftale = ""
            if aftaletype == "bindende":
                aftale = vaelg(AFTALER)
            elif aftaletype == "fleksjob":
                aftale = vaelg(FLEKSJOB_AFTALER)
            saerlig = vaelg(SAERLIGE_INDSATSER) if regel_saerlig and tilfaeldig() < 0.2 else ""
            deltagelse_kode = vaelg(deltagelse) if regel_deltagelse else None
            praktisk = vaelg(PRAKTISKE) if regel_praktisk else ""
            tidlig = not annulleret and tilfaeldig() < ANDEL_TIDLIG
            cv = cv_vurdering and tilfaeldig() < ANDEL_CV

            deltagere = []
            antal_d = antal_d_vaelg()
            if deltagelse_kode == "deltog":
                deltagere.append((vaelg(DELTAGER_NAVNE), "akassekonsulent", form))
                antal_d = max(0, antal_d - 1)
            for _ in range(antal_d):
                deltagere.append(
                    (vaelg(DELTAGER_NAVNE), vaelg(roller), form if tilfaeldig() < 0.8 else vaelg(form_koder))
                )

            visitation = None
            if visitationsgrupper and not annulleret:
                if visitationsgruppe is None or tilfaeldig() < ANDEL_VISITATIONSSKIFT:
                    ny = vaelg(skift_kg[visitationsgruppe])
                    visitation = ny
                    visitationsgruppe = ny
            ny_markering = False
            if tidlig and markering is None:
                markering = dato
                ny_markering = True

            annulleret_tid = dato + tider[sekunder + _ANNULLERING_EFTER] if annulleret else "\\N"
            begrundelse = vaelg(ANNULLERINGSBEGRUNDELSER) if annulleret else ""
            ud_samtale.append(
                f"{samtale_id}{samtale_hoved}{dato}\t{type_id}\t{ider['samtaleform'][form]}\t{aftaletype}\t{FELT[aftale]}\t"
                f"{FELT[saerlig]}\t{deltagelse_id[deltagelse_kode]}\t{FELT[praktisk]}\t{'t' if tidlig else 'f'}\t{'t' if cv else 'f'}"
                f"{samtale_fod}{registreret}\t{bruger}\t\\N\t{annulleret_tid}\t{FELT[begrundelse]}\t{'2' if annulleret else '1'}\n"
            )
            n_samtaler += 1
            n_annulleret += annulleret
            for d_navn, rolle, d_form in deltagere:
                ud_deltager.append(
                    f"{samtale_id}\t{FELT[d_navn]}\t{ider['rolle'][rolle]}\t{ider['deltagelsesform'][d_form]}\tt\n"
                )
            n_deltagere += len(deltagere)
            if visitation is not None:
                ud_visitation.append(
                    f"{person_id}\t{ider['visitationsgruppe'][visitation]}\t{dato}\t{registreret}\t{bruger}\t{samtale_id}\n"
                )
                n_visitationer += 1
            if ny_markering:
                ud_markering.append(f"{person_id}\t{markering_id}\t{dato}\t\\N\t{samtale_id}\n")
                n_markeringer += 1

            # The report events: the content registrering.udgivelse.samtale_indhold gives (the
            # a-kasse's without visitation, marking and participants), as JSON in its key
            # order and as the XML element haendelse_xml makes (in the schema's order).
            faelles_xml = (
                f"{xml_hoved}{dato}</dato><samtaletype>{type_xt}</samtaletype><samtaleform>{XT[form]}</samtaleform>"
                f"{aftale_xml[aftale]}{saerlig_xml[saerlig]}{deltagelse_xml[deltagelse_kode]}{praktisk_xml[praktisk]}"
            )
            faelles_js = (
                f'{js_hoved}{dato}", "samtaletype": {type_js}{js_midte}{JS[form]}'
                f"{aftale_js[aftale]}{saerlig_js[saerlig]}{praktisk_js[praktisk]}{deltagelse_js[deltagelse_kode]}"
            )
            cv_x = cv_xml[cv] if cv_vurdering else ""
            cv_j = cv_js[cv] if cv_vurdering else ""
            dfdg_xml, dfdg_js = faelles_xml, faelles_js
            if visitation is not None:
                dfdg_xml += f'<visitation visitationsgruppe="{XA[visitation]}" gyldigFra="{dato}"/>'
                dfdg_js += f', "visitation": {{"visitationsgruppe": {JS[visitation]}, "gyldigFra": "{dato}"}}'
            if tidlig and markering is not None:
                dfdg_xml += f'<persongruppemarkering markering="{markering_xa}" fra="{markering}"/>'
                dfdg_js += f', "persongruppemarkering": {{"markering": {markering_js}, "fra": "{markering}"}}'
            dfdg_xml += cv_x
            dfdg_js += cv_j
            if deltagere:
                dfdg_xml += "".join(
                    f"<deltager><navn>{XT[n]}</navn><rolle>{XT[r]}</rolle><deltagelsesform>{XT[df]}</deltagelsesform></deltager>"
                    for n, r, df in deltagere
                )
                dfdg_js += (
                    ', "deltager": ['
                    + ", ".join(
                        f'{{"navn": {JS[n]}, "rolle": {JS[r]}, "deltagelsesform": {JS[df]}}}' for n, r, df in deltagere
                    )
                    + "]"
                )
            haendelser = [
                (
                    "opret",
                    "1",
                    registreret,
                    (dfdg_xml + "</samtale>", dfdg_js + "}"),
                    (faelles_xml + cv_x + "</samtale>", faelles_js + cv_j + "}"),
                )
            ]
            if annulleret:
                a_xml = f"<cpr>{cpr}</cpr><dato>{dato}</dato><samtaletype>{type_xt}</samtaletype></samtale>"
                a_js = f'{{"cpr": "{cpr}", "dato": "{dato}", "samtaletype": {type_js}'
                haendelser.append(
                    (
                        "annuller",
                        "2",
                        annulleret_tid,
                        (a_xml + begrundelse_xml[begrundelse], f'{a_js}, "begrundelse": {JS[begrundelse]}}}'),
                        (a_xml, a_js + "}"),
                    )
                )
            for handling, sekvens, tidspunkt, (d_xml, d_js), (a_xml, a_js) in haendelser:
                for modtager, akasse_kode in modtagere:
                    if akasse_kode is None:
                        x, j, akasse_id = d_xml, d_js, "\\N"
                    else:
                        x, j, akasse_id = a_xml, a_js, modtager_akasse[modtager][1]
                    haendelse_id = ny_uuid()
                    xml = (
                        f'<haendelse id="{haendelse_id}" handling="{handling}" sekvens="{sekvens}" registreret="{tidspunkt}">'
                        f'<samtale id="{samtale_id}">{x}</haendelse>'
                    )
                    haendelser_pr_modtager[modtager].append(
                        (
                            tidspunkt,
                            haendelse_id,
                            f"{haendelse_id}\t{samtale_id}\t{modtager}\t{akasse_id}\t{handling}\t{sekvens}\t{tidspunkt}\t{j}\t{xml}\t",
                            xml,
                        )
                    )

    # Delivered batches of at most 500 events per recipient, in registration order.
    stoerrelse = k["batch_stoerrelse"]
    ufelt = (lambda t: t.replace("\\n", "\n")) if f["kun_linjeskift"] else _ufelt
    ud_batch, ud_haendelse = [], []
    n_haendelser = n_batches = 0
    for modtager, raekker in haendelser_pr_modtager.items():
        if not raekker:
            continue
        raekker.sort()  # as batch_dokument orders them: (registreret, id); the ISO times sort as the times do
        akasse_kode, akasse_id = modtager_akasse[modtager]
        for b in range(0, len(raekker), stoerrelse):
            del_ = raekker[b : b + stoerrelse]
            batch_id = ny_uuid()
            oprettet = datetime.datetime.fromisoformat(del_[-1][0]) + datetime.timedelta(seconds=30)
            kvitteret = oprettet + datetime.timedelta(seconds=1)
            # The elements are COPY text; the document holds the stored text.
            dokument = dokument_byg(
                batch_id=batch_id,
                modtager=modtager,
                akasse_kode=akasse_kode,
                dannet=oprettet,
                haendelser=(ufelt("".join([r[3] for r in del_])),),
            )
            o = oprettet.isoformat()
            ud_batch.append(
                f"{batch_id}\t{modtager}\t{akasse_id}\tkvitteret\t{len(del_)}\t{o}\t1\t{o}\t\\N\t{o}\t200\t\t"
                f'<kvittering batchId="{batch_id}"/>\t{kvitteret.isoformat()}\tgenerer_data\t{hashlib.sha256(dokument).hexdigest()}\t'
                f"{len(dokument)}\t\\N\t\\N\n"
            )
            n_batches += 1
            slut = f"{batch_id}\n"
            ud_haendelse += [r[2] + slut for r in del_]
            n_haendelser += len(del_)
    ud = {
        "gen_person": ud_gen,
        "registrering_person": ud_person,
        "registrering_samtale": ud_samtale,
        "registrering_deltager": ud_deltager,
        "registrering_visitation": ud_visitation,
        "registrering_personmarkering": ud_markering,
        "indberetning_batch": ud_batch,
        "indberetning_haendelse": ud_haendelse,
    }
    taeller = {
        "personer": n_personer,
        "samtaler": n_samtaler,
        "deltagere": n_deltagere,
        "visitationer": n_visitationer,
        "markeringer": n_markeringer,
        "haendelser": n_haendelser,
        "batches": n_batches,
        "annulleret": n_annulleret,
    }
    return {"tekst": {t: "".join(r).encode() for t, r in ud.items()}, "taeller": taeller}


def _init_arbejder(kontekst: dict) -> None:
    _KONTEKST.clear()
    _KONTEKST.update(kontekst)
    _KONTEKST["forberedt"] = _forbered(kontekst)


# --- the command --------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Genererer realistiske data i stor skala (borgere, samtaler, historik, indberetninger) med COPY."

    def add_arguments(self, parser):
        parser.add_argument("--personer", type=int, default=1000, help="antal borgere (N)")
        parser.add_argument("--samtaler-pr-person", type=int, default=10, help="samtaler pr. borger (M)")
        parser.add_argument("--seed", type=int, default=1, help="frø for tilfældighederne (samme frø: samme fordeling)")
        parser.add_argument(
            "--chunk", type=int, default=0, help="borgere pr. COPY-portion (standard: ca. 20.000 samtaler)"
        )
        parser.add_argument(
            "--processer", type=int, default=os.cpu_count() or 2, help="processer der bygger rækker (1: i denne proces)"
        )
        parser.add_argument(
            "--bevar-indekser",
            action="store_true",
            help="lad indekser og fremmednøgler stå under indlæsningen (langsommere; standard er at genopbygge dem bagefter)",
        )
        parser.add_argument(
            "--uden-demo", action="store_true", help="kør ikke demo_data først (brugere og jobcentre skal findes)"
        )

    def handle(self, *args, **o):
        # Dropping and rebuilding indexes and keys, and loading delivered history, is the
        # tables' owner's work (samtaler_site/db_roller.py), not the app role's.
        with som_ejer():
            self._generer(**o)

    def _generer(self, **o):
        from tqdm import tqdm

        N, M = o["personer"], o["samtaler_pr_person"]
        if N < 0 or M < 0:
            raise CommandError("--personer og --samtaler-pr-person skal være ≥ 0")
        t_start = time.perf_counter()
        if not o["uden_demo"]:
            call_command("demo_data", stdout=open(os.devnull, "w"))
        kontekst = self._kontekst(N, M, o["seed"])
        chunk = o["chunk"] or max(100, 20_000 // max(1, M))
        opgaver = [(nr, kontekst["start"] + s, min(chunk, N - s)) for nr, s in enumerate(range(0, N, chunk))]

        taeller: dict[str, int] = {}
        tider: dict[str, float] = {}
        with transaction.atomic():
            c = connection.connection.cursor()
            c.execute("SET LOCAL synchronous_commit = off")
            c.execute("SET LOCAL maintenance_work_mem = '512MB'")
            c.execute("SET LOCAL max_parallel_maintenance_workers = 2")
            # Check deferred keys of anything written earlier in this transaction now: a table
            # with pending trigger events cannot be altered.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute(f"LOCK TABLE {', '.join(TABELLER)} IN EXCLUSIVE MODE")
            c.execute("CREATE TEMP TABLE gen_person (id uuid PRIMARY KEY, bruger_id bigint NOT NULL)")
            genopbyg = [] if o["bevar_indekser"] else self._fjern_indekser(c)
            # The statistics' day counts (registrering/statistiktal.py) are counted once after
            # the load, by the same rule, instead of per COPY by the triggers.
            for sql in statistiktal.triggere_til(False):
                c.execute(sql)

            t0 = time.perf_counter()
            with tqdm(total=N * M, unit=" samtaler", unit_scale=True, desc="COPY", disable=N * M == 0) as bar:
                for resultat in self._byg(opgaver, kontekst, o["processer"]):
                    for tabel in COPY_RAEKKEFOELGE:
                        tekst = resultat["tekst"][tabel]
                        if not tekst:
                            continue
                        with c.copy(f"COPY {tabel} {COPY_KOLONNER[tabel]} FROM STDIN") as cp:
                            tekst = memoryview(tekst)
                            for i in range(0, len(tekst), 1 << 22):
                                cp.write(tekst[i : i + (1 << 22)])
                    for n, v in resultat["taeller"].items():
                        taeller[n] = taeller.get(n, 0) + v
                    bar.update(resultat["taeller"]["samtaler"])
            tider["COPY"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            for sql in HISTORIK_SQL:
                c.execute(sql)
            tider["historik"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            for sql in tqdm(genopbyg, desc="indekser og nøgler", unit=" stk", disable=not genopbyg):
                t1 = time.perf_counter()
                c.execute(sql)
                if o["verbosity"] >= 2:
                    self.stdout.write(f"{time.perf_counter() - t1:6.2f} s  {sql}")
            tider["indekser"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            c.execute("SELECT samtaler_statistik_genberegn()")
            for sql in statistiktal.triggere_til(True):
                c.execute(sql)
            tider["statistik"] = time.perf_counter() - t0
            c.execute("DROP TABLE gen_person")
        t0 = time.perf_counter()
        with connection.cursor() as c2:
            for tabel in TABELLER:
                c2.execute(f"ANALYZE {tabel}")
        tider["analyze"] = time.perf_counter() - t0
        i_alt = time.perf_counter() - t_start

        s = taeller.get("samtaler", 0)
        self.stdout.write(
            f"{taeller.get('personer', 0):,} borgere, {s:,} samtaler ({taeller.get('annulleret', 0):,} annulleret), "
            f"{taeller.get('deltagere', 0):,} deltagere, {taeller.get('visitationer', 0):,} visitationer, "
            f"{taeller.get('markeringer', 0):,} markeringer, {taeller.get('haendelser', 0):,} hændelser i "
            f"{taeller.get('batches', 0):,} kvitterede batches, med historik."
        )
        self.stdout.write(
            "Tid: "
            + ", ".join(f"{n} {v:.1f} s" for n, v in tider.items())
            + f"; i alt {i_alt:.1f} s"
            + (f" — {s / tider['COPY']:,.0f} samtaler/s under COPY, {s / i_alt:,.0f} samtaler/s i alt" if s else "")
        )
        self.resultat = {"taeller": taeller, "tider": tider, "i_alt": i_alt}

    def _byg(self, opgaver, kontekst, processer):
        if processer <= 1 or len(opgaver) <= 1:
            _init_arbejder(kontekst)
            for opgave in opgaver:
                yield byg_chunk(opgave)
            return
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(processer, initializer=_init_arbejder, initargs=(kontekst,)) as pool:
            yield from pool.imap_unordered(byg_chunk, opgaver)

    def _fjern_indekser(self, c) -> list[str]:
        """Drop the secondary indexes, foreign keys and unique constraints of the tables
        written; return the statements that rebuild them (indexes, then unique, then keys)."""
        c.execute(
            """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
               ORDER BY contype DESC, conname""",
            [TABELLER],
        )
        begraensninger = c.fetchall()
        c.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i
               WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
                 AND NOT i.indexrelid::regclass::text = ANY(%s)
               ORDER BY 1""",
            [TABELLER, UROERTE_INDEKSER],
        )
        indekser = c.fetchall()
        # Random UUID primary keys cost the most to maintain row by row (and a full-page
        # image in the WAL for every leaf touched after a checkpoint); those that no table
        # outside this load refers to are rebuilt afterwards as well.
        c.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint p WHERE p.conrelid = ANY(%s::regclass[]) AND p.contype = 'p'
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = p.conrelid
                                 AND NOT f.conrelid = ANY(%s::regclass[]))
               ORDER BY 1""",
            [TABELLER, TABELLER],
        )
        primary_keys = c.fetchall()
        for tabel, navn, _type, _def in begraensninger:
            c.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{navn}"')
        for navn, _def in indekser:
            c.execute(f"DROP INDEX {navn}")
        for tabel, navn, _def in primary_keys:
            c.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{navn}"')
        # Primary keys first (the foreign keys need them), then indexes; 'u' sorts before
        # 'f' (DESC): unique constraints are back before the foreign keys.
        return (
            [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in primary_keys]
            + [d for _, d in indekser]
            + [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, _, d in begraensninger]
        )

    def _kontekst(self, N: int, M: int, seed: int) -> dict:
        from django.conf import settings
        from django.contrib.auth.models import Group

        from indberetning.dokument import AKASSE_FELTER
        from registrering import models as m
        from registrering import regler, selectors

        idag = selectors.idag()
        # The rules valid on each date are the ones in force today unless an administrator
        # has dated a change inside the two years generated; the default table has none.
        koder = {
            "kontaktgruppe": dict(m.Kontaktgruppe.objects.values_list("kode", "id")),
            "samtaletype": dict(m.Samtaletype.objects.values_list("kode", "id")),
            "samtaleform": dict(m.Samtaleform.objects.gyldige(idag).values_list("kode", "id")),
            "deltagelsesform": dict(m.Deltagelsesform.objects.values_list("kode", "id")),
            "rolle": dict(m.Deltagerrolle.objects.gyldige(idag).values_list("kode", "id")),
            "visitationsgruppe": dict(m.Visitationsgruppe.objects.values_list("kode", "id")),
            "akasse_deltagelse": dict(m.AkasseDeltagelse.objects.gyldige(idag).values_list("kode", "id")),
            "markering": dict(m.Persongruppemarkering.objects.values_list("kode", "id")),
            "akasse": dict(m.Akasse.objects.gyldige(idag).values_list("kode", "id")),
        }
        kontaktgrupper = {}
        for kg in m.Kontaktgruppe.objects.gyldige(idag):
            kr = regler.kontaktgruppe_regler(kontaktgruppe=kg, dato=idag)
            typer = [t.kode for t in regler.samtaletyper_tilladte(kontaktgruppe=kg, dato=idag)]
            if typer:
                kontaktgrupper[kg.kode] = {
                    "typer": typer,
                    "visitationsgrupper": [g.kode for g in kr["visitationsgrupper"]],
                    "cv_vurdering": kr["cv_vurdering"],
                    "akasse_videregivelse": kr["akasse_videregivelse"],
                }
        regler_pr_type = {}
        for r in m.SamtaletypeRegel.objects.gyldige(idag).select_related("samtaletype").order_by("gyldig_fra"):
            regler_pr_type[r.samtaletype.kode] = {
                "aftale": r.aftale,
                "saerlig_indsats": r.saerlig_indsats,
                "akasse_deltagelse": r.akasse_deltagelse,
                "praktiske_aftaler": r.praktiske_aftaler,
            }

        # Jobcentre and their caseworkers (the demo ones where they exist; no password for the others).
        gruppe = Group.objects.get(name="sagsbehandler")
        jobcentre, brugere = [], {}
        for kode, navn, vaegt in JOBCENTRE:
            jc, _ = m.Jobcenter.objects.get_or_create(kode=kode, defaults={"navn": navn})
            ids = list(m.Bruger.objects.filter(jobcenter=jc, groups=gruppe).order_by("id").values_list("id", flat=True))
            for n in range(len(ids), SAGSBEHANDLERE_PR_JOBCENTER):
                b = m.Bruger.objects.create(
                    username=f"bench-{kode}-{n + 1}",
                    first_name="Bench",
                    last_name=f"Sagsbehandler {kode}",
                    jobcenter=jc,
                )
                b.set_unusable_password()
                b.save(update_fields=["password"])
                b.groups.add(gruppe)
                ids.append(b.id)
            jobcentre.append((kode, jc.id, vaegt))
            brugere[kode] = ids

        return {
            "samtaler_pr_person": M,
            "seed": seed,
            "idag": idag,
            "koder": koder,
            "kontaktgrupper": kontaktgrupper,
            "regler": regler_pr_type,
            "jobcentre": jobcentre,
            "brugere": brugere,
            "akasse_felter": AKASSE_FELTER,
            "batch_stoerrelse": settings.INDBERETNING_BATCH_STOERRELSE,
            # A new run continues the index sequence, and steps around numbers already taken.
            "start": m.Person.objects.count(),
            "optagne": set(m.Person.objects.values_list("cpr", flat=True)),
        }
