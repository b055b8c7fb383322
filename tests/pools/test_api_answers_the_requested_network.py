"""One pool's API endpoints read the row of ``?network=``, mainnet by default;
an unknown network is a 400 naming the field, and the schema documents it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.pools.models import Pool
from tests.pools.pages_support import add_epochs, make_pool, pool_id_for

SHARED_ID = pool_id_for(4_343)


pytestmark = pytest.mark.usefixtures("fresh_throttle")


@pytest.fixture
def twins(db) -> dict[str, Pool]:
    main = make_pool("MAIN", pool_id=SHARED_ID)
    pre = make_pool("PRE", network="preprod", pool_id=SHARED_ID)
    add_epochs(main, range(500, 503))
    add_epochs(pre, range(140, 142))
    return {"mainnet": main, "preprod": pre}


def test_a_pool_is_the_mainnet_one_unless_the_query_names_another(
    twins, client
) -> None:
    url = reverse("pool-detail", args=[SHARED_ID])

    plain = client.get(url).json()
    preprod = client.get(url, {"network": "preprod"}).json()

    assert (plain["network"], plain["ticker"]) == ("mainnet", "MAIN")
    assert (preprod["network"], preprod["ticker"]) == ("preprod", "PRE")


def test_a_pools_history_is_of_the_network_asked_for(twins, client) -> None:
    url = reverse("pool-history", args=[SHARED_ID])

    plain = client.get(url).json()["results"]
    preprod = client.get(url, {"network": "preprod"}).json()["results"]

    assert [row["epoch"] for row in plain] == [502, 501, 500]
    assert [row["epoch"] for row in preprod] == [141, 140]


def test_a_pool_on_another_network_only_is_404(db, client) -> None:
    make_pool("PRE", network="preprod", pool_id=SHARED_ID)

    response = client.get(reverse("pool-detail", args=[SHARED_ID]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["pool-detail", "pool-history"])
def test_an_unknown_network_is_a_400_naming_the_field(twins, client, name) -> None:
    response = client.get(reverse(name, args=[SHARED_ID]), {"network": "testnet"})

    assert response.status_code == 400
    message = response.json()["network"][0]
    assert "There is no network “testnet”" in message
    assert "mainnet, preprod, preview" in message


def test_the_schema_documents_the_network_of_one_pool(db, client) -> None:
    schema = client.get(
        reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()

    for path in ("/api/v1/pools/{pool_id}", "/api/v1/pools/{pool_id}/history"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        network = parameters["network"]
        assert network["in"] == "query"
        assert network["schema"]["enum"] == ["mainnet", "preprod", "preview"]
        assert network["schema"]["default"] == "mainnet"
