"""A local HTTP server for open-data tests: replays recorded responses on 127.0.0.1.

Each request takes the next scripted reply (status, body, headers, delay); when the script runs
out, ``default`` answers (a function of the request, so split requests get matching data).
``GET /config`` (the client's connectivity probe) is answered by ``config`` and takes nothing
from the script. Every request is recorded (method, path with query, headers, body, and when
it arrived, for measuring waits on the server's side)."""

from __future__ import annotations

import json
import socket
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
    at: float = 0.0  # time.monotonic() on arrival

    @property
    def is_probe(self) -> bool:
        return urlsplit(self.path).path.endswith("/config")


class ReplayServer:
    def __init__(self, default: Callable[[Request], Reply] | None = None):
        self.script: list[Reply] = []
        self.requests: list[Request] = []
        self.default = default or (lambda request: Reply(404, "{}"))
        self.config = Reply(200, json.dumps({"apiVersion": "2.0.0", "maxDataCells": 800000}))
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
                    time.monotonic(),
                )
                server.requests.append(request)
                if request.is_probe:
                    reply = server.config
                else:
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
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )  # shutdown() waits up to one poll interval

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def data_requests(self) -> list[Request]:
        """Requests other than the connectivity probe."""
        return [r for r in self.requests if not r.is_probe]


def _selection(request: Request) -> dict[str, list[str]]:
    if request.body:
        return {s["variableCode"]: s["valueCodes"] for s in request.body["selection"]}
    return {
        key[len("valueCodes[") : -1]: value.split(",")
        for key, value in request.params.items()
        if key.startswith("valueCodes[")
    }


def recorded_response(
    request: Request, drop: frozenset[str] = frozenset(), values: bool = True
) -> Reply:
    """Our recorded response shape for whatever was selected: one value per cell. ``drop``
    leaves codes out (a partial answer); ``values=False`` gives every cell as missing (``..``)."""
    selection = {
        var: [c for c in codes if c not in drop] for var, codes in _selection(request).items()
    }
    rows = pd.MultiIndex.from_product(list(selection.values()), names=list(selection)).to_frame(
        index=False
    )
    rows["value"] = [1000.0 + i if values else None for i in range(len(rows))]
    dims = {name: {"label": name, "category": {"label": {}}} for name in selection}
    doc = jsonstat.encode(rows, dims, label="test response", source="test")
    return Reply(200, json.dumps(doc), {"x-ratelimit-remaining": "29"})


def unreachable_url() -> str:
    """A base URL on a local port nothing listens on: connections are refused at once, as on a
    machine without network."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/pxwebapi/v2"
