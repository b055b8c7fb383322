"""The tip and the current epoch of a network, with its protocol parameters."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction
from django.utils import timezone

from apps.chain.models import Epoch, NetworkTip
from apps.chain.sources.base import ChainSource, EpochInfo

# The tip moves every 20 s; the current epoch's counts (blocks, transactions,
# fees) are worth a refresh now and then, its parameters only once.
EPOCH_REFRESH: Final = timedelta(hours=1)


def sync_network_state(source: ChainSource, now: datetime | None = None) -> None:
    """Stores the tip, and the current epoch when it is new or an hour old.

    When the tip shows a new epoch, the one that just ended is read once
    more, for its final block count. One call in most runs.
    """
    now = now or timezone.now()
    tip = source.tip()
    NetworkTip.objects.update_or_create(
        network=source.network,
        defaults={
            "slot": tip.slot,
            "height": tip.height,
            "hash": tip.hash,
            "epoch": tip.epoch,
            "time": tip.time,
            "source": source.name,
        },
    )

    stored = Epoch.objects.filter(network=source.network, number=tip.epoch).first()
    if stored is not None and stored.updated_at > now - EPOCH_REFRESH:
        return
    if stored is None and _has_epoch(source.network, tip.epoch - 1):
        store_epoch(source.network, source.epoch(tip.epoch - 1))
    epoch = store_epoch(source.network, source.epoch())
    _store_stake_supply(source, epoch)


def latest_epoch(network: str) -> Epoch | None:
    return Epoch.objects.filter(network=network).order_by("-number").first()


def latest_or_fetched_epoch(source: ChainSource) -> Epoch:
    """The newest stored epoch, asking the source only if none is stored yet."""
    return latest_epoch(source.network) or store_epoch(source.network, source.epoch())


@transaction.atomic
def store_epoch(network: str, info: EpochInfo) -> Epoch:
    epoch, _created = Epoch.objects.update_or_create(
        network=network,
        number=info.epoch,
        defaults={
            "start_time": info.start_time,
            "end_time": info.end_time,
            "block_count": info.block_count,
            "tx_count": info.tx_count,
            "fees": info.fees,
            "active_stake": info.active_stake,
            "n_opt": info.params.n_opt,
            "decentralisation": info.params.decentralisation,
            "params": asdict(info.params),
        },
    )
    return epoch


def _store_stake_supply(source: ChainSource, epoch: Epoch) -> None:
    """Keeps the last known supply when the source has none for this epoch."""
    supply = source.stake_supply(epoch.number)
    if supply is not None:
        Epoch.objects.filter(pk=epoch.pk).update(stake_supply=supply)
        epoch.stake_supply = supply


def _has_epoch(network: str, number: int) -> bool:
    return Epoch.objects.filter(network=network, number=number).exists()
