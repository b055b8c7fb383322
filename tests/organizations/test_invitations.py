from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.organizations import actions
from apps.organizations.models import Invitation, Membership
from apps.organizations.roles import Role
from spoguild import tokens
from tests.conftest import client_for
from tests.factories import add_member, make_user


def _link_path(link: str) -> str:
    return link.removeprefix("http://testserver")


def test_inviting_emails_a_one_time_link_and_stores_only_its_hash(actors) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "New@Example.org", Role.VIEWER
    )

    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.email == "new@example.org"
    assert invitation.token_digest == tokens.digest(token)
    assert mail.outbox[0].to == ["new@example.org"]
    assert link in mail.outbox[0].body
    assert "Acme Pool" in mail.outbox[0].subject


def test_the_invited_user_accepts_and_becomes_a_member_with_the_role(actors) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.VIEWER
    )
    newcomer = make_user("new@example.org")
    client = client_for(newcomer)

    response = client.post(_link_path(link))

    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organization=actors.organization)
    assert membership.role == Role.VIEWER


def test_an_invitation_works_only_once(actors) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.MEMBER
    )
    client = client_for(make_user("new@example.org"))
    client.post(_link_path(link))

    again = client.get(_link_path(link))

    assert again.status_code == 404
    assert b"cannot be used" in again.content


def test_an_expired_invitation_is_refused(actors) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.MEMBER
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = client_for(make_user("new@example.org"))

    response = client.post(_link_path(link))

    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_another_address_cannot_use_the_link(actors) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.MEMBER
    )

    response = client_for(actors.outsider).post(_link_path(link), follow=True)

    assert b"This invitation is for new@example.org" in response.content
    assert not actors.organization.memberships.filter(user=actors.outsider).exists()


def test_a_revoked_invitation_link_stops_working(actors, owner_client) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.MEMBER
    )
    invitation = Invitation.objects.get()

    owner_client.post(
        reverse(
            "organizations:revoke_invitation",
            args=[actors.organization.public_id, invitation.public_id],
        )
    )

    response = client_for(make_user("new@example.org")).post(_link_path(link))
    assert response.status_code == 404


def test_a_tampered_token_is_not_found(actors, client) -> None:
    link = actions.invite(
        actors.organization, actors.owner, "new@example.org", Role.MEMBER
    )

    response = client.get(_link_path(link)[:-3] + "xyz/")

    assert response.status_code == 404


def test_a_member_cannot_invite(actors, member_client) -> None:
    url = reverse("organizations:invite", args=[actors.organization.public_id])

    response = member_client.post(url, {"email": "x@example.org", "role": "viewer"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_cannot_invite_an_owner(actors) -> None:
    admin = make_user()
    add_member(actors.organization, admin, Role.ADMIN)

    with pytest.raises(actions.MembershipError, match="cannot invite"):
        actions.invite(actors.organization, admin, "x@example.org", Role.OWNER)


def test_a_second_pending_invitation_to_the_same_address_is_refused(actors) -> None:
    actions.invite(actors.organization, actors.owner, "x@example.org", Role.MEMBER)

    with pytest.raises(actions.MembershipError, match="pending invitation"):
        actions.invite(actors.organization, actors.owner, "X@example.org", Role.MEMBER)


def test_purging_removes_only_long_expired_invitations(actors) -> None:
    actions.invite(actors.organization, actors.owner, "old@example.org", Role.MEMBER)
    actions.invite(actors.organization, actors.owner, "new@example.org", Role.MEMBER)
    Invitation.objects.filter(email="old@example.org").update(
        expires_at=timezone.now() - timedelta(days=31)
    )

    deleted = actions.purge_expired_invitations()

    assert deleted == 1
    assert list(Invitation.objects.values_list("email", flat=True)) == [
        "new@example.org"
    ]
