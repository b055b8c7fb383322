"""PROTOCOL.md is what the service is built from; it must match the agent."""

from __future__ import annotations

import re
from pathlib import Path

from spoguild_agent import NODE_KEYS

PROTOCOL = Path(__file__).parent.parent / "PROTOCOL.md"


def _table_keys(section: str) -> list[str]:
    text = PROTOCOL.read_text(encoding="utf-8")
    body = text.split(f"### `{section}`", 1)[1].split("\n### ", 1)[0]
    keys = []
    for line in body.splitlines():
        match = re.match(r"\| `([a-z0-9_]+)`", line)
        if match and not line.startswith("| key"):
            keys.append(match.group(1))
    return keys


def test_the_node_table_lists_every_key_in_order() -> None:
    assert _table_keys("node") == list(NODE_KEYS)


def test_the_agent_table_lists_the_agent_keys() -> None:
    assert _table_keys("agent") == [
        "interval_s",
        "spooled",
        "dropped_samples",
        "rejected_samples",
    ]
