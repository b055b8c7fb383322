"""An in-memory ChainSource with scenario data, and builders for that data.

The fake answers from plain lists and dicts as the real sources would (the
"missing-thing rule": None for an unknown pool, empty lists), counts every
method call as one request, and can be told to fail a method's next calls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from apps.chain.sources.base import (
    BlockAtSlot,
    BlockRef,
    EpochInfo,
    MetadataCheck,
    PoolBlock,
    PoolDetails,
    PoolEpoch,
    PoolListing,
    PoolMetadata,
    ProtocolParams,
    Relay,
    Tip,
)
from apps.networks import slots
from spoguild.http import CallCounter

NETWORK = "mainnet"
ADA = 1_000_000
# The whole network's active stake and n_opt: a saturation point of 43.2M ADA.
TOTAL_STAKE = 21_600_000_000 * ADA
N_OPT = 500
POOL = "pool1pu5jlj4q9w9jlxeu370a3c9myx47md5j5m2str0naunn2q3lkdy"


def moment(epoch: int, *, days: float = 1.0) -> datetime:
    """A time ``days`` into mainnet ``epoch``."""
    return slots.epoch_start(NETWORK, epoch) + timedelta(days=days)


def pool_id(n: int) -> str:
    return f"pool1fake{n:049d}"


@dataclass
class FakeChainSource:
    """A :class:`~apps.chain.sources.base.ChainSource` over scenario data.

    ``name`` chooses the vendor rules the sync applies (cadence, what
    ``rewards`` means), so a scenario can play either vendor.
    """

    network: str = NETWORK
    name: str = "koios"
    counter: CallCounter = field(default_factory=CallCounter)
    current_epoch: int = 500
    # Mainnet's stake supply (total supply less reserves) is about 37.5B ADA.
    supply: int | None = 37_500_000_000_000_000
    epochs: dict[int, EpochInfo] = field(default_factory=dict)
    directory: list[PoolListing] = field(default_factory=list)
    pools: dict[str, PoolDetails] = field(default_factory=dict)
    metadata: dict[str, PoolMetadata] = field(default_factory=dict)
    history: dict[str, list[PoolEpoch]] = field(default_factory=dict)
    blocks: dict[str, list[PoolBlock]] = field(default_factory=dict)
    failures: dict[str, list[Exception]] = field(
        default_factory=lambda: defaultdict(list)
    )
    asked: list[str] = field(default_factory=list)

    def using(self, counter: CallCounter) -> FakeChainSource:
        """This source, counting on ``counter``: a run's source factory."""
        self.counter = counter
        return self

    def fail(self, method: str, *errors: Exception) -> None:
        """The next calls of ``method`` raise these errors, one each."""
        self.failures[method].extend(errors)

    def tip(self) -> Tip:
        self._call("tip")
        start = slots.epoch_first_slot(self.network, self.current_epoch)
        return Tip(
            hash="ab" * 32,
            slot=start + 1000,
            height=11_000_000,
            epoch=self.current_epoch,
            epoch_slot=1000,
            time=slots.slot_to_datetime(self.network, start + 1000),
        )

    def epoch(self, number: int | None = None) -> EpochInfo:
        self._call("epoch")
        number = self.current_epoch if number is None else number
        return self.epochs.get(number) or epoch_info(number)

    def stake_supply(self, epoch: int) -> int | None:
        self._call("stake_supply")
        return self.supply

    def pool_directory(self) -> list[PoolListing]:
        self._call("pool_directory")
        return list(self.directory)

    def pool(self, pool_id: str) -> PoolDetails | None:
        self._call("pool")
        return self.pools.get(pool_id)

    def pool_metadata(self, pool_id: str) -> PoolMetadata | None:
        self._call("pool_metadata")
        return self.metadata.get(pool_id)

    def pool_history(
        self, pool_id: str, *, after_epoch: int | None = None
    ) -> list[PoolEpoch]:
        self._call("pool_history")
        rows = self.history.get(pool_id, [])
        return [row for row in rows if after_epoch is None or row.epoch > after_epoch]

    def pool_blocks(
        self, pool_id: str, *, after: BlockRef | None = None, limit: int | None = None
    ) -> list[PoolBlock]:
        self._call("pool_blocks")
        rows = [
            block
            for block in self.blocks.get(pool_id, [])
            if after is None or block.slot > after.slot
        ]
        return rows[-limit:] if limit else rows

    def block_at_slot(self, slot: int) -> BlockAtSlot | None:
        self._call("block_at_slot")
        return None

    def _call(self, method: str) -> None:
        self.counter.add(self.name)
        self.asked.append(method)
        if self.failures[method]:
            raise self.failures[method].pop(0)


