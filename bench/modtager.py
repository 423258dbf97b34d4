"""A minimal receiver for the benchmark, run in its own process so that it does not
share the pipeline's interpreter: keeps batch ids (412 for a repeat), counts events.

    python bench/modtager.py            # prints the port it listens on, then serves
    GET /status  ->  {"batches": n, "haendelser": m, "gentagelser": k}
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

batches: set[str] = set()
haendelser = 0
gentagelser = 0
laas = threading.Lock()


class Modtager(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _svar(self, status: int, krop: bytes, type_: str = "application/xml") -> None:
        self.send_response(status)
        self.send_header("Content-Type", type_)
        self.send_header("Content-Length", str(len(krop)))
        self.end_headers()
        self.wfile.write(krop)

    def do_POST(self):
        global haendelser, gentagelser
        krop = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        batch_id = self.headers.get("X-Request-Id", "")
        with laas:
            if batch_id in batches:
                gentagelser += 1
                return self._svar(412, b"allerede modtaget")
            batches.add(batch_id)
            haendelser += krop.count(b"<haendelse ")
        self._svar(200, f'<kvittering batchId="{batch_id}"/>'.encode())

    def do_GET(self):
        with laas:
            data = {"batches": len(batches), "haendelser": haendelser, "gentagelser": gentagelser}
        self._svar(200, json.dumps(data).encode(), "application/json")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Modtager)
    print(server.server_address[1], flush=True)
    server.serve_forever()
