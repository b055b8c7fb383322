"""Fixtures for the agent's tests: plain pytest, no Django, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from agent_fakes import TOKEN, FakeClock, FakeNode, FakeService, fixture_text

from spoguild_agent import Config, Spool


@pytest.fixture
def fake_node() -> Iterator[FakeNode]:
    node = FakeNode(fixture_text("sample-metrics-legacy.prom"))
    node.start()
    yield node
    node.stop()


@pytest.fixture
def fake_service() -> Iterator[FakeService]:
    service = FakeService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Spool]:
    with Spool(tmp_path / "spool.db") as spool:
        yield spool


@pytest.fixture
def make_config(
    tmp_path: Path, fake_node: FakeNode, fake_service: FakeService
) -> Callable[..., Config]:
    def make(**changes: Any) -> Config:
        values: dict[str, Any] = {
            "service_url": fake_service.base_url,
            "token": TOKEN,
            "metrics_url": fake_node.url,
            "interval": 60.0,
            "timeout": 2.0,
            "spool_path": str(tmp_path / "spool.db"),
        }
        values.update(changes)
        return Config(**values)

    return make
