"""The demo's agents: the real ``spoguild_agent`` loop against simulated nodes.

Each demo node gets a Prometheus endpoint on 127.0.0.1 that answers what its
``SimulatedNode`` says at that moment, and an ``Agent`` that samples it (with
a simulated host in place of psutil) and posts to the service's intake like
any agent in the field. Before the loop starts, the agent samples the hours
the demo was not running (up to a day) and its sender delivers them through
the same intake, oldest first, so the charts are never empty.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from apps.demo.simulator import SimulatedNode
from apps.nodes.actions import rotate_agent_token
from apps.nodes.models import Node
from spoguild_agent import (
    Agent,
    Config,
    Delivery,
    HTTPTransport,
    Request,
    Response,
    Sender,
    Spool,
    Transport,
)

logger = logging.getLogger(__name__)

BACKFILL = timedelta(hours=24)
SPOOL_MAX_SAMPLES = 10_080


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MetricsServer:
    """A cardano-node's /metrics on 127.0.0.1, answered by a simulation."""

    def __init__(self, simulation: SimulatedNode, now: Callable[[], datetime]):
        self.simulation = simulation
        self._now = now
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"metrics-{simulation.seed}"
        )
        self._thread.daemon = True

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/metrics"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/metrics":
                    self.send_error(404)
                    return
                body = server.simulation.metrics(server._now()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # a request every interval per node is not news

        return Handler


class SimulatedHost:
    """The agent's host collector, answered by the simulation instead of psutil."""

    def __init__(
        self,
        simulation: SimulatedNode,
        interval: float,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.simulation = simulation
        self.interval = interval
        self._now = now

    def collect(self) -> dict[str, Any]:
        return self.simulation.host(self._now(), self.interval)


class _Clock:
    """A settable moment, for sampling the past."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


class _MetricsAt:
    """A transport answering the node's metrics at the clock's moment."""

    def __init__(self, simulation: SimulatedNode, clock: _Clock) -> None:
        self.simulation = simulation
        self.clock = clock

    def handle_request(self, request: Request) -> Response:
        body = self.simulation.metrics(self.clock()).encode()
        return Response(200, {"content-type": "text/plain"}, body)


@dataclass
class DemoAgent:
    """One demo node's simulated endpoint and the agent that samples it."""

    node_name: str
    simulation: SimulatedNode
    config: Config
    backfill_since: datetime | None
    thread: threading.Thread | None = None

    def run(self, stop: threading.Event) -> None:
        # The history goes in beside the live loop, as a late backlog would:
        # the node is up from its first live sample, the charts fill behind.
        history = threading.Thread(
            target=self._backfill, args=(stop,), name=f"{self.node_name} history"
        )
        history.start()
        # The spool's SQLite connection belongs to the thread that opened it.
        with Spool(self.config.spool_path, max_samples=SPOOL_MAX_SAMPLES) as spool:
            host = SimulatedHost(self.simulation, self.config.interval)
            with Agent(self.config, spool=spool, host=host) as agent:
                agent.run(stop)
        history.join()

    def _backfill(self, stop: threading.Event) -> None:
        if self.backfill_since is None:
            return
        sent = backfill(self.simulation, self.config, self.backfill_since, stop)
        logger.info("%s: %d past samples delivered", self.node_name, sent)


def backfill(
    simulation: SimulatedNode,
    config: Config,
    since: datetime,
    stop: threading.Event,
    until: datetime | None = None,
    transport: Transport | None = None,
) -> int:
    """Delivers a sample per interval after ``since`` up to ``until`` (now).

    The agent's own ``collect`` takes each one, its clock and the node's
    endpoint set to that moment, and its ``Delivery`` sends them oldest
    first, a batch at a time from a scratch spool in memory, so the history
    gets the agent's answer handling: a 429 waits for its Retry-After, a
    sample refused with 400 or 413 is logged and skipped, and a service
    still starting is retried with backoff.
    """
    until = until or _utc_now()
    step = timedelta(seconds=config.interval)
    clock = _Clock(since + step)
    host = SimulatedHost(simulation, config.interval, now=clock)
    metrics = _MetricsAt(simulation, clock)
    sender = Sender(config.service_url, config.token, transport or HTTPTransport())
    sent = 0
    with (
        Spool(":memory:") as scratch,
        Spool(":memory:") as batch,
        Agent(config, transport=metrics, spool=scratch, host=host, now=clock) as agent,
    ):
        delivery = Delivery(batch, sender, batch_size=config.batch_size)
        while clock.moment < until and not stop.is_set():
            sample = agent.collect()
            batch.append(sample["ts"], json.dumps(sample, separators=(",", ":")))
            clock.moment += step
            if batch.count() == config.batch_size or clock.moment >= until:
                sent += _deliver(delivery, stop)
    return sent


def _deliver(delivery: Delivery, stop: threading.Event) -> int:
    # The web process may still be starting: retry until it has them all.
    sent = 0
    while not stop.is_set():
        result = delivery.flush()
        sent += result.delivered
        if result.error is None:
            break
        stop.wait(result.retry_in)
    return sent


def prepare(
    node: Node,
    simulation: SimulatedNode,
    *,
    service_url: str,
    metrics_url: str,
    spool_dir: Path,
    interval: float,
    now: datetime,
) -> DemoAgent:
    """Issues the node a fresh token, kept in memory only, and sets its agent up.

    The runner is trusted local code: rotating at start means no plaintext
    token is ever stored, and a restart simply takes a new one.
    """
    token = rotate_agent_token(node)
    config = Config(
        service_url=service_url,
        token=token,
        metrics_url=metrics_url,
        interval=interval,
        spool_path=str(spool_dir / f"{node.public_id}.sqlite3"),
        spool_max_samples=SPOOL_MAX_SAMPLES,
        node_process_name="cardano-node",
    )
    since = _backfill_since(node.last_sample_at, now, interval)
    return DemoAgent(node.name, simulation, config, since)


def _backfill_since(
    last_sample_at: datetime | None, now: datetime, interval: float
) -> datetime | None:
    """Where the history stops: a day ago at most, nothing if it is current."""
    oldest = now - BACKFILL
    if last_sample_at is None or last_sample_at < oldest:
        return oldest
    if now - last_sample_at < timedelta(seconds=3 * interval):
        return None
    return last_sample_at
