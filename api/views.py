"""The integration API's endpoints (django-ninja): thin, each one parses, calls an operation
in api/handlinger.py through the Idempotency-Key guard, and answers. CONTRACT.md
"Integration API" names the operationIds."""

from __future__ import annotations

import json
import uuid

from django.http import HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from . import handlinger, services
from .auth import KlientToken
from .problemer import PROBLEM_JSON, Problem
from .skemaer import (
    AnnullerInd,
    IdUd,
    ImportUd,
    PeriodeInd,
    PersonFindInd,
    PersonOpretInd,
    PersonUd,
    ProblemUd,
    SamtaleInd,
    SamtaleRetInd,
    SamtaleUd,
    SekvensUd,
)
from .validering import ninja_fejl

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Samme nøgle og krop igen giver det første svar; samme nøgle med en anden krop giver 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Refusals are ``application/problem+json`` (RFC 9457) in the schema as on the wire."""
        skema = super().get_openapi_schema(*args, **kwargs)
        for sti in skema["paths"].values():
            for metode, operation in sti.items():
                if metode == "post":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
                for status, svar in operation.get("responses", {}).items():
                    if int(status) >= 400 and "content" in svar:
                        svar["content"] = {PROBLEM_JSON: svar["content"]["application/json"]}
        return skema


api = Api(
    title="Samtaleregistrering",
    version="1",
    description="Integrations-API for jobcentrenes fagsystemer (docs/api.md).",
    urls_namespace="api",
    docs_url=None,  # the schema is the reference (docs/api.md); no page loading scripts from elsewhere
    auth=KlientToken(),
)

FEJL = {400: ProblemUd, 401: ProblemUd, 403: ProblemUd, 404: ProblemUd, 422: ProblemUd, 429: ProblemUd}


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return exc.svar()


@api.exception_handler(NinjaValidationError)
def _validering(request, exc):
    return ninja_fejl(exc).svar()


@api.exception_handler(AuthenticationError)
def _ikke_godkendt(request, exc):
    return Problem(
        401, "Send et adgangstoken: Authorization: Bearer <token>.", headers={"WWW-Authenticate": "Bearer"}
    ).svar()


@api.exception_handler(HttpError)
def _http_fejl(request, exc: HttpError):
    return Problem(exc.status_code, str(exc)).svar()


def _svar(request, udfoer) -> HttpResponse:
    status, krop, gentaget = services.idempotent(request, klient=request.auth, udfoer=udfoer)
    if isinstance(krop, Problem):
        return krop.svar()
    svar = HttpResponse(json.dumps(krop, ensure_ascii=False), status=status, content_type="application/json")
    if gentaget:
        svar["Idempotent-Replayed"] = "true"
    return svar


@api.post(
    "/personer/find",
    operation_id="person_find",
    response={200: PersonUd, **FEJL},
    summary="Find en borger ud fra CPR-nummeret",
)
def person_find(request, body: PersonFindInd):
    return _svar(request, lambda: handlinger.person_find(request.auth, cpr=body.cpr))


@api.post("/personer", operation_id="person_opret", response={201: IdUd, **FEJL}, summary="Opret en borger")
def person_opret(request, body: PersonOpretInd):
    return _svar(request, lambda: handlinger.person_opret(request.auth, body.model_dump()))


@api.post(
    "/personer/perioder",
    operation_id="person_perioder_importer",
    response={200: ImportUd, **FEJL},
    summary="Indlæs perioder (kontaktgruppe, a-kasse, beskyttelse) for mange borgere",
)
def person_perioder_importer(request, body: list[PeriodeInd]):
    return _svar(request, lambda: handlinger.perioder_importer(request.auth, [r.model_dump() for r in body]))


@api.post(
    "/samtaler", operation_id="samtale_registrer", response={201: SekvensUd, **FEJL}, summary="Registrér en samtale"
)
def samtale_registrer(request, body: SamtaleInd):
    return _svar(request, lambda: handlinger.samtale_registrer(request.auth, body.model_dump(mode="json")))


@api.get(
    "/samtaler/{samtale_id}", operation_id="samtale_hent", response={200: SamtaleUd, **FEJL}, summary="Hent en samtale"
)
def samtale_hent(request, samtale_id: uuid.UUID):
    return _svar(request, lambda: handlinger.samtale_hent(request.auth, samtale_id))


@api.post(
    "/samtaler/{samtale_id}/ret",
    operation_id="samtale_ret",
    response={200: SekvensUd, **FEJL, 409: ProblemUd},
    summary="Ret en samtale",
)
def samtale_ret(request, samtale_id: uuid.UUID, body: SamtaleRetInd):
    return _svar(request, lambda: handlinger.samtale_ret(request.auth, samtale_id, body.model_dump(mode="json")))


@api.post(
    "/samtaler/{samtale_id}/annuller",
    operation_id="samtale_annuller",
    response={200: SekvensUd, **FEJL, 409: ProblemUd},
    summary="Annullér en samtale",
)
def samtale_annuller(request, samtale_id: uuid.UUID, body: AnnullerInd):
    return _svar(request, lambda: handlinger.samtale_annuller(request.auth, samtale_id, body.model_dump()))
