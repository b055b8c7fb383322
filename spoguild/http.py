"""The one way SPO Guild talks to other servers over HTTP.

Every outbound call goes through a :class:`Client`, which owns a
``requests.Session`` and adds what a bare ``requests.get`` forgets:

* a timeout on every request (:data:`DEFAULT_TIMEOUT`, connect and read);
* a User-Agent that names the service;
* one exception tree that tells a temporary failure (timeout, refused
  connection, 429, 5xx), worth retrying later, from a permanent one (any other
  4xx), which will fail the same way again;
* retries of temporary failures with exponential backoff and jitter, honouring
  ``Retry-After``, through an injectable sleeper so tests never really sleep;
* an optional token bucket, for APIs that publish a request rate;
* a per-source count of requests sent (:data:`calls`), read by benchmarks;
* for user-supplied URLs (webhooks), a refusal to call private, loopback or
  link-local addresses (:func:`check_public_url`).

The address check resolves the host before each attempt and redirects are not
followed, but the connection resolves the name again: a host that answers DNS
differently the second time (DNS rebinding) can still slip through.
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urlsplit

import requests

from spoguild import __version__

logger = logging.getLogger(__name__)

#: Seconds to wait for the TCP connection, then for each read of the response.
DEFAULT_TIMEOUT: Final = (3.05, 20.0)
USER_AGENT: Final = f"SPOGuild/{__version__} (Cardano stake pool monitor)"

Timeout = float | tuple[float, float]
Sleeper = Callable[[float], None]
Clock = Callable[[], float]
AddressResolver = Callable[..., list[Any]]


class HttpError(Exception):
    """A request failed. ``str()`` names the host only: paths can hold secrets."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.url = url
        self.status = status
        self.retry_after = retry_after


class TemporaryError(HttpError):
    """Worth trying again later: a timeout, a refused connection, a 429 or a 5xx."""


class TimedOut(TemporaryError):
    """The server did not connect or answer within the timeout."""


class RateLimited(TemporaryError):
    """The server answered 429; ``retry_after`` holds its ``Retry-After``."""


class PermanentError(HttpError):
    """The same request will fail again: a 4xx other than 429, or bad input."""


class NotFound(PermanentError):
    """The server answered 404."""


class UnsafeURL(PermanentError):
    """A user-supplied URL points at a private, loopback or link-local address."""


class CallCounter:
    """Requests sent per source name, in this process, retries included."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, source: str) -> None:
        with self._lock:
            self._counts[source] += 1

    def __getitem__(self, source: str) -> int:
        with self._lock:
            return self._counts[source]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


#: The process-wide counter clients use unless given their own.
calls = CallCounter()


class TokenBucket:
    """Allows ``burst`` requests at once, then ``rate`` per second.

    The bucket lives in this process only: several workers sharing one IP
    address each get the full rate, so size ``rate`` for that.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleeper = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Take one token, sleeping until one is available."""
        with self._lock:
            self._refill()
            if self._tokens < 1:
                self._sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens = max(self._tokens - 1, 0.0)

    def drain(self) -> None:
        """Empty the bucket, so requests after a 429 are paced, not bursted."""
        with self._lock:
            self._refill()
            self._tokens = 0.0

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(now - self._updated, 0.0)
        self._tokens = min(self._tokens + elapsed * self.rate, float(self.burst))
        self._updated = now


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry temporary errors.

    ``attempts`` counts the first try. ``rate_limit_delay`` is the wait after a
    429 that carries no ``Retry-After`` (Koios penalises for a fixed 60 s); when
    it is None such a 429 backs off like a 5xx. A ``Retry-After`` longer than
    ``max_retry_after`` is not waited for: the error is raised with it, so a
    scheduled task can come back later instead of holding a worker.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    rate_limit_delay: float | None = None

    def delay(
        self, attempt: int, error: TemporaryError, rand: Callable[[], float]
    ) -> float | None:
        """Seconds to wait after failed ``attempt`` (1-based), or None to give up."""
        if attempt >= self.attempts:
            return None
        if error.retry_after is not None:
            return (
                error.retry_after if error.retry_after <= self.max_retry_after else None
            )
        if isinstance(error, RateLimited) and self.rate_limit_delay is not None:
            return self.rate_limit_delay
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        # Equal jitter: spread clients apart but never retry at once.
        return backoff / 2 + rand() * backoff / 2


DEFAULT_RETRY: Final = RetryPolicy()
NO_RETRY: Final = RetryPolicy(attempts=1)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from ``now`` (UNIX time) asked for by a ``Retry-After`` header."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(moment.timestamp() - now, 0.0)


def check_public_url(
    url: str,
    *,
    allow_private: bool = False,
    resolve: AddressResolver = socket.getaddrinfo,
) -> None:
    """Raise :class:`UnsafeURL` unless every address of the URL's host is public.

    ``allow_private`` is for tests and for hosts an administrator configured as
    trusted, never for what a user typed.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL("Only http and https URLs with a host can be called.", url=url)
    if allow_private:
        return

    for address in _addresses(parts.hostname, parts.port, url, resolve):
        if not _is_public(address):
            raise UnsafeURL(f"{parts.hostname} is not a public address.", url=url)


