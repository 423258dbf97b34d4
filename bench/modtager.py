"""A minimal receiver for the benchmark, run in its own process so that it does not
share the pipeline's interpreter: keeps batch ids (412 for a repeat), counts events.

    python bench/modtager.py                      # prints the port it listens on, then serves
    python bench/modtager.py 8000                 # a fixed port
    python bench/modtager.py --forsinkelse-ms 75  # each POST is answered 75 ms after its body
                                                  # arrived: a national receiver across the
                                                  # network (round trips, TLS, its own work)
    GET /status  ->  {"batches": n, "haendelser": m, "gentagelser": k}

The delay is a sleep in the request's own thread (ThreadingHTTPServer): it costs no CPU
and does not hold up other requests, like waiting on a remote system.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

batches: set[str] = set()
haendelser = 0
gentagelser = 0
laas = threading.Lock()
forsinkelse = 0.0  # seconds before a POST is answered


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
        if forsinkelse:
            time.sleep(forsinkelse)
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
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("port", nargs="?", type=int, default=0, help="port (default: any free one)")
    p.add_argument("--forsinkelse-ms", type=float, default=0, help="delay before each POST is answered (default 0)")
    a = p.parse_args()
    forsinkelse = max(0.0, a.forsinkelse_ms) / 1000
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Modtager)
    print(server.server_address[1], flush=True)
    server.serve_forever()
