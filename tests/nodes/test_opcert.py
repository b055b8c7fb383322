"""The op-cert counter on disk against the chain's: m <= n <= m + 1, else critical."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes.models import Node, NodeRole
from apps.nodes.opcert import OpcertCounter, check_error
from tests.nodes.builders import make_node, report


def _kes_panel(client, node: Node) -> str:
    url = reverse(
        "nodes:detail",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )
    page = client.get(url).content.decode()
    panel = page[page.index('aria-labelledby="panel-kes"') :]
    return panel[: panel.index("</section>")]


def _producer(organization, **reported) -> Node:
    node = make_node(organization, role=NodeRole.BLOCK_PRODUCER)
    report(
        node,
        timezone.now(),
        kes_remaining_periods=40,
        data={"node": {"kes_remaining_periods": 40, **reported}},
    )
    return node


@pytest.mark.parametrize(
    ("on_disk", "on_chain", "level", "stale", "over", "unused"),
    [
        (6, 7, "critical", True, False, False),
        (7, 7, "ok", False, False, False),
        (8, 7, "ok", False, False, True),
        (9, 7, "critical", False, True, False),
        (0, None, "ok", False, False, False),
        (1, None, "ok", False, False, False),
        (2, None, "critical", False, True, False),
    ],
)
def test_the_counter_must_be_the_chains_or_one_more(
    on_disk, on_chain, level, stale, over, unused
) -> None:
    counter = OpcertCounter(on_disk, on_chain)

    assert counter.level == level
    assert counter.stale is stale
    assert counter.over_incremented is over
    assert counter.unused is unused


def test_the_replacement_counter_follows_the_chains() -> None:
    assert OpcertCounter(3, 7).next_counter == 8
    assert OpcertCounter(5, None).next_counter == 1


def test_a_node_without_the_check_has_no_counter() -> None:
    assert OpcertCounter.of({"kes_period": 1212}) is None
    assert OpcertCounter.of({"opcert_counter": None, "opcert_error": "x"}) is None
    assert OpcertCounter.of({"opcert_counter": 4}) == OpcertCounter(4, None)


def test_the_panel_shows_both_counters(actors, member_client) -> None:
    node = _producer(actors.organization, opcert_counter=7, opcert_counter_on_chain=7)

    panel = _kes_panel(member_client, node)

    assert "<dt>Op-cert counter</dt><dd>7 on disk / 7 on chain</dd>" in panel
    assert "status critical" not in panel
    assert "New op-cert" not in panel


def test_a_new_certificate_is_named_as_such(actors, member_client) -> None:
    node = _producer(actors.organization, opcert_counter=8, opcert_counter_on_chain=7)

    panel = _kes_panel(member_client, node)

    assert "8 on disk / 7 on chain" in panel
    assert "New op-cert: no block carries counter 8 yet" in panel
    assert "status critical" not in panel


def test_a_stale_certificate_is_critical(actors, member_client) -> None:
    node = _producer(actors.organization, opcert_counter=6, opcert_counter_on_chain=7)

    panel = _kes_panel(member_client, node)

    assert '<p class="status critical">' in panel
    assert "counter 6, below the 7 the chain last saw" in panel
    assert "Issue a new operational certificate with counter 8" in panel


def test_an_over_incremented_certificate_is_critical(actors, member_client) -> None:
    node = _producer(actors.organization, opcert_counter=9, opcert_counter_on_chain=7)

    panel = _kes_panel(member_client, node)

    assert '<p class="status critical">' in panel
    assert "counter 9, more than one above the 7 the chain last saw" in panel
    assert "with counter 8" in panel


def test_before_the_first_block_the_chain_counts_from_zero(
    actors, member_client
) -> None:
    fine = _producer(actors.organization, opcert_counter=1)
    too_far = _producer(actors.organization, opcert_counter=3)

    fine_panel = _kes_panel(member_client, fine)
    too_far_panel = _kes_panel(member_client, too_far)

    assert "1 on disk / none on chain yet" in fine_panel
    assert "status critical" not in fine_panel
    assert "the chain accepts only 0 or 1" in too_far_panel
    assert "with counter 1 " in too_far_panel


def test_nothing_shows_when_the_agent_does_not_check(actors, member_client) -> None:
    node = _producer(actors.organization, opcert_error=None)

    panel = _kes_panel(member_client, node)

    assert "Periods left" in panel
    assert "Op-cert counter" not in panel
    assert "op-cert on disk" not in panel
    assert "check failed" not in panel


def test_a_failed_check_says_why() -> None:
    assert check_error({"opcert_counter": None, "opcert_error": " timeout "}) == (
        "timeout"
    )
    assert check_error({"opcert_counter": 4, "opcert_error": None}) is None
    assert check_error({"opcert_error": ""}) is None
    assert check_error({}) is None


def test_the_panel_warns_when_the_check_failed(actors, member_client) -> None:
    # Given a producer whose agent could not run its op-cert check
    node = _producer(
        actors.organization,
        opcert_counter=None,
        opcert_error="cardano-cli exited 1: <socket> not found",
    )

    # When its KES panel is read
    panel = _kes_panel(member_client, node)

    # Then it says the check failed, with the agent's reason, escaped
    assert '<p class="status warning" data-testid="opcert-error">' in panel
    assert (
        "Op-cert check failed: cardano-cli exited 1: &lt;socket&gt; not found" in panel
    )
    assert "<socket>" not in panel


def test_a_failed_check_shows_without_a_kes_figure_too(actors, member_client):
    node = make_node(actors.organization, role=NodeRole.BLOCK_PRODUCER)
    report(
        node,
        timezone.now(),
        node_reachable=False,
        data={"node": {"reachable": False, "opcert_error": "no answer in 10 s"}},
    )

    panel = _kes_panel(member_client, node)

    assert "Op-cert check failed: no answer in 10 s" in panel
