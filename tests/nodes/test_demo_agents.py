"""The demo: three demo nodes, fed by the real agent from simulated nodes."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from apps.demo import agents
from apps.demo.actions import DEMO_NODES, DEMO_ORGANIZATION, ensure_demo_nodes
from apps.demo.simulator import SimulatedNode, block_slot, tip_at
from apps.networks.slots import datetime_to_slot
from apps.nodes.actions import authenticate_agent
from apps.nodes.disk import Bucket, DiskOutlook, outlook
from apps.nodes.models import Node, NodeRole
from apps.samples.models import NodeState, Sample
from spoguild_agent import Config, Request, Response, parse_metrics
from tests.factories import make_organization

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)
RELAY, PRODUCER = DEMO_NODES[0].simulation, DEMO_NODES[2].simulation


def test_the_demo_has_two_relays_and_a_block_producer(db):
    organization = make_organization(name=DEMO_ORGANIZATION)
    ensure_demo_nodes(organization)
    ensure_demo_nodes(organization)

    nodes = Node.objects.filter(organization=organization).order_by("name")
    assert [(n.role, n.network, n.is_demo) for n in nodes] == [
        (NodeRole.BLOCK_PRODUCER, "mainnet", True),
        (NodeRole.RELAY, "mainnet", True),
        (NodeRole.RELAY, "mainnet", True),
    ]


def test_a_simulated_producer_reads_like_a_real_one():
    node = parse_metrics(PRODUCER.metrics(NOW))

    assert node["version"] == "11.0.1"
    assert 0 <= datetime_to_slot("mainnet", NOW) - node["tip_slot"] < 40
    assert 3 <= node["kes_remaining_periods"] <= 62
    assert node["opcert_expiry_kes_period"] - node["opcert_start_kes_period"] == 62
    assert node["conns_inbound"] is not None


def test_the_simulated_producer_leads_and_forges_as_time_passes():
    started = PRODUCER.started_at(NOW)
    day_later = NOW + timedelta(days=1)
    if PRODUCER.started_at(day_later) != started:
        day_later = NOW - timedelta(days=1)  # the node restarted in between

    now, other = (
        parse_metrics(PRODUCER.metrics(NOW)),
        parse_metrics(PRODUCER.metrics(day_later)),
    )

    assert now["leader_slots"] == now["blocks_forged"] == now["blocks_adopted"]
    assert abs(other["leader_slots"] - now["leader_slots"]) == 4  # every 6 hours
    assert now["blocks_didnt_adopt"] == 0
    assert now["not_leader_slots"] == now["leadership_checks"] - now["leader_slots"]


def test_the_demo_runs_the_newest_node_but_one_relay_lags_a_release():
    versions = [
        parse_metrics(demo.simulation.metrics(NOW))["version"] for demo in DEMO_NODES
    ]

    assert versions == ["11.0.1", "10.7.1", "11.0.1"]


def test_a_simulated_relay_exports_no_forging_or_kes_metrics():
    node = parse_metrics(RELAY.metrics(NOW))

    assert node["kes_remaining_periods"] is None
    assert node["slots_missed"] is None
    assert node["leadership_checks"] is None
    assert node["tip_slot"] is not None


def test_the_producers_disk_fills_in_weeks_and_the_relays_in_months():
    producer = _disk_outlook(PRODUCER, NOW)
    relay = _disk_outlook(RELAY, NOW)

    # A week to three weeks, give or take the slow swing every disk has
    assert producer is not None
    assert producer.days_left is not None
    assert 6 <= producer.days_left <= 24
    assert relay is not None
    assert relay.days_left is None or relay.days_left > 90


def test_the_filling_disk_is_freed_before_it_fills():
    percents = [
        _disk_percent(PRODUCER, NOW + timedelta(hours=hour))
        for hour in range(0, 60 * 24, 3)
    ]

    assert max(percents) < 90
    assert min(percents) < 60  # it was freed at least once in those 60 days


def test_the_simulated_chain_moves_with_the_clock():
    earlier = parse_metrics(RELAY.metrics(NOW))
    later = parse_metrics(RELAY.metrics(NOW + timedelta(minutes=10)))

    assert later["tip_slot"] - earlier["tip_slot"] == pytest.approx(600, abs=40)
    assert later["block_height"] > earlier["block_height"]


def test_a_healthy_simulated_tip_is_never_40_slots_behind():
    gaps = [block_slot(n + 1) - block_slot(n) for n in range(5000)]
    lags = [slot - tip_at(slot)[1] for slot in range(157_169_709, 157_189_709)]

    assert min(gaps) >= 4
    assert max(lags) < 40
    assert sum(gaps) / len(gaps) == pytest.approx(20, abs=0.1)


def test_the_metrics_endpoint_serves_the_simulation():
    server = agents.MetricsServer(RELAY, lambda: NOW)
    server.start()
    try:
        with urllib.request.urlopen(server.url, timeout=5) as answer:
            text = answer.read().decode()
    finally:
        server.stop()

    assert (
        parse_metrics(text)["tip_slot"] == parse_metrics(RELAY.metrics(NOW))["tip_slot"]
    )


@pytest.mark.django_db(transaction=True)
def test_the_runner_delivers_history_and_live_samples(live_server, tmp_path):
    # Given a demo node and its runner, with a minute of history to send
    organization = make_organization(name=DEMO_ORGANIZATION)
    node = ensure_demo_nodes(organization)[2]
    server = agents.MetricsServer(PRODUCER, lambda: datetime.now(UTC))
    server.start()
    demo = agents.prepare(
        node,
        PRODUCER,
        service_url=live_server.url,
        metrics_url=server.url,
        spool_dir=tmp_path,
        interval=1,
        now=datetime.now(UTC),
    )
    demo.backfill_since = datetime.now(UTC) - timedelta(seconds=60)
    stop = threading.Event()
    thread = threading.Thread(target=demo.run, args=(stop,))

    # When it runs for a moment
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while (
            time.monotonic() < deadline
            and Sample.objects.filter(node=node).count() < 62
        ):
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=20)
        server.stop()

    # Then the service holds the history and the live samples, from its token
    agent = authenticate_agent(demo.config.token)
    assert agent is not None
    assert agent.pk == node.pk
    assert Sample.objects.filter(node=node).count() >= 62
    state = NodeState.objects.get(node=node)
    assert state.kes_remaining_periods is not None
    assert state.tip_lag_slots is not None
    assert not thread.is_alive()


class IntakeStandIn:
    """The intake as a transport: ``answer`` first, else an acknowledgement."""

    def __init__(self, answer: Callable[[list[str]], Response | None]) -> None:
        self.answer = answer
        self.stored: list[str] = []

    def handle_request(self, request: Request) -> Response:
        payload = json.loads(gzip.decompress(request.body or b""))
        stamps = [sample["ts"] for sample in payload["samples"]]
        refusal = self.answer(stamps)
        if refusal is not None:
            return refusal
        self.stored.extend(stamps)
        ack = {"accepted": len(stamps), "duplicates": 0}
        return Response(200, {}, json.dumps(ack).encode())


class PatientStop(threading.Event):
    """A stop event whose waits return at once and are recorded.

    It sets itself after many waits, so a loop that would retry forever ends.
    """

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= 20:
            self.set()
        return self.is_set()


def _backfill(intake: IntakeStandIn, stop: PatientStop) -> int:
    """Four minutes of history from the relay's simulation, sent to ``intake``."""
    config = Config(service_url="http://demo.invalid", token="sgat_demo", interval=60)
    since = NOW - timedelta(minutes=5)
    return agents.backfill(RELAY, config, since, stop, until=NOW, transport=intake)


