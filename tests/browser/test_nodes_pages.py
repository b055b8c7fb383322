"""Adding a node, its one-time token, the overview list and the node's charts.

Screenshots of the node pages in both widths and themes go to
/tmp/spoguild-shots/ (or SPOGUILD_SCREENSHOTS), for a person to look at.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.nodes.actions import authenticate_agent
from apps.nodes.models import Node, NodeRole
from apps.organizations.models import Organization
from apps.samples.models import Rollup
from tests.browser.conftest import SignIn
from tests.browser.test_page_layout import UNLABELLED_CONTROLS
from tests.factories import make_organization, make_user
from tests.nodes.builders import make_node, report, sample

# How many pixels the document is wider than the window.
OVERFLOW = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)
SHOTS = Path(os.environ.get("SPOGUILD_SCREENSHOTS") or "/tmp/spoguild-shots")
WIDTHS = {"desktop": (1280, 800), "mobile": (390, 844)}
GIB = 1024**3


@pytest.fixture
def organization() -> Organization:
    owner = make_user("olive@example.org", name="Olive Owner")
    return make_organization(owner, name="Acme Stake Pool")


def _owner(organization: Organization):
    return organization.memberships.get(role="owner").user


def _history(node: Node) -> None:
    """Two hours of 30 s samples with a ten-minute outage, and a week of rollups."""
    now = timezone.now()
    for step in range(240):
        moment = now - timedelta(seconds=30 * (240 - step))
        if timedelta(minutes=50) < now - moment < timedelta(minutes=60):
            continue
        sample(
            node,
            moment,
            cpu_percent=12 + step % 7,
            memory_percent=64 + step % 3,
            disk_percent=58.0,
            tip_lag_slots=step % 23,
            peers_in=20 + step % 4,
            peers_out=22,
            slots_missed=step // 60,
            mempool_txs=10 + step % 11,
        )
    Rollup.objects.bulk_create(
        Rollup(
            node=node,
            resolution="5m",
            bucket_start=now - timedelta(minutes=5 * (bucket + 1)),
            sample_count=10,
            cpu_percent_avg=10 + bucket % 9,
        )
        for bucket in range(7 * 24 * 12)
    )
    _filling_disk(node, now, percent=58.0, per_day=1.5)
    report(
        node,
        now - timedelta(seconds=20),
        cpu_percent=14.0,
        memory_percent=65.0,
        disk_percent=58.0,
        tip_lag_slots=4,
        peers_in=21,
        peers_out=22,
        kes_remaining_periods=7,
        tip_slot=204_750_000,
        node_version="10.6.2",
        data={
            "agent_version": "0.1.0",
            "node": {
                "kes_period": 1579,
                "forging_enabled": True,
                "leadership_checks": 1_543_122,
                "slots_missed": 37,
                "leader_slots": 14,
                "blocks_forged": 14,
                "blocks_adopted": 13,
                "blocks_didnt_adopt": 1,
            },
            "host": {"disks": [_chain_disk(58.0)]},
        },
    )


def _filling_disk(node: Node, now: datetime, *, percent: float, per_day: float) -> None:
    """A day of hourly disk averages on a line reaching ``percent`` now."""
    Rollup.objects.bulk_create(
        Rollup(
            node=node,
            resolution="1h",
            bucket_start=now - timedelta(hours=hours),
            sample_count=120,
            disk_percent_avg=percent - per_day * (hours - 0.5) / 24,
        )
        for hours in range(1, 24)
    )


def _chain_disk(percent: float) -> dict[str, object]:
    used = int(2000 * GIB * percent / 100)
    return {
        "mountpoint": "/var/lib/cardano",
        "total_bytes": 2100 * GIB,
        "used_bytes": used,
        "free_bytes": 2000 * GIB - used,
        "percent": percent,
    }


def test_adding_a_node_shows_its_token_once_and_lists_it(
    page: Page, sign_in: SignIn, organization: Organization
) -> None:
    # Given the owner of an organization without nodes
    sign_in(page, _owner(organization))
    page.goto(f"/orgs/{organization.public_id}/")

    # When they follow the first step and register a relay
    page.get_by_role("link", name="Add a node").click()
    page.get_by_label("Name").fill("relay-1 (Frankfurt)")
    page.get_by_label("Role").select_option(NodeRole.RELAY)
    page.get_by_label("Expected interval (s)").fill("30")
    page.get_by_role("button", name="Add node").click()

    # Then the token is shown, with the commands to install the agent
    token = page.get_by_test_id("agent-token").inner_text()
    agent = authenticate_agent(token)
    assert agent is not None
    assert Node.objects.get(pk=agent.pk).name == "relay-1 (Frankfurt)"
    one_command = page.locator("#install-one-command")
    expect(one_command).to_be_visible()
    expect(one_command).to_contain_text(token)
    expect(one_command).to_contain_text("sudo sh agent/install.sh --service-url")
    _shoot(page, "node-token")

    # And it is not on the node's page, which waits for the first sample
    page.get_by_role("link", name="Done: go to the node").click()
    expect(page.get_by_text("No sample yet")).to_be_visible()
    assert token not in page.content()

    # And the overview lists it
    page.get_by_role("link", name="Acme Stake Pool").click()
    row = page.locator("table.nodes-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("relay-1 (Frankfurt)")
    expect(row).to_contain_text("waiting")


def test_the_node_page_draws_its_charts_and_switches_range(
    page: Page, sign_in: SignIn, organization: Organization
) -> None:
    # Given a block producer with two hours of samples and a week of rollups
    node = make_node(
        organization, name="bp-1", role=NodeRole.BLOCK_PRODUCER, interval_seconds=30
    )
    _history(node)
    sign_in(page, _owner(organization))

    # When its page opens
    page.goto(f"/orgs/{organization.public_id}/nodes/{node.public_id}/")

    # Then every chart is drawn, with a text summary, and the KES warning shows
    charts = page.locator("figure.chart")
    expect(charts).to_have_count(7)
    expect(page.locator("figure.chart canvas")).to_have_count(7)
    expect(charts.first.locator("[data-chart-summary]")).to_contain_text("latest")
    expect(page.get_by_text("Expires soon")).to_be_visible()
    expect(page.get_by_text("1 forged block was not adopted")).to_be_visible()
    expect(page.locator("[data-disk-forecast]")).to_contain_text(
        "growing 1.5 points a day"
    )
    _shoot(page, "node-page")

    # When the week is chosen, every chart reads the 5-minute rollups
    with page.expect_response(re.compile(r"charts\.json\?range=7d")) as answer:
        page.get_by_role("button", name="7d").click()
    assert answer.value.json()["resolution"] == "5m"
    expect(page.get_by_role("button", name="7d")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("[data-resolution]")).to_contain_text("5 minutes")
    assert page.url.endswith("?range=7d")


def test_the_overview_puts_problems_first(
    page: Page, sign_in: SignIn, organization: Organization
) -> None:
    now = timezone.now()
    for name, age, role in [
        ("bp-1", 20, NodeRole.BLOCK_PRODUCER),
        ("relay-1", 15, NodeRole.RELAY),
        ("relay-2", 900, NodeRole.RELAY),
    ]:
        report(
            make_node(organization, name=name, role=role),
            now - timedelta(seconds=age),
            cpu_percent=18.5,
            memory_percent=71.0,
            disk_percent=64.0,
            tip_lag_slots=12,
            peers_in=18,
            peers_out=21,
            node_version="10.6.2",
            kes_remaining_periods=27 if role == NodeRole.BLOCK_PRODUCER else None,
        )
    # bp-1's disk fills in under a week
    _filling_disk(Node.objects.get(name="bp-1"), now, percent=64.0, per_day=6.0)
    sign_in(page, _owner(organization))

    page.goto(f"/orgs/{organization.public_id}/")

    names = page.locator("table.nodes-table tbody th a")
    expect(names).to_have_text(["relay-2", "bp-1", "relay-1"])
    expect(page.locator("table.nodes-table tbody tr").first).to_contain_text("down")
    expect(page.locator(".disk-flag")).to_have_text(["⚠ full in 6 days"])
    _shoot(page, "overview-nodes")


def test_the_overview_refreshes_in_place(
    page: Page, sign_in: SignIn, organization: Organization
) -> None:
    # Given an overview showing a node 12 slots behind
    node = make_node(organization, name="relay-1")
    report(node, timezone.now(), tip_lag_slots=12)
    sign_in(page, _owner(organization))
    page.clock.install()
    page.goto(f"/orgs/{organization.public_id}/")
    expect(page.locator("table.nodes-table")).to_contain_text("12 slots behind")
    # Its label counts the seconds since the list arrived (before the poll)
    page.clock.run_for(10_000)
    ten_seconds = re.compile(r"^1[0-4] sec\. ago$")
    expect(page.locator("[data-updated-ago]")).to_have_text(ten_seconds)

    # When the node catches up and the page's poll comes round
    report(node, timezone.now(), tip_lag_slots=3)
    with page.expect_response(re.compile(r"/nodes/status/$")):
        page.clock.run_for(6_000)

    # Then the list shows it without a reload, and says it was just updated
    # (the clock still runs: a slow machine may show a few seconds, never 16)
    expect(page.locator("table.nodes-table")).to_contain_text("3 slots behind")
    just_now = re.compile(r"^(now|[1-9] sec\. ago)$")
    expect(page.locator("[data-updated-ago]")).to_have_text(just_now)


def _shoot(page: Page, name: str) -> None:
    """Screenshots in both widths and themes; checks labels and fit on the way."""
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        for theme in ("light", "dark"):
            page.emulate_media(color_scheme=theme)
            page.wait_for_timeout(150)  # charts redraw on a theme switch
            page.screenshot(path=SHOTS / f"{name}-{width}-{theme}.png", full_page=True)
            assert page.evaluate(OVERFLOW) == 0, f"{name} scrolls sideways at {width}"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(color_scheme="light")
