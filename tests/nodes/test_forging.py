"""A block producer's forge counters: what it made, lost and missed since it started."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes.forging import ForgeCounters
from apps.nodes.models import Node, NodeRole
from tests.nodes.builders import make_node, report

HEALTHY = {
    "forging_enabled": True,
    "leadership_checks": 1_543_122,
    "slots_missed": 37,
    "leader_slots": 14,
    "blocks_forged": 14,
    "blocks_adopted": 14,
    "blocks_didnt_adopt": 0,
}


def _forging_panel(client, node: Node) -> str:
    url = reverse(
        "nodes:detail",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )
    page = client.get(url).content.decode()
    if 'aria-labelledby="panel-forging"' not in page:
        return ""
    panel = page[page.index('aria-labelledby="panel-forging"') :]
    return panel[: panel.index("</section>")]


def _producer(organization, **counters) -> Node:
    node = make_node(organization, role=NodeRole.BLOCK_PRODUCER)
    report(node, timezone.now(), data={"node": {**HEALTHY, **counters}})
    return node


def test_the_missed_share_is_gliveviews() -> None:
    counters = ForgeCounters.of({"leadership_checks": 9_990, "slots_missed": 10})

    assert counters is not None
    assert counters.missed_percent == pytest.approx(0.1)


def test_a_node_that_exports_no_counters_has_none() -> None:
    assert ForgeCounters.of({"tip_slot": 5}) is None
    assert ForgeCounters.of({"slots_missed": 0}).missed_percent is None


@pytest.mark.parametrize(
    ("counters", "level"),
    [
        (HEALTHY, "ok"),
        ({**HEALTHY, "blocks_didnt_adopt": 1}, "warning"),
        ({**HEALTHY, "could_not_forge": 2}, "critical"),
        ({**HEALTHY, "forging_enabled": False}, "critical"),
    ],
)
def test_lost_blocks_raise_the_level(counters, level) -> None:
    assert ForgeCounters.of(counters).level == level


def test_the_panel_shows_what_a_producer_made(actors, member_client) -> None:
    node = _producer(actors.organization)

    panel = _forging_panel(member_client, node)

    assert "14 blocks forged" in panel
    assert "37 <span" in panel
    assert "(0.0024 %)" in panel
    assert "status critical" not in panel
    assert "status warning" not in panel


def test_a_leader_slot_it_could_not_forge_in_is_critical(actors, member_client) -> None:
    node = _producer(actors.organization, could_not_forge=1)

    panel = _forging_panel(member_client, node)

    assert '<p class="panel-figure critical">' in panel
    assert "It led 1 slot but could not forge in it" in panel


def test_blocks_not_adopted_warn(actors, member_client) -> None:
    node = _producer(actors.organization, blocks_didnt_adopt=2)

    panel = _forging_panel(member_client, node)

    assert '<p class="panel-figure warning">' in panel
    assert "2 forged blocks were not adopted" in panel


def test_forging_off_says_the_keys_are_missing(actors, member_client) -> None:
    node = _producer(actors.organization, forging_enabled=False)

    panel = _forging_panel(member_client, node)

    assert "forging is off" in panel
    assert "without its block-producing keys" in panel


def test_a_relay_has_no_forging_panel(actors, member_client) -> None:
    node = make_node(actors.organization, role=NodeRole.RELAY)
    report(node, timezone.now(), data={"node": HEALTHY})

    assert _forging_panel(member_client, node) == ""
