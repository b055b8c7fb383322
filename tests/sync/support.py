"""Small builders for sync tests: stored pools, follows, and a run on a fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from apps.chain.sources.base import ChainSource
from apps.chain.sync import runs
from apps.organizations.models import Organization
from apps.pools.models import FollowedPool, Pool
from spoguild.http import CallCounter
from tests.sync.fakes import POOL, FakeChainSource, listing

T = TypeVar("T")


def make_pool(n: int = 0, **fields: Any) -> Pool:
    """The n-th directory pool as stored before any detail sync; pool 0 is POOL."""
    item = listing(n)
    defaults: dict[str, Any] = {
        "network": "mainnet",
        "pool_id": POOL if n == 0 else item.pool_id,
        "pool_id_hex": item.pool_id_hex,
        "ticker": item.ticker,
        "pledge": item.pledge,
        "margin": item.margin,
        "fixed_cost": item.fixed_cost,
        "metadata_url": item.metadata_url,
        "metadata_hash": item.metadata_hash,
    }
    return Pool.objects.create(**(defaults | fields))


def follow(organization: Organization, pool: Pool) -> Pool:
    FollowedPool.objects.create(organization=organization, pool=pool)
    return pool


def run_with(
    fake: FakeChainSource, job: Callable[[ChainSource], T], now: datetime
) -> T | None:
    """One sync run as a task makes it, with the fake as the network's source."""

    def make_source(network: str, counter: CallCounter) -> ChainSource:
        return fake.using(counter)

    return runs.run(fake.network, job, now=now, make_source=make_source)


def run_on(
    make_source: Callable[[CallCounter], ChainSource],
    job: Callable[[ChainSource], T],
    now: datetime,
    network: str = "mainnet",
) -> T | None:
    """One sync run with the source ``make_source`` builds on the run's counter."""
    return runs.run(
        network,
        job,
        now=now,
        make_source=lambda _network, counter: make_source(counter),
    )
