"""Hardening: check --deploy, argon2, login throttling, CSP without inline scripts, sessions."""

import datetime
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
ROD = Path(__file__).resolve().parent.parent


def test_check_deploy_er_rent_under_produktionsindstillinger():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-value",
        "ALLOWED_HOSTS": "samtaler.jobcenter.dk",
    }
    res = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROD,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "no issues" in res.stdout


def test_produktion_uden_hemmelighed_stopper_med_klar_besked():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update({"DEBUG": "0", "ALLOWED_HOSTS": "x.dk"})
    res = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROD, env=env, capture_output=True, text=True, timeout=120
    )
    assert res.returncode != 0 and "SECRET_KEY skal sættes" in res.stderr


def test_kodeord_gemmes_med_argon2_og_logger_ind(client, jobcenter, settings):
    from samtaler_site import settings as indstillinger

    settings.PASSWORD_HASHERS = indstillinger.PASSWORD_HASHERS  # production's, not the tests' fast one
    bruger = factories.bruger("sara", jc=jobcenter)
    bruger.refresh_from_db()
    assert bruger.password.startswith("argon2$") and "hemmeligt-kodeord" not in bruger.password
    svar = client.post(reverse("login"), {"username": "sara", "password": "hemmeligt-kodeord"})
    assert svar.status_code == 302 and client.session["_auth_user_id"] == str(bruger.pk)


def test_sessionscookien_gaelder_8_timer_efter_login(client, jobcenter, settings):
    """The browser itself drops the session a working day after login (the server's own
    absolute limit: test_sessionen_udloeber_8_timer_efter_login_selv_med_aktivitet)."""
    factories.bruger("sara", jc=jobcenter)
    svar = client.post(reverse("login"), {"username": "sara", "password": "hemmeligt-kodeord"})
    assert svar.status_code == 302
    cookie = svar.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 8 * 3600 and cookie["httponly"]


def test_login_droesles_efter_gentagne_fejl(client, jobcenter):
    factories.bruger("sara", jc=jobcenter)
    for _ in range(4):
        assert client.post(reverse("login"), {"username": "sara", "password": "forkert"}).status_code == 200
    assert client.post(reverse("login"), {"username": "sara", "password": "forkert"}).status_code == 429
    svar = client.post(reverse("login"), {"username": "sara", "password": "hemmeligt-kodeord"})
    assert svar.status_code == 429
    assert "_auth_user_id" not in client.session


def test_csp_uden_inline_scripts(klient, jobcenter):
    person = factories.person(jc=jobcenter)
    for adresse in (
        reverse("registrering:person-soeg"),
        reverse("registrering:person-detalje", kwargs={"pk": person.pk}),
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}) + "?samtaletype=7",
    ):
        svar = klient.get(adresse)
        csp = svar["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        html = svar.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> i " + adresse
        assert not re.search(r"\son[a-z]+=", html), "inline event handler i " + adresse
        assert "<style" not in html


def test_rolle_frataget_virker_fra_naeste_forespoergsel(client, jobcenter):
    """The backend reads permissions in one query and keeps them for one request only: a
    caseworker whose role an administrator removes is refused on the very next page."""
    from django.contrib.auth.models import Group, Permission

    b = factories.bruger(jc=jobcenter)
    b.user_permissions.add(Permission.objects.get(codename="view_person"))  # one of their own, besides the role's
    person = factories.person(jc=jobcenter)
    client.force_login(b)
    url = reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk})
    assert client.get(url).status_code == 200
    b.groups.remove(Group.objects.get(name="sagsbehandler"))
    assert client.get(url).status_code == 403
    # The user's own permission still counts.
    assert client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).status_code == 200
    b.is_active = False
    b.save()
    assert (
        client.get(reverse("registrering:person-detalje", kwargs={"pk": person.pk})).status_code == 302
    )  # to the login page


# --- finding 5: throttling (ASVS 2.2.1) ----------------------------------------------------------

LOGIN = "/accounts/login/"


