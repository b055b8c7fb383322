"""A pool's epochs as the card, its chart, the CSV and the API show them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from apps.pools import numbers
from apps.pools.models import Pool, PoolEpoch

# The card's table, chart and the API show this many recent epochs; the CSV
# export has them all.
CARD_EPOCHS = 100
FIELDS = (
    "epoch",
    "blocks",
    "expected_blocks",
    "active_stake",
    "delegators_count",
    "rewards",
    "fees",
)


@dataclass(frozen=True)
class EpochRow:
    epoch: int
    blocks: int
    expected_blocks: float | None
    active_stake: int
    delegators_count: int
    rewards: int
    fees: int
    luck: float | None
    ros: float | None


def epoch_rows(epochs: Iterable[PoolEpoch], network: str) -> list[EpochRow]:
    """The epochs with their luck and annualised return (see ``numbers``)."""
    per_year = numbers.epochs_per_year(network)
    return [
        _row(per_year, *(getattr(epoch, field) for field in FIELDS)) for epoch in epochs
    ]


def latest_epoch_rows(pool: Pool, limit: int | None = None) -> list[EpochRow]:
    """The pool's epochs, newest first, read as plain values.

    A card shows a hundred; building a model object for each would cost more
    than the query.
    """
    values = pool.epochs.order_by("-epoch").values_list(*FIELDS)
    if limit is not None:
        values = values[:limit]
    per_year = numbers.epochs_per_year(pool.network)
    return [_row(per_year, *row) for row in values]


def _row(per_year: float, *values: Any) -> EpochRow:
    epoch, blocks, expected, stake, delegators, rewards, fees = values
    return EpochRow(
        epoch=epoch,
        blocks=blocks,
        expected_blocks=expected,
        active_stake=stake,
        delegators_count=delegators,
        rewards=rewards,
        fees=fees,
        luck=numbers.luck(blocks, expected),
        ros=numbers.ros(rewards, stake, per_year),
    )


def chart_series(rows: Sequence[EpochRow]) -> dict[str, list[float | int | None]]:
    """Blocks made and expected per epoch, oldest first, for the uPlot chart.

    An epoch missing from the history is a None in every series, so the chart
    draws a gap there instead of joining its neighbours.
    """
    by_epoch = {row.epoch: row for row in rows}
    if not by_epoch:
        return {"epochs": [], "made": [], "expected": []}
    epochs = list(range(min(by_epoch), max(by_epoch) + 1))
    made: list[float | int | None] = []
    expected: list[float | int | None] = []
    for epoch in epochs:
        row = by_epoch.get(epoch)
        made.append(row.blocks if row else None)
        expected.append(row.expected_blocks if row else None)
    return {"epochs": list(epochs), "made": made, "expected": expected}


@dataclass(frozen=True)
class Summary:
    epochs: int
    made: int
    expected: float
    first_epoch: int | None
    last_epoch: int | None

    @property
    def luck(self) -> float | None:
        return numbers.luck(self.made, self.expected)


def summarise(rows: Sequence[EpochRow]) -> Summary:
    """Blocks made against expected over the given epochs, for the text summary.

    Epochs without an expectation count in neither sum, as in ``luck_over``.
    """
    known = [row for row in rows if row.expected_blocks is not None]
    return Summary(
        epochs=len(rows),
        made=sum(row.blocks for row in known),
        expected=sum(row.expected_blocks or 0 for row in known),
        first_epoch=min((row.epoch for row in rows), default=None),
        last_epoch=max((row.epoch for row in rows), default=None),
    )
