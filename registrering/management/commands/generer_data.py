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
keys fails the whole run if a generated row broke one.

While it runs it holds exclusive locks on the tables it writes: run it on a benchmark or
development database, not under load.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import multiprocessing
import os
import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

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
KONTAKTGRUPPE_VAEGT = {"1": 26, "2": 14, "3": 8, "4": 16, "5": 4, "6": 4, "7": 2, "8": 3, "9": 8, "10": 2, "11": 5, "12": 8}
SAMTALETYPE_VAEGT = {"7": 40, "19": 14, "901": 30, "902": 40, "4": 12, "8": 3, "9": 4, "10": 5, "11": 3, "12": 5, "13": 2, "15": 4}
SAMTALEFORM_VAEGT = {"1": 50, "2": 25, "3": 2, "4": 10, "5": 11, "6": 2}
AKASSE_VAEGT_TOP = {"3F": 14, "HK": 13, "AKA": 9, "FOA": 8, "DFH": 7, "ASE": 7, "METAL": 5, "KRIFA": 5, "CA": 4}

AFTALER = [
    "Søge mindst 2 relevante job om ugen.\nOpdatere cv på Jobnet inden næste samtale.",
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
    "Cv gennemgås igen om 14 dage.",
    "Jobcentret sender mødeindkaldelse i e-Boks.",
]
DELTAGER_NAVNE = ["Karin Kofoed", "Mona Mentor", "Tariq Tolk", "Bo Bisidder", "Sanne Støtte", "Henrik Hjælper", "Pia Partsrep"]
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
    "indberetning_batch",
    "indberetning_haendelse",
    "registrering_historicalperson",
    "registrering_historicalsamtale",
    "registrering_historicaldeltager",
    "registrering_historicalvisitation",
    "registrering_historicalpersonmarkering",
]

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


def _vaegtet(vaegte: dict, tilladte) -> tuple[list, list]:
    """Codes and cumulative weights (``random.choices(cum_weights=...)`` skips summing each call)."""
    koder = [k for k in tilladte if vaegte.get(k, 1) > 0]
    return koder, list(itertools.accumulate(vaegte.get(k, 1) for k in koder))


def _uuid4(rnd: random.Random) -> str:
    """A version-4 UUID from the chunk's own generator: reproducible for a seed, and a
    fraction of the cost of ``uuid.uuid4()``."""
    x = rnd.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (0x4 << 76) | (0x2 << 62)
    h = f"{x:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _tidspunkt(dato: datetime.date, sekunder: int) -> datetime.datetime:
    # 07:00-13:00 UTC is 08:00-15:00 in Denmark in winter and summer alike, so the Danish
    # registration date is ``dato`` (§ 28 stk. 2 counts Danish days).
    return datetime.datetime(dato.year, dato.month, dato.day, 7, tzinfo=datetime.UTC) + datetime.timedelta(seconds=sekunder)


