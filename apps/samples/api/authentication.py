"""Authentication of the agent intake by a node's own token (``Bearer sga_...``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.nodes.actions import AgentNode, authenticate_agent


@dataclass(frozen=True)
class AgentActor:
    """Who a token-authenticated intake request acts as: one node, nothing else.

    It belongs to no organization's membership, so every other endpoint,
    which scopes by membership or API key, has nothing to show it.
    """

    node: AgentNode
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def __str__(self) -> str:
        return f"agent of node {self.node.public_id}"


class AgentTokenAuthentication(authentication.BaseAuthentication):
    """Accepts a node's agent token, and only on the view that names this class.

    Any other credential, an organization API key included, is refused with
    401 rather than ignored, so a misconfigured agent learns it at once.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AgentActor, AgentNode] | None:
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        scheme, _sep, plaintext = header.decode(errors="replace").partition(" ")
        node = authenticate_agent(plaintext.strip()) if scheme == self.keyword else None
        if node is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked agent token."))
        return AgentActor(node=node), node

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
