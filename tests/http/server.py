"""A real HTTP server on 127.0.0.1 that answers what a test scripts.

Outbound HTTP is tested against this rather than a mocked transport, so the
timeouts, headers and connection errors are the real ones.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """``body`` is sent as JSON unless it is bytes; ``delay`` holds the reply
    back (for timeouts) until the delay passes or the server stops."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Handler = Callable[[Request], Reply]


class FakeServer:
    """Serves ``handler``'s replies and records every request, in order."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _serve_forever(self) -> None:
        # A short poll so that stopping the server does not cost half a second.
        self._httpd.serve_forever(poll_interval=0.01)

    def _answer(self, request: Request) -> Reply:
        self.requests.append(request)
        reply = self.handler(request)
        if reply.delay:
            self._stopping.wait(reply.delay)
        return reply

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                self._send(server._answer(request))

            def _send(self, reply: Reply) -> None:
                body = reply.body
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a timeout test)

        return _Handler


class FakeServers:
    """Starts servers on demand and stops them all on exit (a fixture's body)."""

    def __init__(self) -> None:
        self._servers: list[FakeServer] = []

    def start(self, handler: Handler) -> FakeServer:
        self._servers.append(FakeServer(handler).__enter__())
        return self._servers[-1]

    def __enter__(self) -> FakeServers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for server in self._servers:
            server.__exit__(None, None, None)


def replies(*scripted: Reply) -> Handler:
    """A handler giving these replies in turn, then the last one forever."""
    queue = list(scripted)

    def handler(request: Request) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.delays: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds


class RecordingSleeper:
    """Stands in for ``time.sleep``: remembers the delays, waits for none."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
