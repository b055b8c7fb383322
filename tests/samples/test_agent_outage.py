"""The real agent against the real intake: an outage loses and repeats nothing.

The agent (``spoguild_agent``) runs with a simulated clock and its real
HTTP transport, spool and delivery, posting to the intake view served by
``live_server``. For ten simulated minutes the service is away while samples
pile up in the agent's spool: it answers 503, or its port refuses every
connection while the agent itself is restarted; then it is back and the
backlog drains.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import socketserver
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from rest_framework.response import Response

from apps.nodes.models import Node
from apps.samples.api.views import SampleIntakeView
from apps.samples.models import Sample
from spoguild_agent import Agent, Config
from tests.samples.payloads import METRICS


class SimulatedTime:
    """Monotonic seconds moved by the test, and the wall time they stand for."""

    def __init__(self, wall_start: datetime) -> None:
        self.now = 0.0
        self._wall_start = wall_start

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self._wall_start + timedelta(seconds=self.now)


class Host:
    """A host collector without psutil: the test machine is not the subject."""

    def collect(self) -> dict[str, Any]:
        return {"hostname": "relay1", "cpu_percent": 3.0, "load_1m": 0.4}


@pytest.fixture
def node_metrics() -> Iterator[str]:
    """cardano-node's Prometheus page, served from the agent's fixture."""
    page = (METRICS / "sample-metrics-new-tracing.prom").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/metrics"
    server.shutdown()
    server.server_close()


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A switch that makes the intake answer 503, as during a deployment."""
    switch = SimpleNamespace(on=False, refused=0)
    real_post = SampleIntakeView.post

    def post(view: SampleIntakeView, request: Any) -> Response:
        if switch.on:
            switch.refused += 1
            return Response({"error": "maintenance"}, status=503)
        return real_post(view, request)

    monkeypatch.setattr(SampleIntakeView, "post", post)
    return switch


class FrontDoor:
    """The service's port: forwards to the live server, or nothing listens."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._server: _Forwarder | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> None:
        """Listen, again on the same port once it is known to the agent."""
        self._server = _Forwarder(self.port, self.target)
        self.port = self._server.server_address[1]
        Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        ).start()

    def close(self) -> None:
        """Stop listening: every connection to the port is refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Forwarder(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # the port is bound again right after a close
    daemon_threads = True

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.target = target
        super().__init__(("127.0.0.1", port), _Forward)


class _Forward(socketserver.BaseRequestHandler):
    server: _Forwarder

    def handle(self) -> None:
        with socket.create_connection(self.server.target) as upstream:
            back = Thread(target=_pipe, args=(upstream, self.request))
            back.start()
            _pipe(self.request, upstream)
            back.join()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def front_door(live_server) -> Iterator[FrontDoor]:
    """The intake behind a port that can stop listening, as when it is down."""
    address = urlsplit(live_server.url)
    door = FrontDoor((address.hostname or "localhost", address.port or 80))
    door.open()
    yield door
    door.close()


def _config(service_url: str, token: str, metrics_url: str, spool: Path) -> Config:
    return Config(
        service_url=service_url,
        token=token,
        metrics_url=metrics_url,
        interval=60.0,
        timeout=5.0,
        spool_path=str(spool),
        batch_size=4,
    )


def _agent(config: Config, time: SimulatedTime) -> Agent:
    """An agent process: its own spool connection on the configured file."""
    return Agent(config, host=Host(), clock=time, now=time.wall, rng=random.Random(7))


def _run(agent: Agent, time: SimulatedTime, minutes: float) -> None:
    until = time.now + minutes * 60
    while time.now < until:
        time.now = max(time.now, min(agent.step(), until))


@pytest.mark.django_db(transaction=True)
def test_no_sample_is_lost_or_repeated_across_an_outage(
    live_server, relay, outage, node_metrics, tmp_path: Path
) -> None:
    # Given an agent sampling every minute, its clock half an hour behind
    # the real one so every sample is in the service's past
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    time = SimulatedTime(start)
    config = _config(live_server.url, relay.token, node_metrics, tmp_path / "s.db")
    with _agent(config, time) as agent:
        # When it runs 3 minutes, the service is down for 10, then back
        _run(agent, time, 3)
        outage.on = True
        _run(agent, time, 10)
        spooled_during_outage = agent.spool.count()
        outage.on = False
        _run(agent, time, 10)

        left_in_spool = agent.spool.count()
        rejected = agent.spool.counter("rejected_samples")

    # Then every sample taken is stored exactly once, in the order taken
    assert outage.refused > 0
    assert spooled_during_outage == 10
    assert (left_in_spool, rejected) == (0, 0)
    _assert_stored_once_in_order(relay.node, start, 23)


@pytest.mark.django_db(transaction=True)
def test_no_sample_is_lost_or_repeated_across_refused_connections_and_a_restart(
    relay, front_door, node_metrics, tmp_path: Path, caplog
) -> None:
    # Given an agent sampling every minute through the service's port
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    time = SimulatedTime(start)
    config = _config(front_door.url, relay.token, node_metrics, tmp_path / "s.db")

    # When the port refuses connections after 3 minutes, for 10, and the
    # agent is restarted halfway through, over the same spool file
    with caplog.at_level(logging.WARNING), _agent(config, time) as agent:
        _run(agent, time, 3)
        front_door.close()
        _run(agent, time, 5)
    with caplog.at_level(logging.WARNING), _agent(config, time) as agent:
        _run(agent, time, 5)
        spooled_during_outage = agent.spool.count()
        stored_during_outage = Sample.objects.filter(node=relay.node).count()
        front_door.open()
        _run(agent, time, 10)

        left_in_spool = agent.spool.count()
        rejected = agent.spool.counter("rejected_samples")

    # Then every sample taken, by either agent, is stored exactly once, in order
    assert "connection refused" in caplog.text.lower()
    assert (stored_during_outage, spooled_during_outage) == (3, 10)
    assert (left_in_spool, rejected) == (0, 0)
    _assert_stored_once_in_order(relay.node, start, 23)


def _assert_stored_once_in_order(node: Node, start: datetime, count: int) -> None:
    taken = [start + timedelta(minutes=n) for n in range(count)]
    rows = list(Sample.objects.filter(node=node).order_by("ts"))
    assert [row.ts for row in rows] == taken
    arrival = [row.received_at for row in rows]
    assert arrival == sorted(arrival)
    assert all(row.node_reachable and row.tip_slot for row in rows)
    node.refresh_from_db()
    assert node.last_sample_at == taken[-1]
