"""Network rates: from the previous reading, also one taken by an earlier run."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psutil
import pytest
from agent_fakes import FakeService

from spoguild_agent import HostCollector, MemoryStore, Spool
from spoguild_agent._agent import host_collector
from spoguild_agent._cli import main
from spoguild_agent._collect_host import NET_RATE_MAX_AGE
from spoguild_agent._config import Config
from spoguild_agent._spool import StateStore

BOOT = 1_750_000_000.0


class FakeHost:
    """Interface counters, boot time and wall clock, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = BOOT + 3600
        self.boot_time = BOOT
        self.counters = {"eth0": (1_000, 500)}
        monkeypatch.setattr(psutil, "net_io_counters", self._net_io_counters)
        monkeypatch.setattr(psutil, "boot_time", lambda: self.boot_time)

    def _net_io_counters(self, pernic: bool = False) -> dict[str, Any]:
        return {
            name: SimpleNamespace(bytes_recv=rx, bytes_sent=tx)
            for name, (rx, tx) in self.counters.items()
        }

    def network(self, store: StateStore) -> dict[str, Any]:
        """The ``network`` part of a sample taken by a fresh collector."""
        collector = HostCollector(
            store=store, wall_clock=lambda: self.now, sleep=lambda seconds: None
        )
        network: dict[str, Any] = collector.collect()["network"]
        return network


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> FakeHost:
    return FakeHost(monkeypatch)


def _rates(network: dict[str, Any]) -> tuple[float | None, float | None]:
    return network["rx_bytes_per_s"], network["tx_bytes_per_s"]


def test_a_run_rates_against_the_reading_of_the_run_before(
    host: FakeHost, tmp_path: Path
) -> None:
    # Given a first run that left its reading in the spool file
    with Spool(tmp_path / "spool.db") as spool:
        first = host.network(spool)

    # When the next run, a minute later, reads more bytes
    host.now += 60
    host.counters = {"eth0": (61_000, 6_500)}
    with Spool(tmp_path / "spool.db") as spool:
        second = host.network(spool)

    # Then it reports the rates since the first run
    assert _rates(first) == (None, None)
    assert _rates(second) == (1000.0, 100.0)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"counters": {"eth0": (10, 5)}}, "counters went back"),
        ({"boot_time": BOOT + 7200}, "rebooted, counters grew past the old ones"),
        ({"counters": {"eth0": (61_000, 6_500), "wg0": (9, 9)}}, "new interface"),
        ({"now": BOOT + 3600 + NET_RATE_MAX_AGE + 1}, "previous reading too old"),
        ({"now": BOOT + 3600}, "no time has passed"),
    ],
)
def test_a_reading_that_cannot_be_compared_gives_no_rate(
    host: FakeHost, change: dict[str, Any], why: str
) -> None:
    # Given a reading stored a minute ago
    store = MemoryStore()
    host.network(store)
    host.now += 60
    host.counters = {"eth0": (61_000, 6_500)}

    # When the next one follows a reset, a reboot, a gap or a change
    for name, value in change.items():
        setattr(host, name, value)
    network = host.network(store)

    # Then it has no rate rather than a negative or bogus one
    assert _rates(network) == (None, None), why


def test_a_stored_reading_of_another_shape_is_ignored(host: FakeHost) -> None:
    store = MemoryStore()
    store.set_state("net_counters", {"rx": "lots"})

    assert _rates(host.network(store)) == (None, None)


def test_a_long_interval_still_rates_against_the_previous_sample() -> None:
    config = Config(service_url="https://g.example", token="t", interval=3600)

    collector = host_collector(config, MemoryStore())

    assert collector.net_rate_max_age >= 2 * 3600


def test_consecutive_once_runs_report_network_rates(
    tmp_path: Path, fake_service: FakeService, make_config: Any
) -> None:
    # Given the agent run twice by cron, each run a new process
    config = make_config()
    path = tmp_path / "agent.toml"
    path.write_text(
        f'service_url = "{config.service_url}"\n'
        f'token = "{config.token}"\n'
        f'metrics_url = "{config.metrics_url}"\n'
        f'spool_path = "{config.spool_path}"\n'
    )

    # When each takes its sample
    assert main(["once", "--config", str(path)]) == 0
    assert main(["once", "--config", str(path)]) == 0

    # Then the second has rates, from the counters the first left behind
    samples = [s for r in fake_service.requests for s in r.payload["samples"]]
    first, second = (sample["host"]["network"] for sample in samples)
    assert first["rx_bytes_per_s"] is None
    assert second["rx_bytes_per_s"] is not None
    assert second["tx_bytes_per_s"] is not None
