"""Registering nodes and managing their agent tokens."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from apps.nodes.models import AGENT_TOKEN_KIND, Node
from apps.organizations.models import Organization
from spoguild import tokens

logger = logging.getLogger(__name__)

# Every intake request of every agent runs this one: written out, it skips
# the ORM's per-query compilation.
_AGENT_SQL = (
    "SELECT id, public_id, network, token_digest"
    f" FROM {Node._meta.db_table} WHERE token_lookup = %s"
)


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


def change_node(node: Node, **fields: Any) -> None:
    """Saves the given fields of the node, and only those.

    The intake writes ``last_refusal`` on its own at any moment: saving
    every field of a node read before would undo a refusal noted since.
    """
    for name, value in fields.items():
        setattr(node, name, value)
    node.save(update_fields=[*fields, "updated_at"])


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


@dataclass(frozen=True)
class AgentNode:
    """What an agent's request needs of its node: who it is and its network."""

    pk: int
    public_id: uuid.UUID
    network: str


def authenticate_agent(plaintext: str) -> AgentNode | None:
    """The node a presented agent token belongs to, or None."""
    lookup = tokens.split(plaintext, AGENT_TOKEN_KIND)
    if lookup is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_AGENT_SQL, [lookup])
        row = cursor.fetchone()
    if row is None or not tokens.matches(plaintext, row[3]):
        return None
    # SQLite hands the uuid back as hex text, PostgreSQL as a UUID.
    return AgentNode(pk=row[0], public_id=uuid.UUID(str(row[1])), network=row[2])


def _set_token(node: Node) -> str:
    token = tokens.issue(AGENT_TOKEN_KIND)
    node.token_lookup = token.lookup
    node.token_digest = token.digest
    node.token_created_at = timezone.now()
    return token.plaintext


# One write a minute at most: an agent retrying a bad batch in a loop must
# not turn each refusal into an UPDATE.
REFUSAL_RECORD_EVERY = timedelta(minutes=1)


def record_refusal(node_id: int, reason: str, now: datetime | None = None) -> None:
    """Keeps why the intake refused a batch of this node's agent."""
    now = now or timezone.now()
    reason = reason[: Node._meta.get_field("last_refusal").max_length]
    recent = Q(last_refusal_at__gt=now - REFUSAL_RECORD_EVERY, last_refusal=reason)
    Node.objects.filter(pk=node_id).exclude(recent).update(
        last_refusal=reason, last_refusal_at=now
    )
