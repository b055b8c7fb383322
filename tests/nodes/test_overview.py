from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.nodes.models import NodeRole
from tests.nodes.builders import make_node, report

TS = datetime(2025, 6, 1, tzinfo=UTC)


def _overview(client, organization):
    return client.get(
        reverse("organizations:overview", kwargs={"org": organization.public_id})
    )


def _fleet(organization, count: int) -> None:
    now = timezone.now()
    for number in range(count):
        node = make_node(organization, name=f"relay-{number:02}")
        report(
            node,
            now - timedelta(seconds=30),
            cpu_percent=12.5,
            memory_percent=40.0,
            disk_percent=61.0,
            tip_lag_slots=3,
            peers_in=10,
            peers_out=20,
            node_version="11.0.1",
        )


def test_problems_come_first_then_names(actors, member_client):
    # Given nodes that are up, late, down and new
    now = timezone.now()
    for name, age in [("a-up", 30), ("b-down", 3600), ("c-late", 300), ("d-up", 10)]:
        report(make_node(actors.organization, name=name), now - timedelta(seconds=age))
    make_node(actors.organization, name="e-new")

    # When the overview lists them
    response = _overview(member_client, actors.organization)

    # Then down comes first, then late, then new, then up, each by name
    rows = response.context["node_overview"].rows
    assert [row.node.name for row in rows] == [
        "b-down",
        "c-late",
        "e-new",
        "a-up",
        "d-up",
    ]
    assert response.context["node_overview"].counts == {
        "new": 1,
        "up": 2,
        "late": 1,
        "down": 1,
        "attention": 0,
    }


def test_nodes_up_but_in_trouble_come_before_healthy_ones_worst_first(
    actors, member_client
):
    now = timezone.now()
    healthy = {"tip_lag_slots": 2, "node_version": "11.0.1"}
    bp = NodeRole.BLOCK_PRODUCER
    for name, role, metrics in [
        ("a-fine", NodeRole.RELAY, healthy),
        ("b-kes-expired", bp, {**healthy, "kes_remaining_periods": 0}),
        ("c-behind", NodeRole.RELAY, {**healthy, "tip_lag_slots": 120}),
        ("d-unreachable", NodeRole.RELAY, {**healthy, "node_reachable": False}),
    ]:
        report(make_node(actors.organization, name=name, role=role), now, **metrics)
    make_node(actors.organization, name="e-new")

    overview = _overview(member_client, actors.organization).context["node_overview"]

    assert [row.node.name for row in overview.rows] == [
        "b-kes-expired",
        "d-unreachable",
        "c-behind",
        "e-new",
        "a-fine",
    ]
    assert overview.counts["attention"] == 3


def test_the_calm_line_says_how_many_need_attention(actors, member_client):
    _fleet(actors.organization, 2)
    outdated = make_node(actors.organization, name="relay-old")
    report(outdated, timezone.now(), tip_lag_slots=1, node_version="10.7.1")

    page = _overview(member_client, actors.organization).content.decode()

    assert "All 3 nodes are up." in page
    assert "1 needs attention: see its flags below." in page


def test_the_list_shows_each_number_with_its_unit_and_age(
    actors, member_client, monkeypatch
):
    # Mainnet's KES period at TS began 94,509 s earlier (test_kes.py): 27
    # periods left at TS end 27 x 129,600 - 94,509 s later, 39.406 days
    # after TS, and 8 s fewer after the clock's now.
    monkeypatch.setattr(timezone, "now", lambda: TS + timedelta(seconds=8))
    node = make_node(actors.organization, name="bp-1", role=NodeRole.BLOCK_PRODUCER)
    report(
        node,
        TS,
        tip_lag_slots=12,
        kes_remaining_periods=27,
        cpu_percent=23.4,
        memory_percent=71.0,
        disk_percent=55.5,
        peers_in=14,
        peers_out=21,
        node_version="10.1.4",
    )

    page = _overview(member_client, actors.organization).content.decode()

    assert "12 slots behind" in page
    assert "8 s ago" in page
    assert "39.4 days left" in page
    assert "expires " in page
    assert "10.1.4" in page
    assert (
        '<meter min="0" max="100" low="80" high="90" optimum="0" value="23.4"' in page
    )
    assert "14 / 21" in page


