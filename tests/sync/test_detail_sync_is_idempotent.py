"""Running the detail sync twice leaves the same rows."""

from apps.chain.sync.details import sync_details, sync_pool
from apps.organizations.models import Organization
from apps.pools.models import Pool, PoolBlock, PoolEpoch
from tests.sync.fakes import moment, one_pool
from tests.sync.support import follow, make_pool

NOW = moment(500)


def snapshot() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(Pool.objects.values_list("pool_id", "live_stake", "ros_recent")),
        list(PoolEpoch.objects.values_list("epoch", "blocks", "rewards")),
        list(PoolBlock.objects.values_list("hash", "slot")),
    )


def test_a_second_run_changes_nothing_and_asks_nothing(
    organization: Organization,
) -> None:
    follow(organization, make_pool())
    source = one_pool()
    sync_details(source, NOW)
    first = snapshot()
    source.asked.clear()

    sync_details(source, NOW)

    assert snapshot() == first
    assert source.asked == []


def test_a_forced_repeat_of_every_step_stores_no_duplicates(
    organization: Organization,
) -> None:
    # Given a synced pool whose steps are all made due again
    pool = follow(organization, make_pool())
    source = one_pool()
    sync_details(source, NOW)
    first = snapshot()
    Pool.objects.update(
        registration_synced_at=None,
        metadata_checked_at=None,
        history_synced_at=None,
        blocks_synced_at=None,
    )
    pool.refresh_from_db()

    # When every step runs again (as two overlapping runs would)
    sync_pool(source, pool, NOW)

    # Then the rows are the same ones
    assert snapshot() == first
