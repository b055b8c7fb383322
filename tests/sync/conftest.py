from __future__ import annotations

import pytest

from apps.organizations.models import Organization

# The chain tests' local servers and clock, and Prism's Blockfrost mock
# (started once a session) for the sync contract test.
from tests.chain.conftest import clock, serve  # noqa: F401
from tests.chain.test_blockfrost_contract import prism  # noqa: F401
from tests.factories import make_organization


@pytest.fixture
def organization(db: None) -> Organization:
    return make_organization(name="Followers")
