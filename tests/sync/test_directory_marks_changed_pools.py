"""A change the directory sees makes the detail sync read that part again."""

from dataclasses import replace

from apps.chain.sources.base import MetadataCheck
from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import store_epoch
from apps.pools.models import Pool
from tests.sync.fakes import FakeChainSource, epoch_info, listing, moment, pool_id


def test_new_pledge_or_metadata_voids_what_the_detail_sync_read(db: None) -> None:
    # Given pools whose registration and metadata were read and checked
    store_epoch("mainnet", epoch_info(500))
    source = FakeChainSource(directory=[listing(1), listing(2), listing(3)])
    sync_directory(source, moment(500))
    Pool.objects.update(
        registration_synced_at=moment(500),
        metadata_checked_at=moment(500),
        metadata_check=MetadataCheck.OK,
    )

    # When pool 1 raises its pledge, pool 2 registers a new metadata hash, and
    # pool 3's file is listed without its ticker (as when it fails its check)
    source.directory = [
        replace(listing(1), pledge=listing(1).pledge * 2),
        replace(listing(2), metadata_hash="ff" * 32),
        replace(listing(3), ticker=None),
    ]
    sync_directory(source, moment(500, days=2))

    # Then pool 1's registration is due again, its metadata check stands
    one = Pool.objects.get(pool_id=pool_id(1))
    assert one.registration_synced_at is None
    assert one.metadata_check == MetadataCheck.OK
    # and pool 2's metadata is unchecked until read again
    two = Pool.objects.get(pool_id=pool_id(2))
    assert two.registration_synced_at == moment(500)
    assert (two.metadata_check, two.metadata_checked_at) == (
        MetadataCheck.UNKNOWN,
        None,
    )
    # and pool 3's file is due for a check, its last verdict shown meanwhile
    three = Pool.objects.get(pool_id=pool_id(3))
    assert (three.metadata_check, three.metadata_checked_at) == (
        MetadataCheck.OK,
        None,
    )
    assert three.ticker == "P3"
