from datetime import UTC, datetime

from django.urls import reverse

from apps.organizations.models import Membership


def test_a_user_picks_a_time_zone_and_pages_render_in_it(actors, owner_client) -> None:
    Membership.objects.filter(user=actors.owner).update(
        created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    )

    owner_client.post(
        reverse("accounts:profile"), {"name": "Olive", "time_zone": "Asia/Tokyo"}
    )
    page = owner_client.get(
        reverse("organizations:members", args=[actors.organization.public_id])
    )

    actors.owner.refresh_from_db()
    assert actors.owner.time_zone == "Asia/Tokyo"
    # 23:30 UTC on 1 January is already 2 January in Tokyo.
    assert b"2 Jan 2026" in page.content


def test_an_unknown_time_zone_is_refused_and_nothing_changes(
    actors, owner_client
) -> None:
    response = owner_client.post(
        reverse("accounts:profile"), {"name": "Olive", "time_zone": "Mars/Olympus"}
    )

    actors.owner.refresh_from_db()
    assert response.status_code == 200
    assert b"Mars/Olympus" in response.content
    assert actors.owner.time_zone == "UTC"
