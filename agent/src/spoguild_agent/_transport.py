"""HTTP plumbing: request and response types, and the default transport.

Everything the agent sends or fetches goes through a ``Transport``, so tests
(and unusual deployments) can pass their own object instead of real sockets.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol

from ._exceptions import ConnectError, TransportError, TransportTimeout

__all__ = [
    "DEFAULT_TIMEOUT",
    "HTTPTransport",
    "Request",
    "Response",
    "Transport",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait for a connection or an answer, for every request."""

MAX_RESPONSE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: Mapping[str, str]
    """Header names are lower-cased."""
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Transport(Protocol):
    """Anything that turns a ``Request`` into a ``Response``.

    A transport returns every HTTP answer, whatever its status, and raises
    ``TransportError`` only when there is no answer at all.
    """

    def handle_request(self, request: Request) -> Response: ...


class HTTPTransport:
    """The standard library's urllib, with TLS verified and no redirects."""

    def __init__(
        self,
        *,
        verify: bool = True,
        ca_bundle: str | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        https = urllib.request.HTTPSHandler(context=_ssl_context(verify, ca_bundle))
        self._opener = urllib.request.build_opener(https, _NoRedirect())
        # A proxy from the environment must never see the node's own
        # metrics endpoint on 127.0.0.1.
        self._direct = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), https, _NoRedirect()
        )
        self._max_response_bytes = max_response_bytes

    def handle_request(self, request: Request) -> Response:
        opener = self._direct if _is_loopback(request.url) else self._opener
        outgoing = urllib.request.Request(
            request.url,
            data=request.body,
            headers=dict(request.headers),
            method=request.method,
        )
        host = urllib.parse.urlsplit(request.url).netloc
        try:
            with opener.open(outgoing, timeout=request.timeout) as answer:
                body = self._read(answer)
                return Response(answer.status, _lower(answer.headers), body)
        except urllib.error.HTTPError as exc:
            with exc:
                try:
                    body = self._read(exc)
                except (OSError, http.client.HTTPException):
                    body = b""
                return Response(exc.code, _lower(exc.headers), body)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise TransportTimeout(f"{host}: timed out") from exc
            raise ConnectError(f"{host}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise TransportTimeout(f"{host}: timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TransportError(f"{host}: {exc or type(exc).__name__}") from exc

    def _read(self, stream: http.client.HTTPResponse | urllib.error.HTTPError) -> bytes:
        body = stream.read(self._max_response_bytes + 1)
        if len(body) > self._max_response_bytes:
            raise TransportError(
                f"response larger than {self._max_response_bytes} bytes"
            )
        return body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would silently turn the POST into a GET or carry the token
    # to another host; the 3xx is handed back as an answer instead.
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


def _ssl_context(verify: bool, ca_bundle: str | None) -> ssl.SSLContext:
    if verify:
        return ssl.create_default_context(cafile=ca_bundle)

    logger.warning("TLS certificate verification is switched off (verify_tls)")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _lower(headers: Message | None) -> dict[str, str]:
    if headers is None:
        return {}
    return {name.lower(): value for name, value in headers.items()}
