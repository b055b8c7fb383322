"""Small builders for test data; each returns a saved object."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress

from apps.accounts.models import User
from apps.apikeys.actions import create_api_key
from apps.apikeys.models import ApiKey, Scope
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Role

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(email: str | None = None, **fields: object) -> User:
    email = email or f"user{next(_numbers)}@example.org"
    user = User.objects.create_user(email, PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organization(
    owner: User | None = None, name: str = "Pool Team"
) -> Organization:
    organization = Organization.objects.create(name=name)
    if owner is not None:
        add_member(organization, owner, Role.OWNER)
    return organization


def add_member(
    organization: Organization, user: User, role: str = Role.MEMBER
) -> Membership:
    return Membership.objects.create(organization=organization, user=user, role=role)


def make_api_key(
    organization: Organization, scope: str = Scope.READ, name: str = "script"
) -> tuple[ApiKey, str]:
    return create_api_key(organization, None, name, scope)
