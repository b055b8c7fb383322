from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from apps.organizations.models import Organization

# Prism's Blockfrost mock, started once a session, for the sync contract test.
from tests.chain.test_blockfrost_contract import prism  # noqa: F401
from tests.factories import make_organization
from tests.http.server import FakeClock, FakeServer, FakeServers, Handler


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], FakeServer]]:
    """Start a FakeServer for a handler; all are stopped after the test."""
    with FakeServers() as servers:
        yield servers.start


@pytest.fixture
def clock() -> FakeClock:
    """Time for the sources' rate limiters and backoff; it moves only on sleep."""
    return FakeClock()


@pytest.fixture
def organization(db: None) -> Organization:
    return make_organization(name="Followers")
