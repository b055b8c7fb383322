from __future__ import annotations

from django.urls import reverse

from apps.nodes.actions import record_refusal
from apps.nodes.forms import NodeForm
from apps.nodes.models import Node
from tests.nodes.builders import make_node


def _url(name: str, node: Node) -> str:
    return reverse(
        f"nodes:{name}",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )


def _form(node: Node, **fields: object) -> dict[str, object]:
    return {
        "name": node.name,
        "network": node.network,
        "role": node.role,
        "pool_id": node.pool_id,
        "interval_seconds": node.interval_seconds,
        "grace_seconds": node.grace_seconds,
        "down_after_seconds": node.down_after_seconds,
        **fields,
    }


def test_a_member_changes_a_node(actors, member_client):
    node = make_node(actors.organization, name="relay-1")

    response = member_client.post(
        _url("edit", node), _form(node, name="relay-fra", interval_seconds=30)
    )

    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.name, node.interval_seconds) == ("relay-fra", 30)


def test_a_member_sets_when_a_silent_node_counts_as_down(actors, member_client):
    node = make_node(actors.organization, name="relay-1")

    response = member_client.post(
        _url("edit", node), _form(node, down_after_seconds=1800)
    )

    assert response.status_code == 302
    node.refresh_from_db()
    assert node.down_after_seconds == 1800


def test_saving_keeps_a_refusal_the_intake_wrote_meanwhile(
    actors, member_client, monkeypatch
):
    # Given the intake records a refusal while the change is being checked
    node = make_node(actors.organization, name="relay-1")
    clean = NodeForm.clean

    def clean_while_the_intake_refuses(form: NodeForm) -> dict:
        record_refusal(node.pk, "samples[0].ts: ts is in the future")
        return clean(form)

    monkeypatch.setattr(NodeForm, "clean", clean_while_the_intake_refuses)

    # When the change is saved
    response = member_client.post(_url("edit", node), _form(node, name="relay-fra"))

    # Then both the change and the refusal are kept
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.name == "relay-fra"
    assert node.last_refusal == "samples[0].ts: ts is in the future"
    assert node.last_refusal_at is not None


def test_keeping_its_own_name_is_not_a_clash(actors, member_client):
    node = make_node(actors.organization, name="relay-1")

    response = member_client.post(_url("edit", node), _form(node, grace_seconds=30))

    assert response.status_code == 302


def test_a_viewer_cannot_change_or_delete_a_node(actors, viewer_client):
    node = make_node(actors.organization, name="relay-1")

    edited = viewer_client.post(_url("edit", node), _form(node, name="x"))
    deleted = viewer_client.post(_url("delete", node), {"confirm_name": "relay-1"})

    assert (edited.status_code, deleted.status_code) == (403, 403)
    node.refresh_from_db()
    assert node.name == "relay-1"


def test_deleting_needs_the_exact_name(actors, member_client):
    node = make_node(actors.organization, name="relay-1")

    refused = member_client.post(_url("delete", node), {"confirm_name": "relay"})
    assert Node.objects.filter(pk=node.pk).exists()
    assert refused.status_code == 302

    member_client.post(_url("delete", node), {"confirm_name": "relay-1"})
    assert not Node.objects.filter(pk=node.pk).exists()