def login(client, brugernavn, kodeord="forkert", *, ip="203.0.113.5", **meta):
    return client.post(reverse("login"), {"username": brugernavn, "password": kodeord}, REMOTE_ADDR=ip, **meta)


class Klokke:
    """The clock the throttle and django-axes read, moved forward by the test: time passes
    without sleeping and without rewriting axes' (append-only) failure log."""

    def __init__(self, monkeypatch):
        import axes.attempts
        import axes.handlers.proxy
        from django.utils import timezone

        self.forskel = datetime.timedelta(0)
        aegte = timezone.now

        def nu():
            return aegte() + self.forskel

        self.nu = nu
        for modul in (timezone, axes.attempts, axes.handlers.proxy):
            monkeypatch.setattr(modul, "now", nu)

    def frem(self, sekunder: float) -> None:
        self.forskel += datetime.timedelta(seconds=sekunder)


@pytest.fixture
def klokke(monkeypatch):
    return Klokke(monkeypatch)


def test_credential_spraying_fra_en_adresse_bremses(client, settings, jobcenter, klokke):
    """30 usernames from one address: after LOGIN_FRIE_FEJL_PR_IP failures each attempt must
    wait longer (1, 2, 4 … s); other addresses are not affected, and it is a delay, not a lockout."""
    factories.bruger("sara", jc=jobcenter)
    svar = [login(client, f"bruger{i}").status_code for i in range(30)]
    assert svar[:20] == [200] * 20
    assert set(svar[20:]) == {429}
    bremset = login(client, "bruger31")
    assert bremset["Retry-After"] == "1" and "Vent 1 sekund" in bremset.content.decode()
    # The real user from another address logs in at once.
    assert login(client, "sara", "hemmeligt-kodeord", ip="198.51.100.9").status_code == 302
    client.logout()
    # After the wait the next attempt is tried (a failure again), and the wait doubles.
    klokke.frem(1.5)
    assert login(client, "bruger32").status_code == 200
    assert login(client, "bruger33")["Retry-After"] == "2"
    klokke.frem(2.5)
    assert login(client, "sara", "hemmeligt-kodeord").status_code == 302


def test_en_bruger_angrebet_fra_mange_adresser_bremses(client, jobcenter, klokke):
    """Per username too, across addresses (axes' lockout is per username *and* address)."""
    factories.bruger("sara", jc=jobcenter)
    for i in range(10):
        assert login(client, "sara", ip=f"203.0.113.{i + 10}").status_code == 200
    svar = login(client, "sara", ip="203.0.113.99")
    assert svar.status_code == 429 and svar["Retry-After"] == "1"
    klokke.frem(1.5)
    assert login(client, "sara", "hemmeligt-kodeord", ip="203.0.113.100").status_code == 302


def test_bag_proxyen_laaser_en_angriber_ikke_brugeren_ude_for_alle(client, settings, jobcenter):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    factories.bruger("sara", jc=jobcenter)
    proxy = {"ip": "10.0.0.1"}
    for _ in range(4):
        assert login(client, "sara", HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy).status_code == 200
    assert (
        login(client, "sara", HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy).status_code == 429
    )  # the attacker's address is locked
    # Sara herself, through the same proxy from her own address, is not.
    assert login(client, "sara", "hemmeligt-kodeord", HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy).status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


# --- issue 19, findings 3 and 4: the name Django logs in, and no lockout for everyone --------

RIGTIGT = "hemmeligt-kodeord"


def test_throttlingen_normaliserer_brugernavnet_som_login_goer(client, jobcenter, klokke):
    """Finding 3: ``sara `` and ``ｓａｒａ`` (fullwidth) log in as ``sara``, so failures sent
    under those names count against ``sara``, and attempts under them are slowed with her."""
    from axes.models import AccessFailureLog

    factories.bruger("sara", jc=jobcenter)
    for i, variant in enumerate(["sara ", " sara", "ｓａｒａ", "\tsara"]):
        assert login(client, variant, RIGTIGT, ip=f"192.0.2.{i + 1}").status_code == 302, repr(variant)
        client.logout()
    klokke.frem(24 * 3600)
    for i in range(10):
        assert login(client, "sara", ip=f"203.0.113.{i + 10}").status_code == 200
    # The eleventh failure for her, under another spelling and from a new address, must wait.
    for variant in ("sara ", "ｓａｒａ", "ｓara\n"):
        svar = login(client, variant, ip="198.51.100.77")
        assert svar.status_code == 429 and svar["Retry-After"] == "1", repr(variant)
    # Failures sent under the variants are counted (and logged) as hers.
    klokke.frem(2)
    assert login(client, "ｓａｒａ ", ip="198.51.100.78").status_code == 200
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {"sara"}
    assert login(client, "sara", ip="198.51.100.79")["Retry-After"] == "2"


