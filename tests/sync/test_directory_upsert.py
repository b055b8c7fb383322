"""The directory of a whole network is upserted in bulk, and twice is harmless."""

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import store_epoch
from apps.pools.models import Pool, PoolStatus
from tests.sync.fakes import FakeChainSource, epoch_info, listing, moment

NOW = moment(500)


@pytest.fixture
def network_of_3100(db: None) -> FakeChainSource:
    store_epoch("mainnet", epoch_info(500))
    return FakeChainSource(
        name="blockfrost", directory=[listing(n) for n in range(3100)]
    )


def test_3100_pools_are_stored_in_a_handful_of_queries(
    network_of_3100: FakeChainSource,
) -> None:
    # When the directory is synced
    with CaptureQueriesContext(connection) as queries:
        result = sync_directory(network_of_3100, NOW)

    # Then every pool is stored, in a few bulk statements, with one call
    assert (result.listed, result.added, result.retired) == (3100, 3100, 0)
    assert Pool.objects.filter(network="mainnet").count() == 3100
    # SQLite caps a statement's parameters, so it takes ~33 rows a statement
    # where PostgreSQL takes 500; one statement per pool would be 3,100.
    assert len(queries) < 3100 / 20
    assert network_of_3100.asked == ["pool_directory"]

    pool = Pool.objects.get(pool_id=listing(7).pool_id)
    assert (pool.ticker, pool.name) == ("P7", "Pool 7")
    assert pool.live_stake == listing(7).live_stake
    assert pool.status == PoolStatus.REGISTERED
    assert pool.directory_synced_at == NOW


def test_a_second_run_updates_the_same_rows(db: None) -> None:
    # Given a synced directory, whose first pool then grew and announced retirement
    store_epoch("mainnet", epoch_info(500))
    source = FakeChainSource(directory=[listing(n) for n in range(200)])
    sync_directory(source, NOW)
    ids = set(Pool.objects.values_list("pk", flat=True))
    source.directory[0] = replace(listing(0), live_stake=9 * 10**12, retiring_epoch=510)

    # When it is synced again
    result = sync_directory(source, moment(501))

    # Then the same rows carry the new values
    assert result.added == 0
    assert set(Pool.objects.values_list("pk", flat=True)) == ids
    first = Pool.objects.get(pool_id=listing(0).pool_id)
    assert first.live_stake == 9 * 10**12
    assert (first.retiring_epoch, first.status) == (510, PoolStatus.RETIRING)


def test_a_pool_listed_twice_is_stored_once(db: None) -> None:
    # Offset paging can repeat a row when the list shifts between pages.
    store_epoch("mainnet", epoch_info(500))
    source = FakeChainSource(directory=[listing(1), listing(2), listing(1)])

    result = sync_directory(source, NOW)

    assert result.listed == 2
    assert Pool.objects.count() == 2
