"""Typed, validated reads of the process environment, for the settings module only.

A value that cannot be parsed is an error that names the variable; nothing is
silently coerced to a default. Each secret may also come from ``NAME_FILE``, the
path of a file holding it (Docker and systemd credentials work that way).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The reader's methods are named after the types they return, which shadows
# those builtins inside the class body; annotations use these aliases.
_Str = str
_Bool = bool
_Int = int
_List = list

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# Some cardano-node releases have two numbers ("10.2"), most have three.
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?")


class Env:
    """Reads settings from a mapping (the process environment by default)."""

    def __init__(self, source: Mapping[_Str, _Str] | None = None) -> None:
        self.source = os.environ if source is None else source

    def raw(self, name: _Str) -> _Str | None:
        value = self.source.get(name)
        if value is not None and value.strip() != "":
            return value.strip()
        return None

    def str(self, name: _Str, default: _Str | None = None) -> _Str | None:
        return self.raw(name) or default

    def required(self, name: _Str) -> _Str:
        value = self.secret(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} must be set in production.")
        return value

    def secret(self, name: _Str, default: _Str | None = None) -> _Str | None:
        """Reads NAME, or the contents of the file named by NAME_FILE."""
        value = self.raw(name)
        if value is not None:
            return value
        path = self.raw(f"{name}_FILE")
        if path is None:
            return default
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {path}: {exc}"
            ) from exc

    def bool(self, name: _Str, default: _Bool) -> _Bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean; use one of true/false, 1/0, yes/no."
        )

    def int(self, name: _Str, default: _Int, minimum: _Int | None = None) -> _Int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
        return number

    def version(self, name: _Str, default: _Str) -> _Str:
        """A release number such as 10.7.0 or 10.2: two or three integers."""
        value = self.raw(name) or default
        if not _VERSION.fullmatch(value):
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a release number such as 10.7.0."
            )
        return value

    def list(self, name: _Str, default: _List[_Str] | None = None) -> _List[_Str]:
        value = self.raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: _Str, choices: tuple[_Str, ...], default: _Str) -> _Str:
        value = (self.raw(name) or default).lower()
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name}={value!r} must be one of: {', '.join(choices)}."
            )
        return value
