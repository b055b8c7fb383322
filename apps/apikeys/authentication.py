"""REST API authentication by organization API key (``Authorization: Bearer sgk_…``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.apikeys.models import TOKEN_KIND, ApiKey
from spoguild import tokens

# Writing last_used_at on every request would turn each read into a write;
# a minute's precision is plenty for "last used".
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiKeyActor:
    """Who a key-authenticated request acts as: the key's organization, nobody else."""

    api_key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiKeyActor, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode(
            errors="replace"
        )
        scheme, _sep, plaintext = header.partition(" ")
        if scheme != self.keyword or not plaintext.startswith(f"{TOKEN_KIND}_"):
            return None
        key = self._find(plaintext.strip())
        self._touch(key)
        return ApiKeyActor(api_key=key), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def _find(self, plaintext: str) -> ApiKey:
        lookup = tokens.split(plaintext, TOKEN_KIND)
        key = (
            ApiKey.objects.active()
            .select_related("organization")
            .filter(lookup=lookup)
            .first()
            if lookup
            else None
        )
        if key is None or not tokens.matches(plaintext, key.digest):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        return key

    def _touch(self, key: Any) -> None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
