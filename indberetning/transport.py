"""Transports: deliver one batch document to one recipient, and say how it went.

Two kinds, chosen per recipient by :func:`adresse_for`:

* HTTP(S) POST of the document with ``X-Request-Id`` = the batch id. 2xx: delivered, the
  body is the receipt. 412: the receiver already holds this id: delivered (an earlier
  attempt got through but its answer was lost). Another 4xx (and an unexpected 1xx/3xx):
  refused; the batch stops and waits for an operator. 5xx, a timeout, a refused or reset
  connection: try again later with the same id.
* A drop folder, ``INDBERETNING_DIR/<recipient>/<batchId>.xml``: written to a hidden
  temporary name in the same folder, flushed to disk and renamed with ``os.replace``, so a
  reader never sees half a file. A resend writes the same bytes to the same name. Every
  path is resolved (``..``, symbolic links) and must be a file in a folder directly under
  ``INDBERETNING_DIR`` before anything is written; otherwise nothing is written and the
  batch waits for an operator (issue 19, finding 5: the files hold CPR numbers).
  The result is ``AFLEVERET``, never ``KVITTERET``: nobody has acknowledged the file.

Nothing here logs the document or the receiver's answer (either may hold a CPR number).
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from .models import DFDG

KVITTERET = "kvitteret"  # the receiver's receipt (HTTP 2xx, or 412: it already has the id)
AFLEVERET = "afleveret"  # written whole to a drop folder: no receipt, nobody has answered
AFVIST = "afvist"
PROEV_IGEN = "proev_igen"

# What we keep of a receiver's answer: enough for the operator, bounded for the database.
MAKS_SVAR = 64 * 1024


@dataclass(frozen=True)
class Adresse:
    """Where a recipient's batches go: an URL, or a folder when ``url`` is empty."""

    url: str = ""
    mappe: Path | None = None

    def __str__(self) -> str:
        return self.url or str(self.mappe)


@dataclass(frozen=True)
class Udfald:
    resultat: str  # KVITTERET, AFLEVERET, AFVIST or PROEV_IGEN
    besked: str = ""
    kvittering: str = ""
    http_status: int | None = None


# Drop-folder files hold CPR numbers: readable by the owner and its group (the reader of
# the folder), never by everyone, whatever the process's umask.
FIL_TILSTAND = 0o640
MAPPE_TILSTAND = 0o750


def _loopback(vaert: str) -> bool:
    if vaert == "localhost":
        return True
    try:
        return ipaddress.ip_address(vaert).is_loopback
    except ValueError:
        return False


def adresse_fejl(url: str) -> str | None:
    """Why ``url`` may not receive reports (CPR numbers), or ``None`` when it may: only
    HTTPS, except a loopback address (a receiver on this machine, the tests) or when
    ``INDBERETNING_TILLAD_HTTP`` is set (test set-ups only)."""
    if not url:
        return None
    dele = urlsplit(url)
    if dele.scheme == "https" and dele.hostname:
        return None
    if (
        dele.scheme == "http"
        and dele.hostname
        and (_loopback(dele.hostname) or getattr(settings, "INDBERETNING_TILLAD_HTTP", False))
    ):
        return None
    return "Adressen skal begynde med https:// (indberetninger indeholder CPR-numre og sendes aldrig ukrypteret)."


def adresse_for(*, modtager: str, akasse=None) -> Adresse:
    """DFDG: ``INDBERETNING_DFDG_URL``; an a-kasse: its ``endpoint_url`` from the admin.
    Empty: the recipient's drop folder."""
    url = settings.INDBERETNING_DFDG_URL if modtager == DFDG else (getattr(akasse, "endpoint_url", "") or "")
    if url:
        return Adresse(url=url)
    return Adresse(mappe=Path(settings.INDBERETNING_DIR) / modtager)


def send(*, adresse: Adresse, batch_id, dokument: bytes) -> Udfald:
    if adresse.url:
        fejl = adresse_fejl(adresse.url)
        if fejl:
            # Not a refusal by the receiver: nothing left this machine. An operator must
            # correct the address; the batch waits (``fejlet`` via AFVIST without status).
            return Udfald(AFVIST, besked=f"Ikke sendt: {fejl}")
        return http_send(url=adresse.url, batch_id=batch_id, dokument=dokument)
    return mappe_send(mappe=adresse.mappe, batch_id=batch_id, dokument=dokument)


_CPR_I_TEKST = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def uden_cpr(tekst: str) -> str:
    """A receiver's message or receipt may quote a CPR number; it is shown on pages and in
    the admin and printed by the command, so the digits are masked before it is kept."""
    return _CPR_I_TEKST.sub("**********", tekst)


def _tekst(svar: bytes) -> str:
    return svar[:MAKS_SVAR].decode("utf-8", errors="replace")


