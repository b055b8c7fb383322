from __future__ import annotations

import logging
from typing import Any

from apps.apikeys.models import TOKEN_KIND, ApiKey
from apps.organizations.models import Organization
from spoguild import tokens

logger = logging.getLogger(__name__)


def create_api_key(
    organization: Organization, creator: Any, name: str, scope: str
) -> tuple[ApiKey, str]:
    """Creates a key and returns it with its plaintext, which is never stored."""
    token = tokens.issue(TOKEN_KIND)
    key = ApiKey.objects.create(
        organization=organization,
        name=name,
        scope=scope,
        lookup=token.lookup,
        digest=token.digest,
        created_by=creator,
    )
    logger.info(
        "API key created",
        extra={"organization": organization.public_id, "api_key": key.prefix},
    )
    return key, token.plaintext


def revoke_api_key(key: ApiKey) -> None:
    key.revoke()
    logger.info(
        "API key revoked",
        extra={"organization": key.organization.public_id, "api_key": key.prefix},
    )
