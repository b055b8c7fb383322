"""The agent section warns about refusals and losses only while they are news.

A refusal stops mattering once the service accepts newer samples again; the
agent's loss counters are lifetime counts, so only their growth over the
last day is a warning, and what is older is kept as a quiet note.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.nodes.actions import record_refusal
from apps.nodes.models import Node
from apps.samples.models import NodeState
from tests.nodes.builders import make_node, report, sample

REASON = "samples[0].ts: ts is in the future; check the host's clock"


def _page(client, node: Node) -> str:
    kwargs = {"org": node.organization.public_id, "node": node.public_id}
    return client.get(reverse("nodes:detail", kwargs=kwargs)).content.decode()


def _said(page: str, testid: str) -> str:
    """The paragraph with this test id, its opening tag included."""
    start = page.rindex("<p", 0, page.index(f'data-testid="{testid}"'))
    return " ".join(page[start : page.index("</p>", start)].split())


def _agent(dropped: int, rejected: int) -> dict:
    counters = {"dropped_samples": dropped, "rejected_samples": rejected}
    return {"agent": {"spooled": 0, **counters}}


def _accepted_at(node: Node, moment) -> None:
    """Says when the service last took a newer sample of the node."""
    NodeState.objects.filter(node=node).update(updated_at=moment)


def test_a_refusal_after_the_newest_accepted_sample_warns(actors, member_client):
    # Given a node whose newest sample was taken before the refusal
    now = timezone.now()
    node = make_node(actors.organization)
    report(node, now - timedelta(minutes=5))
    _accepted_at(node, now - timedelta(minutes=5))
    record_refusal(node.pk, REASON, now=now - timedelta(minutes=1))

    said = _said(_page(member_client, node), "last-refusal")

    assert said.startswith('<p class="status warning"')
    assert "ts is in the future" in said


def test_a_refusal_followed_by_accepted_samples_is_a_quiet_note(actors, member_client):
    # Given a refusal, then samples accepted again
    now = timezone.now()
    node = make_node(actors.organization)
    record_refusal(node.pk, REASON, now=now - timedelta(hours=2))
    report(node, now)
    _accepted_at(node, now - timedelta(minutes=1))

    said = _said(_page(member_client, node), "last-refusal")

    # Then the page still says why, muted, and that samples arrive again
    assert said.startswith('<p class="muted"')
    assert "ts is in the future" in said
    assert "accepted its samples again since" in said


def test_losses_of_the_last_day_warn(actors, member_client):
    # Given an agent that dropped 2 more samples since a sample 20 hours ago
    now = timezone.now()
    node = make_node(actors.organization)
    sample(node, now - timedelta(hours=20), data=_agent(10, 3))
    sample(node, now, data=_agent(12, 3))
    report(node, now, data=_agent(12, 3))

    said = _said(_page(member_client, node), "agent-delivery")

    # Then it warns about the 2, and gives the lifetime counts as well
    assert said.startswith('<p class="status warning"')
    assert "In the 24 hours before its newest sample" in said
    assert "dropped 2 because its spool was full" in said
    assert "Since it was installed, the agent dropped 12" in said


def test_losses_older_than_a_day_are_a_quiet_note(actors, member_client):
    # Given an agent whose counters have not moved for a day
    now = timezone.now()
    node = make_node(actors.organization)
    sample(node, now - timedelta(hours=30), data=_agent(5, 1))
    sample(node, now - timedelta(hours=20), data=_agent(12, 3))
    report(node, now, data=_agent(12, 3))

    said = _said(_page(member_client, node), "agent-delivery")

    assert said.startswith('<p class="muted"')
    assert "In the 24 hours" not in said
    assert "Since it was installed, the agent dropped 12" in said
    assert "refused 3" in said


def test_a_reinstalled_agent_counts_its_losses_from_zero(actors, member_client):
    # Given an agent reinstalled today: its counters began again at zero
    now = timezone.now()
    node = make_node(actors.organization)
    sample(node, now - timedelta(hours=20), data=_agent(40, 0))
    report(node, now, data=_agent(1, 0))

    said = _said(_page(member_client, node), "agent-delivery")

    assert said.startswith('<p class="status warning"')
    assert "dropped 1 because its spool was full" in said
