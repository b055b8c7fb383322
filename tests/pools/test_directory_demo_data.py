"""The demo directory ``make run`` shows without internet: realistic and repeatable."""

from __future__ import annotations

from django.db.models import F

from apps.demo.chain import DEMO_TICKER, POOL_COUNT, ensure_demo_pools
from apps.pools.forms import POOL_ID
from apps.pools.models import FollowedPool, Pool, PoolEpoch
from tests.factories import make_organization
from tests.pools.pages_support import ADA


def test_the_demo_directory_is_mainnet_like_and_made_once(db) -> None:
    # Given a demo organization
    organization = make_organization(name="Demo")

    # When the demo directory is ensured twice
    first = ensure_demo_pools(organization)
    ids = set(Pool.objects.values_list("pool_id", flat=True))
    second = ensure_demo_pools(organization)

    # Then the second run changed nothing
    assert (first.created, second.created) == (True, False)
    assert first.pools == second.pools == POOL_COUNT
    assert set(Pool.objects.values_list("pool_id", flat=True)) == ids
    assert FollowedPool.objects.filter(organization=organization).count() == 1

    # And the pools look like mainnet's, every one marked as demo data
    pools = Pool.objects.all()
    assert not pools.filter(is_demo=False).exists()
    assert all(POOL_ID.fullmatch(pool_id) for pool_id in ids)
    assert pools.values("ticker").distinct().count() == POOL_COUNT
    assert not pools.filter(fixed_cost__lt=170 * ADA).exists()
    assert pools.filter(fixed_cost=340 * ADA).exists()
    assert pools.filter(metadata_check="mismatch").count() == 2
    assert pools.filter(retiring_epoch__isnull=False).count() >= 10
    assert pools.filter(live_pledge__lt=F("pledge")).count() >= 50
    assert pools.filter(live_saturation__gt=0.9).count() >= 10
    assert pools.filter(live_stake__lt=100_000 * ADA).count() >= 300

    # And the largest pools and DEMO have history; DEMO is followed
    demo = Pool.objects.get(ticker=DEMO_TICKER)
    assert demo.followers.get().organization == organization
    assert demo.epochs.count() >= 20
    assert PoolEpoch.objects.values("pool").distinct().count() >= 100
    assert demo.luck_recent is not None