def epoch_info(number: int, *, decentralisation: float | None = None) -> EpochInfo:
    return EpochInfo(
        epoch=number,
        start_time=slots.epoch_start(NETWORK, number),
        end_time=slots.epoch_end(NETWORK, number),
        block_count=21_000,
        tx_count=300_000,
        fees=80_000 * ADA,
        active_stake=TOTAL_STAKE,
        params=ProtocolParams(
            n_opt=N_OPT,
            a0=0.3,
            rho=0.003,
            tau=0.2,
            min_pool_cost=170 * ADA,
            key_deposit=2 * ADA,
            pool_deposit=500 * ADA,
            e_max=18,
            decentralisation=decentralisation,
            protocol_major=10,
            protocol_minor=0,
            nonce=None,
        ),
    )


def listing(n: int, **changes: object) -> PoolListing:
    """The n-th pool of a directory, as Blockfrost would list it."""
    row = PoolListing(
        pool_id=pool_id(n),
        pool_id_hex=f"{n:056x}",
        ticker=f"P{n}"[:5],
        name=f"Pool {n}",
        live_stake=(1_000_000 + n) * ADA,
        active_stake=1_000_000 * ADA,
        live_saturation=0.02,
        pledge=100_000 * ADA,
        margin=0.01,
        fixed_cost=170 * ADA,
        blocks_minted=100,
        retiring_epoch=None,
        metadata_url=f"https://pool{n}.example.org/meta.json",
        metadata_hash=f"{n:064x}",
    )
    return replace(row, **changes)  # type: ignore[arg-type]


def details(pool: str = POOL, **changes: object) -> PoolDetails:
    row = PoolDetails(
        pool_id=pool,
        pool_id_hex="0f292fcaa02b8b2f9b3c8f9fd8e0bb21abedb692a6d5058df3ef2735",
        vrf_key_hash="0b5245f9934ec2151116fb8ec00f35fd00e0aa3b075c4ed12cce440f999d8233",
        pledge=5_000 * ADA,
        margin=0.05,
        fixed_cost=340 * ADA,
        reward_account="stake1uxkptsa4lkr55jleztw43t37vgdn88l6ghclfwuxld2eykgpgvg3f",
        owners=("stake1u98nnlkvkk23vtvf9273uq7cph5ww6u2yq2389psuqet90sv4xv9v",),
        metadata_url="https://stakenuts.com/mainnet.json",
        metadata_hash="47c0c68cb57f4a5b4a87bad896fc274678e7aea98e200fa14a1cb40c0cab1d8c",
        relays=(Relay("4.4.4.4", None, "relay1.stakenuts.com", None, 3001),),
        live_stake=21_600_000 * ADA,
        live_pledge=5_000 * ADA + 1,
        live_saturation=None,
        active_stake=21_600_000 * ADA,
        delegators_count=127,
        blocks_minted=1000,
        retiring_epoch=None,
    )
    return replace(row, **changes)  # type: ignore[arg-type]


def metadata(
    pool: str = POOL, check: MetadataCheck = MetadataCheck.OK, **changes: object
) -> PoolMetadata:
    row = PoolMetadata(
        pool_id=pool,
        url="https://stakenuts.com/mainnet.json",
        hash="47c0c68cb57f4a5b4a87bad896fc274678e7aea98e200fa14a1cb40c0cab1d8c",
        ticker="NUTS",
        name="Stake Nuts",
        description="The best pool ever",
        homepage="https://stakenuts.com/",
        check=check,
    )
    return replace(row, **changes)  # type: ignore[arg-type]


def history(
    first: int,
    last: int,
    *,
    rewards: int = 6_500 * ADA,
    fees: int = 0,
    blocks: int = 20,
) -> list[PoolEpoch]:
    """Epochs ``first`` to ``last`` of a pool holding 0.1 % of the stake
    (21.6 blocks expected an epoch); the two newest earned nothing yet."""
    return [
        PoolEpoch(
            epoch=epoch,
            blocks=blocks,
            active_stake=10_000_000 * ADA,
            active_size=0.001,
            delegators_count=120,
            rewards=rewards if epoch <= last - 2 else 0,
            fees=fees if epoch <= last - 2 else 0,
        )
        for epoch in range(first, last + 1)
    ]


def block(n: int, epoch: int = 500) -> PoolBlock:
    """The pool's n-th block, in ``epoch``, one every 1,000 slots."""
    slot = slots.epoch_first_slot(NETWORK, epoch) + 1000 * n
    return PoolBlock(
        slot=slot,
        epoch_slot=1000 * n,
        height=11_000_000 + n,
        hash=f"{epoch:08x}{n:056x}",
        epoch=epoch,
        time=slots.slot_to_datetime(NETWORK, slot),
        size=2048,
    )


def one_pool(name: str = "koios", epoch: int = 500) -> FakeChainSource:
    """A source that knows one pool well: registration, metadata, 21 epochs of
    history up to the current one, and 25 blocks in the current epoch."""
    return FakeChainSource(
        name=name,
        current_epoch=epoch,
        directory=[listing(0, pool_id=POOL)],
        pools={POOL: details()},
        metadata={POOL: metadata()},
        history={POOL: history(epoch - 20, epoch)},
        blocks={POOL: [block(n, epoch) for n in range(25)]},
    )
