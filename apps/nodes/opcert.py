"""Whether the chain will accept a block producer's operational certificate.

Praos takes a block only when its certificate's counter n keeps
m <= n <= m + 1, m being the last counter the chain saw in one of the pool's
blocks; for a registered pool that has made none, m is 0 (ouroboros-consensus
Praos, ``currentIssueNo``). gLiveView checks the same. The counters come from
the agent's optional op-cert check (cardano-cli ``kes-period-info``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpcertCounter:
    """The newest sample's counters; ``on_chain`` None before the first block."""

    on_disk: int
    on_chain: int | None

    @classmethod
    def of(cls, reported: dict[str, Any]) -> OpcertCounter | None:
        """The counters in a sample's node part, None when the check is off."""
        on_disk = reported.get("opcert_counter")
        if not isinstance(on_disk, int):
            return None
        on_chain = reported.get("opcert_counter_on_chain")
        return cls(on_disk, on_chain if isinstance(on_chain, int) else None)

    @property
    def last_seen(self) -> int:
        return 0 if self.on_chain is None else self.on_chain

    @property
    def next_counter(self) -> int:
        """The counter a replacement certificate should carry."""
        return self.last_seen + 1

    @property
    def stale(self) -> bool:
        return self.on_disk < self.last_seen

    @property
    def over_incremented(self) -> bool:
        return self.on_disk > self.next_counter

    @property
    def unused(self) -> bool:
        """A new certificate, valid, that no block of the pool carries yet."""
        return self.on_chain is not None and self.on_disk == self.next_counter

    @property
    def level(self) -> str:
        return "critical" if self.stale or self.over_incremented else "ok"


def check_error(reported: dict[str, Any]) -> str | None:
    """Why the agent's op-cert check failed, None when it passed or is off.

    A failed check sends no counters, so ``OpcertCounter.of`` gives None as
    for a check that is off: only this error tells the two apart.
    """
    error = reported.get("opcert_error")
    if not isinstance(error, str) or not error.strip():
        return None
    return error.strip()
