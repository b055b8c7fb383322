"""Log formatting that shows the context passed in ``extra={}``.

Call sites name the organization and object concerned through ``extra``; this
formatter appends them as ``key=value`` pairs. Keys that look like secrets are
masked, so a careless ``extra={"token": ...}`` never reaches a log file.
"""

from __future__ import annotations

import logging

# Attributes every LogRecord has; anything else came from ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_SECRET_WORDS = ("token", "secret", "password", "key_hash", "authorization", "salt")


def _masked(key: str, value: object) -> object:
    if any(word in key.lower() for word in _SECRET_WORDS):
        return "[redacted]"
    return value


class ContextFormatter(logging.Formatter):
    """Appends the record's ``extra`` fields, secrets masked."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = {
            key: _masked(key, value)
            for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_")
        }
        if not extras:
            return text
        pairs = " ".join(f"{key}={value}" for key, value in sorted(extras.items()))
        return f"{text} {pairs}"
