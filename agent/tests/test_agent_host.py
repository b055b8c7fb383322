"""Host collection on this machine, and the node restart counter."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from spoguild_agent import HostCollector, MemoryStore, Spool


@pytest.fixture(scope="module")
def host_sample() -> dict[str, object]:
    collector = HostCollector()
    collector.collect()
    return collector.collect()


def test_memory_and_cpu_are_sane(host_sample: dict[str, object]) -> None:
    memory = host_sample["memory"]
    assert isinstance(memory, dict)
    assert memory["total_bytes"] > 0
    assert 0 < memory["available_bytes"] <= memory["total_bytes"]
    assert host_sample["cpu_count"] >= 1  # type: ignore[operator]
    assert 0 <= host_sample["cpu_percent"] <= 100  # type: ignore[operator]
    assert host_sample["uptime_s"] > 0  # type: ignore[operator]
    assert host_sample["load_1m"] >= 0  # type: ignore[operator]


def test_at_least_one_real_disk_is_reported(host_sample: dict[str, object]) -> None:
    disks = host_sample["disks"]
    assert isinstance(disks, list)
    assert disks
    assert all(d["total_bytes"] > 0 and d["fstype"] != "tmpfs" for d in disks)


def test_network_rates_come_from_the_second_sample(
    host_sample: dict[str, object],
) -> None:
    network = host_sample["network"]
    assert isinstance(network, dict)
    assert "lo" not in network["interfaces"]
    assert network["rx_bytes_per_s"] is not None
    assert network["rx_bytes_per_s"] >= 0


def test_tcp_counts_are_numbers_or_null(host_sample: dict[str, object]) -> None:
    tcp = host_sample["tcp"]
    assert isinstance(tcp, dict)
    assert set(tcp) == {
        "established_in",
        "established_out",
        "node_in",
        "node_out",
        "node_ports",
    }
    assert tcp["established_in"] is None or tcp["established_in"] >= 0


def test_a_missing_node_process_is_reported_not_raised() -> None:
    collector = HostCollector(process_name=f"no-such-{uuid.uuid4().hex[:8]}")

    process = collector.collect()["node_process"]

    assert process["found"] is False
    assert process["restarts"] == 0


def test_filters_select_disks_and_interfaces() -> None:
    collector = HostCollector(disk_exclude=["*"], net_include=["lo"], net_exclude=[])

    sample = collector.collect()

    assert sample["disks"] == []
    assert sample["network"]["interfaces"] == ["lo"]


class FakeNodeProcess:
    """A long sleep started under a unique program name, like cardano-node."""

    def __init__(self, directory: Path) -> None:
        self.name = f"fake-node-{uuid.uuid4().hex[:6]}"
        self.program = directory / self.name
        sleep = shutil.which("sleep")
        assert sleep, "the sleep program is needed"
        os.symlink(sleep, self.program)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        self.proc = subprocess.Popen([str(self.program), "30"])
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def fake_process(tmp_path: Path) -> Iterator[FakeNodeProcess]:
    process = FakeNodeProcess(tmp_path)
    yield process
    process.stop()


def test_the_node_process_is_found_and_measured(
    fake_process: FakeNodeProcess,
) -> None:
    pid = fake_process.start()
    collector = HostCollector(process_name=fake_process.name, store=MemoryStore())

    process = collector.collect()["node_process"]

    assert process["found"] is True
    assert process["pid"] == pid
    assert process["rss_bytes"] > 0
    assert process["uptime_s"] >= 0
    assert process["started_at"].endswith("Z")


def test_a_restart_is_counted_and_survives_an_agent_restart(
    fake_process: FakeNodeProcess, tmp_path: Path
) -> None:
    fake_process.start()
    with Spool(tmp_path / "spool.db") as spool:
        collector = HostCollector(process_name=fake_process.name, store=spool)
        before = collector.collect()["node_process"]["restarts"]
        fake_process.stop()
        fake_process.start()
        after = collector.collect()["node_process"]["restarts"]

    with Spool(tmp_path / "spool.db") as spool:
        again = HostCollector(process_name=fake_process.name, store=spool)
        after_agent_restart = again.collect()["node_process"]["restarts"]

    assert (before, after, after_agent_restart) == (0, 1, 1)


def test_a_refused_connection_listing_gives_nulls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(kind: str = "inet") -> list[object]:
        raise psutil.AccessDenied()

    monkeypatch.setattr(psutil, "net_connections", refuse)

    tcp = HostCollector().collect()["tcp"]

    assert tcp["established_in"] is None
    assert tcp["node_in"] is None
    assert tcp["node_ports"] == []
