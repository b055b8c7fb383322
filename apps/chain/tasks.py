"""Periodic chain sync. Each task takes a network name or a pool's id, runs one
sync through :func:`apps.chain.sync.runs.run`, and is safe to run twice: the
sync functions upsert, and each decides what is due before asking anything.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.chain.selection import synced_networks
from apps.chain.sync import details, directory, network, runs
from apps.pools.models import Pool


@shared_task
def sync_networks() -> None:
    """Every few minutes: one task per network, so one failing stops no other."""
    for name in synced_networks():
        sync_network_state.delay(name)


@shared_task
def sync_network_state(network_name: str) -> None:
    runs.run(network_name, network.sync_network_state)


@shared_task
def sync_directories() -> None:
    """Hourly; each network's directory is refreshed only when due."""
    for name in synced_networks():
        sync_directory.delay(name)


@shared_task
def sync_directory(network_name: str, force: bool = False) -> None:
    if force or directory.directory_due(network_name, timezone.now()):
        runs.run(network_name, directory.sync_directory)


@shared_task
def sync_pool_details() -> None:
    for name in synced_networks():
        sync_network_pools.delay(name)


@shared_task
def sync_network_pools(network_name: str) -> None:
    """The due detail steps of the network's followed and viewed pools."""
    runs.run(network_name, details.sync_details)


@shared_task
def sync_pool(pool_pk: int) -> None:
    """One pool's due detail steps now, e.g. right after it was followed."""
    pool = Pool.objects.filter(pk=pool_pk).first()
    if pool is None:
        return
    runs.run(pool.network, lambda source: details.sync_pool(source, pool))