def test_store_bogstaver_er_en_anden_bruger_som_ved_login(client, jobcenter, klokke):
    """Django's login is case-sensitive (``SARA`` is not ``sara``), and so is the throttle:
    failures for ``SARA`` do not slow ``sara``."""
    factories.bruger("sara", jc=jobcenter)
    assert login(client, "SARA", RIGTIGT, ip="192.0.2.1").status_code == 200
    for i in range(12):
        login(client, "SARA", ip=f"203.0.113.{i + 10}")
    assert login(client, "sara", RIGTIGT, ip="198.51.100.9").status_code == 302


def test_et_angreb_fra_mange_adresser_holder_ikke_brugeren_ude_fra_sin_egen_adresse(client, jobcenter, klokke):
    """Finding 4: one failure a minute from ever new addresses kept the real user at 429 on
    every attempt with the right password. Now her own address (she logged in from it
    recently) lets her in at once, while guessing from other addresses stays slowed."""
    factories.bruger("sara", jc=jobcenter)
    kontor = "192.0.2.50"
    assert login(client, "sara", RIGTIGT, ip=kontor).status_code == 302
    client.logout()
    klokke.frem(24 * 3600)
    for minut in range(30):
        login(client, "sara", ip=f"203.0.113.{minut + 100}")  # the attacker, once a minute
        if minut >= 15:
            # Right after an attacker's failure: Sara at her office logs in.
            assert login(client, "sara", RIGTIGT, ip=kontor).status_code == 302, minut
            client.logout()
        klokke.frem(60)
    # Guessing from a new address is slowed: a delay with Retry-After, never more than the cap.
    login(client, "sara", ip="203.0.113.200")
    svar = login(client, "sara", RIGTIGT, ip="198.51.100.20")
    assert svar.status_code == 429 and 1 <= int(svar["Retry-After"]) <= 60
    # A delay, not a lockout: after it, the right password from that new address works.
    klokke.frem(int(svar["Retry-After"]))
    assert login(client, "sara", RIGTIGT, ip="198.51.100.20").status_code == 302


def test_hoejst_100_fejlede_forsoeg_i_timen_paa_en_konto_fra_mange_adresser(client, jobcenter, klokke):
    """ASVS 2.2.1: no more than 100 failed attempts per hour on one account. An attacker with
    a new address for every attempt tries again the moment the delay allows it."""
    factories.bruger("sara", jc=jobcenter)
    start = klokke.nu()
    fejl = forsoeg = 0
    while klokke.nu() - start < datetime.timedelta(hours=1):
        forsoeg += 1
        svar = login(client, "sara", ip=f"10.{forsoeg // 65536 % 256}.{forsoeg // 256 % 256}.{forsoeg % 256}")
        if svar.status_code == 429:
            klokke.frem(int(svar["Retry-After"]))
        else:
            assert svar.status_code == 200
            fejl += 1
    assert 10 < fejl <= 100, fejl


