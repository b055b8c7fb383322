"""SPO Guild's server agent: samples a stake pool's host and cardano-node.

The command line (``spoguild-agent run | once | check``) is the usual way
in; the names below are for embedding and for tests.
"""

from ._agent import Agent, Collector
from ._collect_host import HostCollector
from ._collect_node import DEFAULT_METRICS_URL, NODE_KEYS, collect_node, parse_metrics
from ._config import DEFAULT_CONFIG_PATH, Config, load_config
from ._delivery import Delivery, FlushResult
from ._exceptions import (
    AcknowledgementError,
    AgentError,
    AuthenticationError,
    ConfigError,
    ConnectError,
    MetricsError,
    OpcertError,
    PayloadTooLargeError,
    RateLimitedError,
    RejectedError,
    ServerError,
    ServiceError,
    SpoolError,
    TransportError,
    TransportTimeout,
)
from ._sender import PROTOCOL_VERSION, Ack, Sender
from ._spool import DEFAULT_SPOOL_MAX_SAMPLES, MemoryStore, Spool, SpooledSample
from ._transport import DEFAULT_TIMEOUT, HTTPTransport, Request, Response, Transport
from ._version import __version__

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_METRICS_URL",
    "DEFAULT_SPOOL_MAX_SAMPLES",
    "DEFAULT_TIMEOUT",
    "NODE_KEYS",
    "PROTOCOL_VERSION",
    "Ack",
    "AcknowledgementError",
    "Agent",
    "AgentError",
    "AuthenticationError",
    "Collector",
    "Config",
    "ConfigError",
    "ConnectError",
    "Delivery",
    "FlushResult",
    "HTTPTransport",
    "HostCollector",
    "MemoryStore",
    "MetricsError",
    "OpcertError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "RejectedError",
    "Request",
    "Response",
    "Sender",
    "ServerError",
    "ServiceError",
    "Spool",
    "SpoolError",
    "SpooledSample",
    "Transport",
    "TransportError",
    "TransportTimeout",
    "__version__",
    "collect_node",
    "load_config",
    "parse_metrics",
]
