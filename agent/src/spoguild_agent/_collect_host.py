"""Host collection with psutil: CPU, memory, disks, network, TCP, the node process.

The collector keeps the node's ``psutil.Process`` between samples, for its
CPU share. What must outlive the agent's process goes to a ``StateStore``
(the spool file): the node process's identity, so restarts are counted
across restarts of the agent, and the last network counters, so that
``once`` run by cron, a new process each time, reports rates too.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import psutil

from ._spool import MemoryStore, StateStore

__all__ = ["NET_RATE_MAX_AGE", "HostCollector"]

logger = logging.getLogger(__name__)

# Filesystems that hold no operator data, or duplicate a real disk's numbers.
_PSEUDO_FILESYSTEMS = frozenset(
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
        "debugfs", "devpts", "devtmpfs", "efivarfs", "fuse.lxcfs",
        "fuse.snapfuse", "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs",
        "overlay", "proc", "pstore", "ramfs", "securityfs", "squashfs",
        "sysfs", "tmpfs", "tracefs", "udf",
    }
)  # fmt: skip

# psutil's first CPU reading after priming is only meaningful after a while.
_CPU_SETTLE_SECONDS = 0.25

NET_RATE_MAX_AGE = 900.0
"""Seconds after which a previous network reading is too old to rate against."""

_NET_STATE = "net_counters"
# psutil derives the boot time from the wall clock and the uptime: it wobbles.
_BOOT_TIME_JITTER = 2.0


class _NetReading(NamedTuple):
    at: float
    """Wall-clock seconds: the next reading may be taken by another process."""
    boot_time: float
    interfaces: list[str]
    rx: int
    tx: int


class HostCollector:
    """Collects the ``host`` part of a sample (see PROTOCOL.md)."""

    def __init__(
        self,
        *,
        process_name: str = "cardano-node",
        node_ports: Sequence[int] = (),
        net_include: Sequence[str] = (),
        net_exclude: Sequence[str] = ("lo",),
        disk_include: Sequence[str] = (),
        disk_exclude: Sequence[str] = (),
        store: StateStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = time.sleep,
        net_rate_max_age: float = NET_RATE_MAX_AGE,
    ) -> None:
        self._process_name = process_name
        self._node_ports = frozenset(node_ports)
        self._net_filter = (tuple(net_include), tuple(net_exclude))
        self._disk_filter = (tuple(disk_include), tuple(disk_exclude))
        self._store: StateStore = store if store is not None else MemoryStore()
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self.net_rate_max_age = net_rate_max_age
        self._node: psutil.Process | None = None
        self._node_fresh = False
        self._first = True

        psutil.cpu_percent(interval=None)
        self._node = self._find_node()
        self._primed_at = clock()

    def collect(self) -> dict[str, Any]:
        if self._first:
            self._first = False
            wait = _CPU_SETTLE_SECONDS - (self._clock() - self._primed_at)
            if wait > 0:
                self._sleep(wait)

        node = self._current_node()
        memory = psutil.virtual_memory()
        swap = psutil.swap_memory()
        load_1m, load_5m, load_15m = psutil.getloadavg()
        return {
            "hostname": socket.gethostname(),
            "uptime_s": int(time.time() - psutil.boot_time()),
            "cpu_count": psutil.cpu_count() or 0,
            "cpu_percent": psutil.cpu_percent(interval=None),
            "load_1m": round(load_1m, 2),
            "load_5m": round(load_5m, 2),
            "load_15m": round(load_15m, 2),
            "memory": {
                "total_bytes": memory.total,
                "used_bytes": memory.used,
                "available_bytes": memory.available,
                "percent": memory.percent,
            },
            "swap": {
                "total_bytes": swap.total,
                "used_bytes": swap.used,
                "percent": swap.percent,
            },
            "disks": self._disks(),
            "network": self._network(),
            "tcp": self._tcp(node),
            "node_process": self._node_process(node),
        }

    def _disks(self) -> list[dict[str, Any]]:
        disks = []
        seen: set[str] = set()
        for part in psutil.disk_partitions(all=False):
            if part.fstype in _PSEUDO_FILESYSTEMS or not part.fstype:
                continue
            if part.device in seen or not _selected(
                part.mountpoint, *self._disk_filter
            ):
                continue
            try:
                usage = psutil.disk_usage(part.mountpoint)
            except OSError:
                continue
            if usage.total == 0:
                continue

            seen.add(part.device)
            disks.append(
                {
                    "mountpoint": part.mountpoint,
                    "device": part.device,
                    "fstype": part.fstype,
                    "total_bytes": usage.total,
                    "used_bytes": usage.used,
                    "free_bytes": usage.free,
                    "percent": usage.percent,
                }
            )
        return disks

    def _network(self) -> dict[str, Any]:
        counters = psutil.net_io_counters(pernic=True)
        names = sorted(n for n in counters if _selected(n, *self._net_filter))
        reading = _NetReading(
            self._wall_clock(),
            psutil.boot_time(),
            names,
            sum(counters[n].bytes_recv for n in names),
            sum(counters[n].bytes_sent for n in names),
        )
        stored = _stored_reading(self._store.get_state(_NET_STATE))
        self._store.set_state(_NET_STATE, reading._asdict())
        previous = _comparable(stored, reading, self.net_rate_max_age)
        return {
            "interfaces": names,
            "rx_bytes_total": reading.rx,
            "tx_bytes_total": reading.tx,
            "rx_bytes_per_s": _rate(previous, reading, lambda r: r.rx),
            "tx_bytes_per_s": _rate(previous, reading, lambda r: r.tx),
        }

    def _tcp(self, node: psutil.Process | None) -> dict[str, Any]:
        try:
            conns = [_conn(c) for c in psutil.net_connections(kind="tcp")]
        except (psutil.AccessDenied, OSError) as exc:
            logger.debug("cannot list TCP connections: %s", exc)
            return _tcp_summary(None, None, None, None, [])

        listening = {c.port for c in conns if c.status == psutil.CONN_LISTEN}
        established = [c for c in conns if c.established and not c.loopback]
        inbound = sum(c.port in listening for c in established)

        node_conns = _node_connections(node, conns)
        node_ports = set(self._node_ports) or {
            c.port
            for c in node_conns or ()
            if c.status == psutil.CONN_LISTEN and c.port is not None
        }
        node_in = sum(c.port in node_ports for c in established) if node_ports else None
        node_out = (
            sum(c.established and c.port not in node_ports for c in node_conns)
            if node_conns is not None
            else None
        )
        return _tcp_summary(
            inbound, len(established) - inbound, node_in, node_out, sorted(node_ports)
        )

    def _current_node(self) -> psutil.Process | None:
        if self._node is not None and self._node.is_running():
            return self._node
        self._node = self._find_node()
        # Its CPU share was primed just now; measure it from the next sample.
        self._node_fresh = self._node is not None
        return self._node

    def _find_node(self) -> psutil.Process | None:
        candidates = []
        for proc in psutil.process_iter(["name", "cmdline", "create_time"]):
            info = proc.info
            program = os.path.basename((info.get("cmdline") or [""])[0])
            if self._process_name in (info.get("name"), program):
                candidates.append(proc)
        if not candidates:
            return None

        # Several matches (a relay and a producer on one box): the oldest.
        node = min(candidates, key=lambda p: p.info.get("create_time") or 0.0)
        try:
            node.cpu_percent(interval=None)
        except psutil.Error:
            return None
        return node

    def _node_process(self, node: psutil.Process | None) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "found": False,
            "pid": None,
            "rss_bytes": None,
            "cpu_percent": None,
            "uptime_s": None,
            "started_at": None,
        }
        if node is not None:
            try:
                with node.oneshot():
                    created = node.create_time()
                    summary.update(
                        found=True,
                        pid=node.pid,
                        rss_bytes=node.memory_info().rss,
                        cpu_percent=self._node_cpu(node),
                        uptime_s=max(0, int(time.time() - created)),
                        started_at=_iso(created),
                    )
                self._track_restarts(node.pid, created)
            except psutil.NoSuchProcess:
                self._node = None
            except psutil.AccessDenied:
                summary.update(found=True, pid=node.pid)

        summary["restarts"] = int(self._store.get_state("node_restarts") or 0)
        return summary

    def _node_cpu(self, node: psutil.Process) -> float | None:
        percent = node.cpu_percent(interval=None)
        if self._node_fresh:
            self._node_fresh = False
            return None
        return round(percent, 1)

    def _track_restarts(self, pid: int, created: float) -> None:
        previous = self._store.get_state("node_process")
        if _same_process(previous, pid, created):
            return

        if previous is not None:
            self._store.add_counter("node_restarts", 1)
            logger.info(
                "%s restarted (pid %s -> %s)",
                self._process_name,
                previous.get("pid"),
                pid,
            )
        self._store.set_state("node_process", {"pid": pid, "create_time": created})


class _Conn(NamedTuple):
    pid: int | None
    status: str
    port: int | None
    """Local port."""
    established: bool
    """Established, with a remote end."""
    loopback: bool
    """The remote end is on this host."""


def _conn(conn: Any) -> _Conn:
    remote = conn.raddr.ip if conn.raddr else None
    return _Conn(
        pid=conn.pid,
        status=conn.status,
        port=conn.laddr.port if conn.laddr else None,
        established=conn.status == psutil.CONN_ESTABLISHED and remote is not None,
        loopback=remote is not None and _is_loopback(remote),
    )


def _node_connections(
    node: psutil.Process | None, conns: list[_Conn]
) -> list[_Conn] | None:
    """The node's TCP sockets, or None when the agent may not see them."""
    if node is None:
        return None
    own = [c for c in conns if c.pid == node.pid]
    if own:
        return own
    try:
        return [_conn(c) for c in node.net_connections(kind="tcp")]
    except psutil.Error:
        return None


