"""BlockfrostSource against a local fake Blockfrost: paging, limits and errors."""

from collections.abc import Callable
from typing import Any

import pytest

from apps.chain.sources import BlockfrostSource, ChainSource
from apps.chain.sources.base import (
    Banned,
    BlockRef,
    MetadataCheck,
    QuotaExhausted,
    SourceStopped,
)
from spoguild.http import CallCounter
from tests.chain.payloads import load
from tests.http.server import FakeClock, FakeServer, Handler, Reply, Request

Serve = Callable[[Handler], FakeServer]
POOL = "pool1pu5jlj4q9w9jlxeu370a3c9myx47md5j5m2str0naunn2q3lkdy"


def fixture(name: str) -> Any:
    return load("blockfrost", name)


def error(status: int) -> Reply:
    return Reply(status, fixture(f"error_{status}"))


def page_of(rows: list[Any], request: Request) -> Reply:
    """Answer like Blockfrost's ``count``/``page``/``order`` paging."""
    count, page = int(request.query["count"]), int(request.query["page"])
    if request.query.get("order") == "desc":
        rows = rows[::-1]
    return Reply(200, rows[(page - 1) * count : page * count])


def make_source(
    server: FakeServer, clock: FakeClock, counter: CallCounter | None = None
) -> BlockfrostSource:
    return BlockfrostSource(
        "mainnetTestProjectId",
        "mainnet",
        base_url=server.url,
        sleep=clock.sleep,
        clock=clock,
        counter=counter or CallCounter(),
    )


def directory_of(size: int) -> list[dict[str, Any]]:
    template = fixture("pools_extended")[0]
    return [
        dict(template, pool_id=f"pool1test{n:050d}", hex=f"{n:056x}")
        for n in range(size)
    ]


def test_it_is_a_chain_source(serve: Serve, clock: FakeClock) -> None:
    server = serve(lambda request: Reply(200, {}))

    assert isinstance(make_source(server, clock), ChainSource)


def test_a_directory_of_3100_pools_is_refreshed_in_at_most_40_calls(
    serve: Serve, clock: FakeClock
) -> None:
    # Given a network of 3,100 pools, one of them retiring
    pools = directory_of(3100)
    retiring = [{"pool_id": pools[7]["pool_id"], "epoch": 600}]

    def handler(request: Request) -> Reply:
        if request.path == "/pools/extended":
            return page_of(pools, request)
        return page_of(retiring, request)

    server = serve(handler)
    counter = CallCounter()

    # When the whole directory is refreshed
    directory = make_source(server, clock, counter).pool_directory()

    # Then every pool came in 31 full pages, an empty one and the retiring list
    assert len(directory) == 3100
    assert len({pool.pool_id for pool in directory}) == 3100
    assert counter["blockfrost"] == 33
    assert counter["blockfrost"] <= 40
    assert directory[7].retiring_epoch == 600
    assert directory[8].retiring_epoch is None
    # and the burst allowance covered it without waiting
    assert clock.delays == []


def test_every_request_carries_the_project_id_and_asks_for_full_pages(
    serve: Serve, clock: FakeClock
) -> None:
    pools = directory_of(150)
    server = serve(
        lambda request: page_of(pools if "extended" in request.path else [], request)
    )

    make_source(server, clock).pool_directory()

    extended = [r for r in server.requests if r.path == "/pools/extended"]
    assert [r.query["page"] for r in extended] == ["1", "2"]
    assert {r.query["count"] for r in extended} == {"100"}
    assert {r.headers["project_id"] for r in server.requests} == {
        "mainnetTestProjectId"
    }


def test_a_directory_row_has_lovelace_ints_metadata_and_retirement(
    serve: Serve, clock: FakeClock
) -> None:
    routes = {
        "/pools/extended": fixture("pools_extended"),
        "/pools/retiring": fixture("pools_retiring"),
    }
    server = serve(lambda request: page_of(routes[request.path], request))

    first = make_source(server, clock).pool_directory()[0]

    assert first.pool_id == "pool19u64770wqp6s95gkajc8udheske5e6ljmpq33awxk326zjaza0q"
    assert first.live_stake == 1_541_400_000
    assert first.pledge == 5_000_000_000
    assert first.margin == 0.05
    assert first.ticker == "NUTS"
    assert first.metadata_hash is not None
    assert first.retiring_epoch == 225


def test_an_epoch_comes_with_its_protocol_parameters(
    serve: Serve, clock: FakeClock
) -> None:
    routes = {
        "/epochs/latest": fixture("epoch"),
        "/epochs/latest/parameters": fixture("epoch_parameters"),
    }
    server = serve(lambda request: Reply(200, routes[request.path]))

    epoch = make_source(server, clock).epoch()

    assert epoch.epoch == 225
    assert epoch.fees == 4_203_312_194
    assert epoch.start_time.isoformat() == "2020-10-22T21:44:51+00:00"
    assert epoch.params.n_opt == 150
    assert epoch.params.min_pool_cost == 340_000_000
    assert len(server.requests) == 2