def test_x_forwarded_for_tales_kun_fra_den_betroede_proxy(rf, settings):
    from samtaler_site.sikkerhed import klient_ip

    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.1.0.0/16"]

    def ip(remote, xff=None):
        meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": xff} if xff else {})
        return klient_ip(rf.post(LOGIN, **meta))

    assert ip("198.51.100.7", "192.0.2.1") == "198.51.100.7"  # not from the proxy: the header is the client's own
    assert ip("10.0.0.1", "192.0.2.1") == "192.0.2.1"
    # A client's own header is to the left of what the proxy appended.
    assert ip("10.0.0.1", "1.2.3.4, 192.0.2.1") == "192.0.2.1"
    assert ip("10.0.0.1", "192.0.2.1, 10.1.2.3") == "192.0.2.1"  # through two trusted proxies
    assert ip("10.0.0.1", "ikke-en-adresse") == "10.0.0.1"
    assert ip("10.0.0.1") == "10.0.0.1"


def test_proxyen_og_inaktivitetsgraensen_er_indstillinger_fra_miljoeet():
    env = {**os.environ, "TRUSTED_PROXIES": "10.9.8.7, 10.20.0.0/16", "SESSION_INAKTIV_MINUTTER": "45"}
    kode = "from django.conf import settings as s; print(s.TRUSTED_PROXIES, s.AXES_CLIENT_IP_CALLABLE, s.SESSION_INAKTIV_MINUTTER)"
    res = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", kode],
        cwd=ROD,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "['10.9.8.7', '10.20.0.0/16'] samtaler_site.sikkerhed.klient_ip 45" in res.stdout, res.stderr


# --- finding 7: idle timeout and caching (ASVS 3.3.1, 3.3.2, 8.2.1) ----------------------------


def saet_session(client, **vaerdier):
    s = client.session
    s.update(vaerdier)
    s.save()


def test_sessionen_udloeber_efter_30_minutter_uden_forespoergsler(klient, settings):
    import time

    from samtaler_site.sikkerhed import LOGGET_IND, SIDST_AKTIV

    assert settings.SESSION_INAKTIV_MINUTTER == 30
    side = reverse("registrering:person-soeg")
    assert klient.get(side).status_code == 200
    saet_session(klient, **{SIDST_AKTIV: time.time() - 29 * 60})
    assert klient.get(side).status_code == 200  # and the clock starts again
    assert time.time() - klient.session[SIDST_AKTIV] < 60
    saet_session(klient, **{SIDST_AKTIV: time.time() - 31 * 60})
    svar = klient.get(side)
    assert svar.status_code == 302 and svar["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in klient.session
    assert LOGGET_IND not in klient.session


def test_inaktivitetsgraensen_kan_indstilles(klient, settings):
    import time

    from samtaler_site.sikkerhed import SIDST_AKTIV

    settings.SESSION_INAKTIV_MINUTTER = 5
    klient.get(reverse("registrering:person-soeg"))
    saet_session(klient, **{SIDST_AKTIV: time.time() - 6 * 60})
    assert klient.get(reverse("registrering:person-soeg")).status_code == 302


def test_sessionen_udloeber_8_timer_efter_login_selv_med_aktivitet(klient):
    import time

    from samtaler_site.sikkerhed import LOGGET_IND

    side = reverse("registrering:person-soeg")
    assert klient.get(side).status_code == 200
    saet_session(klient, **{LOGGET_IND: time.time() - 8 * 3600 + 60})
    assert klient.get(side).status_code == 200
    saet_session(klient, **{LOGGET_IND: time.time() - 8 * 3600 - 1})
    assert klient.get(side).status_code == 302


def test_inaktivitet_i_en_htmx_forespoergsel_sender_hele_siden_til_login(klient):
    import time

    from samtaler_site.sikkerhed import SIDST_AKTIV

    person = factories.person()
    klient.get(reverse("registrering:person-soeg"))
    saet_session(klient, **{SIDST_AKTIV: time.time() - 31 * 60})
    svar = klient.post(
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}),
        {"_opdater": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert svar.status_code == 204 and svar["HX-Redirect"].startswith(reverse("login"))


def test_sider_og_eksporter_med_persondata_gemmes_ikke_i_cache(client, klient, jobcenter):
    person = factories.person(jc=jobcenter)
    revisor = factories.bruger("revisor", rolle="revisor")
    sider = [
        reverse("registrering:person-soeg"),
        reverse("registrering:person-detalje", kwargs={"pk": person.pk}),
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}),
    ]
    for side in sider:
        assert "no-store" in klient.get(side)["Cache-Control"], side
    assert "no-store" in klient.post(reverse("registrering:person-soeg"), {"q": "Test"})["Cache-Control"]
    client.force_login(revisor)
    for side in (
        reverse("registrering:person-historik", kwargs={"pk": person.pk}),
        reverse("registrering:person-adgangslog", kwargs={"pk": person.pk}),
    ):
        assert "no-store" in client.get(side)["Cache-Control"], side


