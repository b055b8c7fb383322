"""The directory of every pool of a network, refreshed in bulk.

One bulk listing from the source (33 calls to Blockfrost or 4 to Koios for
3,100 pools) and one upsert. Where the listing lacks a value the detail sync
knows (Koios lists no live stake, block count or name), the stored value is
kept; live saturation the listing lacks is computed from the stake and the
current epoch. A change of pledge, costs, retirement or metadata makes the
detail sync read the pool's registration or metadata again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from apps.chain.models import Epoch
from apps.chain.sources.base import ChainSource, MetadataCheck, PoolListing
from apps.chain.sync.network import latest_or_fetched_epoch
from apps.networks import slots
from apps.pools import numbers
from apps.pools.models import Pool, PoolStatus

logger = logging.getLogger(__name__)

REFRESH_EVERY: Final = timedelta(days=1)
# A listing this much shorter than the stored directory is more likely a
# broken answer than half the network retiring at once: nothing is retired.
MIN_LISTED_SHARE: Final = 0.5
BATCH_SIZE: Final = 500

_STORED = (
    "pool_id",
    "ticker",
    "name",
    "pledge",
    "margin",
    "fixed_cost",
    "retiring_epoch",
    "metadata_url",
    "metadata_hash",
    "metadata_check",
    "metadata_check_detail",
    "metadata_checked_at",
    "registration_synced_at",
    "live_stake",
    "active_stake",
    "live_saturation",
    "blocks_minted",
)
# What an upsert rewrites: every stored field but the key, and the fields
# derived from them here.
_UPDATED = [
    *_STORED[1:],
    "pool_id_hex",
    "status",
    "directory_synced_at",
    "updated_at",
]


@dataclass(frozen=True)
class DirectoryResult:
    listed: int
    added: int
    retired: int


def directory_due(network: str, now: datetime) -> bool:
    """Due once a day, and as soon as a new epoch has begun."""
    last = _listed(network).aggregate(last=Max("directory_synced_at"))["last"]
    if last is None:
        return True
    epoch_began = slots.epoch_start(network, slots.current_epoch(network, now))
    return last < epoch_began or last <= now - REFRESH_EVERY


def sync_directory(source: ChainSource, now: datetime | None = None) -> DirectoryResult:
    """Upserts every listed pool and retires those no longer listed."""
    now = now or timezone.now()
    network = source.network
    # Offset paging can repeat a row across pages; one row per pool for the
    # upsert, which may not touch a row twice.
    listing = {item.pool_id: item for item in source.pool_directory()}
    epoch = latest_or_fetched_epoch(source)
    stored = {
        row["pool_id"]: row
        for row in Pool.objects.filter(network=network).values(*_STORED)
    }
    previously_listed = _listed(network).count()
    pools = [
        _merged(network, item, stored.get(item.pool_id), epoch, now)
        for item in listing.values()
    ]

    with transaction.atomic():
        Pool.objects.bulk_create(
            pools,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            # A pool id names no network: the same one can be on mainnet
            # and preprod, each its own row.
            unique_fields=["network", "pool_id"],
            update_fields=_UPDATED,
        )
        retired = _retire_unlisted(network, now, len(listing), previously_listed)

    added = len(listing.keys() - stored.keys())
    logger.info(
        "Pool directory synced",
        extra={"network": network, "listed": len(listing), "added": added},
    )
    return DirectoryResult(listed=len(listing), added=added, retired=retired)


def _listed(network: str) -> Any:
    return Pool.objects.filter(network=network, is_demo=False).listed()


def _retire_unlisted(
    network: str, now: datetime, listed: int, previously_listed: int
) -> int:
    if listed < previously_listed * MIN_LISTED_SHARE:
        logger.warning(
            "Pool directory much shorter than stored; retiring none",
            extra={"network": network, "listed": listed, "stored": previously_listed},
        )
        return 0
    # Every listed pool was just stamped with ``now``; the rest left the list.
    unlisted = _listed(network).filter(
        Q(directory_synced_at__lt=now) | Q(directory_synced_at__isnull=True)
    )
    return unlisted.update(status=PoolStatus.RETIRED, updated_at=now)


def _merged(
    network: str,
    item: PoolListing,
    old: dict[str, Any] | None,
    epoch: Epoch,
    now: datetime,
) -> Pool:
    old = old or {}
    live_stake = numbers.first_known(item.live_stake, old.get("live_stake"))
    active_stake = numbers.first_known(item.active_stake, old.get("active_stake"))
    registration_changed = bool(old) and (
        (item.pledge, item.margin, item.fixed_cost, item.retiring_epoch)
        != (old["pledge"], old["margin"], old["fixed_cost"], old["retiring_epoch"])
    )
    return Pool(
        network=network,
        pool_id=item.pool_id,
        pool_id_hex=item.pool_id_hex,
        ticker=(numbers.first_known(item.ticker, old.get("ticker")) or "")[:16],
        name=(numbers.first_known(item.name, old.get("name")) or "")[:128],
        pledge=item.pledge,
        margin=item.margin,
        fixed_cost=item.fixed_cost,
        retiring_epoch=item.retiring_epoch,
        status=PoolStatus.RETIRING if item.retiring_epoch else PoolStatus.REGISTERED,
        **_metadata(item, old),
        registration_synced_at=(
            None if registration_changed else old.get("registration_synced_at")
        ),
        live_stake=live_stake,
        active_stake=active_stake,
        live_saturation=_saturation(item, live_stake, active_stake, old, epoch),
        blocks_minted=numbers.first_known(item.blocks_minted, old.get("blocks_minted")),
        directory_synced_at=now,
    )


def _metadata(item: PoolListing, old: dict[str, Any]) -> dict[str, Any]:
    """The registered file, and whether the last check of it still holds.

    The registered hash pins the file's bytes, so a file changed on its
    server fails its check, and the listing shows that as a changed or
    missing ticker: the check is then due again. A newly registered file
    voids the verdict about the old one.
    """
    url, digest = (item.metadata_url or "")[:255], (item.metadata_hash or "")[:64]
    fields: dict[str, Any] = {
        "metadata_url": url,
        "metadata_hash": digest,
        "metadata_check": old.get("metadata_check", MetadataCheck.UNKNOWN),
        "metadata_check_detail": old.get("metadata_check_detail", ""),
        "metadata_checked_at": old.get("metadata_checked_at"),
    }
    if not old:
        return fields
    if (url, digest) != (old["metadata_url"], old["metadata_hash"]):
        fields.update(
            metadata_check=MetadataCheck.UNKNOWN,
            metadata_check_detail="",
            metadata_checked_at=None,
        )
    elif (item.ticker or "")[:16] != old["ticker"]:
        fields["metadata_checked_at"] = None
    return fields


def _saturation(
    item: PoolListing,
    live_stake: int | None,
    active_stake: int | None,
    old: dict[str, Any],
    epoch: Epoch,
) -> float | None:
    """The listing's, else computed against the saturation point (stake
    supply over k): from live stake where the detail sync knows it, otherwise
    from active stake, which lags live stake by two epochs but ranks a
    directory without live stake (Koios) just as well."""
    if item.live_saturation is not None:
        return item.live_saturation
    computed = numbers.saturation(
        numbers.first_known(live_stake, active_stake), epoch.stake_supply, epoch.n_opt
    )
    return numbers.first_known(computed, old.get("live_saturation"))
