"""A failure half-way through a pool's sync keeps what was stored right, and
the next run resumes with what is still due."""

from apps.chain.models import SourceStatus
from apps.chain.sync.details import sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from spoguild.http import TemporaryError
from tests.sync.fakes import POOL, moment, one_pool, pool_id
from tests.sync.support import follow, make_pool, run_with

NOW = moment(500)


def test_steps_done_before_the_failure_stay_and_the_rest_follow_next_run(
    organization: Organization,
) -> None:
    # Given a source that fails when asked for the pool's history
    follow(organization, make_pool())
    source = one_pool()
    source.fail("pool_history", TemporaryError("koios.example answered 504."))

    # When a run syncs the pool
    result = run_with(source, lambda s: sync_details(s, NOW), NOW)

    # Then the run ended early, with the registration and metadata stored
    assert result is None
    pool = Pool.objects.get(pool_id=POOL)
    assert pool.live_pledge is not None
    assert pool.ticker == "NUTS"
    assert pool.epochs.count() == 0
    assert pool.blocks.count() == 0
    assert "504" in pool.detail_error
    status = SourceStatus.objects.get(network="mainnet", source="koios")
    assert "504" in status.last_error
    assert status.stopped_until is None

    # When the next run comes
    source.asked.clear()
    later = moment(500, days=1.01)
    run_with(source, lambda s: sync_details(s, later), later)

    # Then it asked only for what was missing, and all is stored
    assert source.asked == ["pool_history", "pool_blocks"]
    pool.refresh_from_db()
    assert pool.epochs.count() == 21
    assert pool.blocks.count() == 20
    assert pool.detail_error == ""
    status.refresh_from_db()
    assert status.last_error == ""
    assert status.last_success_at == later


def test_an_error_about_one_pool_is_stored_on_it_and_the_others_still_sync(
    organization: Organization,
) -> None:
    # Given two followed pools, one of which the source does not know
    follow(organization, make_pool())
    follow(organization, make_pool(1))
    source = one_pool("blockfrost")

    # When
    synced = sync_details(source, NOW)

    # Then the unknown pool carries the error, the known one its details
    assert synced == 2
    unknown = Pool.objects.get(pool_id=pool_id(1))
    assert "no registration" in unknown.detail_error
    assert Pool.objects.get(pool_id=POOL).epochs.count() == 21

    # and the failed step waits for its next turn instead of being retried
    source.asked.clear()
    sync_details(source, moment(500, days=1.1))
    assert source.asked == []
