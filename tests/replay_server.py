"""A local HTTP server for open-data tests: replays recorded responses on 127.0.0.1.

Each request takes the next scripted reply (status, body, headers, delay); when the script runs
out, ``default`` answers (a function of the request, so split requests get matching data).
Every request is recorded (method, path with query, headers, body)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from asker_pipeline.opendata import jsonstat


@dataclass
class Reply:
    status: int = 200
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: dict | None


class ReplayServer:
    def __init__(self, default: Callable[[Request], Reply] | None = None):
        self.script: list[Reply] = []
        self.requests: list[Request] = []
        self.default = default or (lambda request: Reply(404, "{}"))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    self.path,
                    dict(parse_qsl(parts.query)),
                    dict(self.headers),
                    json.loads(raw) if raw else None,
                )
                server.requests.append(request)
                reply = server.script.pop(0) if server.script else server.default(request)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

            do_GET = do_POST = _handle

            def log_message(self, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/pxwebapi/v2"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _selection(request: Request) -> dict[str, list[str]]:
    if request.body:
        return {s["variableCode"]: s["valueCodes"] for s in request.body["selection"]}
    return {
        key[len("valueCodes[") : -1]: value.split(",")
        for key, value in request.params.items()
        if key.startswith("valueCodes[")
    }


def recorded_response(request: Request) -> Reply:
    """Our recorded response shape for whatever was selected: one value per cell."""
    selection = _selection(request)
    rows = pd.MultiIndex.from_product(list(selection.values()), names=list(selection)).to_frame(
        index=False
    )
    rows["value"] = [1000.0 + i for i in range(len(rows))]
    dims = {name: {"label": name, "category": {"label": {}}} for name in selection}
    doc = jsonstat.encode(rows, dims, label="test response", source="test")
    return Reply(200, json.dumps(doc), {"x-ratelimit-remaining": "29"})
