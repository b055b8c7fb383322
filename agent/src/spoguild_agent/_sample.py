"""One sample: the JSON object described in PROTOCOL.md."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ._version import __version__

__all__ = ["build_sample", "format_ts"]


def format_ts(moment: datetime) -> str:
    """UTC ISO-8601 with a Z, to the second: the sample's identity."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_sample(
    moment: datetime,
    *,
    host: dict[str, Any],
    node: dict[str, Any],
    agent: dict[str, Any],
) -> dict[str, Any]:
    return {
        "ts": format_ts(moment),
        "agent_version": __version__,
        "agent": agent,
        "host": host,
        "node": node,
    }
