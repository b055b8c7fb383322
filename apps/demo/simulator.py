"""Simulated cardano-nodes and hosts for the demo, as pure functions of time.

Every value depends only on the node's seed and the moment asked for, so the
history backfilled at start and the live samples that follow join up without
a seam, and two runs of the demo tell the same story. The metric names come
from the agent's own fixtures (real cardano-node names, both generations);
only their values are made up here.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.networks import slots
from apps.networks.constants import params

PREFIX = "cardano_node_metrics_"
FIXTURES = Path(settings.BASE_DIR) / "agent" / "tests" / "fixtures"
TEMPLATES = {
    "legacy": "sample-metrics-legacy.prom",
    "new-tracing": "sample-metrics-new-tracing.prom",
}
# Metrics only a block producer exports; a relay's endpoint has none of them.
PRODUCER_ONLY = re.compile(
    r"KES|[Oo]perationalCertificate|[Ff]org|[Ll]ead|slotsMissed|blocksForged"
    r"|nodeCannotForge|Forge_"
)
# One block every 20 slots on average (active slot coefficient 0.05); the
# demo's chain spaces them 4 to 36 slots apart, so a healthy node's tip is
# always under 40 slots behind the clock.
BLOCK_SPACING = 20
BLOCK_JITTER = 8
# Mainnet's block at slot 157,169,709 was number 11,980,000 (the fixtures').
ANCHOR_SLOT, ANCHOR_BLOCK = 157_169_709, 11_980_000
# cardano-node 11.0.1, the newest release when the demo was last updated, and
# its tagged commit (IntersectMBO/cardano-node, tag 11.0.1).
LATEST_NODE = ("11.0.1", "97036a66bcf8c89f687ae57a048eecc0389977ef")
# The build labels the demo rewrites; compiler_version and the like stay.
BUILD_LABEL = re.compile(
    r'(?<=[{,])(version(?:_major|_minor|_patch)?|revision)="[^"]*"'
)
# The counters of leader slots and of blocks forged and adopted, legacy and new.
LEADER_METRICS = (
    "Forge_node_is_leader",
    "nodeIsLeaderNum",
    "nodeIsLeader",
    "Forge_forged",
    "blocksForgedNum",
    "blocksForged",
    "Forge_adopted",
)
# The demo's operator renews the KES key every 60 periods (90 days).
KES_RENEWAL_PERIODS = 60
GIB = 1024**3
DISK_FREED_BEFORE_FULL = timedelta(days=7)


def unit(*parts: object) -> float:
    """A repeatable pseudo-random number in [0, 1) for these parts."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def wave(seconds: float, period: float, phase: float = 0.0) -> float:
    return math.sin(2 * math.pi * (seconds / period + phase))


def block_slot(number: int) -> int:
    """The slot of the demo chain's block ``number`` blocks after the anchor."""
    jitter = round((unit("block", number) * 2 - 1) * BLOCK_JITTER)
    return ANCHOR_SLOT + number * BLOCK_SPACING + jitter


def tip_at(slot: int) -> tuple[int, int]:
    """(block number, slot) of the newest demo block at or before ``slot``."""
    number = (slot - ANCHOR_SLOT + BLOCK_JITTER) // BLOCK_SPACING
    while block_slot(number) > slot:
        number -= 1
    return ANCHOR_BLOCK + number, block_slot(number)


@cache
def template(name: str) -> tuple[str, ...]:
    return tuple(
        line
        for line in (FIXTURES / TEMPLATES[name]).read_text().splitlines()
        if line and not line.startswith("#")
    )


