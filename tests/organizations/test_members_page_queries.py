from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.organizations import actions
from apps.organizations.roles import Role
from tests.factories import add_member, make_user


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_members_page_query_count_does_not_grow_with_members(
    actors, owner_client
) -> None:
    url = reverse("organizations:members", args=[actors.organization.public_id])
    few = _count_queries(owner_client, url)

    for number in range(15):
        add_member(actors.organization, make_user(), Role.VIEWER)
        actions.invite(
            actors.organization, actors.owner, f"i{number}@example.org", "member"
        )
    many = _count_queries(owner_client, url)

    assert many == few
    assert few <= 12