def _minutes_ago(*minutes: int) -> list[str]:
    return [f"{NOW - timedelta(minutes=m):%Y-%m-%dT%H:%M:%SZ}" for m in minutes]


def test_the_history_waits_as_long_as_retry_after_says():
    # Given an intake that first answers 429 with Retry-After
    answers = [Response(429, {"retry-after": "7"}, b'{"error": "slow down"}')]
    intake = IntakeStandIn(lambda stamps: answers.pop() if answers else None)
    stop = PatientStop()

    # When the history is sent
    sent = _backfill(intake, stop)

    # Then it waited the 7 seconds asked, once, and sent everything
    assert stop.waits == [7.0]
    assert sent == 4
    assert intake.stored == _minutes_ago(4, 3, 2, 1)


@pytest.mark.parametrize(
    ("status", "field"),
    [(400, "samples[{index}].node.tip_slot"), (400, None), (413, None)],
    ids=["named", "unnamed", "too-large"],
)
def test_a_refused_history_sample_is_logged_and_skipped(caplog, status, field):
    # Given an intake that refuses one of the samples, whatever else it holds
    [refused] = _minutes_ago(2)

    def refuse(stamps: list[str]) -> Response | None:
        if refused not in stamps:
            return None
        error = {"error": "refused"}
        if field:
            error["field"] = field.format(index=stamps.index(refused))
        return Response(status, {}, json.dumps(error).encode())

    intake = IntakeStandIn(refuse)
    stop = PatientStop()

    # When the history is sent
    with caplog.at_level(logging.WARNING):
        sent = _backfill(intake, stop)

    # Then that one is skipped, with a warning, and the rest are delivered
    assert intake.stored == _minutes_ago(4, 3, 1)
    assert sent == 3
    assert stop.waits == []
    assert f"refused 1 sample(s) from {refused}" in caplog.text


def _stored(node: Node) -> int:
    return Sample.objects.filter(node=node).count()


def _disk_outlook(simulation: SimulatedNode, now: datetime) -> DiskOutlook | None:
    """The outlook from a day of hourly averages of 5-minute samples, as stored."""
    buckets = []
    for back in range(24, 0, -1):
        start = now - timedelta(hours=back)
        percents = [
            _disk_percent(simulation, start + timedelta(minutes=minute))
            for minute in range(0, 60, 5)
        ]
        buckets.append(Bucket("1h", start, sum(percents) / len(percents)))
    return outlook(buckets, _disk_percent(simulation, now), now, now)


def _disk_percent(simulation: SimulatedNode, moment: datetime) -> float:
    return simulation.host(moment, 15)["disks"][0]["percent"]
