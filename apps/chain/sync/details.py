"""The details of the pools someone follows or looked at in the last days.

A pool's detail sync is four steps, each asking the source only when due and
committing on its own, so a failure half-way leaves every finished step
stored and the next run starts with the steps still due:

1. **registration**: relays, owners, live pledge and stake (once an epoch on
   Blockfrost, where it costs three calls; every six hours on Koios, one);
2. **metadata** and whether it matched its hash (when the registration or
   the directory shows a change, daily while it fails, else quarterly);
3. **history**: per-epoch stake, blocks and rewards, once an epoch, from the
   newest stored epoch on, the last few again since rewards settle late;
   then the pool's ROS and luck;
4. **blocks**: from the newest stored block on (on Blockfrost, each block
   costs a call, so only when the directory's block count grew; on Koios,
   where any number of new blocks is one call, hourly).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.chain.models import Epoch
from apps.chain.sources import base
from apps.chain.sources.base import BlockRef, ChainSource, MetadataCheck, SourceStopped
from apps.chain.sync.network import latest_epoch
from apps.networks import slots
from apps.pools import numbers
from apps.pools.models import FollowedPool, Pool, PoolBlock, PoolEpoch, PoolStatus
from spoguild.http import PermanentError, TemporaryError

logger = logging.getLogger(__name__)

VIEWED_WITHIN: Final = timedelta(days=7)
# A newly followed pool gets its newest blocks only: its older ones count in
# the history already, and on Blockfrost each one costs a call.
FIRST_BLOCKS: Final = 20
CATCH_UP_BLOCKS: Final = 200
# Rewards of epoch e are paid as e + 2 starts, and an indexer may take a
# while to show them: re-reading three epochs reads each one again an epoch
# after its rewards were paid.
REFETCH_EPOCHS: Final = 3
# The directory shows when a file needs checking again (see
# apps.chain.sync.directory._metadata); this only backs it up.
METADATA_RECHECK: Final = timedelta(days=90)
METADATA_RETRY: Final = timedelta(days=1)
# Under Celery's soft time limit (240 s); the next run picks up the rest.
RUN_BUDGET: Final = 180.0


class PoolNotFound(PermanentError):
    """The source has no registration for a pool the directory listed."""


@dataclass(frozen=True)
class Cadence:
    """How often two steps may ask again, by what each costs at a vendor.

    ``registration_every`` None means once an epoch; ``blocks_every`` None
    means only when the pool's block count grew.
    """

    registration_every: timedelta | None
    blocks_every: timedelta | None


CADENCES: Final = {
    "blockfrost": Cadence(registration_every=None, blocks_every=None),
    # Koios's bulk listing has no live stake or block count to go by, and
    # reading them costs one call whatever changed.
    "koios": Cadence(
        registration_every=timedelta(hours=6), blocks_every=timedelta(hours=1)
    ),
}


@dataclass(frozen=True)
class Moment:
    """Where a run stands in time: the current epoch and when it began."""

    now: datetime
    epoch: int
    epoch_began: datetime
    cadence: Cadence
    stored_epoch: Epoch | None

    @classmethod
    def of(cls, source: ChainSource, now: datetime) -> Moment:
        epoch = slots.current_epoch(source.network, now)
        return cls(
            now=now,
            epoch=epoch,
            epoch_began=slots.epoch_start(source.network, epoch),
            cadence=CADENCES.get(source.name, CADENCES["blockfrost"]),
            stored_epoch=latest_epoch(source.network),
        )


def pools_to_detail(network: str, now: datetime) -> QuerySet[Pool]:
    """Followed or recently viewed pools, never synced first, then oldest."""
    followed = Exists(FollowedPool.objects.filter(pool=OuterRef("pk")))
    return (
        Pool.objects.filter(network=network, is_demo=False)
        .listed()
        .filter(Q(followed) | Q(last_viewed_at__gte=now - VIEWED_WITHIN))
        .order_by(F("detail_synced_at").asc(nulls_first=True), "pk")
    )


def sync_details(
    source: ChainSource,
    now: datetime | None = None,
    *,
    budget: float = RUN_BUDGET,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Syncs what is due for each pool in turn until ``budget`` seconds are
    spent; returns how many pools asked the source anything."""
    moment = Moment.of(source, now or timezone.now())
    started = clock()
    synced = 0
    for pool in list(pools_to_detail(source.network, moment.now)):
        if clock() - started > budget:
            break
        synced += _sync_pool(source, pool, moment)
    return synced


def sync_pool(source: ChainSource, pool: Pool, now: datetime | None = None) -> bool:
    """Runs the pool's due steps; returns whether any asked the source.

    An error about this pool alone is stored on it and the run goes on; a
    stopped or struggling source ends the run (the error is raised).
    """
    # A pool id names no network: asked of another network's source, it could
    # read a different pool's registration, history and blocks into this one.
    if pool.network != source.network:
        raise ValueError(
            f"{pool.pool_id} is on {pool.network}; the source reads {source.network}."
        )
    return _sync_pool(source, pool, Moment.of(source, now or timezone.now()))


