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

from registrering import services
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
    services.periode_foerste(person=p, bruger=None)  # the first period (DFDG order § 16)
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
    """The environment of the README's production steps (DEBUG=0, a secret, the hosts)."""
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


def http_svar(url: str, *, headers: dict | None = None, data: bytes | None = None, timeout: float = 10):
    """(status, headers, body) of one request, without following redirects."""
    import urllib.error
    import urllib.request

    class IngenViderestilling(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None

    aabner = urllib.request.build_opener(IngenViderestilling)
    try:
        with aabner.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=timeout) as svar:
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
