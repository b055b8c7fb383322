"""A pool id can be on mainnet and preprod at once: the card, its CSV, the
comparison and following read the row of ``?network=``, mainnet by default,
and an unknown network is a plain 404 that names the networks there are."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from apps.pools.models import FollowedPool, Pool
from tests.pools.pages_support import add_epochs, make_pool, pool_id_for

SHARED_ID = pool_id_for(4_242)


@pytest.fixture
def twins(db) -> dict[str, Pool]:
    """One pool id on both networks, each row with its own ticker and epochs."""
    main = make_pool("MAIN", pool_id=SHARED_ID, name="On mainnet")
    pre = make_pool("PRE", network="preprod", pool_id=SHARED_ID, name="On preprod")
    add_epochs(main, range(500, 503))
    add_epochs(pre, range(140, 142))
    return {"mainnet": main, "preprod": pre}


def csv_epochs(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [row[0] for row in rows[1:]]


def test_the_card_is_the_mainnet_pool_unless_the_query_names_another(
    twins, client
) -> None:
    url = reverse("pools:card", args=[SHARED_ID])

    plain = client.get(url).content.decode()
    preprod = client.get(url, {"network": "preprod"}).content.decode()

    assert "On mainnet" in plain
    assert "On preprod" not in plain
    assert "On preprod" in preprod
    assert "On mainnet" not in preprod


def test_the_rewards_csv_is_of_the_network_asked_for(twins, client) -> None:
    url = reverse("pools:rewards_csv", args=[SHARED_ID])

    assert csv_epochs(client.get(url)) == ["502", "501", "500"]
    assert csv_epochs(client.get(url, {"network": "preprod"})) == ["141", "140"]


def test_the_comparison_reads_the_pools_of_the_network_asked_for(twins, client) -> None:
    other = make_pool("OTHER", network="preprod")
    url = reverse("pools:compare")
    ids = f"{SHARED_ID},{other.pool_id}"

    preprod = client.get(url, {"ids": ids, "network": "preprod"})
    mainnet = client.get(url, {"ids": ids})

    assert preprod.status_code == 200
    assert "PRE" in preprod.content.decode()
    assert "MAIN" not in preprod.content.decode()
    # OTHER is on preprod only: on mainnet it is named as unknown.
    assert mainnet.status_code == 404
    assert f"No mainnet pool has the id {other.pool_id}." in mainnet.content.decode()


def test_following_on_preprod_follows_the_preprod_pool(
    twins, actors, member_client
) -> None:
    url = reverse("pools:follow", args=[actors.organization.public_id, SHARED_ID])

    response = member_client.post(f"{url}?network=preprod")

    assert response.status_code == 302
    assert response["Location"] == f"/pools/{SHARED_ID}/?network=preprod"
    follows = FollowedPool.objects.filter(organization=actors.organization)
    assert [follow.pool for follow in follows] == [twins["preprod"]]


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("pools:card", "get"),
        ("pools:rewards_csv", "get"),
        ("pools:compare", "get"),
        ("pools:follow", "post"),
        ("pools:unfollow", "post"),
    ],
)
def test_an_unknown_network_is_a_404_naming_the_networks(
    twins, actors, member_client, name, method
) -> None:
    args = {
        "pools:card": [SHARED_ID],
        "pools:rewards_csv": [SHARED_ID],
        "pools:compare": [],
    }.get(name, [actors.organization.public_id, SHARED_ID])
    url = reverse(name, args=args) + f"?network=testnet&ids={SHARED_ID}"

    response = getattr(member_client, method)(url)

    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no network “testnet”" in body
    assert "mainnet, preprod, preview" in body
    assert not FollowedPool.objects.exists()
