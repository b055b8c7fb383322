from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture
def fresh_throttle() -> Iterator[None]:
    """An empty cache around the test: anonymous API calls count against the
    address's rate there."""
    cache.clear()
    yield
    cache.clear()
