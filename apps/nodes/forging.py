"""What a block producer's forge counters say, counted since its node started.

cardano-node counts from its start: leadership checks (one a slot), slots
whose check never ran (missed: the node was busy, often collecting garbage),
slots it led, blocks it forged, blocks its own chain adopted or did not, and
leader slots it could not forge in. The missed share is gLiveView's:
missed / (checks + missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The agent's names for the counters (agent/PROTOCOL.md, node part).
_COUNTERS = {
    "checks": "leadership_checks",
    "missed": "slots_missed",
    "leader": "leader_slots",
    "forged": "blocks_forged",
    "adopted": "blocks_adopted",
    "didnt_adopt": "blocks_didnt_adopt",
    "could_not_forge": "could_not_forge",
}


@dataclass(frozen=True)
class ForgeCounters:
    """The counters of the newest sample; None where the node exports none."""

    enabled: bool | None
    checks: int | None
    missed: int | None
    leader: int | None
    forged: int | None
    adopted: int | None
    didnt_adopt: int | None
    could_not_forge: int | None

    @classmethod
    def of(cls, reported: dict[str, Any]) -> ForgeCounters | None:
        """The counters in a sample's node part, or None if it has none at all."""
        counters = {name: reported.get(key) for name, key in _COUNTERS.items()}
        enabled = reported.get("forging_enabled")
        if enabled is None and all(value is None for value in counters.values()):
            return None
        return cls(enabled=enabled, **counters)

    @property
    def missed_percent(self) -> float | None:
        if self.checks is None or self.missed is None:
            return None
        slots = self.checks + self.missed
        return 100 * self.missed / slots if slots else None

    @property
    def level(self) -> str:
        """critical when the node cannot make blocks, warning when it lost one."""
        if self.enabled is False or (self.could_not_forge or 0) > 0:
            return "critical"
        if (self.didnt_adopt or 0) > 0:
            return "warning"
        return "ok"
