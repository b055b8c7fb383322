"""The typed columns of ``Metrics``, taken from a validated version 1 sample."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.networks.slots import current_slot

VERSION_LENGTH = 32


def typed_columns(sample: dict[str, Any], ts: datetime, network: str) -> dict[str, Any]:
    """Column values for ``Metrics``; a missing or null key gives null."""
    host = _object(sample.get("host"))
    node = _object(sample.get("node"))
    tcp = _object(host.get("tcp"))
    return {
        "cpu_percent": host.get("cpu_percent"),
        "load_1m": host.get("load_1m"),
        "memory_percent": _object(host.get("memory")).get("percent"),
        "swap_percent": _object(host.get("swap")).get("percent"),
        "disk_percent": (fullest_disk(host.get("disks")) or {}).get("percent"),
        "node_reachable": node.get("reachable") is True,
        # Longer strings are cut rather than refused: a sample is worth more
        # than the tail of an odd version label.
        "node_version": (node.get("version") or "")[:VERSION_LENGTH],
        "tip_slot": node.get("tip_slot"),
        "block_height": node.get("block_height"),
        "epoch": node.get("epoch"),
        "tip_lag_slots": _tip_lag(network, ts, node.get("tip_slot")),
        # The node's own connection manager counts what gLiveView shows as
        # In / Out; the host's socket table stands in when the node does not
        # export them (legacy non-P2P configs, or the node is unreachable).
        "peers_in": _first(node.get("conns_inbound"), tcp.get("node_in")),
        "peers_out": _first(node.get("conns_outbound"), tcp.get("node_out")),
        "kes_remaining_periods": node.get("kes_remaining_periods"),
        "slots_missed": node.get("slots_missed"),
        "mempool_txs": node.get("mempool_txs"),
        "mempool_bytes": node.get("mempool_bytes"),
    }


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def fullest_disk(disks: Any) -> dict[str, Any] | None:
    """The entry of a sample's ``host.disks`` with the highest percent.

    The one rule for "the fullest disk": the typed column takes its percent
    and the node page its mount point and bytes, so both name the same disk.
    Byte counts are optional, a percent is what makes an entry count.
    """
    reporting = [
        disk
        for disk in disks or []
        if isinstance(disk, dict) and disk.get("percent") is not None
    ]
    return max(reporting, key=lambda disk: disk["percent"], default=None)


def _tip_lag(network: str, ts: datetime, tip_slot: int | None) -> int | None:
    if tip_slot is None:
        return None
    return current_slot(network, ts) - tip_slot
