"""Fakes for the agent's tests: a cardano-node, the service, a clock.

Every server listens on 127.0.0.1 on an ephemeral port; nothing reaches the
internet. (A uniquely named module rather than conftest, so test files can
import it without clashing with the repository's own tests package.)
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "sgat_test_0123456789abcdef"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def free_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server:
    """An http.server in a thread, stoppable and restartable on its port."""

    def __init__(self) -> None:
        self.port = 0
        self._httpd: ThreadingHTTPServer | None = None

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.handle(self)

            def do_POST(self) -> None:
                owner.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._httpd.server_address[1]
        thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}
        )
        thread.daemon = True
        thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class FakeNode(_Server):
    """Serves ``body`` at /metrics with ``status``."""

    def __init__(self, body: str = "", status: int = 200) -> None:
        super().__init__()
        self.body = body
        self.status = status

    @property
    def url(self) -> str:
        return self.base_url + "/metrics"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path != "/metrics":
            _reply(handler, 404, b"not found")
            return
        _reply(handler, self.status, self.body.encode(), {"Content-Type": "text/plain"})


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    raw: bytes
    payload: dict[str, Any]

    @property
    def ts(self) -> list[str]:
        return [sample["ts"] for sample in self.payload["samples"]]


@dataclass
class Reply:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    """Sent instead of ``body`` as JSON, e.g. a proxy's HTML page."""


# What a captive portal, or a wrong service_url on a web server, answers.
CAPTIVE_PORTAL = Reply(
    200,
    raw=b"<!DOCTYPE html><html><body>Please sign in to the Wi-Fi</body></html>",
    headers={"Content-Type": "text/html; charset=utf-8"},
)


class FakeService(_Server):
    """Records every POST; answers from ``script`` first, then ``rule``."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.rule: Callable[[Recorded], Reply | None] | None = None
        self.stored: list[str] = []

    @property
    def accepted_ts(self) -> list[str]:
        return list(self.stored)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        try:
            payload = json.loads(gzip.decompress(raw))
        except (OSError, ValueError):
            payload = {}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        request = Recorded(handler.path, headers, raw, payload)
        self.requests.append(request)

        reply = self.script.pop(0) if self.script else None
        if reply is None and self.rule is not None:
            reply = self.rule(request)
        if reply is None:
            reply = self._accept(request)
        body = json.dumps(reply.body).encode() if reply.raw is None else reply.raw
        headers = {"Content-Type": "application/json", **reply.headers}
        _reply(handler, reply.status, body, headers)

    def _accept(self, request: Recorded) -> Reply:
        fresh = [ts for ts in request.ts if ts not in self.stored]
        self.stored.extend(fresh)
        duplicates = len(request.ts) - len(fresh)
        return Reply(200, {"accepted": len(fresh), "duplicates": duplicates})


class FakeClock:
    """Monotonic seconds that move only when told; ``wall`` follows them."""

    EPOCH = datetime(2025, 6, 1, tzinfo=UTC)

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)

    def wall(self) -> datetime:
        return self.EPOCH + timedelta(seconds=self.now)


class StubHost:
    """A host collector without psutil, for delivery tests."""

    def __init__(self) -> None:
        self.calls = 0

    def collect(self) -> dict[str, Any]:
        self.calls += 1
        return {"hostname": "relay1", "cpu_percent": 1.5}


# What cardano-cli 10 prints for `latest query kes-period-info`: its verdicts
# on stdout, then the JSON.
KES_PERIOD_INFO = """\
✓ The operational certificate counter agrees with the node protocol state counter
✓ Operational certificate's KES period is within the correct KES period interval
{
    "qKesCurrentKesPeriod": 1212,
    "qKesEndKesInterval": 1262,
    "qKesKesKeyExpiry": "2025-09-14T21:44:51Z",
    "qKesMaxKESEvolutions": 62,
    "qKesNodeStateOperationalCertificateNumber": 7,
    "qKesOnDiskOperationalCertificateNumber": 8,
    "qKesRemainingSlotsInKesPeriod": 6385491,
    "qKesSlotsPerKesPeriod": 129600,
    "qKesStartKesInterval": 1200
}
"""


@dataclass
class FakeCardanoCli:
    """A ``cardano-cli`` shell script that records its arguments."""

    path: Path

    @property
    def args(self) -> list[str] | None:
        """The arguments of its last run, None if it never ran."""
        recorded = self.path.with_suffix(".args")
        if not recorded.exists():
            return None
        return recorded.read_text(encoding="utf-8").splitlines()


def fake_cardano_cli(
    directory: Path,
    *,
    output: str = KES_PERIOD_INFO,
    status: int = 0,
    stderr: str = "",
    sleep: float = 0,
) -> FakeCardanoCli:
    """Write the script; ``sleep`` runs a child, like a stuck socket would."""
    path = directory / "cardano-cli"
    path.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" > '{path.with_suffix('.args')}'\n"
        + (f"sleep {sleep}\n" if sleep else "")
        + f"cat <<'OUTPUT'\n{output}OUTPUT\n"
        f"echo '{stderr}' >&2\n"
        f"exit {status}\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return FakeCardanoCli(path)
