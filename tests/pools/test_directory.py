"""The public directory: search, every sort, every filter, pages and htmx parts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.pools.models import PoolStatus
from apps.pools.queries import SORTS
from tests.pools.pages_support import ADA, make_pool

URL = reverse("pools:directory")


def tickers(response) -> list[str]:
    """The tickers of the table's rows, in order."""
    return re.findall(r'<span class="ticker">([^<]*)</span>', response.content.decode())


@pytest.fixture
def three(db):
    """Three pools that differ in every sortable number."""
    return [
        make_pool(
            "ALPHA",
            name="Alpha Harbor",
            live_stake=50_000_000 * ADA,
            live_saturation=0.65,
            ros_recent=0.031,
            ros_lifetime=0.029,
            luck_recent=0.95,
            margin=0.02,
            fixed_cost=340 * ADA,
            pledge=500_000 * ADA,
            blocks_minted=9_000,
            delegators_count=3_000,
        ),
        make_pool(
            "BRAVO",
            name="Bravo Stake",
            live_stake=2_000_000 * ADA,
            live_saturation=0.026,
            ros_recent=0.0,
            ros_lifetime=0.025,
            luck_recent=1.8,
            margin=0.0,
            fixed_cost=170 * ADA,
            pledge=10_000 * ADA,
            blocks_minted=120,
            delegators_count=40,
        ),
        make_pool(
            "CHARLIE",
            name="Charlie Nodes",
            live_stake=80_000_000 * ADA,
            live_saturation=1.04,
            ros_recent=0.028,
            ros_lifetime=0.031,
            luck_recent=1.02,
            margin=0.05,
            fixed_cost=500 * ADA,
            pledge=1_000_000 * ADA,
            live_pledge=2_000_000 * ADA,
            blocks_minted=20_000,
            delegators_count=9_000,
        ),
    ]


def test_it_lists_pools_by_live_stake_without_an_account(three, client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert tickers(response) == ["CHARLIE", "ALPHA", "BRAVO"]
    assert "3 pools" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alp", ["ALPHA"]),  # ticker prefix, any case
        ("stake", ["BRAVO"]),  # part of the name
        ("nodes", ["CHARLIE"]),
        ("zzz", []),
    ],
)
def test_search_matches_ticker_name(three, client, text, expected) -> None:
    assert tickers(client.get(URL, {"q": text})) == expected


def test_search_matches_the_start_of_a_pool_id(three, client) -> None:
    bravo = three[1]

    response = client.get(URL, {"q": bravo.pool_id[:20].upper()})

    assert tickers(response) == ["BRAVO"]


def test_an_exact_ticker_comes_first_whatever_the_sort(db, client) -> None:
    make_pool("ADAX", live_stake=70_000_000 * ADA)
    make_pool("ADA", live_stake=1_000 * ADA)

    response = client.get(URL, {"q": "ada"})

    assert tickers(response) == ["ADA", "ADAX"]


