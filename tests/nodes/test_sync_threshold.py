"""Out of sync is one threshold, ``SYNC_WARNING_SLOTS``, wherever it shows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes import health
from apps.nodes.health import NodeHealth
from tests.nodes.builders import make_node, report


@pytest.mark.parametrize(
    ("lag", "reachable", "level"),
    [(0, True, "ok"), (39, True, "ok"), (40, True, "warning"), (0, False, "critical")],
)
def test_the_sync_level_follows_the_constant(actors, lag, reachable, level) -> None:
    node = make_node(actors.organization)
    report(node, timezone.now(), tip_lag_slots=lag, node_reachable=reachable)

    assert NodeHealth.of(node).sync_level == level


def test_a_node_without_a_sample_is_not_out_of_sync(actors) -> None:
    assert NodeHealth.of(make_node(actors.organization)).sync_level == "ok"


@pytest.fixture
def threshold_100(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(health, "SYNC_WARNING_SLOTS", 100)
    return 100


def test_the_node_page_reads_the_threshold(actors, member_client, threshold_100):
    # Given a node 60 slots behind, with out of sync from 100 slots
    node = make_node(actors.organization)
    report(node, timezone.now(), tip_lag_slots=60)

    # When its panels are read
    url = reverse(
        "nodes:panels",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )
    page = member_client.get(url).content.decode()

    # Then it is in sync, and the page names the threshold
    assert "in sync (under 100 slots behind)" in page
    assert '<p class="panel-figure">60 slots behind</p>' in page


def test_the_overview_reads_the_threshold(actors, member_client, threshold_100):
    node = make_node(actors.organization, name="relay-60")
    report(node, timezone.now(), tip_lag_slots=60)
    behind = make_node(actors.organization, name="relay-120")
    report(behind, timezone.now(), tip_lag_slots=120)

    url = reverse("nodes:overview_list", kwargs={"org": actors.organization.public_id})
    page = member_client.get(url).content.decode()

    assert '<span class="">60 slots behind</span>' in page
    assert '<span class="warn"><span aria-hidden="true">⚠ </span>120 slots' in page