def byg_chunk(opgave: tuple[int, int, int]) -> dict:
    """Rows for persons ``start .. start+antal-1``: COPY text per table, and counts."""
    from indberetning.dokument import dokument_byg, haendelse_xml

    nr, start, antal = opgave
    k = _KONTEKST
    M = k["samtaler_pr_person"]
    # Seeded by the first index too, so a second run (which continues the indexes) gets new ids.
    rnd = random.Random(f"{k['seed']}:{start}")
    idag: datetime.date = k["idag"]
    spaend = max(730, 2 * M)
    koder = k["koder"]
    ud = {t: [] for t in COPY_KOLONNER}
    haendelser_pr_modtager: dict[str, list] = {}
    taeller = {"personer": 0, "samtaler": 0, "deltagere": 0, "visitationer": 0, "markeringer": 0, "haendelser": 0, "batches": 0, "annulleret": 0}

    kg_koder, kg_vaegte = _vaegtet(KONTAKTGRUPPE_VAEGT, k["kontaktgrupper"])
    form_koder, form_vaegte = _vaegtet(SAMTALEFORM_VAEGT, koder["samtaleform"])
    akasse_koder = list(koder["akasse"])
    akasse_vaegte = list(itertools.accumulate(AKASSE_VAEGT_TOP.get(a, 2) for a in akasse_koder))
    jc = k["jobcentre"]
    jc_vaegte = list(itertools.accumulate(v for _, _, v in jc))
    roller = list(koder["rolle"])
    deltagelse = list(koder["akasse_deltagelse"])
    markering_id = koder["markering"]["tidlig_opfoelgning_fast_track"]
    typer_pr_kg = {kg: _vaegtet(SAMTALETYPE_VAEGT, k["kontaktgrupper"][kg]["typer"]) for kg in kg_koder}

    for i in range(start, start + antal):
        cpr = cpr_for_indeks(i)
        if cpr in k["optagne"]:
            cpr = cpr_reserve(i)
            if cpr in k["optagne"]:
                continue
        person_id = _uuid4(rnd)
        kg = rnd.choices(kg_koder, cum_weights=kg_vaegte)[0]
        kg_info = k["kontaktgrupper"][kg]
        akasse = rnd.choices(akasse_koder, cum_weights=akasse_vaegte)[0] if kg_info["akasse_videregivelse"] or rnd.random() < 0.3 else None
        jc_kode, jc_id, _ = rnd.choices(jc, cum_weights=jc_vaegte)[0]
        brugere = k["brugere"][jc_kode]
        navn = rnd.choice(FORNAVNE) + (" " + rnd.choice(MELLEMNAVNE) if rnd.random() < 0.3 else "") + " " + rnd.choice(EFTERNAVNE)
        datoer = sorted(idag - datetime.timedelta(days=d) for d in rnd.sample(range(1, spaend + 1), M))
        oprettet = _tidspunkt((datoer[0] if datoer else idag) - datetime.timedelta(days=rnd.randint(1, 60)), rnd.randint(0, 21599))
        opretter = rnd.choice(brugere)
        ud["gen_person"].append(f"{person_id}\t{opretter}\n")
        akasse_felt = str(koder["akasse"][akasse]) if akasse else "\\N"
        ud["registrering_person"].append(
            f"{person_id}\t{cpr}\t{navn}\t{oprettet.isoformat()}\t{akasse_felt}\t{jc_id}\t{koder['kontaktgruppe'][kg]}\n"
        )
        taeller["personer"] += 1
        typer, type_vaegte = typer_pr_kg[kg]
        visitationsgruppe = None  # the latest registered group
        markering = None  # (fra) of the citizen's active marking

        for dato in datoer:
            samtale_id = _uuid4(rnd)
            type_kode = rnd.choices(typer, cum_weights=type_vaegte)[0]
            regel = k["regler"][type_kode]
            form = rnd.choices(form_koder, cum_weights=form_vaegte)[0]
            bruger = rnd.choice(brugere)
            registreret = _tidspunkt(dato, rnd.randint(0, 21599))
            annulleret = rnd.random() < ANDEL_ANNULLERET
            aftale = ""
            if regel["aftale"] == "bindende":
                aftale = rnd.choice(AFTALER)
            elif regel["aftale"] == "fleksjob":
                aftale = rnd.choice(FLEKSJOB_AFTALER)
            saerlig = rnd.choice(SAERLIGE_INDSATSER) if regel["saerlig_indsats"] and rnd.random() < 0.2 else ""
            deltagelse_kode = rnd.choice(deltagelse) if regel["akasse_deltagelse"] else None
            praktisk = rnd.choice(PRAKTISKE) if regel["praktiske_aftaler"] else ""
            tidlig = not annulleret and rnd.random() < ANDEL_TIDLIG
            cv = kg_info["cv_vurdering"] and rnd.random() < ANDEL_CV

            deltagere = []
            antal_d = rnd.choices((0, 1, 2), cum_weights=(50, 85, 100))[0]
            if deltagelse_kode == "deltog":
                deltagere.append((rnd.choice(DELTAGER_NAVNE), "akassekonsulent", form))
                antal_d = max(0, antal_d - 1)
            for _ in range(antal_d):
                deltagere.append((rnd.choice(DELTAGER_NAVNE), rnd.choice(roller), form if rnd.random() < 0.8 else rnd.choice(form_koder)))

            visitation = None
            if kg_info["visitationsgrupper"] and not annulleret:
                if visitationsgruppe is None or rnd.random() < ANDEL_VISITATIONSSKIFT:
                    ny = rnd.choice([g for g in kg_info["visitationsgrupper"] if g != visitationsgruppe])
                    visitation = ny
                    visitationsgruppe = ny
            ny_markering = False
            if tidlig and markering is None:
                markering = dato
                ny_markering = True

            annulleret_tid = registreret + datetime.timedelta(hours=2) if annulleret else None
            begrundelse = rnd.choice(ANNULLERINGSBEGRUNDELSER) if annulleret else ""
            ud["registrering_samtale"].append(
                "\t".join(
                    (
                        samtale_id,
                        person_id,
                        dato.isoformat(),
                        str(koder["samtaletype"][type_kode]),
                        str(koder["samtaleform"][form]),
                        regel["aftale"],
                        _felt(aftale),
                        saerlig,
                        str(koder["akasse_deltagelse"][deltagelse_kode]) if deltagelse_kode else "\\N",
                        praktisk,
                        "t" if tidlig else "f",
                        "t" if cv else "f",
                        str(jc_id),
                        str(koder["kontaktgruppe"][kg]),
                        registreret.isoformat(),
                        str(bruger),
                        "\\N",
                        annulleret_tid.isoformat() if annulleret else "\\N",
                        begrundelse,
                        "2" if annulleret else "1",
                    )
                )
                + "\n"
            )
            taeller["samtaler"] += 1
            taeller["annulleret"] += annulleret
            for d_navn, rolle, d_form in deltagere:
                ud["registrering_deltager"].append(
                    f"{samtale_id}\t{d_navn}\t{koder['rolle'][rolle]}\t{koder['deltagelsesform'][d_form]}\tt\n"
                )
            taeller["deltagere"] += len(deltagere)
            if visitation is not None:
                ud["registrering_visitation"].append(
                    f"{person_id}\t{koder['visitationsgruppe'][visitation]}\t{dato.isoformat()}\t{registreret.isoformat()}\t{bruger}\t{samtale_id}\n"
                )
                taeller["visitationer"] += 1
            if ny_markering:
                ud["registrering_personmarkering"].append(f"{person_id}\t{markering_id}\t{dato.isoformat()}\t\\N\t{samtale_id}\n")
                taeller["markeringer"] += 1

            # The report events, with the content indberetning.dokument.samtale_indhold gives.
            data = {"cpr": cpr, "dato": dato.isoformat(), "samtaletype": type_kode, "jobcenter": jc_kode, "kontaktgruppe": kg, "samtaleform": form}
            if aftale:
                data["aftale"] = aftale
            if saerlig:
                data["saerligIndsats"] = saerlig
            if praktisk:
                data["praktiskeAftaler"] = praktisk
            if deltagelse_kode:
                data["akasseDeltagelse"] = deltagelse_kode
            if visitation is not None:
                data["visitation"] = {"visitationsgruppe": visitation, "gyldigFra": dato.isoformat()}
            if tidlig and markering is not None:
                data["persongruppemarkering"] = {"markering": "tidlig_opfoelgning_fast_track", "fra": markering.isoformat()}
            if kg_info["cv_vurdering"]:
                data["cvIkkeFyldestgoerende"] = cv
            if deltagere:
                data["deltager"] = [{"navn": n, "rolle": r, "deltagelsesform": f} for n, r, f in deltagere]
            modtagere = [("dfdg", None)]
            if kg_info["akasse_videregivelse"] and akasse:
                modtagere.append((f"akasse-{akasse}", akasse))
            haendelser = [("opret", 1, registreret, data)]
            if annulleret:
                haendelser.append(
                    ("annuller", 2, annulleret_tid, {"cpr": cpr, "dato": dato.isoformat(), "samtaletype": type_kode, "begrundelse": begrundelse})
                )
            for handling, sekvens, tidspunkt, indhold in haendelser:
                for modtager, akasse_kode in modtagere:
                    if akasse_kode is not None:
                        indhold_m = {n: v for n, v in indhold.items() if n in k["akasse_felter"]}
                    else:
                        indhold_m = indhold
                    haendelse_id = _uuid4(rnd)
                    xml = haendelse_xml(
                        haendelse_id=haendelse_id, samtale_id=samtale_id, handling=handling, sekvens=sekvens, registreret=tidspunkt, data=indhold_m
                    )
                    haendelser_pr_modtager.setdefault(modtager, []).append(
                        (tidspunkt, haendelse_id, samtale_id, akasse_kode, handling, sekvens, json.dumps(indhold_m, ensure_ascii=False), xml)
                    )

    # Delivered batches of at most 500 events per recipient, in registration order.
    stoerrelse = k["batch_stoerrelse"]
    for modtager, raekker in haendelser_pr_modtager.items():
        raekker.sort(key=lambda r: (r[0], r[1]))  # as batch_dokument orders them: (registreret, id)
        for b in range(0, len(raekker), stoerrelse):
            del_ = raekker[b : b + stoerrelse]
            batch_id = _uuid4(rnd)
            akasse_kode = del_[0][3]
            oprettet = del_[-1][0] + datetime.timedelta(seconds=30)
            kvitteret = oprettet + datetime.timedelta(seconds=1)
            dokument = dokument_byg(
                batch_id=batch_id, modtager=modtager, akasse_kode=akasse_kode, dannet=oprettet, haendelser=(r[7] for r in del_)
            )
            akasse_id = str(koder["akasse"][akasse_kode]) if akasse_kode else "\\N"
            ud["indberetning_batch"].append(
                "\t".join(
                    (
                        batch_id, modtager, akasse_id, "kvitteret", str(len(del_)), oprettet.isoformat(), "1", oprettet.isoformat(),
                        "\\N", oprettet.isoformat(), "200", "", f'<kvittering batchId="{batch_id}"/>', kvitteret.isoformat(),
                        "generer_data", hashlib.sha256(dokument).hexdigest(), str(len(dokument)), "\\N", "\\N",
                    )
                )
                + "\n"
            )
            taeller["batches"] += 1
            for tidspunkt, haendelse_id, samtale_id, akasse_kode, handling, sekvens, data_json, xml in del_:
                ud["indberetning_haendelse"].append(
                    f"{haendelse_id}\t{samtale_id}\t{modtager}\t{akasse_id}\t{handling}\t{sekvens}\t{tidspunkt.isoformat()}\t"
                    f"{_felt(data_json)}\t{_felt(xml)}\t{batch_id}\n"
                )
            taeller["haendelser"] += len(del_)
    return {"tekst": {t: "".join(r).encode() for t, r in ud.items()}, "taeller": taeller}