def test_borgerens_egen_side_gemmes_ikke_i_cache(client, jobcenter):
    from registrering.models import Bruger

    person = factories.person(jc=jobcenter)
    client.force_login(Bruger.objects.create_user("bente", password="x", person=person))
    assert "no-store" in client.get(reverse("registrering:mine-samtaler"))["Cache-Control"]


# --- finding 10: read-only views (ASVS 13.1.3) ---------------------------------------------------


@pytest.mark.parametrize("metode", ["post", "put", "patch", "delete", "options"])
def test_visningssider_svarer_405_og_logger_intet_paa_andet_end_get(client, jobcenter, metode):
    from registrering.models import Adgangslog, Bruger

    person = factories.person(jc=jobcenter)
    admin = factories.bruger("admin", rolle="administrator", is_staff=True, is_superuser=True)
    borger = Bruger.objects.create_user("bente", password="x", person=person)
    sider = [
        (admin, reverse("registrering:person-detalje", kwargs={"pk": person.pk})),
        (admin, reverse("registrering:person-historik", kwargs={"pk": person.pk})),
        (admin, reverse("registrering:person-adgangslog", kwargs={"pk": person.pk})),
        (admin, reverse("registrering:forside")),
        (admin, reverse("registrering:aftale-udskriv", kwargs={"pk": person.pk})),
        (admin, reverse("indberetning:drift")),
        (borger, reverse("registrering:mine-samtaler")),
    ]
    for bruger, side in sider:
        client.force_login(bruger)
        svar = getattr(client, metode)(side)
        assert svar.status_code == 405, side
        assert set(svar["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    assert not Adgangslog.objects.exists()
    # GET and HEAD still answer (and log).
    client.force_login(admin)
    for _bruger, side in sider[:-1]:
        assert client.head(side).status_code in (200, 302), side


# --- finding 11: names outside the body (ASVS 8.3.1) --------------------------------------------


def test_borgerens_navn_staar_ikke_i_sidens_titel(client, klient, jobcenter, sagsbehandler):
    from registrering import services

    person = factories.person(jc=jobcenter, navn="Tove Titelsen")
    samtale = services.samtale_registrer(person=person, data=factories.data(), bruger=sagsbehandler).samtale
    sider = [
        reverse("registrering:person-detalje", kwargs={"pk": person.pk}),
        reverse("registrering:samtale-opret", kwargs={"person_pk": person.pk}),
        reverse("registrering:samtale-ret", kwargs={"pk": samtale.pk}),
        reverse("registrering:samtale-annuller", kwargs={"pk": samtale.pk}),
    ]
    for side in sider:
        html = klient.get(side).content.decode()
        titel = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "Tove" not in titel and "Titelsen" not in titel, side
        assert "Tove Titelsen" in html  # in the body, where it belongs
    client.force_login(factories.bruger("revisor", rolle="revisor"))
    html = client.get(reverse("registrering:person-historik", kwargs={"pk": person.pk})).content.decode()
    assert "Titelsen" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_soegeformularen_poster_saa_navnet_ikke_kommer_i_adressen(klient):
    html = klient.get(reverse("registrering:person-soeg")).content.decode()
    formular = re.search(r'<form[^>]*>(?:(?!</form>).)*name="q"', html, re.S).group(0)
    assert 'method="post"' in formular


def test_udviklingsserverens_log_har_ingen_forespoergselsstreng(caplog):
    """runserver's request line through Django's own handler and the project's LOGGING."""
    from django.core.servers.basehttp import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.requestline = "GET /borgere/?q=Tove+Titelsen HTTP/1.1"
    handler.request = None
    handler.client_address = ("127.0.0.1", 5555)
    with caplog.at_level("INFO", logger="django.server"):
        handler.log_request(200, 1234)
    (record,) = [r for r in caplog.records if r.name == "django.server"]
    assert record.getMessage() == '"GET /borgere/ HTTP/1.1" 200 1234'


def test_gunicorns_adgangslog_har_ingen_forespoergselsstreng():
    """gunicorn.conf.py's access_log_format, rendered by gunicorn's own logger."""
    import datetime
    import logging
    import runpy

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    for navn, vaerdi in runpy.run_path(str(ROD / "gunicorn.conf.py")).items():
        if navn in cfg.settings:
            cfg.set(navn, vaerdi)
    log = Logger(cfg)
    linjer = []
    handler = logging.Handler()
    handler.emit = lambda record: linjer.append(record.getMessage())
    log.access_log.handlers = [handler]

    class Svar:
        status = "200 OK"
        sent = 1234
        headers = []

    class Anmodning:
        headers = []
        method, path, query, uri, version = "GET", "/borgere/", "q=Tove+Titelsen", "/borgere/?q=Tove+Titelsen", (1, 1)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/borgere/",
        "QUERY_STRING": "q=Tove+Titelsen",
        "RAW_URI": "/borgere/?q=Tove+Titelsen",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    log.access(Svar(), Anmodning(), environ, datetime.timedelta(milliseconds=12))
    (linje,) = linjer
    assert '"GET /borgere/" 200 1234' in linje
    assert "Tove" not in linje and "q=" not in linje


# --- issue 19, finding 6: tracebacks are masked like messages ---------------------------------


def _log_fejl_med_cpr(logger_navn: str) -> logging.LogRecord:
    """A database error as psycopg words it (the CPR number in its DETAIL), raised again from
    a wrapper that names it too, logged with its traceback as Django logs a 500."""
    log = logging.getLogger(logger_navn)
    optaget = []
    handler = logging.Handler()
    handler.emit = optaget.append
    log.addHandler(handler)
    try:
        try:
            raise ValueError(
                "duplicate key value violates unique constraint\nDETAIL:  Key (cpr)=(0101901234) already exists."
            )
        except ValueError as e:
            raise RuntimeError("Oprettelse af 010190-1234 fejlede") from e
    except RuntimeError:
        log.exception("Internal Server Error: /borgere/ny/")
    finally:
        log.removeHandler(handler)
    (record,) = optaget
    return record


@pytest.mark.parametrize("logger_navn", ["django.request", "registrering", "psycopg"])
def test_tracebacks_i_loggen_viser_intet_cpr_nummer(logger_navn):
    from django.conf import settings

    record = _log_fejl_med_cpr(logger_navn)
    # What the project's console handler writes: its filters, then its formatter.
    konsol = next(h for h in logging.getLogger().handlers if any(type(f).__name__ == "UdenCpr" for f in h.filters))
    assert konsol.filter(record)
    tekst = konsol.format(record) + logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
    assert "0101901234" not in tekst and "010190-1234" not in tekst
    assert "[cpr fjernet]" in tekst and "ValueError" in tekst and "RuntimeError" in tekst and "Traceback" in tekst


# --- issue 19, finding 11: messages that name a citizen stay on the server --------------------


def test_beskeder_med_borgerens_navn_gemmes_i_sessionen_ikke_i_en_cookie(klient, jobcenter):
    svar = klient.post(
        reverse("registrering:person-opret"),
        {"cpr": factories.cpr(), "navn": "Cookie Carlsen", "kontaktgruppe": "2", "akasse": ""},
    )
    assert svar.status_code == 302
    assert "messages" not in svar.cookies
    assert all("Carlsen" not in morsel.value for morsel in svar.cookies.values())
    assert all("Carlsen" not in morsel.value for morsel in klient.cookies.values())
    side = klient.get(svar["Location"])
    assert "Borgeren Cookie Carlsen er oprettet." in side.content.decode()
    assert "messages" not in side.cookies
