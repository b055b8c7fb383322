"""A mainnet-like pool directory for the demo: generated here, not read off the chain.

``make run`` has no internet, so the directory, cards and comparison need pools
to show. These are drawn from a seeded random generator, so every install
gets the same ones: stakes log-normally distributed and capped a little above
the saturation point, margins and fixed costs as operators set them (fixed
cost at least 170 or 340 ADA), a few pools retiring or short of their pledge,
two whose metadata does not match its hash, and twenty epochs of history for
the largest pools. One of them, DEMO, is followed by the demo organization.
Every row is ``is_demo=True`` and the pages say so.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from pycardano.crypto.bech32 import Encoding, bech32_encode, convertbits

from apps.chain.sources.base import MetadataCheck
from apps.networks import slots
from apps.networks.constants import Network
from apps.networks.slots import current_epoch
from apps.organizations.models import Organization
from apps.pools import numbers
from apps.pools.models import FollowedPool, Pool, PoolEpoch

SEED = 20_240_901
POOL_COUNT = 3_000
HISTORY_POOLS = 200
HISTORY_EPOCHS = 20
DEMO_TICKER = "DEMO"
# Pool ids repeat across networks, so every lookup of a demo pool names this.
DEMO_NETWORK = Network.MAINNET
DEMO_HISTORY_EPOCHS = 40

ADA = 1_000_000
SATURATION_POINT = 77_000_000 * ADA
REWARD_PER_BLOCK = 390 * ADA
EPOCHS_PER_YEAR = 73
RECENT_EPOCHS = 6

# Two-letter syllables (BA, KE, ZU...) make tickers that read like real ones.
_SYLLABLES = [consonant + vowel for consonant in "BDKLMNRSTVZ" for vowel in "AEIOU"]
_FIRST = ("Blue", "Nordic", "Cosmic", "Silver", "Quiet", "Atlas", "Harbor", "Cedar")
_SECOND = ("Stake", "Pool", "Node", "Staking", "Forge", "Vault", "Labs", "Relay")


@dataclass(frozen=True)
class DemoDirectory:
    pools: int
    epochs: int
    created: bool


def ensure_demo_pools(organization: Organization) -> DemoDirectory:
    """Creates the demo directory once and has the organization follow DEMO.

    A second run finds the pools and only makes sure of the follow.
    """
    demo_pools = Pool.objects.filter(network=DEMO_NETWORK, is_demo=True)
    if not demo_pools.exists():
        created = True
        epochs = _create_directory(timezone.now())
    else:
        created, epochs = False, 0
    demo = demo_pools.filter(ticker=DEMO_TICKER).first()
    if demo is not None:
        FollowedPool.objects.get_or_create(organization=organization, pool=demo)
    count = demo_pools.count()
    return DemoDirectory(pools=count, epochs=epochs, created=created)


def _create_directory(now: datetime) -> int:
    rng = random.Random(SEED)
    epoch = current_epoch(DEMO_NETWORK, now)
    stakes = [_stake(rng) for _ in range(POOL_COUNT - 1)] + [8_400_000 * ADA]
    total = sum(stakes)
    tickers = [*_tickers(rng, POOL_COUNT - 1), DEMO_TICKER]
    pools = [
        _pool(rng, ticker, stake, total, epoch, now)
        for ticker, stake in zip(tickers, stakes, strict=True)
    ]
    _misfits(rng, pools, epoch)
    Pool.objects.bulk_create(pools, batch_size=500)
    return _create_history(rng, total, epoch)


def _stake(rng: random.Random) -> int:
    """Live stake in lovelace: a long tail of small pools, a crowd near saturation."""
    if rng.random() < 0.12:
        return int(rng.uniform(0, 50_000) * ADA)
    ada = rng.lognormvariate(math.log(1_500_000), 2.0)
    if ada > 60_000_000:
        # Delegators leave pools near saturation, so the largest bunch below it.
        ada = rng.triangular(58_000_000, 80_000_000, 72_000_000)
    return int(ada * ADA)


def _tickers(rng: random.Random, count: int) -> list[str]:
    tickers: set[str] = {DEMO_TICKER}
    ordered: list[str] = []
    while len(ordered) < count:
        ticker = "".join(rng.choices(_SYLLABLES, k=rng.choice((2, 2, 3))))[:5]
        if len(ticker) >= 3 and ticker not in tickers:
            tickers.add(ticker)
            ordered.append(ticker)
    return ordered


def _pool(
    rng: random.Random, ticker: str, stake: int, total: int, epoch: int, now: datetime
) -> Pool:
    pool_hex = rng.randbytes(28).hex()
    # Most operators pay rewards to the owner's own stake account.
    reward_account = _bech32("stake", b"\xe1" + rng.randbytes(28))
    margin = _margin(rng)
    fixed_cost = rng.choices((170, 340, 345, 500, 1000), (60, 28, 4, 6, 2))[0] * ADA
    pledge = int(min(rng.lognormvariate(math.log(80_000), 1.6), 30_000_000)) * ADA
    expected = slots.expected_blocks(DEMO_NETWORK, stake / total)
    age = rng.randint(12, 330)
    name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"
    recent_made = _poisson(rng, expected * RECENT_EPOCHS)
    recent_luck = recent_made / (expected * RECENT_EPOCHS) if expected > 0.01 else None
    return Pool(
        network=DEMO_NETWORK,
        pool_id=_bech32("pool", bytes.fromhex(pool_hex)),
        pool_id_hex=pool_hex,
        ticker=ticker,
        name=f"{name} ({ticker})" if ticker == DEMO_TICKER else name,
        description=_description(rng, name),
        homepage=f"https://{ticker.lower()}.pool.example",
        metadata_url=f"https://{ticker.lower()}.pool.example/poolMetadata.json",
        metadata_hash=rng.randbytes(32).hex(),
        metadata_check=MetadataCheck.OK,
        vrf_key_hash=rng.randbytes(32).hex(),
        reward_account=reward_account,
        owners=[reward_account],
        relays=_relays(rng, ticker),
        pledge=pledge,
        live_pledge=int(pledge * rng.uniform(1.0, 1.6)),
        margin=margin,
        fixed_cost=fixed_cost,
        live_stake=stake,
        active_stake=int(stake * rng.uniform(0.97, 1.02)),
        live_saturation=stake / SATURATION_POINT,
        delegators_count=max(1, int(stake / ADA / rng.lognormvariate(9.5, 1.0))),
        blocks_minted=_poisson(rng, expected * age),
        ros_lifetime=_ros(stake, total, margin, fixed_cost, rng.uniform(0.96, 1.03)),
        ros_recent=_ros(stake, total, margin, fixed_cost, recent_luck or 0),
        luck_recent=recent_luck,
        is_demo=True,
        directory_synced_at=now,
        detail_synced_at=now,
    )


def _margin(rng: random.Random) -> float:
    band = rng.choices(
        ((0.0, 0.0), (0.0, 0.01), (0.01, 0.03), (0.03, 0.05), (0.05, 0.1), (1, 1)),
        (4, 44, 35, 10, 5, 2),
    )[0]
    return round(rng.uniform(*band), 4)


def _misfits(rng: random.Random, pools: list[Pool], epoch: int) -> None:
    """A few pools with the problems delegators should see: all but DEMO."""
    others = [pool for pool in pools if pool.ticker != DEMO_TICKER]
    for pool in rng.sample(others, 30):
        pool.retiring_epoch = epoch + rng.randint(1, 3)
    for pool in rng.sample(others, 120):
        pool.live_pledge = int(pool.pledge * rng.uniform(0, 0.95))
    for pool in rng.sample(others, 2):
        served = rng.randbytes(32).hex()
        pool.metadata_check = MetadataCheck.MISMATCH
        pool.metadata_check_detail = (
            f"The file at the URL hashes to {served}; the registration "
            f"says {pool.metadata_hash}."
        )
    for pool in rng.sample(others, 25):
        pool.metadata_check = MetadataCheck.UNREACHABLE
        pool.metadata_check_detail = "Connection timed out after 10 s."


def _create_history(rng: random.Random, total: int, epoch: int) -> int:
    demo_pools = Pool.objects.filter(network=DEMO_NETWORK, is_demo=True)
    largest = demo_pools.order_by("-live_stake")
    chosen = list(largest[:HISTORY_POOLS]) + list(demo_pools.filter(ticker=DEMO_TICKER))
    rows = []
    for pool in chosen:
        count = DEMO_HISTORY_EPOCHS if pool.ticker == DEMO_TICKER else HISTORY_EPOCHS
        own = [
            _epoch(rng, pool, number, total) for number in range(epoch - count, epoch)
        ]
        # With a history, the recent numbers are the ones the sync would compute.
        pool.ros_recent = numbers.ros_recent(own, epoch, pool.network)
        pool.luck_recent = numbers.luck_recent(own, epoch, pool.network)
        rows.extend(own)
    PoolEpoch.objects.bulk_create(rows, batch_size=1000)
    Pool.objects.bulk_update(chosen, ["ros_recent", "luck_recent"], batch_size=500)
    return len(rows)


def _epoch(rng: random.Random, pool: Pool, number: int, total: int) -> PoolEpoch:
    stake = int((pool.live_stake or 0) * rng.uniform(0.9, 1.05))
    expected = slots.expected_blocks(DEMO_NETWORK, stake / total)
    blocks = _poisson(rng, expected)
    earned = blocks * REWARD_PER_BLOCK
    fees = min(earned, pool.fixed_cost)
    fees += int((earned - fees) * pool.margin)
    return PoolEpoch(
        pool=pool,
        epoch=number,
        blocks=blocks,
        active_stake=stake,
        active_size=stake / total,
        delegators_count=int((pool.delegators_count or 1) * rng.uniform(0.95, 1.03)),
        rewards=earned - fees,
        fees=fees,
        expected_blocks=expected,
    )


def _ros(
    stake: int, total: int, margin: float, fixed_cost: int, luck: float
) -> float | None:
    """Annualised return to delegators when the pool makes ``luck`` x its share."""
    if stake <= 0:
        return None
    earned = (
        slots.expected_blocks(DEMO_NETWORK, stake / total) * luck * REWARD_PER_BLOCK
    )
    to_delegators = max(0.0, earned - fixed_cost) * (1 - margin)
    return (to_delegators / stake + 1) ** EPOCHS_PER_YEAR - 1


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: exact for small means, a rounded normal for large ones."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _relays(rng: random.Random, ticker: str) -> list[dict[str, object]]:
    host = ticker.lower()
    relays: list[dict[str, object]] = [
        {
            "ipv4": None,
            "ipv6": None,
            "dns": f"relay{number}.{host}.pool.example",
            "dns_srv": None,
            "port": 3001,
        }
        for number in range(1, rng.randint(1, 3) + 1)
    ]
    if rng.random() < 0.3:
        address = f"203.0.113.{rng.randint(1, 254)}"  # TEST-NET-3: never routed
        relays.append(
            {"ipv4": address, "ipv6": None, "dns": None, "dns_srv": None, "port": 6000}
        )
    return relays


def _description(rng: random.Random, name: str) -> str:
    promise = rng.choice(
        (
            "Bare-metal relays in two countries and a block producer behind them.",
            "Run by two engineers since the Shelley launch; low fees, high uptime.",
            "Supporting community education with a share of our margin.",
            "Independent single pool, not part of any group of pools.",
        )
    )
    return f"{name}: {promise}"


def _bech32(prefix: str, payload: bytes) -> str:
    words = convertbits(list(payload), 8, 5)
    assert words is not None
    return str(bech32_encode(prefix, words, Encoding.BECH32))
