"""Following a pool for an organization: who may, and what they see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organizations.context_processors import SESSION_KEY
from apps.organizations.roles import Role
from apps.pools.models import FollowedPool
from tests.conftest import client_for
from tests.factories import add_member, make_user
from tests.pools.pages_support import make_pool


@pytest.fixture
def pool(db):
    return make_pool("FOLO", name="Followed Pool")


def follow_url(actors, pool, action: str = "follow") -> str:
    organization = actors.organization.public_id
    return reverse(f"pools:{action}", args=[organization, pool.pool_id])


def test_a_member_follows_and_unfollows_a_pool(actors, member_client, pool) -> None:
    card = reverse("pools:card", args=[pool.pool_id])

    followed = member_client.post(follow_url(actors, pool), {"next": card})
    again = member_client.post(follow_url(actors, pool))

    assert followed.status_code == 302
    assert followed["Location"] == card
    assert again.status_code == 302
    assert FollowedPool.objects.filter(organization=actors.organization).count() == 1

    member_client.post(follow_url(actors, pool, "unfollow"))
    assert not FollowedPool.objects.filter(organization=actors.organization).exists()


def test_a_viewer_may_not_follow(actors, pool) -> None:
    viewer = make_user("viewer@example.org")
    add_member(actors.organization, viewer, Role.VIEWER)

    response = client_for(viewer).post(follow_url(actors, pool))

    assert response.status_code == 403
    assert not FollowedPool.objects.exists()


def test_an_outsider_gets_404_and_follows_nothing(actors, outsider_client, pool):
    response = outsider_client.post(follow_url(actors, pool))

    assert response.status_code == 404
    assert not FollowedPool.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(actors, client, pool) -> None:
    response = client.post(follow_url(actors, pool))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not FollowedPool.objects.exists()


def test_following_needs_a_post(actors, member_client, pool) -> None:
    assert member_client.get(follow_url(actors, pool)).status_code == 405


def test_an_unknown_pool_is_404(actors, member_client, db) -> None:
    url = reverse("pools:follow", args=[actors.organization.public_id, "pool1none"])

    assert member_client.post(url).status_code == 404


def test_next_never_leads_off_the_site(actors, member_client, pool) -> None:
    response = member_client.post(
        follow_url(actors, pool), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("pools:card", args=[pool.pool_id])


def test_the_card_offers_follow_for_the_current_organization(
    actors, member_client, pool
) -> None:
    session = member_client.session
    session[SESSION_KEY] = str(actors.organization.public_id)
    session.save()
    card = reverse("pools:card", args=[pool.pool_id])

    before = member_client.get(card).content.decode()
    member_client.post(follow_url(actors, pool))
    after = member_client.get(card).content.decode()

    assert "Follow for Acme Pool" in before
    assert "Followed by Acme Pool" in after
    assert "Unfollow" in after


def test_a_viewer_sees_why_there_is_no_follow_button(actors, pool) -> None:
    viewer = make_user("viewer@example.org")
    add_member(actors.organization, viewer, Role.VIEWER)

    body = client_for(viewer).get(reverse("pools:card", args=[pool.pool_id]))

    assert "Your role cannot change which pools" in body.content.decode()


def test_the_anonymous_card_has_no_follow_controls(client, pool) -> None:
    body = client.get(reverse("pools:card", args=[pool.pool_id])).content.decode()

    assert "Follow for" not in body


def test_the_followed_pools_page_lists_the_organizations_pools(
    actors, member_client, pool
) -> None:
    other = make_pool("OTHR")
    FollowedPool.objects.create(organization=actors.organization, pool=pool)
    FollowedPool.objects.create(organization=actors.outsider_organization, pool=other)
    url = reverse("pools:followed", args=[actors.organization.public_id])

    body = member_client.get(url).content.decode()

    assert "FOLO" in body
    assert "OTHR" not in body
    assert "Unfollow" in body


def test_the_followed_pools_page_teaches_when_empty(actors, owner_client) -> None:
    url = reverse("pools:followed", args=[actors.organization.public_id])

    body = owner_client.get(url).content.decode()

    assert "This organization follows no pool yet." in body


def test_followed_pools_with_problems_come_first(actors, member_client) -> None:
    for pool in (
        make_pool("AAOK"),
        make_pool("ZZBAD", live_pledge=1),
        make_pool("MMFULL", live_saturation=0.95),
    ):
        FollowedPool.objects.create(organization=actors.organization, pool=pool)
    url = reverse("pools:followed", args=[actors.organization.public_id])

    body = member_client.get(url).content.decode()

    assert body.index("ZZBAD") < body.index("MMFULL") < body.index("AAOK")
    assert "Every followed pool holds its pledge" not in body


def test_a_healthy_list_says_so_in_one_line(actors, member_client, pool) -> None:
    FollowedPool.objects.create(organization=actors.organization, pool=pool)
    url = reverse("pools:followed", args=[actors.organization.public_id])

    assert (
        "Every followed pool holds its pledge"
        in member_client.get(url).content.decode()
    )
