"""A followed pool's first detail sync stores everything the card shows."""

import pytest

from apps.chain.sources.base import MetadataCheck
from apps.chain.sync.details import FIRST_BLOCKS, sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from tests.sync.fakes import ADA, POOL, moment, one_pool
from tests.sync.support import follow, make_pool

NOW = moment(500)


def test_a_followed_pool_gets_registration_metadata_history_and_blocks(
    organization: Organization,
) -> None:
    # Given a followed pool the directory listed, and a source that knows it
    follow(organization, make_pool())
    source = one_pool()

    # When its details are synced
    synced = sync_details(source, NOW)

    # Then one call per step was enough
    assert synced == 1
    assert source.asked == ["pool", "pool_metadata", "pool_history", "pool_blocks"]

    # and the registration, with what its owners really hold, is stored
    pool = Pool.objects.get(pool_id=POOL)
    assert pool.relays == [
        {
            "ipv4": "4.4.4.4",
            "ipv6": None,
            "dns": "relay1.stakenuts.com",
            "dns_srv": None,
            "port": 3001,
        }
    ]
    assert pool.owners == [
        "stake1u98nnlkvkk23vtvf9273uq7cph5ww6u2yq2389psuqet90sv4xv9v"
    ]
    assert pool.live_pledge == 5_000 * ADA + 1
    assert pool.pledge_met is True
    assert pool.delegators_count == 127

    # and the metadata passed its check
    assert pool.metadata_check == MetadataCheck.OK
    assert (pool.ticker, pool.name) == ("NUTS", "Stake Nuts")
    assert pool.metadata_url == "https://stakenuts.com/mainnet.json"

    # and so did the whole history, with the blocks each epoch should have had
    assert pool.epochs.count() == 21
    expected = list(pool.epochs.values_list("expected_blocks", flat=True))
    assert expected == [pytest.approx(21.6)] * 21

    # and only the newest blocks were read
    assert pool.blocks.count() == FIRST_BLOCKS
    assert pool.detail_synced_at == NOW
    assert pool.detail_error == ""


def test_its_numbers_are_computed_from_the_stored_epochs(
    organization: Organization,
) -> None:
    # Given a pool whose delegators earned 6,500 ADA on 10M ADA every epoch,
    # and which made 20 blocks an epoch where 21.6 were expected
    follow(organization, make_pool())

    # When
    sync_details(one_pool(), NOW)

    # Then ROS is 0.065 % an epoch, compounded 73 times a year
    pool = Pool.objects.get(pool_id=POOL)
    assert pool.ros_recent == pytest.approx(0.0485776066)
    assert pool.ros_lifetime == pytest.approx(0.0485776066)
    # and luck is 20 / 21.6
    assert pool.luck_recent == pytest.approx(0.9259259259)
