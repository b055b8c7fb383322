"""A 429 storm through the real Blockfrost source: waited out when short,
ending the run without harm when long, resumed by the next run."""

from collections.abc import Callable

from apps.chain.models import SourceStatus, SourceUsage
from apps.chain.sources import BlockfrostSource, ChainSource
from apps.chain.sync.details import sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from spoguild.http import CallCounter
from tests.http.server import FakeClock, FakeServer, Handler, Reply, Request
from tests.sync.blockfrost import FakeBlockfrost, FakePool, error
from tests.sync.fakes import moment
from tests.sync.support import follow, make_pool, run_on

Serve = Callable[[Handler], FakeServer]
NOW = moment(500)


def scenario(organization: Organization) -> tuple[FakeBlockfrost, FakePool]:
    """A followed pool with 20 epochs of history and 5 blocks this epoch."""
    chain = FakeBlockfrost(epoch=500)
    pool = chain.add_pool(1)
    for epoch in range(481, 501):
        pool.add_epoch(epoch, rewards=6_500_000_000 if epoch <= 498 else 0)
    for n in range(5):
        pool.add_block(500, 1000 * (n + 1))
    follow(organization, make_pool(1, pool_id=pool.pool_id))
    return chain, pool


def blockfrost(
    server: FakeServer, clock: FakeClock
) -> Callable[[CallCounter], ChainSource]:
    def make(counter: CallCounter) -> BlockfrostSource:
        return BlockfrostSource(
            "mainnetTestProjectId",
            "mainnet",
            base_url=server.url,
            sleep=clock.sleep,
            clock=clock,
            counter=counter,
        )

    return make


def storm(length: int, on: str) -> Callable[[Request], Reply | None]:
    """429 to the first ``length`` requests whose path ends with ``on``."""
    left = {"n": length}

    def interrupt(request: Request) -> Reply | None:
        if request.path.endswith(on) and left["n"] > 0:
            left["n"] -= 1
            return error(429)
        return None

    return interrupt


def test_a_short_storm_is_waited_out_and_everything_is_stored(
    organization: Organization, serve: Serve, clock: FakeClock
) -> None:
    # Given four 429s in a row when the history is asked for
    chain, pool = scenario(organization)
    chain.interrupt = storm(4, "/history")
    server = serve(chain)

    # When a detail run syncs the pool
    run_on(blockfrost(server, clock), lambda s: sync_details(s, NOW), NOW)

    # Then it backed off on the fake clock and stored it all
    assert len(clock.delays) == 4
    stored = Pool.objects.get(pool_id=pool.pool_id)
    assert stored.epochs.count() == 20
    assert stored.blocks.count() == 5
    assert stored.detail_error == ""
    # and every request, the refused ones too, counts against the quota
    assert SourceUsage.objects.get().calls == len(server.requests)


def test_a_long_storm_ends_the_run_and_the_next_run_resumes(
    organization: Organization, serve: Serve, clock: FakeClock
) -> None:
    # Given a storm that outlasts the source's five attempts
    chain, pool = scenario(organization)
    chain.interrupt = storm(5, "/history")
    server = serve(chain)
    make = blockfrost(server, clock)

    # When a detail run syncs the pool
    result = run_on(make, lambda s: sync_details(s, NOW), NOW)

    # Then the run ended with the error recorded and what was done kept
    assert result is None
    status = SourceStatus.objects.get(source="blockfrost")
    assert "RateLimited" in status.last_error
    assert status.stopped_until is None
    stored = Pool.objects.get(pool_id=pool.pool_id)
    assert stored.live_pledge is not None
    assert stored.epochs.count() == 0

    # When the storm has passed and the next run comes
    later = moment(500, days=1.01)
    run_on(make, lambda s: sync_details(s, later), later)

    # Then it read what was still missing
    stored.refresh_from_db()
    assert stored.epochs.count() == 20
    assert stored.blocks.count() == 5
    assert stored.detail_error == ""
