"""CPR numbers never appear in log records.

Citizens are addressed by UUID, so the application itself never logs a CPR number; this
filter is the second line of defence for what others log verbatim: the development
server's request lines (an integrator may call ``?q=<cpr>``), login failures (somebody
types a CPR number as username) and unexpected errors. It is attached to those loggers
in settings.LOGGING, so every handler, including test capture, sees the masked record.
"""

import logging
import re

CPR_MOENSTER = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}-?\d{4}(?!\d)")
ERSTATNING = "[cpr fjernet]"


def masker(tekst: str) -> str:
    return CPR_MOENSTER.sub(ERSTATNING, tekst)


_FORMATERING = logging.Formatter()


class UdenCpr(logging.Filter):
    """The message, the traceback (with every chained exception: a database error's DETAIL
    names the duplicate key) and the stack are masked. The traceback is formatted here,
    once, into ``exc_text``, which every ``logging.Formatter`` prints as it is, and the
    exception itself is dropped from the record, so no handler can format it again from
    the original objects (issue 19, finding 6)."""

    def filter(self, record: logging.LogRecord) -> bool:
        besked = record.getMessage()
        if CPR_MOENSTER.search(besked):
            record.msg = masker(besked)
            record.args = None
        if record.exc_info:
            record.exc_text = record.exc_text or _FORMATERING.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = masker(record.exc_text)
        if record.stack_info:
            record.stack_info = masker(record.stack_info)
        return True


_FORESPOERGSEL = re.compile(r"(\s/[^\s?]*)\?\S*")


def uden_forespoergsel(tekst: str) -> str:
    """A request line without its query string: ``GET /borgere/?q=Bente HTTP/1.1`` →
    ``GET /borgere/ HTTP/1.1``."""
    return _FORESPOERGSEL.sub(r"\1", tekst)


class UdenForespoergsel(logging.Filter):
    """The development server's request lines without query strings: an integrator's
    ``GET /borgere/?q=<name>`` names a citizen (gunicorn's access log leaves the query out
    by its format, gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (uden_forespoergsel(record.args[0]), *record.args[1:])
        elif isinstance(record.msg, str) and not record.args:
            record.msg = uden_forespoergsel(record.msg)
        return True
