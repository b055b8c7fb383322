"""Changes to organizations, memberships and invitations.

Each function checks the rule it enforces and raises ``MembershipError`` with a
sentence a user can read; views show that sentence and change nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.organizations.models import (
    INVITATION_LIFETIME,
    Invitation,
    Membership,
    Organization,
)
from apps.organizations.roles import RANK, Role, assignable_roles
from spoguild import tokens

logger = logging.getLogger(__name__)

INVITATION_TOKEN_KIND = "inv"


class MembershipError(Exception):
    """A change to an organization that its rules do not allow."""


def create_organization(user: Any, name: str) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(name=name)
        Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    logger.info("Organization created", extra={"organization": organization.public_id})
    return organization


def create_personal_organization(user: Any) -> Organization:
    label = user.get_short_name()
    return create_organization(user, _("%(name)s's organization") % {"name": label})


def invite(organization: Organization, inviter: Any, email: str, role: str) -> str:
    """Records an invitation, emails its link and returns the link."""
    email = email.strip().lower()
    inviter_role = _role_of(inviter, organization)
    if Role(role) not in assignable_roles(inviter_role):
        raise MembershipError(
            _("You cannot invite someone as %(role)s.") % {"role": role}
        )
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise MembershipError(_("%(email)s is already a member.") % {"email": email})
    if organization.invitations.pending().filter(email__iexact=email).exists():
        raise MembershipError(
            _("%(email)s already has a pending invitation.") % {"email": email}
        )

    token = tokens.issue(INVITATION_TOKEN_KIND)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_lookup=token.lookup,
        token_digest=token.digest,
        invited_by=inviter,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = settings.SITE_URL + reverse("invitation", args=[token.plaintext])
    _send_invitation(invitation, link)
    logger.info(
        "Invitation sent",
        extra={"organization": organization.public_id, "invitation": invitation.pk},
    )
    return link


def _send_invitation(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=render_to_string(
            "organizations/email/invitation_subject.txt", context
        ).strip(),
        message=render_to_string("organizations/email/invitation.txt", context),
        html_message=render_to_string("organizations/email/invitation.html", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def find_invitation(plaintext: str) -> Invitation | None:
    lookup = tokens.split(plaintext, INVITATION_TOKEN_KIND)
    if lookup is None:
        return None
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_lookup=lookup)
        .first()
    )
    if invitation is None or not tokens.matches(plaintext, invitation.token_digest):
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: Any) -> Membership:
    with transaction.atomic():
        # Lock the row so two clicks on the link cannot both create memberships.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise MembershipError(_("This invitation has expired or was already used."))
        if invitation.email.lower() != user.email.lower():
            raise MembershipError(
                _("This invitation is for %(email)s; sign in with that address.")
                % {"email": invitation.email}
            )
        membership, _created = Membership.objects.get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={"role": invitation.role},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    logger.info(
        "Invitation accepted",
        extra={"organization": invitation.organization.public_id, "user_id": user.pk},
    )
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation was already accepted."))
    invitation.revoked_at = invitation.revoked_at or timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])


def change_role(actor: Any, membership: Membership, role: str) -> None:
    actor_role = _role_of(actor, membership.organization)
    if membership.role == Role.OWNER:
        raise MembershipError(_("Transfer ownership to change the owner's role."))
    if RANK[Role(membership.role)] > RANK[Role(actor_role)]:
        raise MembershipError(_("You cannot change the role of someone above you."))
    if Role(role) not in assignable_roles(actor_role):
        raise MembershipError(_("You cannot give the role %(role)s.") % {"role": role})
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])


def remove_member(actor: Any, membership: Membership) -> None:
    actor_role = _role_of(actor, membership.organization)
    if membership.role == Role.OWNER:
        raise MembershipError(
            _("The owner cannot be removed; transfer ownership first.")
        )
    if RANK[Role(membership.role)] > RANK[Role(actor_role)]:
        raise MembershipError(_("You cannot remove someone above you."))
    membership.delete()
    logger.info(
        "Member removed",
        extra={
            "organization": membership.organization.public_id,
            "user_id": membership.user_id,
        },
    )


def leave(user: Any, organization: Organization) -> None:
    membership = Membership.objects.get(organization=organization, user=user)
    if membership.role == Role.OWNER:
        raise MembershipError(
            _("The owner cannot leave; transfer ownership or delete the organization.")
        )
    membership.delete()


def transfer_ownership(
    organization: Organization, owner: Any, new_owner_id: int
) -> None:
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(
            organization=organization, user=owner, role=Role.OWNER
        )
        successor = (
            Membership.objects.select_for_update()
            .filter(organization=organization, user_id=new_owner_id)
            .exclude(pk=current.pk)
            .first()
        )
        if successor is None:
            raise MembershipError(_("The new owner must already be a member."))
        # Demote first: the one-owner constraint is checked on every save.
        current.role = Role.ADMIN
        current.save(update_fields=["role", "updated_at"])
        successor.role = Role.OWNER
        successor.save(update_fields=["role", "updated_at"])
    logger.info(
        "Ownership transferred",
        extra={"organization": organization.public_id, "user_id": new_owner_id},
    )


def purge_expired_invitations(older_than_days: int = 30) -> int:
    """Deletes invitations that expired long ago; pending and recent ones stay."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _details = Invitation.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def _role_of(user: Any, organization: Organization) -> str:
    role = (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise MembershipError(_("You are not a member of this organization."))
    return role
