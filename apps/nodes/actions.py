"""Registering nodes and managing their agent tokens."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from apps.nodes.models import AGENT_TOKEN_KIND, Node
from apps.organizations.models import Organization
from spoguild import tokens

logger = logging.getLogger(__name__)


def create_node(organization: Organization, **fields: Any) -> tuple[Node, str]:
    """Registers a node and returns it with its first agent token (shown once)."""
    node = Node(organization=organization, **fields)
    plaintext = _set_token(node)
    node.save()
    logger.info(
        "Node registered",
        extra={"organization": organization.public_id, "node": node.public_id},
    )
    return node, plaintext


def rotate_agent_token(node: Node) -> str:
    """Replaces the node's token; the old one stops working at once."""
    plaintext = _set_token(node)
    node.save(update_fields=["token_lookup", "token_digest", "token_created_at"])
    logger.info("Agent token rotated", extra={"node": node.public_id})
    return plaintext


def revoke_agent_token(node: Node) -> None:
    node.token_lookup = None
    node.token_digest = ""
    node.token_created_at = None
    node.save(update_fields=["token_lookup", "token_digest", "token_created_at"])
    logger.info("Agent token revoked", extra={"node": node.public_id})


def find_node_by_token(plaintext: str) -> Node | None:
    """The node a presented agent token belongs to, or None."""
    lookup = tokens.split(plaintext, AGENT_TOKEN_KIND)
    if lookup is None:
        return None
    # No ordering: the lookup is unique, and ORDER BY would cost on every request.
    node = Node.objects.filter(token_lookup=lookup).order_by().first()
    if node is None or not tokens.matches(plaintext, node.token_digest):
        return None
    return node


def _set_token(node: Node) -> str:
    token = tokens.issue(AGENT_TOKEN_KIND)
    node.token_lookup = token.lookup
    node.token_digest = token.digest
    node.token_created_at = timezone.now()
    return token.plaintext