@dataclass(frozen=True)
class SimulatedNode:
    """One demo server: its cardano-node's metrics and its host's figures."""

    seed: str
    network: str
    producer: bool
    generation: str  # a key of TEMPLATES
    peers_in: int
    peers_out: int
    cpu: float  # typical CPU %, before daily swings and noise
    memory: float
    disk: float
    stall_every: timedelta | None = None  # a relay that sometimes falls behind
    fills_in: timedelta | None = None  # a disk heading for full, from `disk` %
    release: tuple[str, str] = LATEST_NODE  # (version, revision) it reports

    # -- cardano-node ---------------------------------------------------

    def metrics(self, moment: datetime) -> str:
        values = self._node_values(moment)
        lines = []
        for line in template(self.generation):
            name = re.split(r"[{ ]", line, maxsplit=1)[0].removeprefix(PREFIX)
            if not self.producer and PRODUCER_ONLY.search(name):
                continue
            if name.startswith("tipBlock"):
                line = _tip_block_line(values["blockNum"])
            elif name == "cardano_build_info":
                line = _build_info_line(line, self.release)
            elif _base(name) in values:
                line = f"{line.rsplit(' ', 1)[0]} {values[_base(name)]}"
            lines.append(line)
        return "\n".join(lines) + "\n"

    def _node_values(self, moment: datetime) -> dict[str, Any]:
        t = moment.timestamp()
        now_slot = slots.datetime_to_slot(self.network, moment)
        block, tip_slot = tip_at(now_slot - self._stall(moment))
        kes_period = now_slot // params(self.network).slots_per_kes_period
        opcert_start = kes_period - (kes_period + 17) % KES_RENEWAL_PERIODS
        checks = tip_slot - 150_000_000  # leadership checks: one per slot
        major, minor, patch = self.release[0].split(".")
        values: dict[str, Any] = {
            "slotNum": tip_slot,
            "blockNum": block,
            "epoch": slots.epoch_of_slot(self.network, tip_slot),
            "slotInEpoch": slots.slot_in_epoch(self.network, tip_slot),
            "density": round(0.0476 + 0.002 * wave(t, 86_400, unit(self.seed)), 5),
            "currentKESPeriod": kes_period,
            "operationalCertificateStartKESPeriod": opcert_start,
            "operationalCertificateExpiryKESPeriod": opcert_start + 62,
            "remainingKESPeriods": opcert_start + 62 - kes_period,
            "Forge_about_to_lead": checks,
            "Forge_forge_about_to_lead": checks,
            "Forge_node_not_leader": checks - self._led(moment),
            **dict.fromkeys(LEADER_METRICS, self._led(moment)),
            "slotsMissed": self._missed(moment),
            "slotsMissedNum": self._missed(moment),
            "txsInMempool": self._mempool(t),
            "mempoolBytes": self._mempool(t) * 612,
            "connectionManager_incomingConns": self._peers(t, "in", self.peers_in),
            "connectionManager_inboundConns": self._peers(t, "in", self.peers_in),
            "connectionManager_outgoingConns": self._peers(t, "out", self.peers_out),
            "connectionManager_outboundConns": self._peers(t, "out", self.peers_out),
            # New tracing also exports the version as three gauges.
            "cardano_version_major": major,
            "cardano_version_minor": minor,
            "cardano_version_patch": patch,
            "nodeStartTime": int(self.started_at(moment).timestamp()),
            "node_start_time": int(self.started_at(moment).timestamp()),
        }
        return values

    def _stall(self, moment: datetime) -> int:
        # Once per `stall_every`, two minutes when the tip stops moving.
        if self.stall_every is None:
            return 0
        period = self.stall_every.total_seconds()
        into = (moment.timestamp() + unit(self.seed, "stall") * period) % period
        return int(into) if into < 120 else 0

    def _led(self, moment: datetime) -> int:
        # A small pool: a leader slot about every six hours since the node
        # started, each forged and adopted.
        hours = (moment - self.started_at(moment)).total_seconds() / 3600
        return int(hours // 6)

    def _missed(self, moment: datetime) -> int:
        # About one missed check every five hours, at an irregular moment of
        # each five; the counter restarts with the node, as the real one does.
        hours = int((moment - self.started_at(moment)).total_seconds() // 3600)
        window, into = divmod(hours, 5)
        late_in_window = unit(self.seed, "missed", window) < into / 5
        return window + int(late_in_window)

    def _mempool(self, t: float) -> int:
        busy = 25 + 20 * wave(t, 86_400, 0.3) + 6 * unit(self.seed, "mp", int(t) // 15)
        return max(0, round(busy))

    def _peers(self, t: float, side: str, typical: int) -> int:
        # A relay's peers come and go; a producer keeps its two or three.
        drift = wave(t, 5400, unit(self.seed, side)) * typical * 0.15
        jump = unit(self.seed, side, int(t) // 300) * typical * 0.1
        return max(0, round(typical + drift + jump))

    def started_at(self, moment: datetime) -> datetime:
        # The node restarts at every upgrade; say the last was 9 days ago, then
        # every 30 days.
        cycle = timedelta(days=30).total_seconds()
        offset = unit(self.seed, "restart") * cycle
        since = (moment.timestamp() + offset) % cycle
        return moment - timedelta(seconds=since)

    # -- host -------------------------------------------------------------

    def host(self, moment: datetime, interval: float) -> dict[str, Any]:
        t = moment.timestamp()
        tick = int(t // interval)
        cpu = self.cpu * (1 + 0.35 * wave(t, 86_400, unit(self.seed, "cpu")))
        cpu += (
            2.5 * unit(self.seed, "cpu", tick)
            + 8 * unit(self.seed, "spike", tick) ** 12
        )
        # The node's heap creeps up for hours, until a major collection.
        creep = (t + unit(self.seed, "mem") * 21_600) % 21_600 / 21_600
        memory = self.memory + 5 * creep + 0.6 * unit(self.seed, "mem", tick)
        total, disk_total = 32 * GIB, 500 * GIB
        # The chain grows, and now and then the operator prunes old logs.
        disk = self.disk + 2.5 * wave(t, 45 * 86_400, unit(self.seed, "disk"))
        disk += self._filling(t)
        return {
            "hostname": self.seed,
            "uptime_s": int(t - self.started_at(moment).timestamp()) + 86_400,
            "cpu_count": 8,
            "cpu_percent": round(min(cpu, 100.0), 1),
            "load_1m": round(cpu / 100 * 8, 2),
            "load_5m": round(cpu / 100 * 7.6, 2),
            "load_15m": round(cpu / 100 * 7.2, 2),
            "memory": _usage(total, memory),
            "swap": {"total_bytes": 4 * GIB, "used_bytes": 0, "percent": 0.0},
            "disks": [_disk(disk_total, disk)],
            "network": _network(self.seed, t, interval),
            "tcp": _tcp(self.peers_in, self.peers_out),
            "node_process": self._process(moment, cpu),
        }

    def _filling(self, t: float) -> float:
        # Something writes steadily (a log left at debug level, say) until the
        # operator frees the space a week before it would fill, and again: the
        # disk forecast has a trend to show, and the disk never fills.
        if self.fills_in is None:
            return 0.0
        span = self.fills_in.total_seconds()
        cycle = span - DISK_FREED_BEFORE_FULL.total_seconds()
        into = (t + unit(self.seed, "fill") * cycle) % cycle
        return (100 - self.disk) * into / span

    def _process(self, moment: datetime, cpu: float) -> dict[str, Any]:
        started = self.started_at(moment)
        return {
            "found": True,
            "pid": 4000 + int(unit(self.seed, started.isoformat()) * 30000),
            "rss_bytes": int(19.4 * GIB),
            "cpu_percent": round(cpu * 8 * 0.9, 1),
            "uptime_s": int((moment - started).total_seconds()),
            "started_at": started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "restarts": 0,
        }


def _base(name: str) -> str:
    """A metric's name without its type suffix, as the overrides are keyed."""
    return re.sub(r"_(int|real|counter)$", "", name)


def _build_info_line(line: str, release: tuple[str, str]) -> str:
    version, revision = release
    major, minor, patch = version.split(".")
    labels = {
        "version": version,
        "version_major": major,
        "version_minor": minor,
        "version_patch": patch,
        "revision": revision,
    }
    return BUILD_LABEL.sub(lambda match: f'{match[1]}="{labels[match[1]]}"', line)


def _tip_block_line(block: int) -> str:
    digest = hashlib.blake2b(str(block).encode(), digest_size=32).hexdigest()
    parent = hashlib.blake2b(str(block - 1).encode(), digest_size=32).hexdigest()
    return f'{PREFIX}tipBlock{{hash="{digest}",parent_hash="{parent}"}} 1'


def _usage(total: int, percent: float) -> dict[str, Any]:
    used = int(total * percent / 100)
    return {
        "total_bytes": total,
        "used_bytes": used,
        "available_bytes": total - used,
        "percent": round(percent, 1),
    }


def _disk(total: int, percent: float) -> dict[str, Any]:
    used = int(total * percent / 100)
    return {
        "mountpoint": "/",
        "device": "/dev/nvme0n1p2",
        "fstype": "ext4",
        "total_bytes": total,
        "used_bytes": used,
        "free_bytes": total - used,
        "percent": round(percent, 1),
    }


def _network(seed: str, t: float, interval: float) -> dict[str, Any]:
    rate = 2_500_000 * (1 + 0.5 * wave(t, 86_400, unit(seed, "net")))
    total = int(t * 2_500_000) % 2**48
    return {
        "interfaces": ["eth0"],
        "rx_bytes_total": total,
        "tx_bytes_total": total // 2,
        "rx_bytes_per_s": round(rate, 1),
        "tx_bytes_per_s": round(rate / 2, 1),
    }


def _tcp(peers_in: int, peers_out: int) -> dict[str, Any]:
    return {
        "established_in": peers_in + 1,
        "established_out": peers_out + 2,
        "node_in": peers_in,
        "node_out": None,
        "node_ports": [3001],
    }