def _sync_pool(source: ChainSource, pool: Pool, moment: Moment) -> bool:
    asked = False
    for step in STEPS:
        if not step.due(pool, moment):
            continue
        asked = True
        try:
            step.run(source, pool, moment)
        except (SourceStopped, TemporaryError) as error:
            _save(pool, detail_error=_message(error))
            raise
        except PermanentError as error:
            _failed(pool, step, error, moment)
            return True
    if asked:
        _save(pool, detail_synced_at=moment.now, detail_error="")
    return asked


def _failed(pool: Pool, step: Step, error: PermanentError, moment: Moment) -> None:
    """Stores the error on the pool; the step waits for its next turn, as
    asking again at once would fail the same way. A pool the source does not
    know has nothing else to read either, so then every step waits."""
    failed = STEPS if isinstance(error, PoolNotFound) else (step,)
    logger.warning(
        "Pool detail step %s failed: %s",
        step.name,
        _message(error),
        extra={"pool": pool.pool_id, "network": pool.network},
    )
    _save(
        pool,
        detail_error=_message(error),
        detail_synced_at=moment.now,
        **{each.stamp: moment.now for each in failed},
    )


def registration_due(pool: Pool, moment: Moment) -> bool:
    synced = pool.registration_synced_at
    if synced is None or synced < moment.epoch_began:
        return True
    every = moment.cadence.registration_every
    return every is not None and synced <= moment.now - every


def sync_registration(source: ChainSource, pool: Pool, moment: Moment) -> None:
    details = source.pool(pool.pool_id)
    if details is None:
        raise PoolNotFound(f"{source.name} has no registration for this pool.")
    fields: dict[str, Any] = {
        "vrf_key_hash": details.vrf_key_hash,
        "reward_account": details.reward_account[:128],
        "owners": list(details.owners),
        "relays": [asdict(relay) for relay in details.relays],
        "pledge": details.pledge,
        "live_pledge": details.live_pledge,
        "margin": details.margin,
        "fixed_cost": details.fixed_cost,
        "live_stake": details.live_stake,
        "active_stake": details.active_stake,
        "live_saturation": numbers.first_known(
            details.live_saturation, _saturation(details.live_stake, moment)
        ),
        "delegators_count": details.delegators_count,
        "blocks_minted": details.blocks_minted,
        "retiring_epoch": details.retiring_epoch,
        "status": (
            PoolStatus.RETIRING if details.retiring_epoch else PoolStatus.REGISTERED
        ),
        "registration_synced_at": moment.now,
    }
    url, digest = (details.metadata_url or "")[:255], (details.metadata_hash or "")[:64]
    if (url, digest) != (pool.metadata_url, pool.metadata_hash):
        fields.update(
            metadata_url=url,
            metadata_hash=digest,
            metadata_check=MetadataCheck.UNKNOWN,
            metadata_check_detail="",
            metadata_checked_at=None,
        )
    with transaction.atomic():
        _save(pool, **fields)


def metadata_due(pool: Pool, moment: Moment) -> bool:
    # Without a registered file there is nothing to fetch or check.
    if not pool.metadata_url:
        return False
    checked = pool.metadata_checked_at
    if checked is None:
        return True
    wait = (
        METADATA_RECHECK if pool.metadata_check == MetadataCheck.OK else METADATA_RETRY
    )
    return checked <= moment.now - wait


def sync_metadata(source: ChainSource, pool: Pool, moment: Moment) -> None:
    """Stores the check result as it is: a mismatch is shown, never hidden.

    Fields the source leaves empty (Blockfrost sends none for a file that
    failed its check) keep their last values, so the pool stays recognisable
    next to the warning.
    """
    metadata = source.pool_metadata(pool.pool_id)
    fields: dict[str, Any] = {"metadata_checked_at": moment.now}
    if metadata is None:
        fields.update(
            metadata_check=MetadataCheck.UNKNOWN,
            metadata_check_detail="The source has no metadata for this pool.",
        )
    else:
        fields.update(
            metadata_check=metadata.check,
            metadata_check_detail=metadata.check_detail[:255],
        )
        for name, value, length in (
            ("ticker", metadata.ticker, 16),
            ("name", metadata.name, 128),
            ("description", metadata.description, None),
            ("homepage", metadata.homepage, 255),
        ):
            if value is not None:
                fields[name] = value[:length]
    with transaction.atomic():
        _save(pool, **fields)


def history_due(pool: Pool, moment: Moment) -> bool:
    synced = pool.history_synced_at
    return synced is None or synced < moment.epoch_began


def sync_history(source: ChainSource, pool: Pool, moment: Moment) -> None:
    newest = pool.epochs.aggregate(newest=Max("epoch"))["newest"]
    after = None if newest is None else newest - REFETCH_EPOCHS
    rows = source.pool_history(pool.pool_id, after_epoch=after)
    totals = {
        epoch.number: epoch
        for epoch in Epoch.objects.filter(
            network=pool.network, number__in=[row.epoch for row in rows]
        )
    }
    epochs = [_pool_epoch(source, pool, row, totals.get(row.epoch)) for row in rows]
    with transaction.atomic():
        PoolEpoch.objects.bulk_create(
            epochs,
            update_conflicts=True,
            unique_fields=["pool", "epoch"],
            update_fields=[
                "blocks",
                "active_stake",
                "active_size",
                "delegators_count",
                "rewards",
                "fees",
                "expected_blocks",
                "updated_at",
            ],
        )
        _save(pool, history_synced_at=moment.now, **_numbers(pool, moment))


