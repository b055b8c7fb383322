"""A pool's public card: its numbers, problems shown plainly, history and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.pools import actions
from apps.pools.models import Pool
from tests.pools.pages_support import ADA, add_epochs, make_pool


def card_url(pool: Pool) -> str:
    return reverse("pools:card", args=[pool.pool_id])


@pytest.fixture
def pool(db) -> Pool:
    pool = make_pool(
        "CARD",
        name="Card Pool",
        homepage="https://card.pool.example",
        relays=[{"dns": "relay1.card.example", "port": 3001}],
        live_stake=12_400_000 * ADA,
        live_saturation=0.161,
        pledge=250_000 * ADA,
        live_pledge=100_000 * ADA,
        margin=0.015,
        fixed_cost=170 * ADA,
        ros_lifetime=0.0291,
        ros_recent=0.0314,
        luck_recent=0.97,
    )
    add_epochs(pool, range(500, 512))
    return pool


def test_the_card_shows_who_the_pool_is_and_its_numbers(pool, client) -> None:
    body = client.get(card_url(pool)).content.decode()

    assert "CARD" in body
    assert "Card Pool" in body
    assert pool.pool_id in body
    assert 'data-copy="#pool-id"' in body
    assert "https://card.pool.example" in body
    assert '<span class="ada" title="12,400,000 ₳">12.4M ₳</span>' in body
    assert "16%" in body  # saturation
    assert "1.50%" in body
    assert "170 ₳" in body
    assert "3.14%" in body
    assert "2.91%" in body
    assert "relay1.card.example:3001" in body
    assert "Compare with" in body


def test_a_pledge_that_is_not_held_says_so_in_words(pool, client) -> None:
    body = client.get(card_url(pool)).content.decode()

    assert "not met" in body
    assert '<span class="ada" title="250,000 ₳">250K ₳</span>' in body
    assert '<span class="ada" title="100,000 ₳">100K ₳</span>' in body


def test_a_metadata_hash_mismatch_is_shown_with_its_detail(db, client) -> None:
    pool = make_pool(
        "ODD",
        metadata_check="mismatch",
        metadata_check_detail="The file hashes to abc; the registration says def.",
    )

    body = client.get(card_url(pool)).content.decode()

    assert "The metadata does not match the hash in the registration" in body
    assert "The file hashes to abc; the registration says def." in body


def test_the_blocks_chart_gets_its_data_a_summary_and_a_table(pool, client) -> None:
    response = client.get(card_url(pool))
    body = response.content.decode()

    data = chart_data(body)
    assert data["epochs"] == list(range(500, 512))
    assert data["made"] == [10] * 12
    assert "data-blocks-chart" in body
    # The last ten epochs: 100 blocks made against 95 expected, luck 105%.
    assert "the pool made 100 blocks against 95.0 expected" in body
    assert "Luck: 105%." in body
    assert "The same numbers as a table" in body


def test_a_missing_epoch_is_a_gap_in_the_chart(db, client) -> None:
    pool = make_pool("GAP")
    add_epochs(pool, [500, 501, 503])

    body = client.get(card_url(pool)).content.decode()

    data = chart_data(body)
    assert data["epochs"] == [500, 501, 502, 503]
    assert data["made"] == [10, 10, None, 10]


def test_a_pool_without_history_says_when_it_will_come(db, client) -> None:
    body = client.get(card_url(make_pool("NEW"))).content.decode()

    assert "No epoch history yet" in body


def test_an_unknown_pool_is_404(db, client) -> None:
    response = client.get(reverse("pools:card", args=["pool1nosuchpool"]))

    assert response.status_code == 404


def test_demo_pools_say_they_are_demo_data(db, client) -> None:
    body = client.get(card_url(make_pool("DEMO", is_demo=True))).content.decode()

    assert "demo data" in body


def test_the_rewards_csv_has_every_epoch_in_lovelace(pool, client) -> None:
    response = client.get(reverse("pools:rewards_csv", args=[pool.pool_id]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="CARD-rewards.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "epoch",
        "active_stake_lovelace",
        "delegators",
        "blocks",
        "expected_blocks",
        "luck",
        "delegator_rewards_lovelace",
        "operator_fees_lovelace",
        "ros_annualised",
    ]
    assert len(rows) == 13
    # 4,000 ADA on 10M ADA is 0.0004 an epoch: 1.0004 ^ 73 - 1 = 0.0296245...
    assert rows[1] == [
        "511",
        "10000000000000",
        "500",
        "10",
        "9.500",
        "1.0526",
        "4000000000",
        "380000000",
        "0.029624",
    ]


def test_viewing_a_card_records_the_view_once_per_precision(pool, client) -> None:
    client.get(card_url(pool))
    pool.refresh_from_db()
    first = pool.last_viewed_at

    client.get(card_url(pool))
    pool.refresh_from_db()

    assert first is not None
    assert pool.last_viewed_at == first


def test_record_view_writes_again_once_the_precision_has_passed(pool) -> None:
    now = timezone.now()

    assert actions.record_view(pool, now) is True
    assert actions.record_view(pool, now + timedelta(minutes=9)) is False
    stale = Pool.objects.get(pk=pool.pk)
    assert actions.record_view(stale, now + timedelta(minutes=9)) is False
    assert actions.record_view(stale, now + timedelta(minutes=11)) is True
    assert Pool.objects.get(pk=pool.pk).last_viewed_at == now + timedelta(minutes=11)


def test_the_card_query_count_does_not_grow_with_history(db, client) -> None:
    small = make_pool("SMALL", last_viewed_at=timezone.now())
    add_epochs(small, range(500, 502))
    big = make_pool("BIG", last_viewed_at=timezone.now())
    add_epochs(big, range(400, 500))

    with CaptureQueriesContext(connection) as few:
        client.get(card_url(small))
    with CaptureQueriesContext(connection) as many:
        client.get(card_url(big))

    # The pool, its epochs, the nearest larger and smaller pools by stake; no
    # write for a view recorded a moment ago.
    assert len(many) == len(few) == 4


def chart_data(body: str) -> dict[str, list[object]]:
    """The JSON the page hands to the chart script."""
    pattern = r'id="blocks-chart-data" type="application/json">(.*?)</script>'
    match = re.search(pattern, body, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_similar_pools_are_the_nearest_in_stake_either_side(db, client) -> None:
    pool = make_pool("MID", live_stake=10_000 * ADA)
    make_pool("FAR", live_stake=50_000 * ADA)
    above = make_pool("ABOVE", live_stake=11_000 * ADA)
    below = make_pool("BELOW", live_stake=9_500 * ADA)
    make_pool("GONE", live_stake=10_001 * ADA, retiring_epoch=600)

    similar = Pool.objects.nearest_in_stake(pool)

    assert [other.pool_id for other in similar] == [below.pool_id, above.pool_id]