def http_send(*, url: str, batch_id, dokument: bytes, timeout: float | None = None) -> Udfald:
    timeout = timeout if timeout is not None else settings.INDBERETNING_HTTP_TIMEOUT
    anmodning = urllib.request.Request(
        url,
        data=dokument,
        method="POST",
        headers={
            "Content-Type": "application/xml; charset=utf-8",
            "X-Request-Id": str(batch_id),
            "User-Agent": "samtaleregistrering-indberetning/1",
        },
    )
    try:
        # No redirects are followed for a POST: urllib raises HTTPError for 3xx here.
        with _aabner.open(anmodning, timeout=timeout) as svar:
            krop = svar.read(MAKS_SVAR + 1)
            status = svar.status
    except urllib.error.HTTPError as e:
        try:
            krop = e.read(MAKS_SVAR + 1)
        except (OSError, http.client.HTTPException):  # the body of an error answer is a courtesy
            krop = b""
        status = e.code
    except TimeoutError:
        return Udfald(PROEV_IGEN, besked=f"Intet svar inden for {timeout:g} sekunder.")
    except urllib.error.URLError as e:
        grund = e.reason
        if isinstance(grund, TimeoutError):
            return Udfald(PROEV_IGEN, besked=f"Intet svar inden for {timeout:g} sekunder.")
        return Udfald(PROEV_IGEN, besked=f"Kunne ikke forbinde: {grund}")
    except (ConnectionError, http.client.HTTPException, OSError) as e:
        return Udfald(PROEV_IGEN, besked=f"Forbindelsen blev afbrudt: {e.__class__.__name__}: {e}")

    tekst = _tekst(krop)
    if 200 <= status < 300:
        # The receipt is kept with the batch and shown in the admin: masked like messages
        # (issue 19, finding 9).
        return Udfald(KVITTERET, besked=f"HTTP {status}", kvittering=uden_cpr(tekst), http_status=status)
    if status == 412:
        # STAR's convention: a repeated request id means "already have it".
        return Udfald(
            KVITTERET,
            besked="HTTP 412: modtageren havde allerede batchen (tidligere forsøg kom frem).",
            kvittering=uden_cpr(tekst),
            http_status=status,
        )
    if 500 <= status < 600:
        return Udfald(PROEV_IGEN, besked=uden_cpr(f"HTTP {status}: {tekst}".strip()), http_status=status)
    # 4xx, and 1xx/3xx which no receiver of ours should answer: an operator must look.
    return Udfald(AFVIST, besked=uden_cpr(f"HTTP {status}: {tekst}".strip()), http_status=status)


class _IngenOmdirigering(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies from the environment (reports go straight to the receiver) and no redirects.
_aabner = urllib.request.build_opener(urllib.request.ProxyHandler({}), _IngenOmdirigering())


UDEN_FOR_DROP_MAPPEN = (
    "Ikke sendt: modtagerens drop-mappe ligger ikke direkte i INDBERETNING_DIR (ugyldig a-kassekode eller "
    "en genvej ud af mappen). Ret a-kassens kode i administrationen, og send forsendelsen igen."
)


def i_drop_mappen(sti: Path, *, dybde: int) -> bool:
    """Does ``sti``, resolved (``..`` and symbolic links), lie exactly ``dybde`` levels
    below the resolved ``INDBERETNING_DIR``? (1: a recipient's folder; 2: a file in it.)"""
    rod = Path(settings.INDBERETNING_DIR).resolve()
    loest = Path(sti).resolve()
    return len(loest.parts) == len(rod.parts) + dybde and loest.is_relative_to(rod)


def mappe_send(*, mappe: Path, batch_id, dokument: bytes) -> Udfald:
    mappe = Path(mappe)
    if not i_drop_mappen(mappe, dybde=1):
        return Udfald(AFVIST, besked=UDEN_FOR_DROP_MAPPEN)
    try:
        mappe.mkdir(mode=MAPPE_TILSTAND, parents=True, exist_ok=True)
        endelig = mappe / f"{batch_id}.xml"
        # Hidden and without the .xml ending, so a reader globbing *.xml never picks it up.
        midlertidig = mappe / f".{batch_id}.{os.getpid()}.tmp"
        # Again once the folder exists: it (or a file in it) may be a link out of the folder.
        if not all(i_drop_mappen(sti, dybde=2) for sti in (endelig, midlertidig)):
            return Udfald(AFVIST, besked=UDEN_FOR_DROP_MAPPEN)
        fd = os.open(midlertidig, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FIL_TILSTAND)
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), FIL_TILSTAND)  # also when the file was left by an earlier attempt
            f.write(dokument)
            f.flush()
            os.fsync(f.fileno())
        os.replace(midlertidig, endelig)
        _fsync_mappe(mappe)
    except OSError as e:
        return Udfald(PROEV_IGEN, besked=f"Kunne ikke skrive i drop-mappen: {e.strerror or e}")
    sha = hashlib.sha256(dokument).hexdigest()
    # Not a receipt: the file is there, and that is all this system knows.
    return Udfald(AFLEVERET, besked=f"Lagt i drop-mappen som {endelig} (sha256={sha}); ingen kvittering.")


def _fsync_mappe(mappe: Path) -> None:
    try:
        fd = os.open(mappe, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
