"""Builders for the pool page and API tests: directory pools and their epochs."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from apps.pools.models import Pool, PoolEpoch

ADA = 1_000_000
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_numbers = itertools.count(1)


def pool_id_for(number: int) -> str:
    """A well-formed bech32-looking pool id, unique per number."""
    chars = []
    for _ in range(51):
        chars.append(BECH32[number % 32])
        number //= 32
    return "pool1" + "".join(chars)


def make_pool(ticker: str = "", **fields: Any) -> Pool:
    """A mainnet pool with every directory number set; fields override."""
    number = next(_numbers)
    defaults: dict[str, Any] = {
        "network": "mainnet",
        "pool_id": pool_id_for(number),
        "pool_id_hex": f"{number:056x}",
        "ticker": ticker,
        "name": f"Pool number {number}",
        "pledge": 100_000 * ADA,
        "live_pledge": 150_000 * ADA,
        "margin": 0.01,
        "fixed_cost": 340 * ADA,
        "live_stake": 10_000_000 * ADA,
        "active_stake": 10_000_000 * ADA,
        "live_saturation": 0.13,
        "delegators_count": 500,
        "blocks_minted": 1_000,
        "ros_lifetime": 0.03,
        "ros_recent": 0.03,
        "luck_recent": 1.0,
        "metadata_check": "ok",
    }
    return Pool.objects.create(**(defaults | fields))


def add_epochs(pool: Pool, epochs: Iterable[int], **fields: Any) -> list[PoolEpoch]:
    """Epochs with 10 blocks of 9.5 expected, 4,000 ADA to delegators each."""
    defaults: dict[str, Any] = {
        "blocks": 10,
        "expected_blocks": 9.5,
        "active_stake": 10_000_000 * ADA,
        "delegators_count": 500,
        "rewards": 4_000 * ADA,
        "fees": 380 * ADA,
    }
    return PoolEpoch.objects.bulk_create(
        PoolEpoch(pool=pool, epoch=epoch, **(defaults | fields)) for epoch in epochs
    )
