from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.roles import Role

INVITATION_LIFETIME = timedelta(days=7)


def organization_ids_for(user: Any) -> Any:
    """The ids of the organizations an actor belongs to.

    The one place that decides tenancy. An actor is a signed-in ``User`` or an
    ``ApiKeyActor`` (a request authenticated by an organization's API key).
    """
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return [api_key.organization_id]
    if user is None or not user.is_authenticated:
        return []
    return Membership.objects.filter(user=user).values("organization_id")


def role_for(user: Any, organization_field: str = "pk") -> Any:
    """An expression giving the actor's role in the organization of each row."""
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return Value(api_key.role)
    return Subquery(
        Membership.objects.filter(
            user=user, organization_id=OuterRef(organization_field)
        ).values("role")[:1]
    )


class TenantQuerySet(models.QuerySet[Any]):
    """Base for every queryset of organization-owned rows.

    Views and API endpoints reach tenant data only through ``for_user``; a row
    of another organization is simply not there, which the views turn into 404.
    """

    organization_field = "organization"

    def for_user(self, user: Any) -> Self:
        lookup = f"{self.organization_field}_id__in"
        return self.filter(**{lookup: organization_ids_for(user)})


class OrganizationQuerySet(TenantQuerySet):
    def for_user(self, user: Any) -> Self:
        return self.filter(pk__in=organization_ids_for(user)).annotate(
            role=role_for(user)
        )


class Organization(models.Model):
    """A team that runs stake pools: the tenant that owns every private row.

    Users belong to organizations through memberships with a role. The public
    id is used in URLs and the API; the integer key stays internal.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    # Annotated by ``for_user``: the actor's role in this organization.
    role: str | None
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(TenantQuerySet):
    def by_rank(self) -> MembershipQuerySet:
        order = models.Case(
            *(models.When(role=role, then=Value(i)) for i, role in enumerate(Role)),
            output_field=models.IntegerField(),
        )
        return self.annotate(rank=order).order_by("rank", "user__email")


class Membership(models.Model):
    """A user's place in an organization, with the role that bounds what they may do."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_user"
            ),
            # The owner is the one who may transfer or delete the organization,
            # so there is never more than one.
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(role=Role.OWNER),
                name="one_owner_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class InvitationQuerySet(TenantQuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )


class Invitation(models.Model):
    """An emailed, expiring, single-use offer to join an organization with a role.

    Only the hash of the link's token is stored, so a database leak does not
    leak working invitation links.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_lookup = models.CharField(max_length=16, unique=True)
    token_digest = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The purge task and the members page look for pending ones by expiry.
            models.Index(
                fields=["organization", "expires_at"], name="invitation_org_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
