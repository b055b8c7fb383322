"""The detail sync reads the pools someone follows or viewed in the last week."""

from datetime import timedelta

from apps.chain.sync.details import pools_to_detail
from apps.organizations.models import Organization
from apps.pools.models import PoolStatus
from tests.sync.fakes import moment
from tests.sync.support import follow, make_pool

NOW = moment(500)


def test_followed_and_recently_viewed_pools_are_picked_never_synced_first(
    organization: Organization,
) -> None:
    # Given pools followed, viewed lately, viewed long ago, and neither
    synced_before = follow(organization, make_pool(1, detail_synced_at=NOW))
    never_synced = follow(organization, make_pool(2))
    viewed = make_pool(3, last_viewed_at=NOW - timedelta(days=3))
    make_pool(4, last_viewed_at=NOW - timedelta(days=8))
    make_pool(5)
    # and followed pools the sync must leave alone: retired, demo, other network
    follow(organization, make_pool(6, status=PoolStatus.RETIRED))
    follow(organization, make_pool(7, is_demo=True))
    follow(organization, make_pool(8, network="preview"))

    # When / then
    assert list(pools_to_detail("mainnet", NOW)) == [
        never_synced,
        viewed,
        synced_before,
    ]


def test_a_pool_followed_by_two_organizations_is_picked_once(
    organization: Organization,
) -> None:
    pool = follow(organization, make_pool(1))
    follow(Organization.objects.create(name="Others"), pool)

    assert list(pools_to_detail("mainnet", NOW)) == [pool]