@pytest.mark.parametrize(
    ("sort", "natural", "reverse"),
    [
        ("stake", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("saturation", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("ros", ["ALPHA", "CHARLIE", "BRAVO"], ["BRAVO", "CHARLIE", "ALPHA"]),
        ("ros_lifetime", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("luck", ["BRAVO", "CHARLIE", "ALPHA"], ["ALPHA", "CHARLIE", "BRAVO"]),
        ("margin", ["BRAVO", "ALPHA", "CHARLIE"], ["CHARLIE", "ALPHA", "BRAVO"]),
        ("fixed_cost", ["BRAVO", "ALPHA", "CHARLIE"], ["CHARLIE", "ALPHA", "BRAVO"]),
        ("pledge", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("blocks", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("delegators", ["CHARLIE", "ALPHA", "BRAVO"], ["BRAVO", "ALPHA", "CHARLIE"]),
        ("ticker", ["ALPHA", "BRAVO", "CHARLIE"], ["CHARLIE", "BRAVO", "ALPHA"]),
    ],
)
def test_each_sort_has_a_natural_and_a_reversed_order(
    three, client, sort, natural, reverse
) -> None:
    largest_first = SORTS[sort][1]
    natural_dir, other_dir = ("desc", "asc") if largest_first else ("asc", "desc")

    assert tickers(client.get(URL, {"sort": sort})) == natural
    assert tickers(client.get(URL, {"sort": sort, "dir": natural_dir})) == natural
    assert tickers(client.get(URL, {"sort": sort, "dir": other_dir})) == reverse


def test_unknown_numbers_sort_last_both_ways(three, client) -> None:
    make_pool("NEW", ros_recent=None)

    assert tickers(client.get(URL, {"sort": "ros", "dir": "desc"}))[-1] == "NEW"
    assert tickers(client.get(URL, {"sort": "ros", "dir": "asc"}))[-1] == "NEW"


def test_the_network_filter_shows_one_network_mainnet_by_default(three, client):
    make_pool("PREP", network="preprod")

    assert "PREP" not in tickers(client.get(URL))
    assert tickers(client.get(URL, {"network": "preprod"})) == ["PREP"]


def test_the_saturation_range_is_in_percent(three, client) -> None:
    response = client.get(URL, {"sat_min": "50", "sat_max": "100"})

    assert tickers(response) == ["ALPHA"]
    assert tickers(client.get(URL, {"sat_min": "100"})) == ["CHARLIE"]
    assert tickers(client.get(URL, {"sat_max": "10"})) == ["BRAVO"]


def test_the_pledge_filter_tells_met_from_not_met(three, client) -> None:
    short = three[0]
    short.live_pledge = short.pledge - 1
    short.save()
    make_pool("UNKN", live_pledge=None)

    assert tickers(client.get(URL, {"pledge": "not_met"})) == ["ALPHA"]
    assert tickers(client.get(URL, {"pledge": "met"})) == ["CHARLIE", "BRAVO"]


def test_the_retiring_filter_hides_or_shows_only_retiring_pools(three, client):
    make_pool("BYE", retiring_epoch=600)

    assert "BYE" not in tickers(client.get(URL, {"retiring": "hide"}))
    assert tickers(client.get(URL, {"retiring": "only"})) == ["BYE"]
    assert "retiring, epoch 600" in client.get(URL).content.decode()


def test_retired_pools_leave_the_directory(three, client) -> None:
    make_pool("GONE", status=PoolStatus.RETIRED)

    assert "GONE" not in tickers(client.get(URL))


def test_a_bad_filter_is_named_instead_of_ignored(three, client) -> None:
    response = client.get(URL, {"sat_min": "80", "sat_max": "20"})

    assert response.status_code == 200
    assert "The upper bound is below the lower bound." in response.content.decode()
    assert tickers(response) == []


def test_pages_hold_fifty_pools_and_keep_the_query(db, client) -> None:
    for number in range(60):
        make_pool(f"P{number:02d}", live_stake=(100 - number) * ADA)

    first = client.get(URL, {"q": "p"})
    second = client.get(URL, {"q": "p", "page": "2"})
    beyond = client.get(URL, {"q": "p", "page": "99"})

    assert len(tickers(first)) == 50
    assert tickers(second) == [f"P{number}" for number in range(50, 60)]
    assert tickers(beyond) == tickers(second)
    assert 'href="?q=p&amp;page=2"' in first.content.decode()
    assert "showing 51\u201360" in second.content.decode()


def test_htmx_gets_only_the_results_and_a_shareable_address(three, client) -> None:
    response = client.get(URL, {"q": "alp"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()

    assert tickers(response) == ["ALPHA"]
    assert "<html" not in body
    assert 'id="id_q"' not in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(three, client) -> None:
    response = client.get(
        URL,
        {"q": "alp"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<html" in response.content.decode()


def test_sort_headers_link_to_the_flipped_order_and_say_it(three, client) -> None:
    body = client.get(URL, {"q": "a", "sort": "margin"}).content.decode()

    assert 'aria-sort="ascending"' in body
    assert 'href="?q=a&amp;sort=margin&amp;dir=desc"' in body
    assert 'href="?q=a&amp;sort=stake"' in body


def test_each_row_has_a_labelled_compare_checkbox(three, client) -> None:
    body = client.get(URL).content.decode()

    assert body.count("data-compare-pick") == 3
    assert "Compare ALPHA" in body


def test_amounts_are_abbreviated_with_the_exact_value_on_hover(three, client) -> None:
    body = client.get(URL).content.decode()

    assert '<span class="ada" title="80,000,000 ₳">80M ₳</span>' in body
    assert "104%" in body
    assert "oversaturated" in body


def test_demo_pools_are_labelled_as_demo_data(db, client) -> None:
    make_pool("REAL")
    assert "Demo data." not in client.get(URL).content.decode()

    make_pool("FAKE", is_demo=True)
    assert "Demo data." in client.get(URL).content.decode()


def test_the_query_count_does_not_grow_with_the_directory(db, client) -> None:
    make_pool("ONE")
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"sort": "ros"})

    for number in range(80):
        make_pool(f"M{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"sort": "ros", "q": "m"})

    # One query: the page and, with a window count, the total.
    assert len(many) == len(few) == 1
