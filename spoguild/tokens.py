"""Secrets handed to people and machines: invitation links, API keys, agent tokens.

A token is ``<kind>_<lookup>_<secret>``. Only its SHA-256 is stored; the short
``lookup`` part is not secret and finds the row without scanning hashes. The
secret part carries 256 bits of randomness, so a fast hash is enough: a slow
password hash would only cost time on every API request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

LOOKUP_LENGTH = 8
# What issue() makes; anything else never reaches the database, where a NUL
# character would be an error rather than a miss.
_LOOKUP = re.compile(f"[0-9a-f]{{{LOOKUP_LENGTH}}}")


@dataclass(frozen=True)
class IssuedToken:
    """A freshly made token: show ``plaintext`` once, store the rest."""

    plaintext: str
    lookup: str
    digest: str


def digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue(kind: str) -> IssuedToken:
    lookup = secrets.token_hex(LOOKUP_LENGTH // 2)
    plaintext = f"{kind}_{lookup}_{secrets.token_urlsafe(32)}"
    return IssuedToken(plaintext=plaintext, lookup=lookup, digest=digest(plaintext))


def split(plaintext: str, kind: str) -> str | None:
    """The lookup part of a well-formed token of this kind, else None."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != kind or not _LOOKUP.fullmatch(parts[1]):
        return None
    return parts[1]


def matches(plaintext: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(plaintext), stored_digest)
