from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.nodes.actions import create_node
from apps.nodes.models import Node
from tests.samples.payloads import NOW


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> object:
    """Pins the service's clock to payloads.NOW, when the samples were taken."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def relay(actors: SimpleNamespace) -> SimpleNamespace:
    """A relay of the owner's organization with its agent token."""
    node, token = create_node(actors.organization, name="relay1")
    return SimpleNamespace(node=node, token=token)


def reload(node: Node) -> Node:
    return Node.objects.select_related("state").get(pk=node.pk)
