from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from apps.organizations.roles import Role
from tests.factories import add_member, make_organization, make_user


@pytest.fixture
def actors(db: None) -> SimpleNamespace:
    """An owner and a member of one organization, and an outsider with their own."""
    owner = make_user("owner@example.org", name="Olive Owner")
    member = make_user("member@example.org", name="Max Member")
    outsider = make_user("outsider@example.org", name="Otto Outsider")
    organization = make_organization(owner, name="Acme Pool")
    add_member(organization, member, Role.MEMBER)
    outsider_organization = make_organization(outsider, name="Other Pool")
    return SimpleNamespace(
        owner=owner,
        member=member,
        outsider=outsider,
        organization=organization,
        outsider_organization=outsider_organization,
    )


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def owner_client(actors: SimpleNamespace) -> Client:
    return client_for(actors.owner)


@pytest.fixture
def member_client(actors: SimpleNamespace) -> Client:
    return client_for(actors.member)


@pytest.fixture
def outsider_client(actors: SimpleNamespace) -> Client:
    return client_for(actors.outsider)
