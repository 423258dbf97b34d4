"""The statistics' counts per day, kept current by the database in the writing transaction.

The team lead's statistics (registrering/statistik.py) count **held** conversations: not
cancelled, counted under the jobcenter that held them (``Samtale.jobcenter``) on the day they
were held (``Samtale.dato``), by samtaletype, samtaleform and caseworker, with the agreement
counts (§ 28 nr. 5/6: of the types with an agreement, how many got one) and the citizen's
request for early follow-up (stk. 3) beside; and the visitation assessments (stk. 2) of held
conversations by visitationsgruppe. Counting them from the conversations took 3.5 s at 1
million conversations with ten team leads at once (issue 25), so the counts are kept per day:

* ``registrering_statistikdag`` holds one row per (jobcenter, day, samtaletype, samtaleform,
  caseworker) and ``registrering_statistikvisitationdag`` one per (jobcenter, day,
  visitationsgruppe). The page adds up at most a few thousand of these rows for a quarter.
* Statement triggers on ``registrering_samtale`` and ``registrering_visitation`` add each
  statement's change to them, in the same transaction: a registration, correction,
  cancellation, a withdrawn assessment and an erasure (issue 24) change the counts exactly when
  they commit, and not at all when they roll back. Every way in is covered (the services, the
  admin, a bulk import, plain SQL), because the database does it.
* Each change is counted as "what the changed rows contribute now, minus what they contributed
  before", with the rule above written once in :data:`SAMTALE_BIDRAG` and :data:`VISITATION_BIDRAG`.
  :data:`GENBEREGN_SQL` applies the same rule to every row at once (migration 0024 and
  ``generer_data`` use it; tests/registrering/test_statistiktal.py holds the kept counts equal to
  it after registrations, corrections, cancellations, withdrawn assessments and erasures).
* The functions are ``SECURITY DEFINER`` (owned by the tables' owner) and the app's database role
  may only read the two tables (samtaler_site/db_roller.py): no user can write a count.
* An erased citizen's conversations leave the counts like any deletion; their anonymous counts
  are kept in ``StatistikArkiv`` (registrering/sletning.py), which the page adds as before.
"""

from __future__ import annotations

# Every statement below is put together at import time from this module's own constants
# (table and column names, the signs 1 and -1, the transition tables' names): no value from
# a user, a request or the database reaches it, hence bandit's B608 is marked as checked.
SAMTALE_TABEL = "registrering_statistikdag"
VISITATION_TABEL = "registrering_statistikvisitationdag"
SAMTALE_NOEGLE = "jobcenter_id, dato, samtaletype_id, samtaleform_id, registreret_af_id"
VISITATION_NOEGLE = "jobcenter_id, dato, visitationsgruppe_id"

# The rule, once: what a set of conversations ``r`` contributes, with sign ``{fortegn}``.
# Held = not cancelled.
SAMTALE_BIDRAG = """
    SELECT r.jobcenter_id, r.dato, r.samtaletype_id, r.samtaleform_id, r.registreret_af_id,
           {fortegn} AS antal,
           {fortegn} * (r.aftaletype <> '')::int AS aftale_typer,
           {fortegn} * (r.aftaletype <> '' AND r.aftale <> '')::int AS aftale_med,
           {fortegn} * r.tidlig_opfoelgning::int AS tidlig
    FROM {samtaler} r WHERE r.annulleret IS NULL"""

# What the assessments ``v`` of held conversations ``r`` contribute: one per assessment, on
# its conversation's day and jobcenter.
VISITATION_BIDRAG = """
    SELECT r.jobcenter_id, r.dato, v.visitationsgruppe_id, {fortegn} AS antal
    FROM {visitationer} v JOIN {samtaler} r ON r.id = v.samtale_id WHERE r.annulleret IS NULL"""

# The columns whose change can change a conversation's contribution (its own, or its
# assessments'): compared before and after an UPDATE, so that the many updates that change
# none of them (a delivery's sequence number, say) add nothing.
SAMTALE_RELEVANT = (
    "{t}.jobcenter_id, {t}.dato, {t}.samtaletype_id, {t}.samtaleform_id, {t}.registreret_af_id, "
    "{t}.aftaletype <> '', {t}.aftale <> '', {t}.tidlig_opfoelgning, {t}.annulleret IS NULL"
)


def _tilfoej_samtaler(delta: str) -> str:
    return f"""
    INSERT INTO {SAMTALE_TABEL} AS s ({SAMTALE_NOEGLE}, antal, aftale_typer, aftale_med, tidlig)
    SELECT {SAMTALE_NOEGLE}, sum(antal), sum(aftale_typer), sum(aftale_med), sum(tidlig)
    FROM ({delta}) d GROUP BY {SAMTALE_NOEGLE} ORDER BY {SAMTALE_NOEGLE}
    ON CONFLICT ({SAMTALE_NOEGLE}) DO UPDATE SET antal = s.antal + EXCLUDED.antal,
        aftale_typer = s.aftale_typer + EXCLUDED.aftale_typer,
        aftale_med = s.aftale_med + EXCLUDED.aftale_med, tidlig = s.tidlig + EXCLUDED.tidlig;"""  # nosec B608


def _tilfoej_visitationer(delta: str) -> str:
    return f"""
    INSERT INTO {VISITATION_TABEL} AS s ({VISITATION_NOEGLE}, antal)
    SELECT {VISITATION_NOEGLE}, sum(antal) FROM ({delta}) d
    GROUP BY {VISITATION_NOEGLE} ORDER BY {VISITATION_NOEGLE}
    ON CONFLICT ({VISITATION_NOEGLE}) DO UPDATE SET antal = s.antal + EXCLUDED.antal;"""  # nosec B608


