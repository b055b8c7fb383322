"""The real agent against the real intake: an outage loses and repeats nothing.

The agent (``spoguild_agent``) runs with a simulated clock and its real
HTTP transport, spool and delivery, posting to the intake view served by
``live_server``. For ten simulated minutes the service answers 503 while
samples pile up in the agent's spool; then it is back and the backlog drains.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.response import Response

from apps.samples.api.views import SampleIntakeView
from apps.samples.models import Sample
from spoguild_agent import Agent, Config, Spool
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
    config = Config(
        service_url=live_server.url,
        token=relay.token,
        metrics_url=node_metrics,
        interval=60.0,
        timeout=5.0,
        spool_path=str(tmp_path / "spool.db"),
        batch_size=4,
    )
    with Spool(config.spool_path) as spool:
        agent = Agent(
            config,
            spool=spool,
            host=Host(),
            clock=time,
            now=time.wall,
            rng=random.Random(7),
        )

        # When it runs 3 minutes, the service is down for 10, then back
        _run(agent, time, 3)
        outage.on = True
        _run(agent, time, 10)
        spooled_during_outage = spool.count()
        outage.on = False
        _run(agent, time, 10)

        left_in_spool = spool.count()
        rejected = spool.counter("rejected_samples")

    # Then every sample taken is stored exactly once, in the order taken
    taken = [start + timedelta(minutes=n) for n in range(23)]
    rows = list(Sample.objects.filter(node=relay.node).order_by("ts"))
    assert outage.refused > 0
    assert spooled_during_outage == 10
    assert [row.ts for row in rows] == taken
    assert (left_in_spool, rejected) == (0, 0)
    arrival = [row.received_at for row in rows]
    assert arrival == sorted(arrival)
    assert all(row.node_reachable and row.tip_slot for row in rows)
    relay.node.refresh_from_db()
    assert relay.node.last_sample_at == taken[-1]
