from collections.abc import Callable, Iterator

import pytest

from tests.http.server import FakeServer, FakeServers, Handler, RecordingSleeper


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], FakeServer]]:
    """Start a FakeServer for a handler; all are stopped after the test."""
    with FakeServers() as servers:
        yield servers.start


@pytest.fixture
def sleeper() -> RecordingSleeper:
    return RecordingSleeper()
