"""The client side of the intake protocol (PROTOCOL.md): one POST per batch."""

from __future__ import annotations

import email.utils
import gzip
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ._exceptions import (
    AcknowledgementError,
    AuthenticationError,
    PayloadTooLargeError,
    RateLimitedError,
    RejectedError,
    ServerError,
    ServiceError,
)
from ._transport import DEFAULT_TIMEOUT, Request, Response, Transport
from ._version import __version__

__all__ = ["PROTOCOL_VERSION", "SAMPLES_PATH", "Ack", "Sender"]

PROTOCOL_VERSION = 1
SAMPLES_PATH = "/api/v1/agent/samples"
MAX_RETRY_AFTER = 3600.0


@dataclass(frozen=True)
class Ack:
    """The service's acknowledgement of one batch."""

    accepted: int
    duplicates: int


class Sender:
    """Posts batches of samples to the service through a transport."""

    def __init__(
        self,
        service_url: str,
        token: str,
        transport: Transport,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.url = service_url.rstrip("/") + SAMPLES_PATH
        self._token = token
        self._transport = transport
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"Sender(url={self.url!r})"

    def send(self, samples: Sequence[str]) -> Ack:
        """Post one batch of samples, each already serialized as JSON text.

        An empty batch is valid: the service checks the token and answers
        with zero accepted, which is how ``spoguild-agent check`` tests it.
        Raises a ``ServiceError`` subclass for every non-2xx answer and for
        a 2xx that does not acknowledge exactly these samples, and a
        ``TransportError`` when there is no answer.
        """
        request = Request(
            "POST",
            self.url,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Accept": "application/json",
                "User-Agent": f"spoguild-agent/{__version__}",
            },
            body=gzip.compress(envelope(samples), compresslevel=6),
            timeout=self._timeout,
        )
        response = self._transport.handle_request(request)
        return _acknowledgement(response, len(samples))


def envelope(samples: Sequence[str]) -> bytes:
    """The request body, uncompressed; samples are spliced in as stored."""
    joined = ",".join(samples)
    return f'{{"version":{PROTOCOL_VERSION},"samples":[{joined}]}}'.encode()


def _acknowledgement(response: Response, sent: int) -> Ack:
    status = response.status_code
    if not 200 <= status < 300:
        raise _error(response)

    # Anything on the way (a proxy, a captive portal, another web server
    # behind a wrong service_url) can answer 200; only the service counts
    # the samples, so nothing else may empty the spool.
    try:
        return _read_ack(response, sent)
    except ValueError as exc:
        message = f"HTTP {status} is not an acknowledgement: {exc}"
        raise AcknowledgementError(message, status_code=status) from None


def _read_ack(response: Response, sent: int) -> Ack:
    try:
        answer = json.loads(response.body)
    except (ValueError, RecursionError):
        raise ValueError(f"the body is not JSON ({_describe(response)})") from None
    if not isinstance(answer, dict):
        raise ValueError(f"the body is a JSON {type(answer).__name__}, not an object")

    ack = Ack(_count(answer, "accepted"), _count(answer, "duplicates"))
    if ack.accepted + ack.duplicates != sent:
        raise ValueError(
            f"{ack.accepted} accepted + {ack.duplicates} duplicates"
            f" for {sent} samples sent"
        )
    return ack


def _count(answer: dict[str, object], key: str) -> int:
    if key not in answer:
        raise ValueError(f"no {key!r} in the answer")
    value = answer[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key!r} is {json.dumps(value)}, not a count")
    return value


def _error(response: Response) -> ServiceError:
    status = response.status_code
    if status == 400:
        answer = _json_object(response.body)
        if not isinstance(answer.get("error"), str):
            # A proxy's page, or Django refusing the Host header: nothing
            # about the samples, so none of them may go to quarantine.
            message = (
                f"HTTP 400 that is not the service's refusal ({_describe(response)})"
            )
            return ServiceError(message, status_code=status)
        field = str(answer["field"]) if answer.get("field") else None
        message = f"HTTP 400: {answer.get('error') or 'bad request'}"
        return RejectedError(
            message + (f" (field {field})" if field else ""), field=field
        )
    if status in (401, 403):
        message = f"HTTP {status}: the service refused the token"
        return AuthenticationError(message, status_code=status)
    if status == 413:
        return PayloadTooLargeError("HTTP 413: batch too large for the service")
    if status == 429:
        retry_after = parse_retry_after(response.header("retry-after"))
        return RateLimitedError("HTTP 429: rate limited", retry_after=retry_after)
    if status >= 500:
        return ServerError(f"HTTP {status} from the service", status_code=status)
    return ServiceError(
        f"unexpected HTTP {status} from the service", status_code=status
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    delay = when.timestamp() - (time.time() if now is None else now)
    return min(max(delay, 0.0), MAX_RETRY_AFTER)


def _describe(response: Response) -> str:
    kind = response.header("content-type") or "no Content-Type"
    start = response.body[:60]
    return f"{kind}, {len(response.body)} bytes" + (f": {start!r}" if start else "")


def _json_object(body: bytes) -> dict[str, object]:
    try:
        answer = json.loads(body) if body else {}
    except (ValueError, UnicodeDecodeError):
        return {}
    return answer if isinstance(answer, dict) else {}
