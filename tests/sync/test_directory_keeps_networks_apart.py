"""A pool id on two networks is two pools: neither network's sync overwrites
the other's row (a bech32 pool id carries no network)."""

from dataclasses import replace

import pytest

from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import store_epoch
from apps.pools.models import Pool, PoolStatus
from tests.sync.fakes import ADA, FakeChainSource, epoch_info, listing, moment

NOW = moment(500)


@pytest.fixture
def both_networks(db: None) -> tuple[FakeChainSource, FakeChainSource]:
    """Mainnet lists pools 0-2; preprod lists pools 0-1 under the same ids,
    with their own tickers, stake and fees."""
    for network in ("mainnet", "preprod"):
        store_epoch(network, epoch_info(500))
    mainnet = FakeChainSource(directory=[listing(n) for n in range(3)])
    preprod = FakeChainSource(
        network="preprod",
        directory=[
            replace(listing(n), ticker=f"T{n}", live_stake=5 * ADA, margin=0.5)
            for n in range(2)
        ],
    )
    return mainnet, preprod


def test_the_same_pool_id_synced_on_two_networks_is_two_rows(
    both_networks: tuple[FakeChainSource, FakeChainSource],
) -> None:
    mainnet, preprod = both_networks

    # When both networks are synced
    sync_directory(mainnet, NOW)
    result = sync_directory(preprod, NOW)

    # Then preprod added its own rows, and each row carries its network's values
    assert result.added == 2
    rows = Pool.objects.filter(pool_id=listing(0).pool_id)
    assert sorted(rows.values_list("network", "ticker", "margin")) == [
        ("mainnet", "P0", 0.01),
        ("preprod", "T0", 0.5),
    ]
    assert Pool.objects.filter(network="mainnet").count() == 3
    assert Pool.objects.filter(network="preprod").count() == 2


def test_syncing_one_network_again_leaves_the_other_as_it_was(
    both_networks: tuple[FakeChainSource, FakeChainSource],
) -> None:
    # Given both networks synced
    mainnet, preprod = both_networks
    sync_directory(mainnet, NOW)
    sync_directory(preprod, NOW)
    rows = Pool.objects.filter(pool_id=listing(0).pool_id)
    before = dict(rows.values_list("network", "pk"))

    # When they are synced in turn again, a day later
    later = moment(500, days=2)
    sync_directory(mainnet, later)
    sync_directory(preprod, later)

    # Then neither row flipped to the other network, nor was retired by it
    for network, ticker, stake in (
        ("mainnet", "P0", listing(0).live_stake),
        ("preprod", "T0", 5 * ADA),
    ):
        row = rows.get(network=network)
        assert (row.pk, row.ticker, row.live_stake) == (before[network], ticker, stake)
        assert (row.status, row.directory_synced_at) == (PoolStatus.REGISTERED, later)
