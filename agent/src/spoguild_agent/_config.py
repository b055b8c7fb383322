"""Configuration: a TOML file, then SPOGUILD_AGENT_* variables, then flags.

Each setting is declared once in ``SETTINGS``; the same parser checks it
whichever layer it came from, and a bad value raises ``ConfigError`` naming
the key and where the value came from.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import stat
import tomllib
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._collect_node import DEFAULT_METRICS_URL
from ._exceptions import ConfigError
from ._spool import spool_bound_for
from ._transport import DEFAULT_TIMEOUT

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ENV_PREFIX",
    "SETTINGS",
    "Config",
    "load_config",
]

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = "/etc/spoguild-agent/agent.toml"
DEFAULT_SPOOL_PATH = "/var/lib/spoguild-agent/spool.db"
ENV_PREFIX = "SPOGUILD_AGENT_"
NODE_SOCKET_ENV = "CARDANO_NODE_SOCKET_PATH"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Config:
    service_url: str
    token: str = field(repr=False)
    metrics_url: str = DEFAULT_METRICS_URL
    interval: float = 60.0
    timeout: float = DEFAULT_TIMEOUT
    spool_path: str = DEFAULT_SPOOL_PATH
    spool_max_samples: int | None = None
    """The spool's bound; None keeps at least seven days at ``interval``."""
    batch_size: int = 500
    verify_tls: bool = True
    ca_bundle: str | None = None
    node_process_name: str = "cardano-node"
    node_ports: tuple[int, ...] = ()
    net_include: tuple[str, ...] = ()
    net_exclude: tuple[str, ...] = ("lo",)
    disk_include: tuple[str, ...] = ()
    disk_exclude: tuple[str, ...] = ()
    log_level: str = "INFO"
    opcert_file: str | None = None
    cardano_cli: str = "cardano-cli"
    node_socket: str | None = None
    network: str | int = "mainnet"

    @property
    def spool_bound(self) -> int:
        """How many samples the spool keeps before it drops the oldest."""
        return self.spool_max_samples or spool_bound_for(self.interval)


# Parsers take a TOML value or a string from the environment or a flag and
# raise ValueError with a message that never repeats a secret.
_Parser = Callable[[object], Any]


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _url(value: object) -> str:
    url = _text(value)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    return url


def _token(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[\x21-\x7e]+", value.strip()):
        raise ValueError("expected one word of printable ASCII characters")
    return value.strip()


def _number(low: float, high: float) -> _Parser:
    def parse(value: object) -> float:
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValueError
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
        if not low <= number <= high:
            raise ValueError(
                f"expected a number from {low:g} to {high:g}, got {value!r}"
            )
        return number

    return parse


def _integer(low: int, high: int) -> _Parser:
    def parse(value: object) -> int:
        try:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError
            number = int(value)
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None
        if not low <= number <= high:
            raise ValueError(
                f"expected a whole number from {low} to {high}, got {value!r}"
            )
        return number

    return parse


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"expected true or false, got {value!r}")


