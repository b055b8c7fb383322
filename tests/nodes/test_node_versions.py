"""Each node's cardano-node judged current, outdated or below the minimum."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.nodes import releases
from apps.nodes.health import NodeHealth
from apps.nodes.models import Node
from apps.nodes.releases import Version, VersionLevel, parse_version, version_status
from tests.nodes.builders import make_node, report

CURRENT = VersionLevel.CURRENT
OUTDATED = VersionLevel.OUTDATED
BELOW = VersionLevel.BELOW_MINIMUM
UNKNOWN = VersionLevel.UNKNOWN


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("10.1.4", BELOW),
        ("10.6.9", BELOW),
        ("10.7.0-rc1", BELOW),
        ("10.7.0", OUTDATED),
        ("10.10.0", OUTDATED),
        ("11.0.0", OUTDATED),
        ("11.0.1-rc1", OUTDATED),
        ("11.0.1", CURRENT),
        (" 11.0.1 ", CURRENT),
        ("12.0.0", CURRENT),
        ("", UNKNOWN),
        (None, UNKNOWN),
        ("10.2", BELOW),
        ("11.0", OUTDATED),
        ("11.1", CURRENT),
        ("garbage", UNKNOWN),
        ("11", UNKNOWN),
        ("11.0.1.2", UNKNOWN),
    ],
)
def test_the_default_thresholds(label: str | None, level: VersionLevel) -> None:
    assert version_status(label).level == level


def test_a_two_part_version_has_patch_zero() -> None:
    # Real releases such as 10.2 carry two numbers only.
    assert parse_version("10.2") == Version(10, 2, 0)
    assert parse_version("10.2-rc1") == Version(10, 2, 0, is_release=False)


def test_two_part_thresholds_are_read_too(settings) -> None:
    settings.NODE_RELEASE_LATEST = "10.3"
    settings.NODE_RELEASE_MINIMUM = "10.2"

    assert version_status("10.1.4").level == BELOW
    assert version_status("10.2.0").level == OUTDATED
    assert version_status("10.3").level == CURRENT


def test_each_threshold_is_parsed_once_for_a_whole_list(settings) -> None:
    # Given thresholds no earlier test has parsed
    settings.NODE_RELEASE_LATEST = "12.4.1"
    settings.NODE_RELEASE_MINIMUM = "12.0.3"
    calls = []
    real = releases.parse_version

    def counting(label):
        calls.append(label)
        return real(label)

    # When a thousand rows are judged
    with patch.object(releases, "parse_version", counting):
        for _ in range(1000):
            version_status("12.2.0")

    # Then each setting was parsed once, the rows each once
    assert calls.count("12.4.1") == 1
    assert calls.count("12.0.3") == 1


def test_a_pre_release_sorts_before_its_release() -> None:
    assert parse_version("11.0.1-rc1") == Version(11, 0, 1, is_release=False)
    assert parse_version("11.0.1-rc1") < parse_version("11.0.1")
    assert parse_version("11.0.1-rc1") > parse_version("11.0.0")


def test_outdated_and_below_minimum_both_point_to_the_newest_release() -> None:
    outdated, below, current = map(version_status, ["11.0.0", "10.5.3", "11.0.1"])

    assert (outdated.upgrade_to, below.upgrade_to, current.upgrade_to) == (
        "11.0.1",
        "11.0.1",
        None,
    )
    assert (below.minimum, below.label) == ("10.7.0", "below minimum")


def test_the_thresholds_follow_the_settings(settings) -> None:
    settings.NODE_RELEASE_LATEST = "11.2.0"
    settings.NODE_RELEASE_MINIMUM = "11.0.1"

    assert version_status("11.0.0").level == BELOW
    assert version_status("11.0.1").level == OUTDATED
    assert version_status("11.2.0").level == CURRENT
    assert version_status("11.0.1").upgrade_to == "11.2.0"


def test_a_node_without_a_sample_has_an_unknown_version(actors) -> None:
    node = make_node(actors.organization)

    assert NodeHealth.of(node).version_status.level == UNKNOWN


def test_the_overview_flags_an_outdated_node_and_not_a_current_one(
    actors, member_client
):
    now = timezone.now()
    report(make_node(actors.organization, name="old"), now, node_version="11.0.0")
    report(make_node(actors.organization, name="new"), now, node_version="11.0.1")

    page = _overview(member_client, actors).content.decode()

    old_row, new_row = _row(page, "old"), _row(page, "new")
    assert 'class="badge warning" title="11.0.1 is available">outdated<' in old_row
    assert "badge" not in new_row
    assert "11.0.1" in new_row


def test_the_overview_flags_a_node_below_the_minimum(actors, member_client):
    report(make_node(actors.organization), timezone.now(), node_version="10.6.2")

    page = _overview(member_client, actors).content.decode()

    assert (
        'class="badge critical" title="10.7.0 is the minimum; 11.0.1 is available">'
        "below minimum<"
    ) in page


def test_the_node_page_says_an_outdated_node_should_upgrade(actors, member_client):
    node = make_node(actors.organization)
    report(node, timezone.now(), node_version="10.7.1")

    page = member_client.get(_detail(node)).content.decode()

    assert '<p class="panel-figure warning">' in page
    assert "Outdated: upgrade to 11.0.1, the newest release." in page


def test_the_node_page_says_a_node_is_below_the_minimum(actors, member_client):
    node = make_node(actors.organization)
    report(node, timezone.now() - timedelta(seconds=5), node_version="10.1.4")

    page = member_client.get(_detail(node)).content.decode()

    assert '<p class="panel-figure critical">' in page
    assert "Below the required minimum (10.7.0): upgrade to 11.0.1" in page


def test_the_node_page_calls_a_current_node_current(actors, member_client):
    node = make_node(actors.organization)
    report(node, timezone.now(), node_version="11.0.1")

    panel = _version_panel(member_client.get(_detail(node)).content.decode())

    assert "Current (newest release 11.0.1)." in panel
    assert '<p class="panel-figure">cardano-node 11.0.1</p>' in panel
    assert "upgrade to" not in panel


def _overview(client, actors):
    url = reverse(
        "organizations:overview", kwargs={"org": actors.organization.public_id}
    )
    return client.get(url)


def _detail(node: Node) -> str:
    return reverse(
        "nodes:detail",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )


def _row(page: str, name: str) -> str:
    """The overview's table row of the node called ``name``."""
    start = page.rindex("<tr", 0, page.index(f">{name}</a>"))
    return page[start : page.index("</tr>", start)]


def _version_panel(page: str) -> str:
    start = page.index('id="panel-version"')
    return page[start : page.index("</section>", start)]
