from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from apps.organizations.roles import Role
from tests.conftest import client_for
from tests.factories import add_member, make_user


@pytest.fixture
def viewer_client(actors: SimpleNamespace) -> Client:
    viewer = make_user("viewer@example.org", name="Vera Viewer")
    add_member(actors.organization, viewer, Role.VIEWER)
    return client_for(viewer)
