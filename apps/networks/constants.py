"""Genesis constants of the Cardano networks SPO Guild follows.

Values come from the genesis files of each network (cardano-configurations
@a913d872, as published by IOG/IntersectMBO): `startTime`, `k` and
`slotDuration` from byron-genesis.json, everything else from
shelley-genesis.json. The Shelley transition epoch is in no genesis file: the
node learns it from the chain, so cncli (`guess_shelley_transition_epoch`) and
guild-operators (`SHELLEY_TRANS_EPOCH`) hard-code it per network, as we do.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import models


class Network(models.TextChoices):
    MAINNET = "mainnet", "Mainnet"
    PREPROD = "preprod", "Preprod"
    PREVIEW = "preview", "Preview"


@dataclass(frozen=True)
class NetworkParams:
    """The constants needed to convert between slots, epochs and time.

    `system_start` is the time of Byron slot 0. Shelley's genesis `systemStart`
    repeats it; the Shelley era itself begins later, at `shelley_start`.
    """

    network: Network
    network_magic: int
    system_start: datetime
    byron_slot_length: timedelta
    byron_epoch_length: int
    shelley_transition_epoch: int
    epoch_length: int
    slot_length: timedelta
    active_slot_coeff: float
    security_param: int
    slots_per_kes_period: int
    max_kes_evolutions: int

    @property
    def first_shelley_slot(self) -> int:
        return self.shelley_transition_epoch * self.byron_epoch_length

    @property
    def shelley_start(self) -> datetime:
        return self.system_start + self.first_shelley_slot * self.byron_slot_length

    @property
    def shelley_start_unix(self) -> int:
        return int(self.shelley_start.timestamp())

    @property
    def stability_window(self) -> int:
        """Slots (3k/f) before an epoch ends from which the next one's schedule
        is known."""
        return round(3 * self.security_param / self.active_slot_coeff)


# Byron epochs are 10k slots long (k from byron-genesis.json protocolConsts).
_NETWORKS = (
    NetworkParams(
        network=Network.MAINNET,
        network_magic=764824073,  # both mainnet genesis files
        system_start=datetime.fromtimestamp(1506203091, tz=UTC),  # byron startTime
        byron_slot_length=timedelta(milliseconds=20000),  # byron slotDuration
        byron_epoch_length=10 * 2160,
        shelley_transition_epoch=208,
        # mainnet/shelley-genesis.json from here on.
        epoch_length=432000,
        slot_length=timedelta(seconds=1),
        active_slot_coeff=0.05,
        security_param=2160,
        slots_per_kes_period=129600,
        max_kes_evolutions=62,
    ),
    NetworkParams(
        network=Network.PREPROD,
        network_magic=1,  # both preprod genesis files
        system_start=datetime.fromtimestamp(1654041600, tz=UTC),  # byron startTime
        byron_slot_length=timedelta(milliseconds=20000),  # byron slotDuration
        byron_epoch_length=10 * 2160,
        shelley_transition_epoch=4,
        # preprod/shelley-genesis.json from here on.
        epoch_length=432000,
        slot_length=timedelta(seconds=1),
        active_slot_coeff=0.05,
        security_param=2160,
        slots_per_kes_period=129600,
        max_kes_evolutions=62,
    ),
    # Preview forks to Shelley at epoch 0 (TestShelleyHardForkAtEpoch in its
    # config.json), so its Byron constants never apply to a real slot.
    NetworkParams(
        network=Network.PREVIEW,
        network_magic=2,  # both preview genesis files
        system_start=datetime.fromtimestamp(1666656000, tz=UTC),  # byron startTime
        byron_slot_length=timedelta(milliseconds=20000),  # byron slotDuration
        byron_epoch_length=10 * 432,
        shelley_transition_epoch=0,
        # preview/shelley-genesis.json from here on.
        epoch_length=86400,
        slot_length=timedelta(seconds=1),
        active_slot_coeff=0.05,
        security_param=432,
        slots_per_kes_period=129600,
        max_kes_evolutions=62,
    ),
)

_PARAMS = {p.network: p for p in _NETWORKS}


def params(network: Network | str) -> NetworkParams:
    try:
        return _PARAMS[Network(network)]
    except ValueError:
        known = ", ".join(Network.values)
        raise ValueError(
            f"unknown network {network!r}; expected one of {known}"
        ) from None
