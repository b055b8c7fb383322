"""A directory read from Koios has active stake only until a pool is viewed:
it still sorts by stake, with the active figure standing in and marked."""

from tests.pools.pages_support import ADA, make_pool
from tests.pools.test_directory import URL, tickers


def test_pools_without_live_stake_sort_by_their_active_stake(db, client) -> None:
    # Given one pool with live stake and two known only by their active stake
    make_pool("LIVE", live_stake=20_000_000 * ADA)
    make_pool("BIG", live_stake=None, active_stake=30_000_000 * ADA)
    make_pool("SMALL", live_stake=None, active_stake=5_000_000 * ADA)

    # When the directory is sorted by stake
    response = client.get(URL, {"sort": "stake"})

    # Then each stands where its stake puts it, the active figures marked
    assert tickers(response) == ["BIG", "LIVE", "SMALL"]
    assert "30M" in response.content.decode()
    assert "active stake: the live stake is read" in response.content.decode()
