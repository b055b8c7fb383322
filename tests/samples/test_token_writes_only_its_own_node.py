"""An agent token writes to its own node only: the token is the node's identity.

Nothing in the body can name another node or organization, so another
organization's token cannot reach this node by construction; this proves it.
"""

from __future__ import annotations

from apps.nodes.actions import create_node
from apps.samples.models import NodeState, Sample
from tests.samples.payloads import NOW, gzipped, post, sample


def test_another_organizations_token_writes_to_its_own_node_only(
    client, relay, actors, frozen_now
) -> None:
    # Given a node of the outsider's organization, and a body that tries to
    # name the owner's node in every way a body could
    other, other_token = create_node(actors.outsider_organization, name="relay1")
    body = {
        "version": 1,
        "node": str(relay.node.public_id),
        "node_id": relay.node.pk,
        "organization": str(actors.organization.public_id),
        "samples": [{**sample(NOW), "node_id": relay.node.pk, "token": relay.token}],
    }

    # When the outsider's agent sends it
    response = post(client, other_token, gzipped(body))

    # Then the sample is the outsider's node's, and the owner's node is untouched
    assert response.json() == {"accepted": 1, "duplicates": 0}
    assert Sample.objects.filter(node=other).count() == 1
    assert not Sample.objects.filter(node=relay.node).exists()
    assert not NodeState.objects.filter(node=relay.node).exists()
    relay.node.refresh_from_db()
    assert relay.node.last_sample_at is None


def test_samples_are_visible_only_to_their_organization(
    client, relay, actors, frozen_now
) -> None:
    post(client, relay.token, gzipped({"version": 1, "samples": [sample(NOW)]}))

    assert Sample.objects.for_user(actors.owner).count() == 1
    assert NodeState.objects.for_user(actors.owner).count() == 1
    assert Sample.objects.for_user(actors.outsider).count() == 0
    assert NodeState.objects.for_user(actors.outsider).count() == 0
