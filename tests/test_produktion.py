"""The production path of docs/drift.md, for real: ``collectstatic --noinput`` with DEBUG=0, then
``gunicorn -c gunicorn.conf.py samtaler_site.wsgi`` serving pages and their static files
through the manifest storage (whitenoise) behind a TLS proxy (``X-Forwarded-Proto``).
The browser walk through the same server is tests/browser/test_produktion.py."""

import json
import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db
HTTPS = {"X-Forwarded-Proto": "https"}
STATISK = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def produktion(tmp_path_factory, django_db_setup):
    from django.db import connection

    mappe = tmp_path_factory.mktemp("produktion")
    env = factories.produktion_env(
        database_url=factories.database_url(connection.settings_dict),
        static_root=mappe / "static",
        INDBERETNING_DIR=mappe / "drop",
    )
    factories.collectstatic(env)
    proces, url = factories.gunicorn(env, mappe / "gunicorn.log")
    yield url, mappe / "static"
    proces.stop()


def test_collectstatic_laver_manifest_uden_manglende_filer(produktion):
    _, static = produktion
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    for fil in (
        "vendor/bootstrap.bundle.min.js",
        "vendor/bootstrap.min.css",
        "vendor/htmx.min.js",
        "css/app.css",
        "js/app.js",
    ):
        assert fil in manifest
    for fil in (static / "vendor").glob("*.*"):
        if fil.suffix in (".js", ".css"):
            assert b"sourceMappingURL" not in fil.read_bytes(), fil.name  # no reference to a file not shipped


@pytest.mark.parametrize("sti,status", [("/accounts/login/", 200), ("/findes-ikke/", 404)])
def test_gunicorn_med_debug_0_viser_danske_sider_med_deres_statiske_filer(produktion, sti, status):
    url, _ = produktion
    kode, _, krop = factories.http_svar(url + sti, headers=HTTPS)
    assert kode == status
    html = krop.decode()
    assert '<html lang="da">' in html and "Samtaleregistrering" in html
    filer = STATISK.findall(html)
    for navn in ("vendor/bootstrap.min.", "css/app.", "vendor/htmx.min.", "vendor/bootstrap.bundle.min.", "js/app."):
        assert any(f.startswith("/static/" + navn) for f in filer), (navn, filer)
    for fil in filer:
        assert re.search(r"\.[0-9a-f]{12}\.(js|css)$", fil), f"{fil} er ikke fra manifestet"
        kode, headers, indhold = factories.http_svar(url + fil, headers=HTTPS)
        assert kode == 200 and indhold, fil
        assert headers["Content-Type"].startswith("text/css" if fil.endswith(".css") else "text/javascript")
        assert "immutable" in headers.get("Cache-Control", "")


def test_gunicorn_videresender_http_til_https_men_ikke_sundhed(produktion):
    url, _ = produktion
    kode, headers, _ = factories.http_svar(url + "/accounts/login/")
    assert kode == 301 and headers["Location"].startswith("https://")
    kode, _, krop = factories.http_svar(url + "/sundhed/")
    assert kode == 200 and json.loads(krop) == {"status": "ok"}  # anonymous: the status only
