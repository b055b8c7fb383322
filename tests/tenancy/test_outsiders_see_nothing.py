"""Every organization page and API endpoint answers an outsider with 404.

The list of routes below is checked against the URL configuration, so a new
organization route without an outsider test fails here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.nodes.actions import create_node
from apps.organizations.actions import invite
from apps.organizations.roles import Role
from apps.pools.models import FollowedPool, Pool
from tests.factories import make_api_key

# (url name, method) for every route that takes an organization.
ROUTES = [
    ("organizations:overview", "get"),
    ("organizations:switch", "post"),
    ("organizations:members", "get"),
    ("organizations:invite", "post"),
    ("organizations:change_role", "post"),
    ("organizations:remove_member", "post"),
    ("organizations:revoke_invitation", "post"),
    ("organizations:leave", "post"),
    ("organizations:settings", "get"),
    ("organizations:settings", "post"),
    ("organizations:transfer", "post"),
    ("organizations:delete", "post"),
    ("apikeys:list", "get"),
    ("apikeys:list", "post"),
    ("apikeys:revoke", "post"),
    ("organization-detail", "get"),
    ("organization-detail", "patch"),
    ("organization-members", "get"),
    ("nodes:add", "get"),
    ("nodes:add", "post"),
    ("nodes:overview_list", "get"),
    ("nodes:detail", "get"),
    ("nodes:panels", "get"),
    ("nodes:chart_data", "get"),
    ("nodes:edit", "get"),
    ("nodes:edit", "post"),
    ("nodes:delete", "post"),
    ("nodes:token", "get"),
    ("nodes:rotate_token", "post"),
    ("nodes:revoke_token", "post"),
    ("pools:followed", "get"),
    ("pools:follow", "post"),
    ("pools:unfollow", "post"),
]


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # staff-only; the admin has no tenant scoping to test
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            names |= _route_names(pattern, inner)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and (
                "org" in pattern.pattern.converters
                or "id" in pattern.pattern.converters
            )
        ):
            names.add(f"{namespace}{pattern.name}")
    return names


def _kwargs(name: str, world: SimpleNamespace) -> dict[str, object]:
    if name.startswith("organization-"):
        return {"id": world.organization.public_id}
    kwargs: dict[str, object] = {"org": world.organization.public_id}
    if name.endswith(("change_role", "remove_member")):
        kwargs["member"] = world.membership.public_id
    if name.endswith("revoke_invitation"):
        kwargs["invitation"] = world.invitation.public_id
    if name == "apikeys:revoke":
        kwargs["key"] = world.api_key.public_id
    if name.startswith("nodes:") and name not in {"nodes:add", "nodes:overview_list"}:
        kwargs["node"] = world.node.public_id
    if name in {"pools:follow", "pools:unfollow"}:
        kwargs["pool_id"] = world.pool.pool_id
    return kwargs


@pytest.fixture
def world(actors: SimpleNamespace) -> SimpleNamespace:
    organization = actors.organization
    invite(organization, actors.owner, "newcomer@example.org", Role.VIEWER)
    return SimpleNamespace(
        organization=organization,
        membership=organization.memberships.get(user=actors.member),
        invitation=organization.invitations.get(),
        api_key=make_api_key(organization)[0],
        node=create_node(organization, name="relay-1")[0],
        pool=FollowedPool.objects.create(
            organization=organization,
            pool=Pool.objects.create(
                network="mainnet", pool_id=f"pool1{'q' * 51}", pool_id_hex="0" * 56
            ),
        ).pool,
    )


def test_every_organization_route_is_in_the_outsider_list() -> None:
    covered = {name for name, _method in ROUTES}
    assert _route_names(get_resolver()) <= covered


@pytest.mark.parametrize(("name", "method"), ROUTES)
def test_an_outsider_gets_404_and_changes_nothing(
    name: str, method: str, world: SimpleNamespace, outsider_client, actors
) -> None:
    # Given an outsider who is a member of another organization only
    url = reverse(name, kwargs=_kwargs(name, world))
    data = {"role": "admin", "name": "Hijacked", "email": "x@example.org"}

    # When they call the route
    if method == "patch":
        response = outsider_client.patch(url, data, content_type="application/json")
    else:
        response = getattr(outsider_client, method)(url, data)

    # Then it does not exist for them, and nothing changed
    assert response.status_code == 404
    world.organization.refresh_from_db()
    assert world.organization.name == "Acme Pool"
    assert world.organization.memberships.count() == 2
    assert world.organization.invitations.get().revoked_at is None
    assert world.api_key.__class__.objects.get(pk=world.api_key.pk).revoked_at is None
    node = world.node.__class__.objects.get(pk=world.node.pk)
    assert (node.name, node.token_digest) == ("relay-1", world.node.token_digest)
    assert list(world.organization.followed_pools.values_list("pool", flat=True)) == [
        world.pool.pk
    ]


def test_an_outsider_does_not_see_the_organization_in_the_api_list(
    actors, outsider_client
) -> None:
    response = outsider_client.get(reverse("organization-list"))

    names = [row["name"] for row in response.json()["results"]]
    assert names == ["Other Pool"]


def test_an_api_key_sees_only_its_own_organization(actors, client) -> None:
    _key, plaintext = make_api_key(actors.outsider_organization)

    listed = client.get(
        reverse("organization-list"), HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    other = client.get(
        reverse("organization-detail", kwargs={"id": actors.organization.public_id}),
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )

    assert [row["name"] for row in listed.json()["results"]] == ["Other Pool"]
    assert other.status_code == 404


def test_the_member_reaches_every_read_route(world, member_client) -> None:
    for name, method in ROUTES:
        # The token page redirects to the node when no new token waits.
        if method != "get" or name in {"organizations:settings", "nodes:token"}:
            continue
        response = member_client.get(reverse(name, kwargs=_kwargs(name, world)))
        assert response.status_code == 200, name
