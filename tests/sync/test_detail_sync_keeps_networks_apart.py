"""A pool id followed on two networks gets each network's details on its own
row, and a pool's details are never asked of another network's source."""

from dataclasses import replace

import pytest

from apps.chain.sync.details import sync_details, sync_pool
from apps.organizations.models import Organization
from apps.pools.models import Pool
from tests.sync.fakes import POOL, FakeChainSource, history, moment, one_pool
from tests.sync.support import follow, make_pool

NOW = moment(500)


def preprod_source() -> FakeChainSource:
    """Preprod's view of the same pool id: another ticker, a shorter history
    and no blocks (the fake's block hashes would repeat mainnet's)."""
    mainnet = one_pool()
    return replace(
        mainnet,
        network="preprod",
        current_epoch=150,
        pools={POOL: replace(mainnet.pools[POOL], delegators_count=3)},
        metadata={POOL: replace(mainnet.metadata[POOL], ticker="PREP")},
        history={POOL: history(140, 150)},
        blocks={},
        asked=[],
    )


def test_each_networks_details_land_on_its_own_row(
    organization: Organization,
) -> None:
    # Given the same pool id followed on mainnet and on preprod
    follow(organization, make_pool())
    follow(organization, make_pool(network="preprod"))

    # When each network's details are synced
    sync_details(one_pool(), NOW)
    sync_details(preprod_source(), NOW)

    # Then each row holds what its own network's source said
    main = Pool.objects.get(network="mainnet", pool_id=POOL)
    pre = Pool.objects.get(network="preprod", pool_id=POOL)
    assert (main.ticker, main.delegators_count) == ("NUTS", 127)
    assert (pre.ticker, pre.delegators_count) == ("PREP", 3)
    assert main.epochs.count() == 21
    assert list(pre.epochs.values_list("epoch", flat=True)) == list(range(150, 139, -1))
    assert main.blocks.count() > 0
    assert not pre.blocks.exists()


def test_a_pool_is_not_synced_from_another_networks_source(db: None) -> None:
    # Given a preprod pool, and a mainnet source that knows the same id
    pool = make_pool(network="preprod")
    source = one_pool()

    # When its details are asked of the mainnet source, then nothing is read
    with pytest.raises(ValueError, match="preprod"):
        sync_pool(source, pool, NOW)
    assert source.asked == []
    pool.refresh_from_db()
    assert pool.detail_synced_at is None
