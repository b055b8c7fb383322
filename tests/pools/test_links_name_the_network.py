"""Every link to a pool off mainnet carries ``?network=``, so a click lands on
that network's row; links to mainnet pools stay as short as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organizations.context_processors import SESSION_KEY
from apps.pools.actions import follow
from tests.pools.pages_support import add_epochs, make_pool


@pytest.fixture
def preprod_pool(db):
    return make_pool("PREP", network="preprod")


def test_a_directory_row_of_a_preprod_pool_links_with_its_network(
    preprod_pool, client
) -> None:
    body = client.get(reverse("pools:directory"), {"network": "preprod"})

    card = f'href="/pools/{preprod_pool.pool_id}/?network=preprod"'
    assert card in body.content.decode()
    assert 'data-network="preprod"' in body.content.decode()


def test_a_directory_row_of_a_mainnet_pool_links_without_one(db, client) -> None:
    pool = make_pool("MAIN")

    body = client.get(reverse("pools:directory")).content.decode()

    assert f'href="/pools/{pool.pool_id}/"' in body
    assert "?network=" not in body.split("<tbody>")[1]


def test_the_preprod_directory_compares_on_preprod_without_javascript(
    preprod_pool, client
) -> None:
    body = client.get(reverse("pools:directory"), {"network": "preprod"})

    hidden = '<input type="hidden" name="network" value="preprod" form="compare-form">'
    assert hidden in body.content.decode()


def test_the_card_of_a_preprod_pool_links_its_pages_with_its_network(
    preprod_pool, actors, member_client
) -> None:
    make_pool("NEAR", network="preprod")
    add_epochs(preprod_pool, [140])
    session = member_client.session
    session[SESSION_KEY] = str(actors.organization.public_id)
    session.save()
    pool_id = preprod_pool.pool_id
    follow_url = f"/orgs/{actors.organization.public_id}/pools/{pool_id}/follow/"

    response = member_client.get(
        reverse("pools:card", args=[pool_id]), {"network": "preprod"}
    )

    body = response.content.decode()
    assert f'href="/pools/{pool_id}/rewards.csv?network=preprod"' in body
    assert f'action="{follow_url}?network=preprod"' in body
    assert f'href="/pools/?compare={pool_id}&amp;network=preprod"' in body
    assert '&amp;network=preprod">Compare with the pools nearest' in body
    assert 'href="/pools/?network=preprod">Pool directory' in body


def test_the_comparison_links_each_preprod_pool_with_its_network(
    preprod_pool, client
) -> None:
    other = make_pool("OTHR", network="preprod")
    ids = f"{preprod_pool.pool_id},{other.pool_id}"

    response = client.get(reverse("pools:compare"), {"ids": ids, "network": "preprod"})

    body = response.content.decode()
    for pool in (preprod_pool, other):
        assert f'href="/pools/{pool.pool_id}/?network=preprod"' in body


def test_the_followed_pools_link_a_preprod_pool_with_its_network(
    preprod_pool, actors, member_client
) -> None:
    follow(actors.organization, preprod_pool)
    organization = actors.organization.public_id
    pool_id = preprod_pool.pool_id
    unfollow_url = f"/orgs/{organization}/pools/{pool_id}/unfollow/"

    response = member_client.get(reverse("pools:followed", args=[organization]))

    body = response.content.decode()
    assert f'href="/pools/{pool_id}/?network=preprod"' in body
    assert f'action="{unfollow_url}?network=preprod"' in body
    assert '<span class="tag">Preprod</span>' in body
