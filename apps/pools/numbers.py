"""A pool's public numbers from chain data: ROS, luck, saturation, pledge met.

Pure functions over plain numbers, shared by the sync (which stores ROS and
luck on each pool so the directory can sort on them), the pages and the API.
Amounts are lovelace, ratios are fractions (0.035 is 3.5 %).

Windows, counted in epochs of the pool's network:

* **lifetime**: every epoch the pool had active stake in;
* **recent**: the epochs of the last 30 days, which is the last 6 epochs on
  mainnet and preprod (five-day epochs) and the last 30 on preview (one-day).

ROS looks only at *settled* epochs: the rewards of epoch ``e`` are computed
during ``e + 1`` and paid when ``e + 2`` starts, so before that the indexers
report them as zero. Luck looks at *completed* epochs, whose block count is
final.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Final, Protocol

from apps.networks import slots
from apps.networks.constants import Network, params

RECENT: Final = timedelta(days=30)
YEAR: Final = timedelta(days=365)
# Rewards of epoch e are paid at the start of e + 2 (see the module docstring).
SETTLING_EPOCHS: Final = 2


class EpochResult(Protocol):
    """One epoch of a pool, as :class:`apps.pools.models.PoolEpoch` stores it."""

    @property
    def epoch(self) -> int: ...

    @property
    def active_stake(self) -> int: ...

    @property
    def rewards(self) -> int:
        """To delegators, lovelace."""
        ...

    @property
    def blocks(self) -> int: ...

    @property
    def expected_blocks(self) -> float | None: ...


def epochs_per_year(network: Network | str) -> float:
    """73 on mainnet: the exponent that annualises one epoch's return."""
    p = params(network)
    return YEAR / (p.epoch_length * p.slot_length)


def recent_epochs(network: Network | str) -> int:
    """How many epochs the recent window holds: those of the last 30 days."""
    p = params(network)
    return max(1, round(RECENT / (p.epoch_length * p.slot_length)))


def epoch_rate(delegator_rewards: int, active_stake: int) -> float | None:
    """One epoch's return to delegators; None when the pool had no stake."""
    if active_stake <= 0:
        return None
    return delegator_rewards / active_stake


def annualise(rate: float, epochs_per_year: float) -> float | None:
    """``(rate + 1) ^ epochs_per_year - 1``, compounding every epoch.

    None when that overflows a float, which only broken data can cause (a
    rate of 10 an epoch does it on preview): no number beats a wrong one.
    """
    try:
        return (rate + 1) ** epochs_per_year - 1
    except OverflowError:
        return None


def ros(
    delegator_rewards: int, active_stake: int, epochs_per_year: float
) -> float | None:
    """One epoch's return to delegators, annualised (DOMAIN "Public numbers")."""
    rate = epoch_rate(delegator_rewards, active_stake)
    return None if rate is None else annualise(rate, epochs_per_year)


def ros_over(epochs: Iterable[EpochResult], epochs_per_year: float) -> float | None:
    """The mean of the epochs' rates, annualised; None without any stake.

    Averaging rates rather than summing rewards weighs each epoch alike, so a
    pool that grew tenfold is judged on its return, not on its recent size.
    """
    rates = [
        rate
        for epoch in epochs
        if (rate := epoch_rate(epoch.rewards, epoch.active_stake)) is not None
    ]
    if not rates:
        return None
    return annualise(sum(rates) / len(rates), epochs_per_year)


def expected_blocks(
    network: Network | str, sigma: float, decentralisation: float | None = None
) -> float:
    """Blocks a pool with stake share ``sigma`` should make in one epoch.

    ``sigma * epoch_length * active_slot_coeff * (1 - d)``: while ``d`` was
    above zero (before epoch 257 on mainnet) the federated nodes made that
    share of the blocks. Since Babbage ``d`` is gone, which means zero.
    """
    return slots.expected_blocks(network, sigma) * (1 - (decentralisation or 0))


def luck(made: int, expected: float | None) -> float | None:
    """Blocks made over blocks expected; None when none were expected."""
    if not expected or expected <= 0:
        return None
    return made / expected


def luck_over(epochs: Iterable[EpochResult]) -> float | None:
    """All blocks made over all blocks expected, in epochs where both are known.

    Summing before dividing keeps an epoch with a tiny expectation (one block
    made where 0.1 were expected) from dominating the result.
    """
    made = 0
    expected = 0.0
    for epoch in epochs:
        if epoch.expected_blocks is None:
            continue
        made += epoch.blocks
        expected += epoch.expected_blocks
    return luck(made, expected)


def saturation(
    stake: int | None, stake_supply: int | None, n_opt: int | None
) -> float | None:
    """Stake over the saturation point, ``stake supply / n_opt``; 1.0 is
    saturated. The stake supply is the total supply less the reserves, as the
    ledger counts it for rewards (Blockfrost ``/network`` supply.total, Koios
    ``/totals`` supply). None when any input is unknown or zero."""
    if stake is None or not stake_supply or not n_opt:
        return None
    return stake / (stake_supply / n_opt)


def pledge_met(live_pledge: int | None, declared_pledge: int) -> bool | None:
    """Whether the owners hold what the certificate promises; None if unknown."""
    if live_pledge is None:
        return None
    return live_pledge >= declared_pledge


def settled(epochs: Iterable[EpochResult], current_epoch: int) -> list[EpochResult]:
    """The epochs whose rewards are paid, so final."""
    return [e for e in epochs if e.epoch <= current_epoch - SETTLING_EPOCHS]


def ros_lifetime(
    epochs: Iterable[EpochResult], current_epoch: int, network: Network | str
) -> float | None:
    """Annualised ROS over every settled epoch."""
    return ros_over(settled(epochs, current_epoch), epochs_per_year(network))


def ros_recent(
    epochs: Iterable[EpochResult], current_epoch: int, network: Network | str
) -> float | None:
    """Annualised ROS over the settled epochs of the recent window: on mainnet
    at epoch ``c``, epochs ``c - 7`` to ``c - 2``."""
    newest = current_epoch - SETTLING_EPOCHS
    oldest = newest - recent_epochs(network) + 1
    window = [e for e in epochs if oldest <= e.epoch <= newest]
    return ros_over(window, epochs_per_year(network))


def luck_recent(
    epochs: Iterable[EpochResult], current_epoch: int, network: Network | str
) -> float | None:
    """Luck over the completed epochs of the recent window: on mainnet at epoch
    ``c``, epochs ``c - 6`` to ``c - 1``."""
    oldest = current_epoch - recent_epochs(network)
    return luck_over(e for e in epochs if oldest <= e.epoch < current_epoch)


def first_known(value: Any, fallback: Any) -> Any:
    """``value`` unless it is unknown (None), then ``fallback``."""
    return fallback if value is None else value
