from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes.models import Node, NodeRole
from tests.nodes.builders import make_node, report, sample

# A mainnet sample of 2025-06-01T00:00Z with 10 KES periods left expires
# 13.906 days later, 2025-06-14T21:44:51Z (worked in test_kes.py); the page
# is read 3 days after it, when two more periods have begun.
SAMPLED = datetime(2025, 6, 1, tzinfo=UTC)
NOW = SAMPLED + timedelta(days=3)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _url(name: str, node: Node) -> str:
    return reverse(
        f"nodes:{name}",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )


def test_the_node_page_has_its_charts_panels_and_install_steps(
    actors, member_client, frozen_now
):
    node = make_node(actors.organization, name="bp-1", role=NodeRole.BLOCK_PRODUCER)
    report(
        node,
        SAMPLED,
        tip_slot=157169709,
        tip_lag_slots=2,
        kes_remaining_periods=10,
        node_version="10.1.4",
        data={"agent_version": "0.1.0", "node": {"kes_period": 1212}},
    )

    page = member_client.get(_url("detail", node)).content.decode()

    assert 'data-url="' + _url("chart_data", node) + '"' in page
    for series in ("cpu", "memory", "disk", "tip_lag", "peers_in,peers_out"):
        assert f'data-series="{series}"' in page
    assert 'data-series="missed"' in page
    assert 'data-series="mempool"' in page
    for key in ("1h", "24h", "7d", "30d"):
        assert f'data-range="{key}"' in page
    # 10 periods left at the sample, 8 now: 13.906 - 3 days left, a warning
    assert "10.9 days left" in page
    assert "<dt>Periods left</dt><dd>8</dd>" in page
    assert "Expires soon" in page
    assert "cardano-node 10.1.4" in page
    assert "spoguild-agent check" in page
    assert "PASTE-THE-TOKEN-HERE" in page


def test_a_relay_says_it_has_no_kes_key(actors, member_client):
    node = make_node(actors.organization, role=NodeRole.RELAY)
    report(node, timezone.now(), tip_lag_slots=0)

    page = member_client.get(_url("detail", node)).content.decode()

    assert "Relays hold no KES key" in page


def test_a_new_node_opens_its_install_steps(actors, member_client):
    node = make_node(actors.organization)

    page = member_client.get(_url("detail", node)).content.decode()

    assert "No sample yet" in page
    assert '<details class="install" open>' in page


def test_demo_nodes_are_labelled(actors, member_client):
    node = make_node(actors.organization, is_demo=True)

    page = member_client.get(_url("detail", node)).content.decode()

    assert "demo data" in page


def test_the_panels_part_is_served_alone_for_polling(actors, member_client):
    node = make_node(actors.organization)
    report(node, timezone.now(), tip_lag_slots=50)

    page = member_client.get(_url("panels", node)).content.decode()

    assert 'id="node-live"' in page
    assert "<html" not in page
    assert "out of sync" in page


def test_a_producer_silent_since_its_key_ran_out_shows_it_expired(
    actors, member_client, monkeypatch
):
    # Given a block producer last heard of 20 days ago, with 10 periods left
    monkeypatch.setattr(timezone, "now", lambda: SAMPLED + timedelta(days=20))
    node = make_node(actors.organization, role=NodeRole.BLOCK_PRODUCER)
    report(node, SAMPLED, kes_remaining_periods=10)

    # When its page is read now
    page = member_client.get(_url("detail", node)).content.decode()

    # Then its key shows expired, not the 10 periods of its last sample
    assert '<p class="panel-figure critical">' in page
    assert "0 days left" in page
    assert "Expired: the node cannot make blocks." in page


def _delivery(page: str) -> str:
    start = page.index('data-testid="agent-delivery"')
    return " ".join(page[start : page.index("</p>", start)].split())


def test_the_agent_section_says_what_the_agent_lost(actors, member_client):
    # Given an agent that dropped 12 samples (spool full) and had 3 refused,
    # all within the last day
    node = make_node(actors.organization)
    now = timezone.now()
    before = {"spooled": 0, "dropped_samples": 0, "rejected_samples": 0}
    sample(node, now - timedelta(hours=12), data={"agent": before})
    agent = {"spooled": 40, "dropped_samples": 12, "rejected_samples": 3}
    report(node, now, data={"agent": agent})

    page = member_client.get(_url("detail", node)).content.decode()

    # Then the node page says so, with its backlog
    said = _delivery(page)
    assert "40 samples were waiting" in said
    assert "dropped 12 because its spool was full" in said
    assert "refused 3" in said
    assert '<p class="status warning" data-testid="agent-delivery">' in page


def test_an_agent_that_lost_nothing_says_so(actors, member_client):
    node = make_node(actors.organization)
    agent = {"spooled": 1, "dropped_samples": 0, "rejected_samples": 0}
    report(node, timezone.now(), data={"agent": agent})

    page = member_client.get(_url("detail", node)).content.decode()

    said = _delivery(page)
    assert "1 sample was waiting" in said
    assert "lost none" in said