def _tcp_summary(
    inbound: int | None,
    outbound: int | None,
    node_in: int | None,
    node_out: int | None,
    node_ports: list[int],
) -> dict[str, Any]:
    return {
        "established_in": inbound,
        "established_out": outbound,
        "node_in": node_in,
        "node_out": node_out,
        "node_ports": node_ports,
    }


def _same_process(previous: Any, pid: int, created: float) -> bool:
    if not isinstance(previous, dict):
        return False
    # create_time is derived from boot time and clock ticks; allow jitter.
    return bool(
        previous.get("pid") == pid
        and abs(float(previous.get("create_time") or 0.0) - created) < 1.0
    )


def _selected(name: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    if include and not any(fnmatch.fnmatchcase(name, p) for p in include):
        return False
    return not any(fnmatch.fnmatchcase(name, p) for p in exclude)


def _stored_reading(state: Any) -> _NetReading | None:
    # A reading in another shape (another agent version, a hand-edited
    # file) counts as none.
    if not isinstance(state, dict):
        return None
    try:
        return _NetReading(
            at=float(state["at"]),
            boot_time=float(state["boot_time"]),
            interfaces=[str(name) for name in state["interfaces"]],
            rx=int(state["rx"]),
            tx=int(state["tx"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _comparable(
    previous: _NetReading | None, current: _NetReading, max_age: float
) -> _NetReading | None:
    """``previous`` when a rate against it means something, else None."""
    if previous is None or previous.interfaces != current.interfaces:
        return None
    # After a reboot the counters start again and may have passed the old ones.
    if abs(previous.boot_time - current.boot_time) > _BOOT_TIME_JITTER:
        return None
    # An average over hours (the agent was stopped) is not this minute's rate.
    if current.at - previous.at > max_age:
        return None
    return previous


def _rate(
    previous: _NetReading | None,
    current: _NetReading,
    counter: Callable[[_NetReading], int],
) -> float | None:
    if previous is None:
        return None
    elapsed = current.at - previous.at
    delta = counter(current) - counter(previous)
    if elapsed <= 0 or delta < 0:
        return None
    return round(delta / elapsed, 1)


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
