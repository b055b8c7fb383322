from __future__ import annotations

import pytest
from django.urls import reverse

from apps.organizations import actions
from apps.organizations.models import Membership
from apps.organizations.roles import Role
from tests.factories import add_member, make_user


def _membership(actors, user) -> Membership:
    return Membership.objects.get(organization=actors.organization, user=user)


def test_the_owner_changes_a_members_role(actors, owner_client) -> None:
    member = _membership(actors, actors.member)
    url = reverse(
        "organizations:change_role",
        args=[actors.organization.public_id, member.public_id],
    )

    owner_client.post(url, {"role": "admin"})

    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_nobody_is_made_owner_by_a_role_change(actors) -> None:
    with pytest.raises(actions.MembershipError):
        actions.change_role(
            actors.owner, _membership(actors, actors.member), Role.OWNER
        )


def test_an_admin_cannot_remove_the_owner(actors) -> None:
    admin = make_user()
    add_member(actors.organization, admin, Role.ADMIN)

    with pytest.raises(actions.MembershipError, match="owner cannot be removed"):
        actions.remove_member(admin, _membership(actors, actors.owner))


def test_an_admin_removes_a_member(actors, owner_client) -> None:
    member = _membership(actors, actors.member)
    url = reverse(
        "organizations:remove_member",
        args=[actors.organization.public_id, member.public_id],
    )

    owner_client.post(url)

    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_member_leaves(actors, member_client) -> None:
    member_client.post(
        reverse("organizations:leave", args=[actors.organization.public_id])
    )

    assert not actors.organization.memberships.filter(user=actors.member).exists()


def test_the_owner_cannot_leave(actors, owner_client) -> None:
    response = owner_client.post(
        reverse("organizations:leave", args=[actors.organization.public_id]),
        follow=True,
    )

    assert b"owner cannot leave" in response.content
    assert _membership(actors, actors.owner).role == Role.OWNER


def test_ownership_moves_to_a_member_and_the_old_owner_becomes_admin(
    actors, owner_client
) -> None:
    url = reverse("organizations:transfer", args=[actors.organization.public_id])

    owner_client.post(url, {"new_owner": actors.member.pk})

    assert _membership(actors, actors.member).role == Role.OWNER
    assert _membership(actors, actors.owner).role == Role.ADMIN


def test_ownership_cannot_go_to_an_outsider(actors) -> None:
    with pytest.raises(actions.MembershipError, match="already be a member"):
        actions.transfer_ownership(
            actors.organization, actors.owner, actors.outsider.pk
        )

    assert _membership(actors, actors.owner).role == Role.OWNER


def test_a_member_cannot_transfer_ownership(actors, member_client) -> None:
    url = reverse("organizations:transfer", args=[actors.organization.public_id])

    response = member_client.post(url, {"new_owner": actors.member.pk})

    assert response.status_code == 403
    assert _membership(actors, actors.owner).role == Role.OWNER


def test_deleting_needs_the_exact_name(actors, owner_client) -> None:
    url = reverse("organizations:delete", args=[actors.organization.public_id])

    owner_client.post(url, {"confirm_name": "acme pool"})
    assert actors.organization.__class__.objects.filter(
        pk=actors.organization.pk
    ).exists()

    owner_client.post(url, {"confirm_name": "Acme Pool"})
    assert not actors.organization.__class__.objects.filter(
        pk=actors.organization.pk
    ).exists()


def test_the_switcher_moves_the_user_to_another_organization(
    actors, outsider_client
) -> None:
    second = actors.organization
    add_member(second, actors.outsider, Role.VIEWER)

    response = outsider_client.post(
        reverse("organizations:switch", args=[second.public_id])
    )
    home = outsider_client.get(reverse("organizations:home"))

    assert response.url == reverse("organizations:overview", args=[second.public_id])
    assert home.url == reverse("organizations:overview", args=[second.public_id])


def test_a_viewer_cannot_open_the_settings(actors, client) -> None:
    viewer = make_user()
    add_member(actors.organization, viewer, Role.VIEWER)
    client.force_login(viewer)

    response = client.get(
        reverse("organizations:settings", args=[actors.organization.public_id])
    )

    assert response.status_code == 403
