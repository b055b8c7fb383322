"""After its first sync a pool's details are read incrementally, when due."""

from dataclasses import replace

from apps.chain.sync.details import sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from tests.sync.fakes import ADA, POOL, block, history, moment, one_pool
from tests.sync.support import follow, make_pool


def test_a_new_epoch_brings_its_history_row_and_settles_older_rewards(
    organization: Organization,
) -> None:
    # Given a pool synced during epoch 500
    follow(organization, make_pool())
    source = one_pool("blockfrost")
    sync_details(source, moment(500))

    # When epoch 501 begins, the rewards of 499 are paid and three blocks come
    source.current_epoch = 501
    source.history[POOL] = history(481, 501)
    source.blocks[POOL] += [block(n, 501) for n in range(3)]
    source.pools[POOL] = replace(source.pools[POOL], blocks_minted=1003)
    source.asked.clear()
    sync_details(source, moment(501, days=0.1))

    # Then the registration, the history and the new blocks were read once each
    assert source.asked == ["pool", "pool_history", "pool_blocks"]
    pool = Pool.objects.get(pool_id=POOL)
    assert pool.epochs.filter(epoch=501).exists()
    assert pool.epochs.get(epoch=499).rewards == 6_500 * ADA
    assert pool.blocks.filter(epoch=501).count() == 3
    assert pool.blocks.count() == 23


def test_between_changes_a_run_asks_nothing(organization: Organization) -> None:
    # Given a Blockfrost pool synced this epoch
    follow(organization, make_pool())
    source = one_pool("blockfrost")
    sync_details(source, moment(500))
    source.asked.clear()

    # When the detail sync runs every 15 minutes for the rest of the day
    for quarter in range(1, 90):
        sync_details(source, moment(500, days=1 + quarter / 96))

    # Then nothing was due: no call at all
    assert source.asked == []


def test_koios_blocks_are_polled_hourly_since_its_listing_has_no_count(
    organization: Organization,
) -> None:
    follow(organization, make_pool())
    source = one_pool("koios")
    sync_details(source, moment(500))
    source.asked.clear()

    sync_details(source, moment(500, days=1 + 1 / 24))

    assert source.asked == ["pool_blocks"]
