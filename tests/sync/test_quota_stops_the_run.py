"""A quota or ban answer stops the whole run for that source, and it is recorded."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from apps.chain.models import SourceStatus, SourceUsage
from apps.chain.sources import BlockfrostSource
from apps.chain.sources.base import Banned, PoolDetails, QuotaExhausted
from apps.chain.sync.details import sync_details
from apps.chain.sync.directory import sync_directory
from apps.organizations.models import Organization
from apps.pools.models import Pool
from spoguild.http import CallCounter
from tests.http.server import FakeClock, FakeServer, Handler, Request
from tests.sync.blockfrost import FakeBlockfrost, error
from tests.sync.fakes import POOL, details, moment, one_pool, pool_id
from tests.sync.support import follow, make_pool, run_on, run_with

NOW = moment(500)


def three_followed_pools(organization: Organization) -> None:
    for n in range(3):
        follow(organization, make_pool(n, detail_synced_at=None))


def test_a_quota_answer_ends_the_run_and_stops_the_source_until_midnight(
    organization: Organization,
) -> None:
    # Given three followed pools, and a quota that runs out on the second
    three_followed_pools(organization)
    source = one_pool("blockfrost")
    source.pools[pool_id(1)] = details(pool_id(1))
    source.pools[pool_id(2)] = details(pool_id(2))
    calls = {"n": 0}
    real_pool = source.pool

    def pool(pool_id: str) -> PoolDetails | None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise QuotaExhausted("Project over daily limit.", status=402)
        return real_pool(pool_id)

    source.pool = pool  # type: ignore[method-assign]

    # When a detail run goes through them
    result = run_with(source, lambda s: sync_details(s, NOW), NOW)

    # Then the run stopped at the quota: the third pool was not asked about
    assert result is None
    assert calls["n"] == 2
    assert Pool.objects.get(pool_id=POOL).epochs.exists()
    assert not Pool.objects.get(pool_id=pool_id(2)).detail_synced_at

    # and the stop is recorded until the quota resets at midnight UTC
    status = SourceStatus.objects.get(network="mainnet", source="blockfrost")
    assert "QuotaExhausted" in status.last_error
    midnight = datetime.combine(NOW.date() + timedelta(days=1), time(), UTC)
    assert status.stopped_until == midnight + timedelta(minutes=1)
    # with the requests it cost counted for the day
    usage = SourceUsage.objects.get(network="mainnet", source="blockfrost")
    assert usage.calls == len(source.asked)

    # When another run comes before midnight, and one after
    source.asked.clear()
    before = midnight - timedelta(minutes=5)
    run_with(source, lambda s: sync_details(s, before), before)
    asked_before = list(source.asked)
    after = midnight + timedelta(minutes=5)
    run_with(source, lambda s: sync_details(s, after), after)

    # Then the first sent nothing at all, and the second went on
    assert asked_before == []
    assert "pool" in source.asked


Serve = Callable[[Handler], FakeServer]


@pytest.mark.parametrize(("status", "stop"), [(402, QuotaExhausted), (418, Banned)])
def test_a_blockfrost_stop_answer_mid_directory_stores_nothing_and_is_recorded(
    db: None, serve: Serve, clock: FakeClock, status: int, stop: type[Exception]
) -> None:
    # Given Blockfrost cuts us off on the third page of a 500-pool directory
    chain = FakeBlockfrost()
    for n in range(500):
        chain.add_pool(n)

    def cut_off(request: Request) -> object:
        return error(status) if request.query.get("page") == "3" else None

    chain.interrupt = cut_off  # type: ignore[assignment]
    server = serve(chain)

    def make(counter: CallCounter) -> BlockfrostSource:
        return BlockfrostSource(
            "mainnetTestProjectId",
            "mainnet",
            base_url=server.url,
            sleep=clock.sleep,
            clock=clock,
            counter=counter,
        )

    # When the directory is synced
    result = run_on(make, lambda s: sync_directory(s, NOW), NOW)

    # Then nothing of the partial listing was stored, nothing retried
    assert result is None
    assert Pool.objects.count() == 0
    assert clock.delays == []
    record = SourceStatus.objects.get(source="blockfrost")
    assert stop.__name__ in record.last_error
    assert record.stopped_until is not None
    assert SourceUsage.objects.get().calls == len(server.requests)
