from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from apps.nodes.actions import authenticate_agent
from apps.nodes.models import Node, NodeRole

POOL_ID = "pool1p020rt3rq6q96a5dxugn0j9xnel68d2gdg7xqylzpaywqnwl6fv"


def _add_url(organization) -> str:
    return reverse("nodes:add", kwargs={"org": organization.public_id})


def _form(**fields: object) -> dict[str, object]:
    return {
        "name": "bp-1",
        "network": "mainnet",
        "role": NodeRole.BLOCK_PRODUCER,
        "pool_id": POOL_ID,
        "interval_seconds": 30,
        "grace_seconds": 60,
        "down_after_seconds": 600,
        **fields,
    }


def test_a_member_registers_a_node_and_sees_its_token_once(actors, member_client):
    # When a member adds a block producer
    response = member_client.post(_add_url(actors.organization), _form(), follow=True)

    # Then the node exists with the given settings
    node = Node.objects.get(organization=actors.organization)
    assert (node.name, node.role, node.pool_id) == ("bp-1", "block_producer", POOL_ID)
    assert (node.interval_seconds, node.grace_seconds) == (30, 60)

    # And the answer shows a working token, never cached
    token = response.context["token"]
    assert token.startswith("sga_")
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    agent = authenticate_agent(token)
    assert agent is not None
    assert agent.pk == node.pk

    # And the node's own page never shows it again
    detail = member_client.get(
        reverse(
            "nodes:detail",
            kwargs={"org": actors.organization.public_id, "node": node.public_id},
        )
    )
    assert token not in detail.content.decode()
    assert node.token_prefix in detail.content.decode()

    # And reloading the token page shows it no more, nor issues another
    again = member_client.get(response.redirect_chain[-1][0], follow=True)
    assert token not in again.content.decode()
    assert "shown only once" in again.content.decode()
    node.refresh_from_db()
    agent = authenticate_agent(token)
    assert agent is not None
    assert agent.pk == node.pk


def test_only_the_hash_of_the_token_is_stored(actors, member_client):
    response = member_client.post(_add_url(actors.organization), _form(), follow=True)

    token = response.context["token"]
    node = Node.objects.get(organization=actors.organization)
    stored = [str(getattr(node, field.attname)) for field in Node._meta.fields]
    assert not any(token in value for value in stored)
    assert node.token_digest == hashlib.sha256(token.encode()).hexdigest()


def test_the_token_page_gives_the_exact_install_commands(actors, member_client):
    response = member_client.post(_add_url(actors.organization), _form(), follow=True)

    page = response.content.decode()
    token = response.context["token"]
    assert (
        f"printf '%s\\n' '{token}' | sudo sh agent/install.sh"
        " --service-url http://testserver --interval 30"
    ) in page
    assert page.index("agent/install.sh") < page.index("<summary>Step by step")
    assert "/opt/spoguild-agent/bin/pip install ./agent" in page
    assert 'service_url = "http://testserver"' in page
    assert 'token_file = "/etc/spoguild-agent/token"' in page
    assert "interval = 30" in page
    assert f"printf '%s\\n' '{token}' &gt; /etc/spoguild-agent/token" in page
    assert "spoguild-agent check --config /etc/spoguild-agent/agent.toml" in page
    assert "cp agent/spoguild-agent.service /etc/systemd/system/" in page
    assert "systemctl enable --now spoguild-agent" in page


def test_a_viewer_cannot_add_a_node(actors, viewer_client):
    form = viewer_client.get(_add_url(actors.organization))
    posted = viewer_client.post(_add_url(actors.organization), _form())

    assert (form.status_code, posted.status_code) == (403, 403)
    assert not Node.objects.exists()


def test_names_are_unique_within_an_organization(actors, member_client):
    member_client.post(_add_url(actors.organization), _form())

    again = member_client.post(_add_url(actors.organization), _form())

    assert "already has a node so named" in again.content.decode()
    assert Node.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pool_id", "pool1nope"),
        ("interval_seconds", 5),
        ("interval_seconds", 7200),
        ("grace_seconds", -1),
        ("down_after_seconds", 10),
        ("down_after_seconds", ""),
    ],
)
def test_it_refuses_bad_settings(actors, member_client, field, value):
    response = member_client.post(
        _add_url(actors.organization), _form(**{field: value})
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Node.objects.exists()


def test_the_pool_id_is_optional(actors, member_client):
    member_client.post(
        _add_url(actors.organization), _form(pool_id="", role=NodeRole.RELAY)
    )

    assert Node.objects.get().pool_id == ""