def _words(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(word.strip() for word in value.split(",") if word.strip())
    if isinstance(value, list) and all(isinstance(w, str) for w in value):
        return tuple(w.strip() for w in value if w.strip())
    raise ValueError("expected a list of strings (comma-separated outside TOML)")


def _ports(value: object) -> tuple[int, ...]:
    items = _words(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected a list of port numbers")
    port = _integer(1, 65535)
    return tuple(port(item) for item in items)


def _existing_file(value: object) -> str:
    path = _text(value)
    if not os.path.isfile(path):
        raise ValueError(f"no such file: {path}")
    return path


# cardano-cli knows only --mainnet and magics; these are the public testnets'.
_NAMED_NETWORKS: dict[str, str | int] = {
    "mainnet": "mainnet",
    "preprod": 1,
    "preview": 2,
}


def _network(value: object) -> str | int:
    if isinstance(value, str) and value.strip().lower() in _NAMED_NETWORKS:
        return _NAMED_NETWORKS[value.strip().lower()]
    try:
        magic: int = _integer(0, 2**32 - 1)(value)
    except ValueError:
        raise ValueError(
            f"expected mainnet, preprod, preview or a testnet magic, got {value!r}"
        ) from None
    return magic


def _log_level(value: object) -> str:
    level = _text(value).upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return level


@dataclass(frozen=True)
class Setting:
    name: str
    parse: _Parser
    help: str
    is_path: bool = False
    flag: bool = True

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("service_url", _url, "base URL of the SPO Guild service"),
    # No flag: a token on the command line is visible to every user in ps.
    Setting("token", _token, "agent token", flag=False),
    Setting("token_file", _text, "file holding the agent token", is_path=True),
    Setting("metrics_url", _url, "cardano-node Prometheus endpoint"),
    Setting("interval", _number(1, 3600), "seconds between samples"),
    Setting("timeout", _number(1, 120), "seconds to wait for any answer"),
    Setting("spool_path", _text, "SQLite spool file", is_path=True),
    Setting("spool_max_samples", _integer(1, 10_000_000), "spool bound"),
    Setting("batch_size", _integer(1, 5000), "samples per request"),
    Setting("verify_tls", _boolean, "verify the service's TLS certificate"),
    Setting("ca_bundle", _existing_file, "CA bundle for the service", is_path=True),
    Setting("node_process_name", _text, "name of the node's process"),
    Setting("node_ports", _ports, "the node's listening ports (comma-separated)"),
    Setting("net_include", _words, "network interfaces to count (globs)"),
    Setting("net_exclude", _words, "network interfaces to skip (globs)"),
    Setting("disk_include", _words, "mountpoints to report (globs)"),
    Setting("disk_exclude", _words, "mountpoints to skip (globs)"),
    Setting("log_level", _log_level, "DEBUG, INFO, WARNING or ERROR"),
    Setting(
        "opcert_file",
        _text,
        "operational certificate; enables the op-cert counter check",
        is_path=True,
    ),
    Setting("cardano_cli", _text, "cardano-cli program for the op-cert check"),
    Setting(
        "node_socket",
        _text,
        f"cardano-node's socket (default ${NODE_SOCKET_ENV})",
        is_path=True,
    ),
    Setting("network", _network, "mainnet, preprod, preview or a testnet magic"),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}

# Layers in rising precedence; a value remembers where it came from.
_FILE, _ENV, _FLAG = 0, 1, 2


@dataclass(frozen=True)
class _Raw:
    value: object
    source: str
    layer: int


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """Build the configuration from a TOML file, the environment and flags.

    ``path`` (or SPOGUILD_AGENT_CONFIG) must exist when given; the default
    path may be missing, for setups configured by environment alone.
    ``overrides`` maps setting names to flag values; ``None`` means unset.
    """
    env = os.environ if env is None else env
    raw: dict[str, _Raw] = {}
    raw.update(_from_file(path, env))
    raw.update(_from_env(env))
    raw.update(_from_flags(overrides or {}))

    values = {name: _parse(name, item) for name, item in raw.items()}
    values["token"] = _resolve_token(raw, values)
    values.pop("token_file", None)
    _resolve_node_socket(values, env)
    if "service_url" not in values:
        raise ConfigError(
            "service_url",
            f"missing; set it in the config file, {ENV_PREFIX}SERVICE_URL"
            " or --service-url",
        )
    return Config(**values)


def _from_file(
    path: str | os.PathLike[str] | None, env: Mapping[str, str]
) -> dict[str, _Raw]:
    explicit = path if path is not None else env.get(ENV_PREFIX + "CONFIG")
    file = Path(explicit if explicit else DEFAULT_CONFIG_PATH)
    try:
        with file.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        if explicit:
            raise ConfigError("config", f"no such file: {file}") from None
        return {}
    except OSError as exc:
        raise ConfigError("config", f"cannot read {file}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"{file} is not valid TOML: {exc}") from None

    source = f"file {file}"
    raw = {}
    for name, value in document.items():
        setting = _setting(name, source)
        if setting.is_path and isinstance(value, str) and value:
            value = str(file.parent / value)
        raw[name] = _Raw(value, source, _FILE)
    return raw


def _from_env(env: Mapping[str, str]) -> dict[str, _Raw]:
    return {
        s.name: _Raw(env[s.env_var], f"environment {s.env_var}", _ENV)
        for s in SETTINGS
        if env.get(s.env_var, "") != ""
    }


def _from_flags(overrides: Mapping[str, object]) -> dict[str, _Raw]:
    raw = {}
    for name, value in overrides.items():
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        _setting(name, f"flag {flag}")
        raw[name] = _Raw(value, f"flag {flag}", _FLAG)
    return raw


def _setting(name: str, source: str) -> Setting:
    if name in _BY_NAME:
        return _BY_NAME[name]
    guess = difflib.get_close_matches(name, _BY_NAME, n=1)
    hint = f"; did you mean {guess[0]}?" if guess else ""
    raise ConfigError(name, f"unknown setting{hint}", source=source)


def _parse(name: str, item: _Raw) -> Any:
    try:
        return _BY_NAME[name].parse(item.value)
    except ValueError as exc:
        raise ConfigError(name, str(exc), source=item.source) from None


def _resolve_node_socket(values: dict[str, Any], env: Mapping[str, str]) -> None:
    # cardano-cli's own variable, so a producer's usual shell setup carries over.
    if "node_socket" not in values and env.get(NODE_SOCKET_ENV):
        values["node_socket"] = env[NODE_SOCKET_ENV]
    if "opcert_file" in values and "node_socket" not in values:
        raise ConfigError(
            "node_socket",
            f"missing; opcert_file needs the node's socket: set node_socket"
            f" or {NODE_SOCKET_ENV}",
        )


def _resolve_token(raw: Mapping[str, _Raw], values: Mapping[str, Any]) -> str:
    direct, file = raw.get("token"), raw.get("token_file")
    if direct is None and file is None:
        raise ConfigError(
            "token", "missing; set token_file (preferred) or token", source=None
        )
    if direct is not None and file is not None and direct.layer == file.layer:
        raise ConfigError(
            "token", "set either token or token_file, not both", source=direct.source
        )
    if file is None or (direct is not None and direct.layer > file.layer):
        return str(values["token"])
    return _read_token(str(values["token_file"]), file.source)


def _read_token(path: str, source: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
        mode = os.stat(path).st_mode
    except (OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(
            "token_file", f"cannot read {path}: {problem}", source=source
        ) from None

    if mode & stat.S_IROTH:
        logger.warning("token file %s is readable by every user; chmod 640 it", path)
    try:
        return _token(text)
    except ValueError as exc:
        raise ConfigError("token_file", f"{path}: {exc}", source=source) from None