def _samtaler(fortegn: str, samtaler: str) -> str:
    return SAMTALE_BIDRAG.format(fortegn=fortegn, samtaler=samtaler)


def _visitationer(fortegn: str, samtaler: str, visitationer: str = "registrering_visitation") -> str:
    return VISITATION_BIDRAG.format(fortegn=fortegn, samtaler=samtaler, visitationer=visitationer)


def _aendrede(side: str, relevant: str) -> str:
    """The rows of ``side`` (``gammel``: before, ``ny``: after) whose relevant columns changed."""
    foer, efter = relevant.format(t="gammel"), relevant.format(t="ny")
    return f"(SELECT {side}.* FROM gammel JOIN ny ON ny.id = gammel.id WHERE ({foer}) IS DISTINCT FROM ({efter}))"  # nosec B608


_AENDREDE_SAMTALER = {t: _aendrede(t, SAMTALE_RELEVANT) for t in ("gammel", "ny")}
_AENDREDE_VISITATIONER = {t: _aendrede(t, "{t}.visitationsgruppe_id, {t}.samtale_id") for t in ("gammel", "ny")}


def _begge(del_, aendrede: dict) -> str:
    """An UPDATE's change: what the changed rows contribute after, minus before."""
    return del_("-1", aendrede["gammel"]) + " UNION ALL " + del_("1", aendrede["ny"])


def _visitationers(fortegn: str, visitationer: str) -> str:
    return _visitationer(fortegn, "registrering_samtale", visitationer)


FUNKTIONER_SQL = f"""
CREATE OR REPLACE FUNCTION samtaler_statistik_samtale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{skema}}, pg_catalog AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_tilfoej_samtaler(_samtaler("1", "ny"))}
        {_tilfoej_visitationer(_visitationer("1", "ny"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_tilfoej_samtaler(_samtaler("-1", "gammel"))}
        {_tilfoej_visitationer(_visitationer("-1", "gammel"))}
    ELSE
        {_tilfoej_samtaler(_begge(_samtaler, _AENDREDE_SAMTALER))}
        {_tilfoej_visitationer(_begge(_visitationer, _AENDREDE_SAMTALER))}
    END IF;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION samtaler_statistik_samtale() FROM PUBLIC;

CREATE OR REPLACE FUNCTION samtaler_statistik_visitation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{skema}}, pg_catalog AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_tilfoej_visitationer(_visitationers("1", "ny"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_tilfoej_visitationer(_visitationers("-1", "gammel"))}
    ELSE
        {_tilfoej_visitationer(_begge(_visitationers, _AENDREDE_VISITATIONER))}
    END IF;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION samtaler_statistik_visitation() FROM PUBLIC;

-- Every count again from the conversations and assessments (the same rule): after a bulk
-- load with the triggers off (generer_data), and to fill the tables when they are created.
CREATE OR REPLACE FUNCTION samtaler_statistik_genberegn() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{skema}}, pg_catalog AS $$
BEGIN
    DELETE FROM {SAMTALE_TABEL};
    DELETE FROM {VISITATION_TABEL};
    {_tilfoej_samtaler(_samtaler("1", "registrering_samtale"))}
    {_tilfoej_visitationer(_visitationer("1", "registrering_samtale"))}
END;
$$;
REVOKE ALL ON FUNCTION samtaler_statistik_genberegn() FROM PUBLIC;
"""  # nosec B608

# A trigger with transition tables has one event (PostgreSQL's rule), hence three per table.
TRIGGERE = {
    "registrering_samtale": "samtaler_statistik_samtale",
    "registrering_visitation": "samtaler_statistik_visitation",
}
_TABELLER = {
    "INSERT": "NEW TABLE AS ny",
    "DELETE": "OLD TABLE AS gammel",
    "UPDATE": "OLD TABLE AS gammel NEW TABLE AS ny",
}


def trigger_navne(tabel: str) -> list[str]:
    return [f"{tabel}_statistik_{haendelse.lower()}" for haendelse in _TABELLER]


TRIGGERE_SQL = "".join(
    f"""
CREATE TRIGGER {tabel}_statistik_{haendelse.lower()} AFTER {haendelse} ON {tabel}
    REFERENCING {overgang} FOR EACH STATEMENT EXECUTE FUNCTION {funktion}();"""
    for tabel, funktion in TRIGGERE.items()
    for haendelse, overgang in _TABELLER.items()
)

REVERSE_SQL = (
    "".join(f"DROP TRIGGER IF EXISTS {navn} ON {tabel};" for tabel in TRIGGERE for navn in trigger_navne(tabel))
    + "DROP FUNCTION IF EXISTS samtaler_statistik_samtale(); DROP FUNCTION IF EXISTS samtaler_statistik_visitation();"
    + "DROP FUNCTION IF EXISTS samtaler_statistik_genberegn();"
)


def funktioner_sql(skema: str) -> str:
    return FUNKTIONER_SQL.replace("{skema}", skema)


def triggere_til(slaa_til: bool) -> list[str]:
    """``ALTER TABLE`` statements that switch the count triggers off or on (the tables' owner
    only; generer_data, inside its one transaction)."""
    return [
        f"ALTER TABLE {tabel} {'ENABLE' if slaa_til else 'DISABLE'} TRIGGER {navn}"
        for tabel in TRIGGERE
        for navn in trigger_navne(tabel)
    ]
