"""The report document: what an event carries, and the XML of one batch.

Two steps, kept apart on purpose:

1. Inside the registration transaction, registration hands over what is reported as a
   plain dict (``registrering.udgivelse.samtale_indhold``; this module checks its CPR
   number, :func:`cpr_10_cifre`), the outbox stores each recipient's part
   (``Haendelse.data``; :func:`akasse_indhold` for an a-kasse) and :func:`haendelse_xml`
   turns it into the ``haendelse`` element that will be sent (``Haendelse.xml``). A later
   correction of the conversation makes a new event; it never changes an old one.
2. :func:`dokument_byg` wraps a batch's frozen elements into one XML document valid
   against ``schemas/samtale-indberetning-v1.xsd``. It depends only on stored values (the
   batch id, its recipient, its ``oprettet`` time and the frozen elements in a fixed
   order), so a resend of a batch is byte for byte the document sent before, and
   building a batch costs no serialisation at all.

The a-kasse variant (§ 28, stk. 5) carries only :data:`AKASSE_FELTER`: the conversation
itself, what the citizen agreed to and the CV assessment (stk. 4, kontaktgruppe 1 only).
It leaves out what is DFDG's business or other people's data: the visitation (nr. 9 does
not apply to kontaktgruppe 1), the persongruppemarkering (stk. 3), the participants'
names (nr. 10) and the caseworker's free-text reason for a correction or cancellation.
"""

from __future__ import annotations

import datetime
import io
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from .models import DFDG

NAMESPACE = "urn:dk:beskaeftigelse:samtale-indberetning:1"
SKEMA = Path(__file__).resolve().parent / "schemas" / "samtale-indberetning-v1.xsd"

# The order of the ``Samtale`` sequence in the schema.
SAMTALE_FELTER = (
    "cpr",
    "jobcenter",
    "kontaktgruppe",
    "dato",
    "samtaletype",
    "samtaleform",
    "aftale",
    "saerligIndsats",
    "akasseDeltagelse",
    "praktiskeAftaler",
    "visitation",
    "persongruppemarkering",
    "cvIkkeFyldestgoerende",
    "deltager",
)

# § 28, stk. 5: what the citizen's a-kasse is given (see the module's docstring): the
# conversation without the visitation, the persongruppemarkering and the participants.
AKASSE_UDELADT = frozenset({"visitation", "persongruppemarkering", "deltager"})
AKASSE_FELTER = frozenset(SAMTALE_FELTER) - AKASSE_UDELADT

_CPR = re.compile(r"^[0-9]{10}$")  # ASCII, as the schema: \d matches every Unicode digit


class DokumentFejl(Exception):
    """The document is not valid against the schema: a fault on our side, never sent."""


# --- step 1: the frozen content of one event ------------------------------------------------


def cpr_10_cifre(cpr: str) -> str:
    """§ 28 nr. 1: always ten digits in the document (a stored dash is dropped)."""
    cifre = re.sub(r"[^0-9]", "", cpr or "")
    if not _CPR.match(cifre):
        # The message deliberately does not repeat the number.
        raise DokumentFejl("CPR-nummeret har ikke 10 cifre.")
    return cifre


def akasse_indhold(data: dict) -> dict:
    """§ 28 stk. 5: the part of an event that goes to the citizen's a-kasse."""
    return {k: v for k, v in data.items() if k in AKASSE_FELTER}


# --- step 2: the XML of one batch ---------------------------------------------------------

# Characters XML 1.0 cannot carry at all; a caseworker's pasted text may hold some.
_UGYLDIGE = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEKST = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def _t(vaerdi) -> str:
    return _UGYLDIGE.sub("", str(vaerdi)).translate(_TEKST)


def _a(vaerdi) -> str:
    return _UGYLDIGE.sub("", str(vaerdi)).translate(_ATTRIBUT)


def tidspunkt_xml(tidspunkt: datetime.datetime) -> str:
    return tidspunkt.astimezone(datetime.UTC).isoformat()


