"""A real OpenID Connect provider on loopback, for the tests and the local demo (never
production: it needs requirements-dev.txt).

It is oidc-provider-mock (built on authlib's server components): discovery, the
authorization endpoint with a page to pick the user, the token endpoint, signed ID
tokens (RS256, JWKS), userinfo, RP-initiated logout, and ``PUT /users/<sub>`` to set a
user's claims. A user's claims go into the ID token *after* the standard ones, so a test
can give a token a wrong ``aud``, an ``exp`` in the past or another ``nonce`` by setting
that claim: the provider still signs it with its real key.

Added here, as a real provider would have them:

* nonce required (the mock's own option);
* PKCE with S256 required: the authorization request must carry a ``code_challenge``
  (``code_challenge_method=S256``), and the token request's ``code_verifier`` must match
  it, or the code is refused (``invalid_grant``); discovery says
  ``code_challenge_methods_supported: ["S256"]``.

    python -m identitet.testudbyder --port 9400 --demo medarbejder
    python -m identitet.testudbyder --port 9401 --demo borger
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import sys
import threading
from urllib.parse import parse_qs, urlsplit

NSIS = "https://data.gov.dk/concept/core/nsis/"

# The demo users (make run-sso): the caseworkers' jobcentre and the citizen Bente Borger are
# demo_data's (kommunekode 751 Aarhus, 461 Odense; CPR 0101801234).
DEMO = {
    "medarbejder": {
        "sara.sso": {"groups": ["sagsbehandler"], "jobcenter": "751", "given_name": "Sara", "family_name": "SSO"},
        "olaf.sso": {"groups": ["sagsbehandler"], "jobcenter": "461", "given_name": "Olaf", "family_name": "SSO"},
        "tina.sso": {"groups": ["teamleder"], "jobcenter": "751", "given_name": "Tina", "family_name": "SSO"},
        "rune.sso": {"groups": ["revisor"], "jobcenter": "751", "given_name": "Rune", "family_name": "SSO"},
        "anna.sso": {"groups": ["administrator"], "jobcenter": "751", "given_name": "Anna", "family_name": "SSO"},
        "uden.rolle": {"groups": [], "jobcenter": "751", "given_name": "Uden", "family_name": "Rolle"},
        "uden.jobcenter": {"groups": ["sagsbehandler"], "given_name": "Uden", "family_name": "Jobcenter"},
    },
    "borger": {
        "bente.mitid": {
            "dk.cpr": "0101801234",
            "loa": NSIS + "Substantial",
            "identity_type": "private",
            "name": "Bente Borger",
        },
        "bente.lavt.niveau": {
            "dk.cpr": "0101801234",
            "loa": NSIS + "Low",
            "identity_type": "private",
            "name": "Bente Borger",
        },
        "ukendt.borger": {
            "dk.cpr": "0202021234",
            "loa": NSIS + "Substantial",
            "identity_type": "private",
            "name": "Ukendt Borger",
        },
    },
}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


def app(brugere: dict[str, dict] | None = None):
    import flask
    from oidc_provider_mock import User
    from oidc_provider_mock import app as mock_app

    udbyder = mock_app(
        require_nonce=True,
        user_claims=[User(sub=sub, claims=claims) for sub, claims in (brugere or {}).items()],
    )
    udfordringer: dict[str, str] = {}  # authorization code -> its PKCE code_challenge
    laas = threading.Lock()

    def fejl(beskrivelse: str):
        return flask.jsonify({"error": "invalid_grant", "error_description": beskrivelse}), 400

    @udbyder.before_request
    def kraev_pkce():
        r = flask.request
        if r.path == "/oauth2/authorize":
            if r.args.get("code_challenge_method") != "S256" or not r.args.get("code_challenge"):
                return "PKCE (code_challenge, S256) kræves", 400
        elif r.path == "/oauth2/token" and r.form.get("grant_type") == "authorization_code":
            with laas:
                udfordring = udfordringer.pop(r.form.get("code", ""), None)
            verifier = r.form.get("code_verifier", "")
            if udfordring is None or not verifier or not hmac.compare_digest(s256(verifier), udfordring):
                return fejl("PKCE: code_verifier passer ikke til code_challenge")
        return None

    @udbyder.after_request
    def husk_udfordring(svar):
        r = flask.request
        if r.path == "/oauth2/authorize" and r.method == "POST" and svar.status_code in (302, 303):
            koder = parse_qs(urlsplit(svar.headers.get("Location", "")).query).get("code")
            if koder:
                with laas:
                    udfordringer[koder[0]] = r.args["code_challenge"]
        elif r.path == "/.well-known/openid-configuration" and svar.status_code == 200:
            dokument = json.loads(svar.get_data())
            dokument["code_challenge_methods_supported"] = ["S256"]
            svar.set_data(json.dumps(dokument))
        return svar

    return udbyder


def main(argv: list[str] | None = None) -> None:
    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument("--demo", choices=sorted(DEMO), help="de foruddefinerede demo-brugere")
    parser.add_argument("--bruger", action="append", default=[], help='JSON: {"sub": ..., claims ...}')
    args = parser.parse_args(argv)
    brugere = dict(DEMO.get(args.demo, {}))
    for tekst in args.bruger:
        claims = json.loads(tekst)
        brugere[claims.pop("sub")] = claims
    # The mock logs each user's claims (a citizen's CPR number) at INFO.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = make_server("127.0.0.1", args.port, app(brugere), threaded=True)
    print(f"OpenID Connect-udbyder på http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
