from collections.abc import Callable, Iterator

import pytest

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
