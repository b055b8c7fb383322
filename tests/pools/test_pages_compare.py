"""Comparing up to five pools: best values marked in words, clear errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.pools.pages_support import ADA, make_pool, pool_id_for

URL = reverse("pools:compare")


@pytest.fixture
def pair(db):
    cheap = make_pool("CHEAP", margin=0.0, fixed_cost=170 * ADA, ros_recent=0.031)
    dear = make_pool(
        "DEAR",
        margin=0.05,
        fixed_cost=340 * ADA,
        ros_recent=0.025,
        retiring_epoch=600,
        metadata_check="mismatch",
    )
    return cheap, dear


def best_cells(body: str) -> list[str]:
    return re.findall(r'<td class="best">([^<]*)', body)


def test_two_pools_side_by_side_with_the_best_marked(pair, client) -> None:
    cheap, dear = pair

    response = client.get(URL, {"ids": f"{cheap.pool_id},{dear.pool_id}"})
    body = response.content.decode()

    assert response.status_code == 200
    assert body.index("CHEAP") < body.index("DEAR")
    assert "0.00%" in best_cells(body)[0]  # margin: lower is better
    assert "170 ₳" in best_cells(body)[1]  # fixed cost
    assert "3.10%" in best_cells(body)[2]  # ROS: higher is better
    assert len(best_cells(body)) == 3
    assert "lower is better" in body
    assert "higher is better" in body


def test_problems_are_marked_rather_than_the_healthy_pools(pair, client) -> None:
    cheap, dear = pair

    body = client.get(URL, {"ids": f"{cheap.pool_id},{dear.pool_id}"}).content
    problems = re.findall(r'<td class="problem">([^<]*)', body.decode())

    assert problems == [
        "⚑ retiring in epoch 600",
        "✕ Does not match the registered hash",
    ]


def test_equal_values_mark_nothing(db, client) -> None:
    ids = [make_pool(f"SAME{n}").pool_id for n in range(3)]

    body = client.get(URL, {"ids": ",".join(ids)}).content.decode()

    assert best_cells(body) == []


def test_repeated_ids_parameters_work_like_a_comma_list(pair, client) -> None:
    cheap, dear = pair

    response = client.get(f"{URL}?ids={cheap.pool_id}&ids={dear.pool_id}")

    assert response.status_code == 200
    assert "DEAR" in response.content.decode()


def test_more_than_five_pools_is_a_clear_error(db, client) -> None:
    ids = [make_pool(f"P{n}").pool_id for n in range(6)]

    response = client.get(URL, {"ids": ",".join(ids)})

    assert response.status_code == 400
    assert "Up to 5 pools can be compared at once; you chose 6." in (
        response.content.decode()
    )


def test_unknown_pool_ids_are_named(pair, client) -> None:
    missing = pool_id_for(999_999)

    response = client.get(URL, {"ids": f"{pair[0].pool_id},{missing}"})

    assert response.status_code == 404
    assert f"No mainnet pool has the id {missing}." in response.content.decode()


def test_something_that_is_not_a_pool_id_is_refused(db, client) -> None:
    response = client.get(URL, {"ids": "pool1short,<script>"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Not a pool id: pool1short, &lt;script&gt;." in body


def test_no_pools_chosen_explains_how_to_choose(db, client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert "No pools chosen yet" in response.content.decode()


def test_the_comparison_offers_its_own_address_to_share(pair, client) -> None:
    ids = f"{pair[0].pool_id},{pair[1].pool_id}"

    body = client.get(URL, {"ids": ids}).content.decode()

    assert f"http://testserver/pools/compare/?ids={ids.replace(',', '%2C')}" in body