def _init_arbejder(kontekst: dict) -> None:
    _KONTEKST.clear()
    _KONTEKST.update(kontekst)


# --- the command --------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Genererer realistiske data i stor skala (borgere, samtaler, historik, indberetninger) med COPY."

    def add_arguments(self, parser):
        parser.add_argument("--personer", type=int, default=1000, help="antal borgere (N)")
        parser.add_argument("--samtaler-pr-person", type=int, default=10, help="samtaler pr. borger (M)")
        parser.add_argument("--seed", type=int, default=1, help="frø for tilfældighederne (samme frø: samme fordeling)")
        parser.add_argument("--chunk", type=int, default=0, help="borgere pr. COPY-portion (standard: ca. 20.000 samtaler)")
        parser.add_argument("--processer", type=int, default=os.cpu_count() or 2, help="processer der bygger rækker (1: i denne proces)")
        parser.add_argument(
            "--bevar-indekser",
            action="store_true",
            help="lad indekser og fremmednøgler stå under indlæsningen (langsommere; standard er at genopbygge dem bagefter)",
        )
        parser.add_argument("--uden-demo", action="store_true", help="kør ikke demo_data først (brugere og jobcentre skal findes)")

    def handle(self, *args, **o):
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

            t0 = time.perf_counter()
            with tqdm(total=N * M, unit=" samtaler", unit_scale=True, desc="COPY", disable=N * M == 0) as bar:
                for resultat in self._byg(opgaver, kontekst, o["processer"]):
                    for tabel in COPY_RAEKKEFOELGE:
                        tekst = resultat["tekst"][tabel]
                        if not tekst:
                            continue
                        with c.copy(f"COPY {tabel} {COPY_KOLONNER[tabel]} FROM STDIN") as cp:
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
                c.execute(sql)
            tider["indekser"] = time.perf_counter() - t0
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
            "Tid: " + ", ".join(f"{n} {v:.1f} s" for n, v in tider.items()) + f"; i alt {i_alt:.1f} s"
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
               ORDER BY 1""",
            [TABELLER],
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
        noegler = c.fetchall()
        for tabel, navn, _type, _def in begraensninger:
            c.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{navn}"')
        for navn, _def in indekser:
            c.execute(f"DROP INDEX {navn}")
        for tabel, navn, _def in noegler:
            c.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{navn}"')
        # Primary keys first (the foreign keys need them), then indexes; 'u' sorts before
        # 'f' (DESC): unique constraints are back before the foreign keys.
        return (
            [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in noegler]
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
                b = m.Bruger.objects.create(username=f"bench-{kode}-{n + 1}", first_name="Bench", last_name=f"Sagsbehandler {kode}", jobcenter=jc)
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