def test_the_query_count_does_not_grow_with_the_nodes(actors, member_client):
    _fleet(actors.organization, 1)
    with CaptureQueriesContext(connection) as one:
        _overview(member_client, actors.organization)

    now = timezone.now()
    for number in range(9):
        node = make_node(actors.organization, name=f"extra-{number}")
        report(node, now, cpu_percent=1.0, tip_lag_slots=0)
    with CaptureQueriesContext(connection) as ten:
        _overview(member_client, actors.organization)

    assert len(ten) == len(one)


def test_the_polled_list_is_the_same_part(actors, member_client):
    _fleet(actors.organization, 2)

    response = member_client.get(
        reverse("nodes:overview_list", kwargs={"org": actors.organization.public_id})
    )

    page = response.content.decode()
    assert page.lstrip().startswith("<section") or 'id="node-overview"' in page
    assert 'hx-trigger="every 15s"' in page
    assert "<html" not in page


def test_without_nodes_the_first_step_links_to_adding_one(actors, member_client):
    page = _overview(member_client, actors.organization).content.decode()

    add_url = reverse("nodes:add", kwargs={"org": actors.organization.public_id})
    assert "Get started in three steps" in page
    assert f'href="{add_url}"' in page
    assert 'id="node-overview"' not in page


def test_a_calm_line_when_every_node_is_up(actors, member_client):
    _fleet(actors.organization, 3)

    page = _overview(member_client, actors.organization).content.decode()

    assert "All 3 nodes are up." in page
    assert "attention" not in page


def test_no_alert_counter_is_shown_before_alerts_exist(actors, member_client):
    _fleet(actors.organization, 1)

    page = _overview(member_client, actors.organization).content.decode()

    counters = page[page.index('<ul class="counters"') :]
    counters = counters[: counters.index("</ul>")]
    assert "alert" not in counters.lower()
    assert counters.count("<li") == 3


def test_a_key_that_ran_out_since_the_sample_comes_first(
    actors, member_client, monkeypatch
):
    # Given a producer whose key had 1 period left 30 s ago and ran out at
    # the period boundary (TS + 35,091 s) 10 s ago, and a relay behind
    now = TS + timedelta(seconds=35_101)
    monkeypatch.setattr(timezone, "now", lambda: now)
    bp = make_node(actors.organization, name="z-bp", role=NodeRole.BLOCK_PRODUCER)
    report(bp, now - timedelta(seconds=30), tip_lag_slots=0, kes_remaining_periods=1)
    behind = make_node(actors.organization, name="a-behind")
    report(behind, now - timedelta(seconds=30), tip_lag_slots=120)

    # When the overview lists them
    overview = _overview(member_client, actors.organization).context["node_overview"]

    # Then the expired key is critical, before the warning
    assert [row.node.name for row in overview.rows] == ["z-bp", "a-behind"]
    assert (overview.rows[0].kes.level, overview.rows[0].attention) == (
        "critical",
        "critical",
    )
    assert overview.counts["attention"] == 2


def test_a_producer_silent_for_weeks_shows_its_key_expired(
    actors, member_client, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: TS + timedelta(days=20))
    node = make_node(actors.organization, name="bp", role=NodeRole.BLOCK_PRODUCER)
    report(node, TS, tip_lag_slots=0, kes_remaining_periods=10)

    response = _overview(member_client, actors.organization)

    row = response.context["node_overview"].rows[0]
    assert (row.status, row.kes.level, row.attention) == (
        "down",
        "critical",
        "critical",
    )
    assert '<span class="kes critical"' in response.content.decode()
