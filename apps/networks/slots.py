"""Conversions between slots, epochs and wall-clock time.

Slots are absolute: numbering starts at Byron slot 0 and runs on through the
Shelley transition. Byron slots last 20 s in 10k-slot epochs; every era since
Shelley kept Shelley's slot and epoch lengths, so two regimes cover the chain.
Returned datetimes are timezone-aware UTC.
"""

from datetime import UTC, datetime

from apps.networks.constants import Network, NetworkParams, params


def epoch_of_slot(network: Network | str, slot: int) -> int:
    p = _params_for_slot(network, slot)
    if slot < p.first_shelley_slot:
        return slot // p.byron_epoch_length

    shelley_slots = slot - p.first_shelley_slot
    return p.shelley_transition_epoch + shelley_slots // p.epoch_length


def slot_in_epoch(network: Network | str, slot: int) -> int:
    p = _params_for_slot(network, slot)
    if slot < p.first_shelley_slot:
        return slot % p.byron_epoch_length

    return (slot - p.first_shelley_slot) % p.epoch_length


def slot_to_datetime(network: Network | str, slot: int) -> datetime:
    """Return the moment `slot` begins."""
    p = _params_for_slot(network, slot)
    if slot < p.first_shelley_slot:
        return p.system_start + slot * p.byron_slot_length

    return p.shelley_start + (slot - p.first_shelley_slot) * p.slot_length


def datetime_to_slot(network: Network | str, moment: datetime) -> int:
    """Return the slot in progress at `moment`."""
    p = params(network)
    _require_aware("moment", moment)
    if moment < p.system_start:
        raise ValueError(
            f"moment {moment.isoformat()} is before {p.network} started at "
            f"{p.system_start.isoformat()}"
        )

    if moment < p.shelley_start:
        return (moment - p.system_start) // p.byron_slot_length

    return p.first_shelley_slot + (moment - p.shelley_start) // p.slot_length


def epoch_first_slot(network: Network | str, epoch: int) -> int:
    p = params(network)
    _require_non_negative("epoch", epoch)
    if epoch < p.shelley_transition_epoch:
        return epoch * p.byron_epoch_length

    shelley_epochs = epoch - p.shelley_transition_epoch
    return p.first_shelley_slot + shelley_epochs * p.epoch_length


def epoch_start(network: Network | str, epoch: int) -> datetime:
    return slot_to_datetime(network, epoch_first_slot(network, epoch))


def epoch_end(network: Network | str, epoch: int) -> datetime:
    """Return the moment `epoch` ends, which is when the next epoch starts."""
    _require_non_negative("epoch", epoch)
    return epoch_start(network, epoch + 1)


def current_slot(network: Network | str, now: datetime) -> int:
    return datetime_to_slot(network, now)


def current_epoch(network: Network | str, now: datetime) -> int:
    return epoch_of_slot(network, current_slot(network, now))


def kes_period(network: Network | str, slot: int) -> int:
    p = _params_for_slot(network, slot)
    return slot // p.slots_per_kes_period


def kes_expiry(
    network: Network | str, tip_slot: int, remaining_kes_periods: int, now: datetime
) -> datetime:
    """Estimate when the KES key of a node at `tip_slot` expires.

    Follows guild-operators `kesExpiration`: the current KES period began
    `tip_slot mod slots_per_kes_period` slots before `now`, and the key lasts
    `remaining_kes_periods` whole periods after that. Taking `now` as the tip's
    time keeps the estimate right for a node that is in sync.
    """
    p = _params_for_slot(network, tip_slot)
    _require_aware("now", now)

    period_start = now - (tip_slot % p.slots_per_kes_period) * p.slot_length
    lifetime = remaining_kes_periods * p.slots_per_kes_period * p.slot_length
    return (period_start + lifetime).astimezone(UTC)


def expected_blocks(network: Network | str, sigma: float) -> float:
    """Return the blocks a pool with stake share `sigma` should make per epoch."""
    p = params(network)
    if not 0 <= sigma <= 1:
        raise ValueError(f"sigma must be between 0 and 1, got {sigma}")

    return sigma * p.epoch_length * p.active_slot_coeff


def _params_for_slot(network: Network | str, slot: int) -> NetworkParams:
    p = params(network)
    _require_non_negative("slot", slot)
    return p


def _require_non_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
