"""KoiosSource against a local fake Koios: PostgREST paging, POST bodies, limits."""

from collections.abc import Callable
from typing import Any

import pytest

from apps.chain.sources import ChainSource, KoiosSource
from apps.chain.sources.base import BlockRef, MetadataCheck
from spoguild.http import CallCounter, PermanentError
from tests.chain.payloads import load
from tests.http.server import FakeClock, FakeServer, Handler, Reply, Request

Serve = Callable[[Handler], FakeServer]
POOL = "pool155efqn9xpcf73pphkk88cmlkdwx4ulkg606tne970qswczg3asc"


def fixture(name: str) -> Any:
    return load("koios", name)


def rows_of(rows: list[Any], request: Request, *, total: bool = False) -> Reply:
    """Answer like PostgREST: ``offset``/``limit``, capped at 1,000 rows, with
    ``Content-Range`` (the total only when asked to know it)."""
    offset = int(request.query.get("offset", 0))
    limit = min(int(request.query.get("limit", 1000)), 1000)
    page = rows[offset : offset + limit]
    size = str(len(rows)) if total else "*"
    span = f"{offset}-{offset + len(page) - 1}" if page else "*"
    return Reply(200, page, headers={"Content-Range": f"{span}/{size}"})


def make_source(
    server: FakeServer,
    clock: FakeClock,
    counter: CallCounter | None = None,
    bearer_token: str | None = None,
) -> KoiosSource:
    return KoiosSource(
        "mainnet",
        base_url=server.url,
        bearer_token=bearer_token,
        sleep=clock.sleep,
        clock=clock,
        counter=counter or CallCounter(),
    )


def directory_of(size: int) -> list[dict[str, Any]]:
    template = fixture("pool_list")[0]
    return [
        dict(template, pool_id_bech32=f"pool1test{n:050d}", pool_id_hex=f"{n:056x}")
        for n in range(size)
    ]


def test_it_is_a_chain_source(serve: Serve, clock: FakeClock) -> None:
    server = serve(lambda request: Reply(200, []))

    assert isinstance(make_source(server, clock), ChainSource)


def test_a_directory_of_3100_pools_takes_four_calls(
    serve: Serve, clock: FakeClock
) -> None:
    # Given 3,100 registered pools
    pools = directory_of(3100)
    server = serve(lambda request: rows_of(pools, request))
    counter = CallCounter()

    # When
    directory = make_source(server, clock, counter).pool_directory()

    # Then three full pages and a short one, asked in a stable order
    assert len(directory) == 3100
    assert counter["koios"] == 4
    assert [r.query["offset"] for r in server.requests] == ["0", "1000", "2000", "3000"]
    assert {r.query["order"] for r in server.requests} == {"pool_id_bech32.asc"}
    assert server.requests[0].query["pool_status"] == "in.(registered,retiring)"


def test_a_known_total_in_content_range_saves_the_last_empty_page(
    serve: Serve, clock: FakeClock
) -> None:
    pools = directory_of(3000)
    server = serve(lambda request: rows_of(pools, request, total=True))

    directory = make_source(server, clock).pool_directory()

    assert len(directory) == 3000
    assert len(server.requests) == 3


def test_a_directory_row_maps_to_a_listing(serve: Serve, clock: FakeClock) -> None:
    server = serve(lambda request: rows_of(fixture("pool_list"), request))

    listing = make_source(server, clock).pool_directory()[0]

    assert listing.pool_id == POOL
    assert listing.ticker == "AHL"
    assert listing.pledge == 64_000_000_000_000
    assert listing.active_stake == 64_328_627_680_963
    assert listing.fixed_cost == 500_000_000
    # Koios's bulk list has no live numbers: they come from pool()
    assert listing.live_stake is None
    assert listing.blocks_minted is None


def test_pool_details_are_one_post_with_the_pool_id_in_the_body(
    serve: Serve, clock: FakeClock
) -> None:
    server = serve(lambda request: Reply(200, fixture("pool_info")))

    pool = make_source(server, clock).pool(POOL)

    assert server.requests[0].method == "POST"
    assert server.requests[0].path == "/pool_info"
    assert server.requests[0].json() == {"_pool_bech32_ids": [POOL]}
    assert pool is not None
    assert pool.live_pledge == 64_328_594_406_327
    assert pool.live_saturation == pytest.approx(0.9452)  # Koios says 94.52 %
    assert pool.relays[0].dns_srv == "biostakingpool3.hopto.org"
    assert pool.owners == (
        "stake1u8088wvudd7dp3rxl0v9xgng8r3j50s65ge3l3jvgd94keqfm3nv3",
    )
    assert len(server.requests) == 1


def test_an_unknown_pool_is_none(serve: Serve, clock: FakeClock) -> None:
    # Koios answers an empty list, not 404
    server = serve(lambda request: Reply(200, []))
    source = make_source(server, clock)

    assert source.pool(POOL) is None
    assert source.pool_metadata(POOL) is None
    assert source.block_at_slot(1) is None
    assert source.pool_history(POOL) == []


