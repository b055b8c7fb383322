"""The overview flags a block producer that cannot make blocks, without its JSON.

Forging off, a leader slot it could not forge in, and an op-cert counter the
chain refuses come from the state row's own columns, which the overview
loads; the sample's JSON stays deferred.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.nodes.health import ForgeProblem
from apps.nodes.models import NodeRole
from tests.nodes.builders import make_node, report

BP = NodeRole.BLOCK_PRODUCER
FINE = {
    "forging_enabled": True,
    "could_not_forge": 0,
    "blocks_didnt_adopt": 0,
    "opcert_counter": 7,
    "opcert_counter_on_chain": 7,
}


def _overview(client, organization):
    url = reverse("organizations:overview", kwargs={"org": organization.public_id})
    return client.get(url)


def _producer(organization, name: str, role: str = BP, **reported) -> None:
    node = make_node(organization, name=name, role=role)
    report(
        node,
        timezone.now(),
        tip_lag_slots=0,
        kes_remaining_periods=40,
        node_version="11.0.1",
        data={"node": {**FINE, **reported}},
    )


@pytest.mark.parametrize(
    ("reported", "problem"),
    [
        ({"forging_enabled": False}, ForgeProblem.FORGING_OFF),
        ({"could_not_forge": 3}, ForgeProblem.COULD_NOT_FORGE),
        ({"opcert_counter": 5}, ForgeProblem.OPCERT_REJECTED),
        ({"opcert_counter": 9}, ForgeProblem.OPCERT_REJECTED),
        (
            {"opcert_counter": 2, "opcert_counter_on_chain": None},
            ForgeProblem.OPCERT_REJECTED,
        ),
    ],
)
def test_a_producer_that_cannot_forge_needs_attention_first(
    actors, member_client, reported, problem
):
    # Given a healthy producer, one lagging relay and one that cannot forge
    _producer(actors.organization, "a-fine")
    relay = make_node(actors.organization, name="b-behind")
    report(relay, timezone.now(), tip_lag_slots=120, node_version="11.0.1")
    _producer(actors.organization, "z-stuck", **reported)

    # When the overview lists them
    response = _overview(member_client, actors.organization)

    # Then the producer comes first, critical, and says why
    overview = response.context["node_overview"]
    assert [row.node.name for row in overview.rows] == ["z-stuck", "b-behind", "a-fine"]
    assert (overview.rows[0].attention, overview.rows[0].forge_problem) == (
        "critical",
        problem,
    )
    assert overview.counts["attention"] == 2
    assert f"{ForgeProblem(problem).label}</span>" in response.content.decode()


def test_the_list_judges_them_without_loading_the_samples(actors, member_client):
    _producer(actors.organization, "fine")
    with CaptureQueriesContext(connection) as one:
        _overview(member_client, actors.organization)

    _producer(actors.organization, "off", forging_enabled=False)
    _producer(actors.organization, "stale", opcert_counter=1)
    with CaptureQueriesContext(connection) as three:
        response = _overview(member_client, actors.organization)

    rows = response.context["node_overview"].rows
    assert [row.forge_problem is not None for row in rows] == [True, True, False]
    assert all("data" in row.state.get_deferred_fields() for row in rows)
    assert len(three) == len(one)


@pytest.mark.parametrize(
    "reported",
    [
        {},  # healthy
        {"blocks_didnt_adopt": 2},  # a slot battle: the node page warns
        {"opcert_counter": 8},  # a new op-cert, not used yet
        {"opcert_counter": None, "opcert_error": "timeout"},  # the check failed
    ],
)
def test_what_does_not_stop_blocks_leaves_a_producer_calm(
    actors, member_client, reported
):
    _producer(actors.organization, "bp", **reported)

    overview = _overview(member_client, actors.organization).context["node_overview"]

    assert (overview.rows[0].attention, overview.rows[0].forge_problem) == ("ok", None)


def test_a_relay_is_never_judged_on_forging(actors, member_client):
    _producer(actors.organization, "relay", role=NodeRole.RELAY, forging_enabled=False)

    overview = _overview(member_client, actors.organization).context["node_overview"]

    assert (overview.rows[0].attention, overview.rows[0].forge_problem) == ("ok", None)


def test_the_could_not_forge_badge_says_it_lasts_until_a_restart(actors, member_client):
    # The node counts these since it started, so the badge cannot fade alone.
    _producer(actors.organization, "bp", could_not_forge=1)

    page = _overview(member_client, actors.organization).content.decode()

    assert "the count starts again when the node restarts" in page