def test_pool_history_is_paged_and_returned_oldest_first(
    serve: Serve, clock: FakeClock
) -> None:
    # Given 237 epochs of history: two full pages and a short one
    template = fixture("pool_history")[0]
    history = [dict(template, epoch=epoch) for epoch in range(208, 445)]
    server = serve(lambda request: page_of(history, request))

    # When
    epochs = make_source(server, clock).pool_history(POOL)

    # Then
    assert [e.epoch for e in epochs] == list(range(208, 445))
    assert len(server.requests) == 3
    # the delegators' share: Blockfrost's rewards less the operator's fees
    assert epochs[0].rewards == 206_936_253_674_159 - 1_290_968_354


def test_pool_history_after_a_known_epoch_reads_only_the_newest_page(
    serve: Serve, clock: FakeClock
) -> None:
    template = fixture("pool_history")[0]
    history = [dict(template, epoch=epoch) for epoch in range(208, 445)]
    server = serve(lambda request: page_of(history, request))

    epochs = make_source(server, clock).pool_history(POOL, after_epoch=437)

    assert [e.epoch for e in epochs] == list(range(438, 445))
    assert len(server.requests) == 1
    assert server.requests[0].query["order"] == "desc"


def blocks_handler(hashes: list[str]) -> Handler:
    """A pool's block hashes (oldest first) and each block's details."""
    block = fixture("block")

    def handler(request: Request) -> Reply:
        if request.path.endswith("/blocks"):
            return page_of(hashes, request)
        block_hash = request.path.rsplit("/", 1)[1]
        slot = 1000 + hashes.index(block_hash)
        return Reply(200, dict(block, hash=block_hash, slot=slot))

    return handler


def test_pool_blocks_stop_at_the_newest_known_block(
    serve: Serve, clock: FakeClock
) -> None:
    # Given a pool with 150 blocks, of which all but the newest three are known
    hashes = [f"{n:064x}" for n in range(150)]
    server = serve(blocks_handler(hashes))
    known = BlockRef(slot=1146, hash=hashes[146])

    # When
    blocks = make_source(server, clock).pool_blocks(POOL, after=known)

    # Then one page of hashes and three block lookups were enough
    assert [b.hash for b in blocks] == hashes[147:]
    assert [b.slot for b in blocks] == [1147, 1148, 1149]
    assert len(server.requests) == 4


def test_pool_blocks_without_a_known_block_keep_the_newest_up_to_the_limit(
    serve: Serve, clock: FakeClock
) -> None:
    # Given the spec's four block hashes, oldest first
    hashes = fixture("pool_blocks")
    server = serve(blocks_handler(hashes))

    # When only the newest two are wanted
    blocks = make_source(server, clock).pool_blocks(POOL, limit=2)

    # Then two lookups were made and the blocks come oldest first
    assert [b.hash for b in blocks] == hashes[2:]
    assert blocks[0].size == 3
    assert len(server.requests) == 3


def test_pool_blocks_stop_by_slot_when_the_known_block_was_rolled_back(
    serve: Serve, clock: FakeClock
) -> None:
    hashes = [f"{n:064x}" for n in range(10)]
    server = serve(blocks_handler(hashes))
    rolled_back = BlockRef(slot=1007, hash="ab" * 32)

    blocks = make_source(server, clock).pool_blocks(POOL, after=rolled_back)

    assert [b.slot for b in blocks] == [1008, 1009]


def test_a_429_storm_is_waited_out_without_really_sleeping(
    serve: Serve, clock: FakeClock
) -> None:
    # Given four 429s before Blockfrost answers
    answers = [error(429)] * 4 + [Reply(200, fixture("block"))]
    server = serve(lambda request: answers.pop(0))

    # When
    tip = make_source(server, clock).tip()

    # Then it backed off four times, each wait longer, on the fake clock only
    assert tip.height == 15243593
    assert len(server.requests) == 5
    assert len(clock.delays) == 4
    assert clock.delays == sorted(clock.delays)
    assert 0.5 <= clock.delays[0] <= 1
    assert 4 <= clock.delays[3] <= 8


def test_a_500_is_retried(serve: Serve, clock: FakeClock) -> None:
    answers = [error(500), Reply(200, fixture("block"))]
    server = serve(lambda request: answers.pop(0))

    tip = make_source(server, clock).tip()

    assert tip.slot == 412162133
    assert len(server.requests) == 2


