"""Only a node's live agent token opens the intake, and it opens nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.nodes.actions import (
    authenticate_agent,
    revoke_agent_token,
    rotate_agent_token,
)
from apps.samples.api import authentication
from apps.samples.models import Sample
from tests.factories import make_api_key
from tests.samples.payloads import NOW, post_samples, sample


def test_a_request_without_a_token_is_unauthorized(client) -> None:
    response = post_samples(client, None, [sample(NOW)])

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "token",
    [
        "sga_deadbeef_notthesecret",
        "sga_short",
        "nonsense",
        "sga_",
        "",
        # A NUL would make PostgreSQL refuse the lookup query itself.
        "sga_dead\x00eef_notthesecret",
        "sga_DEADBEEF_notthesecret",
    ],
)
def test_an_unknown_token_is_unauthorized(client, relay, token) -> None:
    response = post_samples(client, token, [sample(NOW)])

    assert response.status_code == 401
    assert not Sample.objects.exists()


def test_a_revoked_token_is_unauthorized(client, relay) -> None:
    revoke_agent_token(relay.node)

    response = post_samples(client, relay.token, [sample(NOW)])

    assert response.status_code == 401


def test_a_rotated_out_token_is_unauthorized(client, relay) -> None:
    rotate_agent_token(relay.node)

    response = post_samples(client, relay.token, [sample(NOW)])

    assert response.status_code == 401


def test_an_organization_api_key_does_not_open_the_intake(
    client, relay, actors
) -> None:
    _key, plaintext = make_api_key(actors.organization, scope="write")

    response = post_samples(client, plaintext, [sample(NOW)])

    assert response.status_code == 401
    assert not Sample.objects.exists()


def test_a_signed_in_owner_cannot_post_samples(owner_client, relay) -> None:
    response = post_samples(owner_client, None, [sample(NOW)])

    assert response.status_code == 401


def test_an_agent_token_opens_no_other_endpoint(client, relay) -> None:
    response = client.get(
        reverse("organization-list"), HTTP_AUTHORIZATION=f"Bearer {relay.token}"
    )

    assert response.status_code == 401


def test_the_intake_takes_only_post(client, relay) -> None:
    response = client.get(
        reverse("agent-samples"), HTTP_AUTHORIZATION=f"Bearer {relay.token}"
    )

    assert response.status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_node_deleted_while_its_batch_travels_is_unauthorized(
    client, relay, frozen_now, monkeypatch
) -> None:
    # Given a token checked a moment before its node was deleted (the foreign
    # key is checked at commit, so this test commits like production)
    checked = authenticate_agent(relay.token)
    monkeypatch.setattr(authentication, "authenticate_agent", lambda _token: checked)
    relay.node.delete()

    response = post_samples(client, relay.token, [sample(NOW)])

    assert response.status_code == 401
    assert response.json() == {"error": "This node was deleted."}
    assert not Sample.objects.exists()
