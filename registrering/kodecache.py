"""Code lists and the § 28 rule table, read once per version and kept in each process.

Every registration and every registration form reads the same small tables: the code lists
behind each choice and the rule table (regler.py). They change a few times a year, from the
admin. Reading them on every request was a quarter of a registration's time (docs/ydelse.md, "Where
the time goes"), so each process keeps what it has read, under the version number that the
database gives every change of those tables (migration 0008: a statement trigger on each
table takes a new number from a sequence).

* :func:`cached` answers from the process's memory when the version is unchanged, and reads
  (and remembers) otherwise. A change committed on any machine is seen on the next request
  of every process; the cost is one query per request for the version.
* The version is read once per request (reset by Django's request signals, and by a save or
  delete of a code list or rule in the same request). Outside a request (management
  commands, the worker, tests) it is read on every call.
* The same statement reads the permissions' version (migration 0025), which
  registrering/auth.py caches each user's permissions under: a request that checks a
  permission and reads a code list pays for one statement, not two. A change of roles in
  the same request resets it too (auth.py connects :func:`forny` to those signals).
* Values are shared between requests: return tuples, frozen dataclasses and model
  instances that nobody changes, never querysets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_local = threading.local()
_lock = threading.Lock()
_data: dict[Hashable, object] = {}
_data_version: int | None = None


def _versioner() -> tuple[int, int]:
    """The code lists' version and the permissions' version, in one statement."""
    v = getattr(_local, "version", None)
    if v is None:
        with connection.cursor() as c:
            c.execute("SELECT version, rettighedsversion FROM registrering_kodeversion WHERE id = 1")
            v = tuple(c.fetchone())
        husk(v)
    return v


def laest() -> tuple[int, int] | None:
    """The versions already read in this request, or None (also outside a request)."""
    return getattr(_local, "version", None)


def husk(versioner: tuple[int, int]) -> None:
    """Keep versions read by another statement (auth.py reads them with the permissions)
    for the rest of the request."""
    if getattr(_local, "in_request", False):
        _local.version = tuple(versioner)


def version() -> int:
    """The version of the code lists and the rule table."""
    return _versioner()[0]


def rettighedsversion() -> int:
    """The version of the users' permissions (migration 0025; registrering/auth.py)."""
    return _versioner()[1]


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per version of the code lists and rules, per process."""
    global _data_version
    v = version()
    with _lock:
        if v != _data_version:
            _data.clear()
            _data_version = v
        if key in _data:
            return _data[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if _data_version == v:
            _data[key] = value
    return value


def _request_started(**kwargs) -> None:
    _local.version = None
    _local.in_request = True


def _request_finished(**kwargs) -> None:
    _local.version = None
    _local.in_request = False


def forny() -> None:
    """A change in this very request: read the (new) versions again before the next look-up."""
    _local.version = None


def _changed(sender, **kwargs) -> None:
    forny()


def connect() -> None:
    """Called from the app's ready(): the request signals and the code list models' saves."""
    from . import models

    request_started.connect(_request_started, dispatch_uid="kodecache-start")
    request_finished.connect(_request_finished, dispatch_uid="kodecache-slut")
    for model in models.VERSIONEREDE:
        post_save.connect(_changed, sender=model, dispatch_uid=f"kodecache-gem-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"kodecache-slet-{model.__name__}")


def i_kraft(raekke, dato) -> bool:
    """In force on ``dato``: both ends inclusive, an open end has no ``gyldig_til`` (the
    same test as ``GyldighedQuerySet.gyldige``)."""
    return raekke.gyldig_fra <= dato and (raekke.gyldig_til is None or raekke.gyldig_til >= dato)


def alle(model) -> dict:
    """Every entry of a code list by code, in the list's order, whatever its validity."""
    return cached(("alle", model.__name__), lambda: {o.kode: o for o in model.objects.all()})


def gyldige(model, dato) -> tuple:
    """The entries of a code list in force on ``dato``, in the list's order."""
    return tuple(o for o in alle(model).values() if i_kraft(o, dato))
