"""Pools gone from the listing are marked retired, unless the listing looks broken."""

from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import store_epoch
from apps.pools.models import Pool, PoolStatus
from tests.sync.fakes import FakeChainSource, epoch_info, listing, moment, pool_id
from tests.sync.support import make_pool


def synced_directory_of_ten() -> FakeChainSource:
    store_epoch("mainnet", epoch_info(500))
    source = FakeChainSource(directory=[listing(n) for n in range(10)])
    sync_directory(source, moment(500))
    return source


def test_a_pool_missing_from_the_listing_is_retired_and_returns_if_relisted(
    db: None,
) -> None:
    # Given a directory of ten pools, and a demo pool beside them
    source = synced_directory_of_ten()
    make_pool(99, pool_id="pool1demo", is_demo=True)

    # When pool 3 is no longer listed
    source.directory = [listing(n) for n in range(10) if n != 3]
    result = sync_directory(source, moment(501))

    # Then it alone is retired, and kept with its data
    assert result.retired == 1
    gone = Pool.objects.get(pool_id=pool_id(3))
    assert gone.status == PoolStatus.RETIRED
    assert gone.ticker == "P3"
    assert Pool.objects.filter(status=PoolStatus.RETIRED).count() == 1

    # When it registers again
    source.directory = [listing(n) for n in range(10)]
    sync_directory(source, moment(502))

    # Then it is back
    assert Pool.objects.get(pool_id=pool_id(3)).status == PoolStatus.REGISTERED


def test_a_listing_less_than_half_as_long_retires_nobody(db: None) -> None:
    source = synced_directory_of_ten()
    source.directory = [listing(n) for n in range(4)]

    result = sync_directory(source, moment(501))

    assert result.retired == 0
    assert not Pool.objects.filter(status=PoolStatus.RETIRED).exists()
