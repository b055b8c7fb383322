"""Realistic version 1 samples and a client helper for the intake tests."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from spoguild_agent import parse_metrics

METRICS = Path(__file__).resolve().parents[2] / "agent/tests/fixtures"
# The agent's own parser reading a real cardano-node metrics page: the node
# part of a sample exactly as the agent builds it (mainnet, 2025-06-01).
NODE = {
    **parse_metrics((METRICS / "sample-metrics-legacy.prom").read_text()),
    "reachable": True,  # set by collect_node once the page was read
}
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def ts_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sample(moment: datetime, **host: Any) -> dict[str, Any]:
    """One sample taken at ``moment``; ``host`` keys override the host part."""
    return {
        "ts": ts_text(moment),
        "agent_version": "0.1.0",
        "agent": {
            "interval_s": 60.0,
            "spooled": 0,
            "dropped_samples": 0,
            "rejected_samples": 0,
        },
        "host": {
            "hostname": "relay1",
            "uptime_s": 864000,
            "cpu_count": 8,
            "cpu_percent": 12.5,
            "load_1m": 0.8,
            "load_5m": 0.7,
            "load_15m": 0.6,
            "memory": {
                "total_bytes": 34359738368,
                "used_bytes": 20615843020,
                "available_bytes": 13743895348,
                "percent": 60.0,
            },
            "swap": {"total_bytes": 0, "used_bytes": 0, "percent": 0.0},
            "disks": [
                {
                    "mountpoint": "/",
                    "device": "/dev/nvme0n1p2",
                    "fstype": "ext4",
                    "total_bytes": 1000204886016,
                    "used_bytes": 300061465804,
                    "free_bytes": 700143420212,
                    "percent": 30.0,
                }
            ],
            "network": {
                "interfaces": ["eth0"],
                "rx_bytes_total": 123456789,
                "tx_bytes_total": 987654321,
                "rx_bytes_per_s": 51200.0,
                "tx_bytes_per_s": 102400.0,
            },
            "tcp": {
                "established_in": 21,
                "established_out": 30,
                "node_in": 20,
                "node_out": 25,
                "node_ports": [3001],
            },
            "node_process": {
                "found": True,
                "pid": 1234,
                "rss_bytes": 22548578304,
                "cpu_percent": 35.0,
                "uptime_s": 86400,
                "started_at": "2025-05-31T12:00:00Z",
                "restarts": 0,
            },
            **host,
        },
        "node": dict(NODE),
    }


def minutes(start: datetime, count: int, **host: Any) -> list[dict[str, Any]]:
    """``count`` samples a minute apart from ``start``, oldest first."""
    return [sample(start + timedelta(minutes=i), **host) for i in range(count)]


def gzipped(payload: Any) -> bytes:
    return gzip.compress(json.dumps(payload).encode())


def post(
    client: Client,
    token: str | None,
    body: bytes,
    *,
    encoding: str | None = "gzip",
) -> Any:
    headers = {}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if encoding is not None:
        headers["HTTP_CONTENT_ENCODING"] = encoding
    return client.post(
        reverse("agent-samples"), body, content_type="application/json", **headers
    )


def post_samples(client: Client, token: str, samples: list[dict[str, Any]]) -> Any:
    return post(client, token, gzipped({"version": 1, "samples": samples}))


def store(node: Any, moment: datetime, **columns: Any) -> Any:
    """A raw sample row written directly, with only the given typed columns."""
    from apps.samples.models import Sample

    return Sample.objects.create(node=node, ts=moment, **columns)
