"""The outbound HTTP client against a real local server: timeouts, retries,
error classes, private-address refusal and call counting."""

import socket
from collections.abc import Callable
from typing import Any

import pytest

from spoguild.http import (
    NO_RETRY,
    USER_AGENT,
    CallCounter,
    Client,
    NotFound,
    PermanentError,
    RateLimited,
    RetryPolicy,
    TemporaryError,
    TimedOut,
    UnsafeURL,
    check_public_url,
    parse_retry_after,
)
from tests.http.server import FakeServer, Handler, RecordingSleeper, Reply, replies

Serve = Callable[[Handler], FakeServer]
OK = Reply(200, {"ok": True})


def make_client(
    server: FakeServer,
    sleeper: RecordingSleeper,
    counter: CallCounter | None = None,
    **options: Any,
) -> Client:
    return Client(
        "test",
        base_url=server.url,
        sleep=sleeper,
        counter=counter or CallCounter(),
        rand=lambda: 0.5,
        **options,
    )


def test_a_server_that_does_not_answer_in_time_raises_a_temporary_timeout(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a server that holds its reply back for a second
    server = serve(replies(Reply(200, {}, delay=1.0)))
    client = make_client(server, sleeper, timeout=(1.0, 0.05), retry=NO_RETRY)

    # When the client reads with a 50 ms timeout
    with pytest.raises(TimedOut) as caught:
        client.get_json("/slow")

    # Then it is a temporary error, named after the host only
    assert isinstance(caught.value, TemporaryError)
    assert "127.0.0.1" in str(caught.value)


def test_a_refused_connection_is_a_temporary_error(sleeper: RecordingSleeper) -> None:
    # Given a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client("test", base_url=f"http://127.0.0.1:{port}", retry=NO_RETRY)

    # When / then
    with pytest.raises(TemporaryError):
        client.get_json("/")


def test_a_429_is_retried_after_the_delay_its_retry_after_asks_for(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a server that rate-limits once, asking for 7 seconds
    server = serve(replies(Reply(429, {}, headers={"Retry-After": "7"}), OK))
    client = make_client(server, sleeper)

    # When
    data = client.get_json("/pools")

    # Then the sleeper was asked for exactly those 7 seconds, and the retry worked
    assert data == {"ok": True}
    assert sleeper.delays == [7.0]
    assert len(server.requests) == 2


def test_a_retry_after_longer_than_the_policy_allows_is_raised_not_slept(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a server that asks for an hour
    server = serve(replies(Reply(429, {}, headers={"Retry-After": "3600"})))
    client = make_client(server, sleeper, retry=RetryPolicy(max_retry_after=120))

    # When / then the caller gets the delay to reschedule with
    with pytest.raises(RateLimited) as caught:
        client.get_json("/")
    assert caught.value.retry_after == 3600
    assert sleeper.delays == []
    assert len(server.requests) == 1


def test_a_5xx_is_retried_with_growing_backoff_then_raised(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a server that keeps failing
    server = serve(replies(Reply(503, {"message": "Backend down"})))
    client = make_client(server, sleeper, retry=RetryPolicy(attempts=3, base_delay=2))

    # When
    with pytest.raises(TemporaryError) as caught:
        client.get_json("/")

    # Then it tried three times, backing off 2 s then 4 s (half fixed, half jitter)
    assert caught.value.status == 503
    assert "Backend down" in str(caught.value)
    assert len(server.requests) == 3
    assert sleeper.delays == [1.5, 3.0]


def test_a_5xx_followed_by_success_returns_the_success(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    server = serve(replies(Reply(500, {}), Reply(502, {}), OK))
    client = make_client(server, sleeper)

    assert client.get_json("/") == {"ok": True}
    assert len(sleeper.delays) == 2


@pytest.mark.parametrize(("status", "error"), [(400, PermanentError), (404, NotFound)])
def test_a_4xx_is_permanent_and_not_retried(
    serve: Serve, sleeper: RecordingSleeper, status: int, error: type[Exception]
) -> None:
    # Given a server that rejects the request
    server = serve(replies(Reply(status, {"message": "No"})))
    client = make_client(server, sleeper)

    # When / then
    with pytest.raises(error) as caught:
        client.get_json("/")
    assert not isinstance(caught.value, TemporaryError)
    assert len(server.requests) == 1
    assert sleeper.delays == []


def test_every_request_names_the_service_in_its_user_agent(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    server = serve(replies(OK))

    make_client(server, sleeper).get_json("/")

    assert server.requests[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("SPOGuild/")


def test_calls_are_counted_per_source_retries_included(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given two sources sharing one counter, one of them retried once
    counter = CallCounter()
    server = serve(replies(Reply(500, {}), OK))
    flaky = Client("flaky", base_url=server.url, sleep=sleeper, counter=counter)
    other = serve(replies(OK))
    steady = Client("steady", base_url=other.url, sleep=sleeper, counter=counter)

    # When
    flaky.get_json("/")
    steady.get_json("/")
    steady.get_json("/")

    # Then
    assert counter["flaky"] == 2
    assert counter.snapshot() == {"flaky": 2, "steady": 2}
    counter.reset()
    assert counter["steady"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
    ],
)
def test_it_refuses_user_supplied_urls_that_reach_private_addresses(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_public_url(url)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "file:///etc/passwd", "http:///x"]
)
def test_it_refuses_urls_that_are_not_http_with_a_host(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_public_url(url, allow_private=True)


def test_a_host_resolving_to_a_public_address_is_allowed() -> None:
    # Given a resolver that answers with a public address
    def resolve(host: str, port: int | None, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.1.1.1", port))]

    # When / then no error
    check_public_url("https://hooks.example.org/x", resolve=resolve)


def test_a_host_with_any_private_address_is_refused() -> None:
    # Given a name resolving to one public and one private address
    def resolve(host: str, port: int | None, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.1.1.1", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    with pytest.raises(UnsafeURL):
        check_public_url("https://hooks.example.org/x", resolve=resolve)


def test_a_public_only_client_never_contacts_a_private_address(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a webhook URL pointing at a server on loopback
    server = serve(replies(OK))
    client = make_client(server, sleeper, public_only=True)

    # When / then the request is refused before anything is sent
    with pytest.raises(UnsafeURL):
        client.post_json("/hook", {"event": "test"})
    assert server.requests == []


def test_a_trusted_host_may_be_private(serve: Serve, sleeper: RecordingSleeper) -> None:
    server = serve(replies(OK))
    client = make_client(server, sleeper, public_only=True, trusted_hosts={"127.0.0.1"})

    assert client.post_json("/hook", {"event": "test"}) == {"ok": True}


def test_a_public_only_client_does_not_follow_redirects(
    serve: Serve, sleeper: RecordingSleeper
) -> None:
    # Given a trusted host that redirects elsewhere
    server = serve(replies(Reply(302, {}, headers={"Location": "http://10.0.0.1/"})))
    client = make_client(server, sleeper, public_only=True, trusted_hosts={"127.0.0.1"})

    # When / then the redirect is an error, not a second request
    with pytest.raises(PermanentError) as caught:
        client.get_json("/")
    assert caught.value.status == 302
    assert len(server.requests) == 1


def test_retry_after_may_be_an_http_date() -> None:
    now = 1_700_000_000.0  # 2023-11-14T22:13:20Z

    assert parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now) == 30.0
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