def test_metadata_that_koios_holds_is_ok_and_missing_json_is_unknown(
    serve: Serve, clock: FakeClock
) -> None:
    fetched = fixture("pool_metadata")
    unfetched = [dict(fetched[0], meta_json=None)]
    answers = [Reply(200, fetched), Reply(200, unfetched)]
    server = serve(lambda request: answers.pop(0))
    source = make_source(server, clock)

    first, second = source.pool_metadata(POOL), source.pool_metadata(POOL)

    assert first is not None
    assert first.check == MetadataCheck.OK
    assert first.ticker == "IOGP"
    assert second is not None
    assert second.check == MetadataCheck.UNKNOWN
    assert server.requests[0].json() == {"_pool_bech32_ids": [POOL]}


def test_pool_blocks_after_a_known_block_filter_by_slot_in_one_call(
    serve: Serve, clock: FakeClock
) -> None:
    # Given Koios returns the blocks after the known slot, newest first
    template = fixture("pool_blocks")[0]
    newer = [
        dict(template, abs_slot=slot, block_hash=f"{slot:064x}") for slot in (90, 80)
    ]
    server = serve(lambda request: rows_of(newer, request))

    # When
    blocks = make_source(server, clock).pool_blocks(
        POOL, after=BlockRef(slot=70, hash="aa" * 32)
    )

    # Then
    query = server.requests[0].query
    assert query["abs_slot"] == "gt.70"
    assert query["order"] == "abs_slot.desc"
    assert query["_pool_bech32"] == POOL
    assert [b.slot for b in blocks] == [80, 90]
    assert blocks[0].size is None
    assert blocks[0].height == 1794506


def test_pool_history_maps_percentages_to_fractions(
    serve: Serve, clock: FakeClock
) -> None:
    server = serve(lambda request: rows_of(fixture("pool_history"), request))

    [epoch] = make_source(server, clock).pool_history(POOL, after_epoch=300)

    assert server.requests[0].query["epoch_no"] == "gt.300"
    assert epoch.epoch == 312
    assert epoch.active_size == pytest.approx(0.13512182543475783)
    assert epoch.rewards == 123_456_789_123
    assert epoch.fees == 123_327_382


def test_tip_epoch_and_block_at_slot_parse(serve: Serve, clock: FakeClock) -> None:
    routes = {
        "/tip": fixture("tip"),
        "/epoch_info": fixture("epoch_info"),
        "/epoch_params": fixture("epoch_params"),
        "/blocks": fixture("blocks"),
    }
    server = serve(lambda request: Reply(200, routes[request.path]))
    source = make_source(server, clock)

    tip = source.tip()
    epoch = source.epoch()
    block = source.block_at_slot(49073930)

    assert (tip.slot, tip.epoch, tip.height) == (51700871, 317, 6806994)
    assert tip.time.isoformat() == "2022-01-27T07:06:02+00:00"
    assert epoch.epoch == 294
    assert epoch.params.n_opt == 500
    assert epoch.params.min_pool_cost == 340_000_000
    assert block is not None
    assert block.pool_id is not None
    assert server.requests[-1].query == {"abs_slot": "eq.49073930"}


def test_a_429_storm_waits_out_the_60_second_penalty_each_time(
    serve: Serve, clock: FakeClock
) -> None:
    # Given Koios rate-limits three times (no Retry-After) before answering
    answers = [Reply(429, b"")] * 3 + [Reply(200, fixture("tip"))]
    server = serve(lambda request: answers.pop(0))

    # When
    tip = make_source(server, clock).tip()

    # Then each wait matched the penalty, on the fake clock only
    assert tip.slot == 51700871
    assert clock.delays == [60.0, 60.0, 60.0]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_5xx_is_retried(serve: Serve, clock: FakeClock, status: int) -> None:
    answers = [Reply(status, b""), Reply(200, fixture("tip"))]
    server = serve(lambda request: answers.pop(0))

    make_source(server, clock).tip()

    assert len(server.requests) == 2


def test_a_payload_too_large_is_permanent(serve: Serve, clock: FakeClock) -> None:
    server = serve(lambda request: Reply(413, b""))

    with pytest.raises(PermanentError) as caught:
        make_source(server, clock).pool(POOL)
    assert caught.value.status == 413
    assert len(server.requests) == 1


def test_a_bearer_token_is_sent_only_when_given(serve: Serve, clock: FakeClock) -> None:
    server = serve(lambda request: Reply(200, fixture("tip")))

    make_source(server, clock, bearer_token="eyJhbGciOi.test").tip()
    make_source(server, clock).tip()

    assert server.requests[0].headers["authorization"] == "Bearer eyJhbGciOi.test"
    assert "authorization" not in server.requests[1].headers


def test_the_stake_supply_is_the_epochs_supply_less_reserves(
    serve: Serve, clock: FakeClock
) -> None:
    asked = []

    def answer(request: Request) -> Reply:
        asked.append(request.query)
        found = request.query.get("_epoch_no") == "294"
        return Reply(200, fixture("totals") if found else [])

    source = make_source(serve(answer), clock)

    assert source.stake_supply(294) == 33_228_495_612_391_330
    assert source.stake_supply(295) is None
    assert asked[0] == {"_epoch_no": "294"}