def _addresses(
    host: str, port: int | None, url: str, resolve: AddressResolver
) -> list[str]:
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TemporaryError(f"Cannot resolve {host}.", url=url) from exc
    # An IPv6 scope ("fe80::1%eth0") is no part of the address itself.
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class Client:
    """Sends requests for one named source; see the module docstring.

    ``url`` arguments are joined to ``base_url`` unless they are absolute.
    With ``public_only`` every URL is checked with :func:`check_public_url`
    (hosts in ``trusted_hosts`` excepted) and redirects are refused. POSTs are
    retried like GETs (the chain sources' POSTs are reads); pass
    :data:`NO_RETRY` where sending twice would do harm.
    """

    def __init__(
        self,
        source: str,
        *,
        base_url: str = "",
        headers: Mapping[str, str] | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        limiter: TokenBucket | None = None,
        session: requests.Session | None = None,
        counter: CallCounter = calls,
        sleep: Sleeper = time.sleep,
        rand: Callable[[], float] = random.random,
        public_only: bool = False,
        trusted_hosts: Collection[str] = (),
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self.limiter = limiter
        self.counter = counter
        self.public_only = public_only
        self.trusted_hosts = frozenset(trusted_hosts)
        self._sleep = sleep
        self._rand = rand
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})

    def get_json(self, url: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return decode_json(self.request("GET", url, params=params), self.source)

    def post_json(
        self, url: str, body: Any, *, params: Mapping[str, Any] | None = None
    ) -> Any:
        return decode_json(
            self.request("POST", url, params=params, json=body), self.source
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send, retrying temporary errors as the retry policy allows."""
        url = self._absolute(url)
        for attempt in itertools.count(1):
            try:
                return self._send(method, url, params, json, headers)
            except TemporaryError as error:
                delay = self.retry.delay(attempt, error, self._rand)
                if delay is None:
                    raise
                self._log_retry(error, attempt, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self.session.close()

    def _absolute(self, url: str) -> str:
        if urlsplit(url).scheme:
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json: Any,
        headers: Mapping[str, str] | None,
    ) -> requests.Response:
        if self.public_only:
            host = urlsplit(url).hostname or ""
            check_public_url(url, allow_private=host in self.trusted_hosts)
        if self.limiter is not None:
            self.limiter.acquire()

        self.counter.add(self.source)
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=not self.public_only,
            )
        except requests.RequestException as exc:
            raise self._transport_error(exc, url) from exc
        self._raise_for_status(response, url)
        return response

    def _transport_error(self, exc: requests.RequestException, url: str) -> HttpError:
        host = urlsplit(url).hostname
        # ConnectTimeout is also a ConnectionError: test for timeouts first.
        if isinstance(exc, requests.Timeout):
            return TimedOut(
                f"{host} did not answer in time.", source=self.source, url=url
            )
        if isinstance(exc, requests.ConnectionError):
            return TemporaryError(
                f"Could not connect to {host}.", source=self.source, url=url
            )
        return PermanentError(
            f"Request to {host} failed: {type(exc).__name__}.",
            source=self.source,
            url=url,
        )

    def _raise_for_status(self, response: requests.Response, url: str) -> None:
        status = response.status_code
        if status < 300:
            return
        message = f"{urlsplit(url).hostname} answered {status}{_detail(response)}"
        kwargs: dict[str, Any] = {"source": self.source, "url": url, "status": status}

        if status == 429:
            if self.limiter is not None:
                self.limiter.drain()
            retry_after = parse_retry_after(
                response.headers.get("Retry-After"), time.time()
            )
            raise RateLimited(message, retry_after=retry_after, **kwargs)
        if status >= 500:
            raise TemporaryError(message, **kwargs)
        if status == 404:
            raise NotFound(message, **kwargs)
        # 3xx lands here only when redirects are refused (public_only).
        raise PermanentError(message, **kwargs)

    def _log_retry(self, error: TemporaryError, attempt: int, delay: float) -> None:
        logger.info(
            "Retrying %s after %s (attempt %d) in %.1f s",
            self.source,
            type(error).__name__,
            attempt,
            delay,
            extra={"source": self.source, "status": error.status},
        )


def _detail(response: requests.Response) -> str:
    """The error text an API put in its body (Blockfrost's ``message``), short."""
    try:
        body = response.json()
    except ValueError:
        return "."
    message = body.get("message") if isinstance(body, dict) else None
    return f": {str(message)[:200]}" if message else "."


def decode_json(response: requests.Response, source: str) -> Any:
    """The response body as JSON, or :class:`PermanentError` if it is not."""
    try:
        return response.json()
    except ValueError as exc:
        host = urlsplit(response.url).hostname
        raise PermanentError(
            f"{host} answered with something other than JSON.",
            source=source,
            url=response.url,
            status=response.status_code,
        ) from exc