def blocks_due(pool: Pool, moment: Moment) -> bool:
    synced = pool.blocks_synced_at
    if synced is None:
        return True
    minted, seen = pool.blocks_minted, pool.blocks_seen
    if minted is not None and (seen is None or minted > seen):
        return True
    every = moment.cadence.blocks_every
    return every is not None and synced <= moment.now - every


def sync_blocks(source: ChainSource, pool: Pool, moment: Moment) -> None:
    newest = pool.blocks.order_by("-slot").only("slot", "hash").first()
    after = None if newest is None else BlockRef(slot=newest.slot, hash=newest.hash)
    limit = FIRST_BLOCKS if newest is None else CATCH_UP_BLOCKS
    blocks = source.pool_blocks(pool.pool_id, after=after, limit=limit)
    with transaction.atomic():
        # A block another run stored meanwhile is simply there already.
        PoolBlock.objects.bulk_create(
            [
                PoolBlock(
                    pool=pool,
                    hash=block.hash,
                    slot=block.slot,
                    height=block.height,
                    epoch=block.epoch,
                    time=block.time,
                    size=block.size,
                )
                for block in blocks
            ],
            ignore_conflicts=True,
        )
        _count_into_epochs(pool, {block.epoch for block in blocks})
        _save(pool, blocks_synced_at=moment.now, blocks_seen=pool.blocks_minted)


@dataclass(frozen=True)
class Step:
    """A detail step: when it is due, what it does, and the field that stamps
    when it last asked the source."""

    name: str
    due: Callable[[Pool, Moment], bool]
    run: Callable[[ChainSource, Pool, Moment], None]
    stamp: str


STEPS: Final = (
    Step("registration", registration_due, sync_registration, "registration_synced_at"),
    Step("metadata", metadata_due, sync_metadata, "metadata_checked_at"),
    Step("history", history_due, sync_history, "history_synced_at"),
    Step("blocks", blocks_due, sync_blocks, "blocks_synced_at"),
)


def _pool_epoch(
    source: ChainSource, pool: Pool, row: base.PoolEpoch, total: Epoch | None
) -> PoolEpoch:
    return PoolEpoch(
        pool=pool,
        epoch=row.epoch,
        blocks=row.blocks,
        active_stake=row.active_stake,
        active_size=row.active_size,
        delegators_count=row.delegators_count,
        rewards=row.rewards,
        fees=row.fees,
        expected_blocks=_expected_blocks(pool.network, row, total),
    )


def _expected_blocks(
    network: str, row: base.PoolEpoch, total: Epoch | None
) -> float | None:
    """From the pool's share of the epoch's active stake; without a stored
    epoch its ``d`` is taken as zero, right for every epoch since 2021."""
    sigma = row.active_size
    # Blockfrost's own specification example gives 1.2345 here: not a share.
    if sigma is None or not 0 <= sigma <= 1:
        sigma = None
        if total is not None and total.active_stake:
            sigma = min(row.active_stake / total.active_stake, 1.0)
    if sigma is None:
        return None
    d = total.decentralisation if total is not None else None
    return numbers.expected_blocks(network, sigma, d)


def _numbers(pool: Pool, moment: Moment) -> dict[str, float | None]:
    epochs = list(
        pool.epochs.only(
            "epoch", "active_stake", "rewards", "blocks", "expected_blocks"
        )
    )
    return {
        "ros_lifetime": numbers.ros_lifetime(epochs, moment.epoch, pool.network),
        "ros_recent": numbers.ros_recent(epochs, moment.epoch, pool.network),
        "luck_recent": numbers.luck_recent(epochs, moment.epoch, pool.network),
    }


def _count_into_epochs(pool: Pool, epochs: Iterable[int]) -> None:
    """Raises an epoch's block count to the blocks stored for it, so the
    current epoch's row counts blocks as they come, not once an epoch."""
    counts = (
        PoolBlock.objects.filter(pool=pool, epoch__in=list(epochs))
        .values("epoch")
        .annotate(made=Count("pk"))
    )
    for row in counts:
        PoolEpoch.objects.filter(
            pool=pool, epoch=row["epoch"], blocks__lt=row["made"]
        ).update(blocks=row["made"])


def _saturation(stake: int, moment: Moment) -> float | None:
    total = moment.stored_epoch
    if total is None:
        return None
    return numbers.saturation(stake, total.stake_supply, total.n_opt)


def _save(pool: Pool, **fields: Any) -> None:
    """Writes only these fields, and keeps the object in step for later steps."""
    for name, value in fields.items():
        setattr(pool, name, value)
    Pool.objects.filter(pk=pool.pk).update(updated_at=timezone.now(), **fields)


def _message(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:255]
