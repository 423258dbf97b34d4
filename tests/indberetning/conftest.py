"""Fixtures of the reporting tests: the receivers (``modtager.py``) and the settings."""

from __future__ import annotations

import pytest

from registrering.models import Akasse

from .modtager import Modtager, server


@pytest.fixture(scope="session")
def modtager_server():
    lokal = server()
    yield lokal
    lokal.clear()
    lokal.stop()


@pytest.fixture
def httpserver(modtager_server):
    """The local server with no endpoints yet; emptied again after the test."""
    modtager_server.clear()
    yield modtager_server
    modtager_server.clear()


@pytest.fixture
def dfdg(httpserver, settings):
    modtager = Modtager()
    httpserver.expect_request("/dfdg", method="POST").respond_with_handler(modtager)
    settings.INDBERETNING_DFDG_URL = httpserver.url_for("/dfdg")
    yield modtager
    modtager.slip()  # a late answer still waiting ends with the test


@pytest.fixture
def akasse(httpserver, db):
    """The a-kasse HK with an HTTP endpoint on the same local server."""
    modtager = Modtager()
    httpserver.expect_request("/akasse-hk", method="POST").respond_with_handler(modtager)
    Akasse.objects.filter(kode="HK").update(endpoint_url=httpserver.url_for("/akasse-hk"))
    yield modtager
    modtager.slip()


@pytest.fixture(autouse=True)
def drop_mappe(settings, tmp_path):
    settings.INDBERETNING_DIR = tmp_path / "drop"
    settings.INDBERETNING_HTTP_TIMEOUT = 0.5
    settings.INDBERETNING_BATCH_STOERRELSE = 500
    return settings.INDBERETNING_DIR
