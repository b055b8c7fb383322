"""A list read page by page that fails half-way stores none of it; the next run
reads it again from the newest row stored."""

from collections.abc import Callable

from apps.chain.sources import BlockfrostSource
from apps.chain.sync.details import sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from spoguild.http import CallCounter
from tests.http.server import FakeClock, FakeServer, Handler, Reply, Request
from tests.sync.blockfrost import FakeBlockfrost, error
from tests.sync.fakes import moment
from tests.sync.support import follow, make_pool, run_on

Serve = Callable[[Handler], FakeServer]


def test_blocks_failing_on_the_third_lookup_are_read_again_next_run(
    organization: Organization, serve: Serve, clock: FakeClock
) -> None:
    # Given a synced pool that then made five blocks, the third of which
    # Blockfrost keeps failing to return
    chain = FakeBlockfrost(epoch=500)
    pool = chain.add_pool(1)
    pool.add_epoch(500)
    pool.add_block(500, 500)
    follow(organization, make_pool(1, pool_id=pool.pool_id))
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

    first = moment(500, days=0.5)
    run_on(make, lambda s: sync_details(s, first), first)
    for n in range(5):
        pool.add_block(500, 1000 * (n + 1))
    broken = pool.blocks[3]["hash"]

    def fail_one(request: Request) -> Reply | None:
        return error(500) if request.path.endswith(broken) else None

    chain.interrupt = fail_one
    # (the next directory refresh saw the new blocks)
    Pool.objects.filter(pool_id=pool.pool_id).update(blocks_minted=6)

    # When a run reads the new blocks
    now = moment(500, days=1)
    run_on(make, lambda s: sync_details(s, now), now)

    # Then none of them is stored, and the pool says why
    stored = Pool.objects.get(pool_id=pool.pool_id)
    assert list(stored.blocks.values_list("slot", flat=True)) == [
        pool.blocks[0]["slot"]
    ]
    assert "500" in stored.detail_error

    # When Blockfrost answers again and the next run comes
    chain.interrupt = None
    later = moment(500, days=1.01)
    run_on(make, lambda s: sync_details(s, later), later)

    # Then all five are stored after the one known before
    assert stored.blocks.count() == 6
    assert stored.epochs.get(epoch=500).blocks == 6
