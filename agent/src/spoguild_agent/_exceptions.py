"""The agent's one exception tree.

AgentError
├── ConfigError            a setting is missing or invalid (names the key)
├── SpoolError             the on-disk spool cannot be opened or written
├── MetricsError           the node's metrics endpoint is down or garbled
├── OpcertError            cardano-cli gave no op-cert counters
├── TransportError         no HTTP answer at all
│   ├── ConnectError       refused, unresolvable, TLS failure
│   └── TransportTimeout   no answer within the timeout
└── ServiceError           the answer is not a success the agent can act on
    ├── RejectedError          400: the service refused the input
    ├── AuthenticationError    401/403: the token is wrong or revoked
    ├── PayloadTooLargeError   413: the batch must be split
    ├── RateLimitedError       429: come back after ``retry_after`` seconds
    ├── ServerError            5xx: temporary trouble on the service side
    └── AcknowledgementError   2xx that does not count the batch: not the service
"""

from __future__ import annotations

import re

__all__ = [
    "AcknowledgementError",
    "AgentError",
    "AuthenticationError",
    "ConfigError",
    "ConnectError",
    "MetricsError",
    "OpcertError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "RejectedError",
    "ServerError",
    "ServiceError",
    "SpoolError",
    "TransportError",
    "TransportTimeout",
]

_SAMPLE_FIELD = re.compile(r"^samples\[(\d+)\]")


class AgentError(Exception):
    """Base class of every error the agent raises on purpose."""


class ConfigError(AgentError):
    """A setting is missing or invalid; ``key`` names it."""

    def __init__(self, key: str, problem: str, *, source: str | None = None) -> None:
        self.key = key
        self.problem = problem
        self.source = source
        where = f" (from {source})" if source else ""
        super().__init__(f"{key}: {problem}{where}")


class SpoolError(AgentError):
    """The on-disk spool cannot be opened, read or written."""


class MetricsError(AgentError):
    """The node's Prometheus endpoint gave no usable answer."""


class OpcertError(AgentError):
    """``cardano-cli query kes-period-info`` failed or said nothing usable."""


class TransportError(AgentError):
    """The request got no HTTP answer (network, TLS, timeout)."""


class ConnectError(TransportError):
    """The connection could not be made: refused, no route, DNS or TLS."""


class TransportTimeout(TransportError):
    """No answer arrived within the timeout."""


class ServiceError(AgentError):
    """The service answered, but not with a success the agent can act on."""

    def __init__(self, message: str, *, status_code: int) -> None:
        self.status_code = status_code
        super().__init__(message)


class RejectedError(ServiceError):
    """HTTP 400: the service refused the input; ``field`` says where."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message, status_code=400)

    @property
    def sample_index(self) -> int | None:
        """Index in the batch of the rejected sample, when ``field`` names one."""
        match = _SAMPLE_FIELD.match(self.field or "")
        return int(match.group(1)) if match else None


class AuthenticationError(ServiceError):
    """HTTP 401 or 403: the service does not accept the token."""


class PayloadTooLargeError(ServiceError):
    """HTTP 413: the request body is larger than the service accepts."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=413)


class RateLimitedError(ServiceError):
    """HTTP 429: the service asks to wait ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(message, status_code=429)


class ServerError(ServiceError):
    """HTTP 5xx: the service is in temporary trouble."""


class AcknowledgementError(ServiceError):
    """A 2xx whose body does not acknowledge the batch that was sent.

    A wrong ``service_url``, a proxy or a captive portal answers 200 too;
    only the service counts the samples, so the agent keeps them and retries.
    """
