"""The public pool API: the directory, one pool, its history; no key needed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from tests.factories import make_api_key
from tests.pools.pages_support import ADA, add_epochs, make_pool, pool_id_for

LIST = reverse("pool-list")


pytestmark = pytest.mark.usefixtures("fresh_throttle")


@pytest.fixture
def pools(db):
    return [
        make_pool("BIG", live_stake=60_000_000 * ADA, live_saturation=0.8, margin=0.02),
        make_pool("MID", live_stake=8_000_000 * ADA, live_saturation=0.1, margin=0.0),
        make_pool("TINY", live_stake=1_000 * ADA, live_saturation=0.0, margin=0.01),
    ]


def tickers(response) -> list[str]:
    return [row["ticker"] for row in response.json()["results"]]


def test_the_list_is_public_and_paginated(pools, client) -> None:
    response = client.get(LIST, {"limit": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert tickers(response) == ["BIG", "MID"]
    assert "offset=2" in body["next"]


def test_the_list_rows_carry_the_public_numbers(pools, client) -> None:
    row = client.get(LIST, {"q": "big"}).json()["results"][0]

    assert row["pool_id"] == pools[0].pool_id
    assert row["live_stake"] == 60_000_000 * ADA
    assert row["live_saturation"] == 0.8
    assert row["pledge_met"] is True
    assert row["is_demo"] is False


def test_the_list_takes_the_directory_search_sort_and_filters(pools, client) -> None:
    assert tickers(client.get(LIST, {"q": "ti"})) == ["TINY"]
    assert tickers(client.get(LIST, {"sort": "margin"})) == ["MID", "TINY", "BIG"]
    assert tickers(client.get(LIST, {"sort": "stake", "dir": "asc"}))[0] == "TINY"
    assert tickers(client.get(LIST, {"sat_min": "5", "sat_max": "50"})) == ["MID"]
    assert tickers(client.get(LIST, {"network": "preview"})) == []


def test_a_bad_parameter_is_a_400_naming_the_field(pools, client) -> None:
    response = client.get(LIST, {"sort": "vibes", "sat_min": "lots"})

    assert response.status_code == 400
    assert set(response.json()) == {"sort", "sat_min"}


def test_one_pool_has_its_registration_and_metadata(pools, client) -> None:
    pool = pools[0]
    pool.relays = [{"ipv4": "203.0.113.7", "ipv6": None, "dns": None, "port": 6000}]
    pool.metadata_check = "mismatch"
    pool.metadata_check_detail = "hashes differ"
    pool.save()

    response = client.get(reverse("pool-detail", args=[pool.pool_id]))

    body = response.json()
    assert response.status_code == 200
    assert body["ticker"] == "BIG"
    assert body["metadata_check"] == "mismatch"
    assert body["metadata_check_detail"] == "hashes differ"
    assert body["relays"][0]["ipv4"] == "203.0.113.7"


def test_an_unknown_pool_is_404(db, client) -> None:
    response = client.get(reverse("pool-detail", args=[pool_id_for(999_999)]))

    assert response.status_code == 404


def test_the_history_lists_epochs_newest_first_with_luck_and_ros(pools, client) -> None:
    add_epochs(pools[0], range(500, 510))

    response = client.get(
        reverse("pool-history", args=[pools[0].pool_id]), {"limit": 3}
    )

    body = response.json()
    assert body["count"] == 10
    assert [row["epoch"] for row in body["results"]] == [509, 508, 507]
    first = body["results"][0]
    assert first["blocks"] == 10
    assert first["luck"] == pytest.approx(10 / 9.5)
    assert first["ros"] == pytest.approx(1.0004**73 - 1)
    assert first["rewards"] == 4_000 * ADA


def test_an_api_key_is_not_needed_and_a_wrong_one_does_not_matter(
    actors, pools, client
) -> None:
    _key, plaintext = make_api_key(actors.organization)

    keyed = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    wrong = client.get(LIST, HTTP_AUTHORIZATION="Bearer sgk_wrong")

    assert keyed.status_code == wrong.status_code == 200


def test_writes_are_not_allowed(pools, client) -> None:
    response = client.post(LIST, {"ticker": "NEW"})

    assert response.status_code == 405


def test_callers_are_throttled_at_the_anonymous_rate(
    pools, client, monkeypatch
) -> None:
    # The rates are read when DRF is imported, so the test sets them directly.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})

    codes = [client.get(LIST).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_the_query_count_does_not_grow_with_the_directory(db, client) -> None:
    make_pool("ONE")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for number in range(40):
        make_pool(f"M{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)

    assert len(many) == len(few) <= 2


def test_the_schema_documents_the_pool_endpoints(db, client) -> None:
    schema = client.get(
        reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()

    assert {"/api/v1/pools", "/api/v1/pools/{pool_id}"} <= set(schema["paths"])
    assert "/api/v1/pools/{pool_id}/history" in schema["paths"]
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/pools"]["get"]["parameters"]
    }
    assert {"q", "network", "sort", "dir", "sat_min", "pledge", "limit"} <= parameters
