from __future__ import annotations

from django.contrib.sessions.models import Session
from django.urls import reverse

from apps.nodes.actions import authenticate_agent, create_node
from apps.nodes.models import Node
from tests.nodes.builders import make_node


def _url(name: str, node: Node) -> str:
    return reverse(
        f"nodes:{name}",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )


def _registered(organization) -> tuple[Node, str]:
    return create_node(organization, name="relay-1")


def _owner_pk(token: str) -> int | None:
    """The pk of the node a token authenticates as, as the intake sees it."""
    agent = authenticate_agent(token)
    return None if agent is None else agent.pk


def test_rotating_shows_a_new_token_and_the_old_one_stops_working(actors, owner_client):
    # Given a node whose agent holds its first token
    node, old = _registered(actors.organization)

    # When the owner rotates it
    response = owner_client.post(_url("rotate_token", node), follow=True)

    # Then the page shows the new token once, which works; the old one does not
    new = response.context["token"]
    assert new != old
    assert new in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert _owner_pk(new) == node.pk
    assert authenticate_agent(old) is None


def test_a_rotated_token_never_reaches_the_session_store(actors, owner_client):
    # Sessions live in the database and its backups; the token must not.
    node, _old = _registered(actors.organization)

    owner_client.post(_url("rotate_token", node))
    waiting = [session.get_decoded() for session in Session.objects.all()]
    shown = owner_client.get(_url("token", node))
    again = owner_client.get(_url("token", node), follow=True)

    token = shown.context["token"]
    assert _owner_pk(token) == node.pk
    assert waiting
    assert all(token not in str(data) for data in waiting)
    assert token not in again.content.decode()


def test_revoking_leaves_the_node_without_a_working_token(actors, owner_client):
    node, token = _registered(actors.organization)

    response = owner_client.post(_url("revoke_token", node))

    assert response.status_code == 302
    assert authenticate_agent(token) is None
    node.refresh_from_db()
    assert (node.token_lookup, node.token_digest) == (None, "")
    page = owner_client.get(_url("detail", node)).content.decode()
    assert "No token: the agent cannot send samples" in page


def test_a_revoked_node_can_be_given_a_new_token(actors, owner_client):
    node, _token = _registered(actors.organization)
    owner_client.post(_url("revoke_token", node))

    response = owner_client.post(_url("rotate_token", node), follow=True)

    assert _owner_pk(response.context["token"]) == node.pk


def test_a_member_may_not_rotate_or_revoke(actors, member_client):
    # Members operate nodes; their tokens are keys, kept to admins and owners.
    node, token = _registered(actors.organization)

    rotated = member_client.post(_url("rotate_token", node))
    revoked = member_client.post(_url("revoke_token", node))

    assert (rotated.status_code, revoked.status_code) == (403, 403)
    assert _owner_pk(token) == node.pk


def test_the_token_actions_show_only_to_those_who_may_use_them(
    actors, owner_client, member_client
):
    node = make_node(actors.organization)

    owner_page = owner_client.get(_url("detail", node)).content.decode()
    member_page = member_client.get(_url("detail", node)).content.decode()

    assert _url("rotate_token", node) in owner_page
    assert _url("revoke_token", node) in owner_page
    assert _url("rotate_token", node) not in member_page
    assert _url("revoke_token", node) not in member_page


def test_token_actions_answer_only_post(actors, owner_client):
    node, token = _registered(actors.organization)

    response = owner_client.get(_url("rotate_token", node))

    assert response.status_code == 405
    assert _owner_pk(token) == node.pk
