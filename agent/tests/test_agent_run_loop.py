"""The run loop: sampling on schedule, spooling first, catching up after outages."""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from agent_fakes import FakeClock, FakeNode, FakeService, Recorded, StubHost

from spoguild_agent import Agent, Config, Spool
from spoguild_agent._spool import spool_status


def _agent(config: Config, clock: FakeClock, host: StubHost, spool: Spool) -> Agent:
    return Agent(
        config,
        spool=spool,
        host=host,
        clock=clock,
        now=clock.wall,
        rng=random.Random(3),
    )


def _advance(agent: Agent, clock: FakeClock, until: float) -> None:
    while clock.now < until:
        clock.now = max(clock.now, min(agent.step(), until))


def _seconds(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def test_every_sample_arrives_once_and_in_order_after_an_outage(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    spool: Spool,
) -> None:
    host = StubHost()
    agent = _agent(make_config(batch_size=4), clock, host, spool)
    fake_service.stop()

    _advance(agent, clock, until=clock.now + 30 * 60)
    spooled_while_down = spool.count()
    fake_service.start()
    _advance(agent, clock, until=clock.now + 10 * 60)

    received = fake_service.accepted_ts
    assert spooled_while_down == 30
    assert len(received) == host.calls == 40
    assert received == sorted(set(received))
    assert spool.count() == 0


def test_sampling_keeps_its_schedule_while_the_service_is_down(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    spool: Spool,
) -> None:
    agent = _agent(make_config(), clock, StubHost(), spool)
    fake_service.stop()

    _advance(agent, clock, until=clock.now + 20 * 60)

    stamps = [_seconds(s.ts) for s in spool.peek(100)]
    assert len(stamps) == 20
    assert {b - a for a, b in itertools.pairwise(stamps)} == {60.0}


def test_a_sample_is_spooled_before_any_send(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    spool: Spool,
) -> None:
    counts = []

    def count_spooled(request: Recorded) -> None:
        # The service's thread needs its own connection to the file.
        counts.append(spool_status(spool.path)["spooled"])

    fake_service.rule = count_spooled
    agent = _agent(make_config(), clock, StubHost(), spool)

    agent.step()

    assert counts == [1]
    assert spool.count() == 0


def test_the_spool_bound_drops_the_oldest_and_reports_it(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    fake_service.stop()
    with Spool(tmp_path / "small.db", max_samples=5) as spool:
        agent = _agent(make_config(), clock, StubHost(), spool)
        _advance(agent, clock, until=clock.now + 8 * 60)

        last = json.loads(spool.peek(5)[-1].body)
        first_kept = spool.peek(1)[0].ts

    assert last["agent"]["dropped_samples"] == 2
    assert last["agent"]["spooled"] == 5
    assert first_kept == "2025-06-01T00:19:40Z"


def test_a_sample_has_the_documented_shape(
    make_config: Callable[..., Config],
    fake_node: FakeNode,
    clock: FakeClock,
    spool: Spool,
) -> None:
    agent = _agent(make_config(), clock, StubHost(), spool)

    sample = agent.collect()

    assert list(sample) == ["ts", "agent_version", "agent", "host", "node"]
    assert sample["ts"] == "2025-06-01T00:16:40Z"
    assert set(sample["agent"]) == {
        "interval_s",
        "spooled",
        "dropped_samples",
        "rejected_samples",
    }
    assert sample["node"]["reachable"] is True
    assert sample["node"]["tip_slot"] == 157169709


def test_run_stops_when_asked(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    spool: Spool,
) -> None:
    host = StubHost()
    agent = _agent(make_config(), clock, host, spool)
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if host.calls == 3:
            stop.set()

    agent.run(stop, sleep=sleep)

    assert host.calls == 3
    assert len(fake_service.accepted_ts) == 3


class FlakyHost(StubHost):
    def collect(self) -> dict[str, Any]:
        if self.calls == 1:
            self.calls += 1
            raise RuntimeError("psutil surprise")
        return super().collect()


def test_a_failed_sample_does_not_stop_the_loop(
    make_config: Callable[..., Config],
    fake_service: FakeService,
    clock: FakeClock,
    spool: Spool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    host = FlakyHost()
    agent = _agent(make_config(), clock, host, spool)

    _advance(agent, clock, until=clock.now + 3 * 60)

    assert len(fake_service.accepted_ts) == 2
    assert "sampling failed; continuing on schedule" in caplog.text
    assert "psutil surprise" in caplog.text
