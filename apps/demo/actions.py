"""The demo account and organization that ``make run`` starts with."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from apps.accounts.models import User
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Role

DEMO_EMAIL = "admin@demo.spoguild.local"
DEMO_PASSWORD = "demo-admin-password"
DEMO_ORGANIZATION = "Demo Pool Operators (demo data)"
DEMO_MEMBER_EMAIL = "viewer@demo.spoguild.local"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    organization: Organization
    created: bool


@transaction.atomic
def ensure_demo() -> DemoAccount:
    """Creates the demo admin and organization once; later runs change nothing."""
    admin, created = User.objects.get_or_create(
        email=DEMO_EMAIL,
        defaults={"name": "Demo admin", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=admin, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
    )
    organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
    if organization is None:
        organization = Organization.objects.create(name=DEMO_ORGANIZATION)
        Membership.objects.create(
            organization=organization, user=admin, role=Role.OWNER
        )
        viewer = User.objects.create_user(DEMO_MEMBER_EMAIL, None, name="Demo viewer")
        Membership.objects.create(
            organization=organization, user=viewer, role=Role.VIEWER
        )
    return DemoAccount(DEMO_EMAIL, DEMO_PASSWORD, organization, created)
