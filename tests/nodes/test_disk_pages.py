"""The disk forecast on the node page and the overview's flag when full is near."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from apps.nodes.disk import FullestDisk
from apps.nodes.models import Node
from apps.organizations.models import Organization
from apps.samples.buckets import floor
from apps.samples.models import Resolution
from tests.nodes.builders import make_node, report, rollup

GIB = 1024**3


def _detail(client, node: Node) -> str:
    url = reverse(
        "nodes:detail",
        kwargs={"org": node.organization.public_id, "node": node.public_id},
    )
    return client.get(url).content.decode()


def _overview(client, organization: Organization) -> str:
    url = reverse("organizations:overview", kwargs={"org": organization.public_id})
    return client.get(url).content.decode()


def _disk_panel(page: str) -> str:
    panel = page[page.index('aria-labelledby="panel-disk"') :]
    # filesizeformat keeps the number and its unit together with a no-break space
    return panel[: panel.index("</section>")].replace("\xa0", " ")


def _filling(node: Node, percent: float, per_day: float, hours: int = 23) -> datetime:
    """Whole hours of a disk growing ``per_day`` points, and a sample at ``percent``.

    Returns the sample's time. The chain disk has 1,000 GiB of used + free.
    """
    now = timezone.now()
    last_hour = floor(now, 3600)
    for back in range(hours, 0, -1):
        start = last_hour - timedelta(hours=back)
        days_before = (now - start - timedelta(minutes=30)) / timedelta(days=1)
        value = percent - per_day * days_before
        rollup(node, Resolution.HOUR, start, disk_percent_avg=value)
    free = round(1000 * (100 - percent) / 100)
    disks = [
        {"mountpoint": "/", "used_bytes": 9 * GIB, "free_bytes": 91 * GIB,
         "total_bytes": 100 * GIB, "percent": 9.0},
        {"mountpoint": "/var/lib/cardano", "used_bytes": (1000 - free) * GIB,
         "free_bytes": free * GIB, "total_bytes": 1050 * GIB, "percent": percent},
    ]  # fmt: skip
    report(node, now, disk_percent=percent, data={"host": {"disks": disks}})
    return now


def test_the_node_page_says_how_fast_the_disk_fills(actors, member_client):
    # Given a disk at 62 % growing 1.2 points a day
    node = make_node(actors.organization)
    ts = _filling(node, 62.0, 1.2)

    # When its page is read
    panel = _disk_panel(_detail(member_client, node))

    # Then it says how fast, in points and bytes, and when it is full
    full_at = ts + timedelta(days=38 / 1.2)
    day = dateformat.format(timezone.localtime(full_at), "j M Y")
    assert "62 %" in panel
    assert "/var/lib/cardano" in panel
    assert "growing 1.2 points a day (~12.0 GB a day)" in panel
    assert "full in about 32 days" in panel
    assert f"around {day}" in panel
    assert "380.0 GB" in panel  # free
    assert "23 h" in panel  # the trend's span
    assert '<p class="panel-figure">' in panel
    assert "status warning" not in panel


def test_a_disk_full_within_a_week_warns(actors, member_client):
    node = make_node(actors.organization)
    _filling(node, 90.0, 2.0)

    panel = _disk_panel(_detail(member_client, node))

    assert '<p class="panel-figure warning">' in panel
    assert "full in about 5 days" in panel
    assert "Full within a week" in panel


def test_a_disk_full_within_two_days_is_critical(actors, member_client):
    node = make_node(actors.organization)
    _filling(node, 96.0, 3.0)

    panel = _disk_panel(_detail(member_client, node))

    assert '<p class="panel-figure critical">' in panel
    assert "Full within two days" in panel


def test_a_flat_disk_is_steady(actors, member_client):
    node = make_node(actors.organization)
    _filling(node, 62.0, 0.0)

    panel = _disk_panel(_detail(member_client, node))

    assert "steady" in panel
    assert "full in" not in panel


def test_a_new_node_has_no_trend_yet(actors, member_client):
    node = make_node(actors.organization)
    report(node, timezone.now(), disk_percent=40.0)

    panel = _disk_panel(_detail(member_client, node))

    assert "40 %" in panel
    assert "Not enough history for a trend yet" in panel


def test_a_fullest_disk_without_byte_counts_keeps_its_own_mount_point(
    actors, member_client
):
    # Given a chain disk at 80 % that reports no bytes, and a root disk that does
    node = make_node(actors.organization)
    disks = [
        {"mountpoint": "/", "used_bytes": 9 * GIB, "free_bytes": 91 * GIB,
         "percent": 9.0},
        {"mountpoint": "/var/lib/cardano", "percent": 80.0},
    ]  # fmt: skip
    report(node, timezone.now(), disk_percent=80.0, data={"host": {"disks": disks}})

    # When its page is read
    panel = _disk_panel(_detail(member_client, node))

    # Then the figure, the mount point and the free space are the chain disk's
    assert "80 %" in panel
    assert "<code>/var/lib/cardano</code>" in panel
    assert "<code>/</code>" not in panel
    assert "91.0 GB" not in panel


def test_the_node_page_reads_the_samples_disks_once(actors, member_client, monkeypatch):
    node = make_node(actors.organization)
    _filling(node, 62.0, 1.2)
    parse = FullestDisk.of.__func__
    calls = []

    def counted(cls, data):
        calls.append(data)
        return parse(cls, data)

    monkeypatch.setattr(FullestDisk, "of", classmethod(counted))

    panel = _disk_panel(_detail(member_client, node))

    assert len(calls) == 1
    assert "growing 1.2 points a day (~12.0 GB a day)" in panel


def test_the_node_page_reads_the_rollups_once(actors, member_client):
    node = make_node(actors.organization)
    _filling(node, 62.0, 1.2)

    with CaptureQueriesContext(connection) as queries:
        _detail(member_client, node)

    rollup_reads = [q for q in queries if "samples_rollup" in q["sql"]]
    assert len(rollup_reads) == 1


def test_the_overview_flags_a_disk_full_within_a_week(actors, member_client):
    # Given one disk full in about 40 hours and one far from full
    soon = make_node(actors.organization, name="bp-1")
    _filling(soon, 95.0, 3.0)
    later = make_node(actors.organization, name="relay-1")
    _filling(later, 62.0, 1.2)

    page = _overview(member_client, actors.organization)

    # Then only the first is flagged, with the detail in its title
    assert page.count('class="disk-flag') == 1
    row = page[page.index(">bp-1<") :]
    row = row[: row.index("</tr>")]
    assert 'class="disk-flag critical"' in row
    assert "full in 2 days" in row
    assert 'title="The fullest disk grows 3.0 points a day: full around ' in row


def test_the_overview_reads_every_disk_trend_in_one_query(actors, member_client):
    _filling(make_node(actors.organization), 95.0, 3.0)
    with CaptureQueriesContext(connection) as one:
        _overview(member_client, actors.organization)

    for _number in range(5):
        _filling(make_node(actors.organization), 90.0, 2.0)
    with CaptureQueriesContext(connection) as six:
        page = _overview(member_client, actors.organization)

    assert page.count('class="disk-flag') == 6
    assert len(six) == len(one)
    assert len([q for q in six if "samples_rollup" in q["sql"]]) == 1