@pytest.mark.parametrize(("status", "stop"), [(402, QuotaExhausted), (418, Banned)])
def test_a_quota_or_ban_answer_stops_the_source_without_retrying(
    serve: Serve, clock: FakeClock, status: int, stop: type[SourceStopped]
) -> None:
    # Given Blockfrost cuts us off on the third directory page
    pools = directory_of(500)

    def handler(request: Request) -> Reply:
        if request.query.get("page") == "3":
            return error(status)
        return page_of(pools if "extended" in request.path else [], request)

    server = serve(handler)
    source = make_source(server, clock)

    # When the directory refresh hits it
    with pytest.raises(stop):
        source.pool_directory()

    # Then nothing was retried or waited for
    assert len(server.requests) == 4  # retiring list + pages 1 to 3
    assert clock.delays == []

    # and later calls on this source are refused without being sent
    with pytest.raises(stop):
        source.tip()
    assert len(server.requests) == 4


def test_missing_things_are_none_or_empty(serve: Serve, clock: FakeClock) -> None:
    # Given Blockfrost knows nothing
    server = serve(lambda request: error(404))
    source = make_source(server, clock)

    # When / then
    assert source.pool(POOL) is None
    assert source.pool_metadata(POOL) is None
    assert source.block_at_slot(123) is None
    assert source.pool_history(POOL) == []
    assert len(server.requests) == 4  # a 404 is not retried
    assert clock.delays == []


def metadata_server(serve: Serve, payload: Any) -> FakeServer:
    return serve(lambda request: Reply(200, payload))


def test_a_metadata_hash_mismatch_is_surfaced(serve: Serve, clock: FakeClock) -> None:
    server = metadata_server(serve, fixture("pool_metadata_hash_mismatch"))

    metadata = make_source(server, clock).pool_metadata(POOL)

    assert metadata is not None
    assert metadata.check == MetadataCheck.MISMATCH
    assert "does not match" in metadata.check_detail
    assert metadata.hash == (
        "47c0c68cb57f4a5b4a87bad896fc274678e7aea98e200fa14a1cb40c0cab1d8c"
    )


@pytest.mark.parametrize(
    ("code", "check"),
    [
        ("CONNECTION_ERROR", MetadataCheck.UNREACHABLE),
        ("HTTP_RESPONSE_ERROR", MetadataCheck.UNREACHABLE),
        ("DECODE_ERROR", MetadataCheck.INVALID),
        ("SIZE_EXCEEDED", MetadataCheck.TOO_LARGE),
        ("UNKNOWN_ERROR", MetadataCheck.UNKNOWN),
    ],
)
def test_each_metadata_error_code_has_its_check_result(
    serve: Serve, clock: FakeClock, code: str, check: MetadataCheck
) -> None:
    payload = fixture("pool_metadata_hash_mismatch")
    payload["error"] = {"code": code, "message": "..."}
    server = metadata_server(serve, payload)

    metadata = make_source(server, clock).pool_metadata(POOL)

    assert metadata is not None
    assert metadata.check == check


def test_metadata_without_error_is_ok_and_an_empty_object_is_none(
    serve: Serve, clock: FakeClock
) -> None:
    ok = make_source(metadata_server(serve, fixture("pool_metadata")), clock)
    empty = make_source(metadata_server(serve, {}), clock)

    metadata = ok.pool_metadata(POOL)
    assert metadata is not None
    assert metadata.check == MetadataCheck.OK
    assert metadata.ticker == "NUTS"
    assert empty.pool_metadata(POOL) is None


def test_pool_details_combine_pool_metadata_relays_and_retirement(
    serve: Serve, clock: FakeClock
) -> None:
    # Given a pool that once sent a retirement certificate
    routes = {
        f"/pools/{POOL}": fixture("pool"),
        f"/pools/{POOL}/metadata": fixture("pool_metadata"),
        f"/pools/{POOL}/relays": fixture("pool_relays"),
        "/pools/retiring": [{"pool_id": POOL, "epoch": 612}],
    }
    server = serve(lambda request: Reply(200, routes[request.path]))

    # When
    pool = make_source(server, clock).pool(POOL)

    # Then
    assert pool is not None
    assert pool.live_pledge == 5_000_000_001
    assert pool.pledge == 5_000_000_000
    assert pool.delegators_count == 127
    assert pool.metadata_url == "https://stakenuts.com/mainnet.json"
    assert pool.relays[0].port == 3001
    assert pool.retiring_epoch == 612
    assert len(server.requests) == 4


def test_one_run_asks_for_a_pools_metadata_once(serve: Serve, clock: FakeClock) -> None:
    # Given a pool whose registration and metadata are both read in one run
    routes = {
        f"/pools/{POOL}": fixture("pool"),
        f"/pools/{POOL}/metadata": fixture("pool_metadata"),
        f"/pools/{POOL}/relays": fixture("pool_relays"),
        "/pools/retiring": [{"pool_id": POOL, "epoch": 612}],
    }
    server = serve(lambda request: Reply(200, routes[request.path]))
    source = make_source(server, clock)

    # When the sync reads the pool and then its metadata
    source.pool(POOL)
    metadata = source.pool_metadata(POOL)

    # Then the metadata came from the one request the registration made
    assert metadata is not None
    paths = [request.path for request in server.requests]
    assert paths.count(f"/pools/{POOL}/metadata") == 1
