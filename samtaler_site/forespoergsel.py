"""The request id of the call being served (issue 22): the API's ``X-Request-ID``, set by
``api.middleware.RequestIdMiddleware`` for the request's duration and written into every
access-log row the call writes (``registrering.services.adgang_log``). ``None`` outside
the API."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_REQUEST_ID: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)


def request_id() -> uuid.UUID | None:
    return _REQUEST_ID.get()


def saet(vaerdi: uuid.UUID | None):
    """Set the id; returns the token to reset it with (:func:`nulstil`)."""
    return _REQUEST_ID.set(vaerdi)


def nulstil(token) -> None:
    _REQUEST_ID.reset(token)
