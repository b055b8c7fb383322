"""A new secret's plaintext, kept for the one page view that shows it.

Forms that make a token or key redirect to the page that shows it
(post/redirect/get), so a reload neither resubmits nor makes a second one.
Between the two requests the plaintext waits in the cache, not in the
session: session rows stay in the database, and in its backups, for the
session's whole life when the redirect is never followed. Here it is bound to
the browser's session, taken by the first read and gone after a few minutes
anyway.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

KEPT_FOR_SECONDS = 300


def keep(request: HttpRequest, purpose: str, secret: dict[str, Any]) -> None:
    """Keeps ``secret`` for the next ``take`` of ``purpose`` in this session."""
    if request.session.session_key is None:
        request.session.save()  # a key to bind the secret to
    cache.set(_key(request, purpose), secret, timeout=KEPT_FOR_SECONDS)


def take(request: HttpRequest, purpose: str) -> dict[str, Any] | None:
    """The secret kept for ``purpose``, once; None when taken or expired."""
    if request.session.session_key is None:
        return None
    key = _key(request, purpose)
    secret: dict[str, Any] | None = cache.get(key)
    if secret is not None:
        cache.delete(key)
    return secret


def _key(request: HttpRequest, purpose: str) -> str:
    # Hashed: the session key is a credential, and cache key names are
    # listed by anyone who can browse the cache.
    session = hashlib.sha256(str(request.session.session_key).encode()).hexdigest()
    return f"shown-once:{purpose}:{session}"