def haendelse_xml(
    *, haendelse_id, samtale_id, handling: str, sekvens: int, registreret: datetime.datetime, data: dict
) -> str:
    dele = [
        (
            f'<haendelse id="{haendelse_id}" handling="{handling}" sekvens="{int(sekvens)}" '
            f'registreret="{tidspunkt_xml(registreret)}"><samtale id="{samtale_id}">'
        )
    ]
    for felt in SAMTALE_FELTER:
        vaerdi = data.get(felt)
        if vaerdi is None:
            continue
        if felt == "visitation":
            dele.append(
                f'<visitation visitationsgruppe="{_a(vaerdi["visitationsgruppe"])}" gyldigFra="{_a(vaerdi["gyldigFra"])}"/>'
            )
        elif felt == "persongruppemarkering":
            dele.append(f'<persongruppemarkering markering="{_a(vaerdi["markering"])}" fra="{_a(vaerdi["fra"])}"/>')
        elif felt == "cvIkkeFyldestgoerende":
            dele.append(f"<cvIkkeFyldestgoerende>{'true' if vaerdi else 'false'}</cvIkkeFyldestgoerende>")
        elif felt == "deltager":
            for d in vaerdi:
                dele.append(
                    f"<deltager><navn>{_t(d['navn'])}</navn><rolle>{_t(d['rolle'])}</rolle>"
                    f"<deltagelsesform>{_t(d['deltagelsesform'])}</deltagelsesform></deltager>"
                )
        else:
            dele.append(f"<{felt}>{_t(vaerdi)}</{felt}>")
    dele.append("</samtale>")
    if data.get("begrundelse"):
        dele.append(f"<begrundelse>{_t(data['begrundelse'])}</begrundelse>")
    dele.append("</haendelse>")
    return "".join(dele)


def dokument_byg(
    *, batch_id, modtager: str, akasse_kode: str | None, dannet: datetime.datetime, haendelser: Iterable
) -> bytes:
    """One batch as one XML document (UTF-8 bytes).

    ``haendelser`` yields the frozen ``haendelse`` elements (:func:`haendelse_xml`, made
    when each event was written) in the batch's fixed order; it is consumed once, so a
    database cursor can stream it.
    """
    if modtager == DFDG:
        hoved = (
            f'<indberetning xmlns="{NAMESPACE}" batchId="{batch_id}" modtager="DFDG" dannet="{tidspunkt_xml(dannet)}">'
        )
    else:
        hoved = (
            f'<indberetning xmlns="{NAMESPACE}" batchId="{batch_id}" modtager="AKASSE" '
            f'akasseKode="{_a(akasse_kode or "")}" dannet="{tidspunkt_xml(dannet)}">'
        )
    ud = io.StringIO()
    ud.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    ud.write(hoved)
    for element in haendelser:
        ud.write(element)
    ud.write("</indberetning>\n")
    return ud.getvalue().encode("utf-8")


_lokal = threading.local()


def skema():
    """The receivers' schema, parsed once per thread (lxml validators are not shared
    between threads)."""
    s = getattr(_lokal, "skema", None)
    if s is None:
        from lxml import etree

        s = _lokal.skema = etree.XMLSchema(etree.parse(str(SKEMA)))
    return s


def dokument_valider(dokument: bytes) -> None:
    """Raise :class:`DokumentFejl` with the first error unless ``dokument`` is valid.

    libxml2 (through lxml) validates: about 60 times faster than the pure-Python
    ``xmlschema``, which the tests use as a second, independent check.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        s = skema()
        gyldig = s.validate(etree.fromstring(dokument, parser))
    except etree.XMLSyntaxError as e:
        raise DokumentFejl(f"Dokumentet er ikke velformet XML: linje {e.lineno}") from None
    if not gyldig:
        fejl = s.error_log.last_error
        # The line and the schema's reason only: the offending value may be a CPR number.
        raise DokumentFejl(
            f"Dokumentet er ikke gyldigt efter skemaet (linje {fejl.line}): {_uden_vaerdier(fejl.message)}"
        )


def _uden_vaerdier(besked: str) -> str:
    """libxml2 quotes the offending value ("The value '1234' is not accepted ..."): drop it."""
    return re.sub(r"(?i)(value) '[^']*'", r"\1 '…'", besked)
