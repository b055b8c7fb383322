"""Whatever the intake accepted, the pages that show it answer 200.

The intake takes any whole number up to 2**53 for a counter, so a broken
node (or a token holder) can report values no real node has. The overview,
the node page, its polled panels and its charts must still render, and say
what they cannot read rather than fail.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes.actions import create_node
from apps.nodes.models import NodeRole
from apps.samples.models import Sample
from apps.samples.protocol import NODE, Kind
from tests.samples.payloads import NOW, post_samples, sample

HUGE = 2**53


@pytest.fixture
def odd_report(actors, monkeypatch):
    """A block producer, its token, and a sample with every counter at 2**53."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    node, token = create_node(
        actors.organization, name="bp-odd", role=NodeRole.BLOCK_PRODUCER
    )
    odd = sample(NOW - timedelta(seconds=30))
    odd["node"].update(dict.fromkeys(_node_integers(), HUGE))
    odd["host"]["uptime_s"] = HUGE
    odd["host"]["node_process"]["uptime_s"] = HUGE
    return node, token, odd


def _node_integers() -> list[str]:
    return [key for key, kind in NODE.items() if kind is Kind.INT]


def test_counters_at_the_limit_are_stored_and_every_page_renders(
    client, owner_client, odd_report
) -> None:
    # Given a sample the intake accepts, with every node counter at 2**53
    node, token, odd = odd_report
    assert post_samples(client, token, [odd]).status_code == 200
    assert Sample.objects.filter(node=node).count() == 1

    # When the operator opens the pages that read it
    org = node.organization.public_id
    kwargs = {"org": org, "node": node.public_id}
    pages = [
        reverse("organizations:overview", kwargs={"org": org}),
        reverse("nodes:overview_list", kwargs={"org": org}),
        reverse("nodes:detail", kwargs=kwargs),
        reverse("nodes:panels", kwargs=kwargs),
        *(
            reverse("nodes:chart_data", kwargs=kwargs) + f"?range={key}"
            for key in ("1h", "24h", "7d", "30d")
        ),
    ]

    # Then each answers, and the KES panel says the report is unreadable
    for url in pages:
        assert owner_client.get(url).status_code == 200, url
    panels = owner_client.get(reverse("nodes:panels", kwargs=kwargs))
    assert "more than any key can hold" in panels.content.decode()
