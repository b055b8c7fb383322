"""The default transport and the sender's reading of the service's answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from agent_fakes import CAPTIVE_PORTAL, TOKEN, FakeService, Reply

from spoguild_agent import (
    AcknowledgementError,
    AuthenticationError,
    HTTPTransport,
    RateLimitedError,
    Request,
    Response,
    Sender,
    ServerError,
    TransportTimeout,
)
from spoguild_agent._sender import parse_retry_after


class Redirecting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(302)
        self.send_header("Location", "http://elsewhere.example/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def redirecting_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_redirects_are_returned_not_followed(redirecting_url: str) -> None:
    response = HTTPTransport().handle_request(
        Request("POST", redirecting_url, body=b"{}", timeout=2)
    )

    assert response.status_code == 302
    assert response.header("Location") == "http://elsewhere.example/"


def test_a_silent_server_times_out(silent_url: str) -> None:
    with pytest.raises(TransportTimeout):
        HTTPTransport().handle_request(Request("GET", silent_url, timeout=0.2))


class CannedTransport:
    """A transport that answers every request with one response."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.requests: list[Request] = []

    def handle_request(self, request: Request) -> Response:
        self.requests.append(request)
        return self.response


def test_the_sender_accepts_any_transport() -> None:
    transport = CannedTransport(Response(201, {}, b'{"accepted": 2, "duplicates": 1}'))

    ack = Sender("https://g.example/", TOKEN, transport).send(["{}", "{}", "{}"])

    assert (ack.accepted, ack.duplicates) == (2, 1)
    assert transport.requests[0].url == "https://g.example/api/v1/agent/samples"
    assert transport.requests[0].timeout == 10.0


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthenticationError), (403, AuthenticationError), (503, ServerError)],
)
def test_statuses_map_to_the_exception_tree(
    fake_service: FakeService, status: int, error: type[Exception]
) -> None:
    fake_service.script = [Reply(status)]
    sender = Sender(fake_service.base_url, TOKEN, HTTPTransport())

    with pytest.raises(error):
        sender.send(["{}"])


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "not JSON"),
        (b"[1, 1]", "not an object"),
        (b'{"ok": true}', "no 'accepted'"),
        (b'{"accepted": 2}', "no 'duplicates'"),
        (b'{"accepted": -1, "duplicates": 3}', "'accepted' is -1"),
        (b'{"accepted": true, "duplicates": 1}', "'accepted' is true"),
        (b'{"accepted": 2.0, "duplicates": 0}', "'accepted' is 2.0"),
        (b'{"accepted": "2", "duplicates": 0}', "'accepted' is \"2\""),
        (b'{"accepted": 1, "duplicates": 0}', "1 accepted + 0 duplicates for 2"),
        (b'{"accepted": 2, "duplicates": 1}', "2 accepted + 1 duplicates for 2"),
    ],
)
def test_a_success_that_does_not_count_the_batch_is_no_acknowledgement(
    body: bytes, problem: str
) -> None:
    # Given a 200 whose body does not account for the two samples sent
    transport = CannedTransport(Response(200, {}, body))
    sender = Sender("https://g.example", TOKEN, transport)

    # When the batch is sent
    with pytest.raises(AcknowledgementError) as caught:
        sender.send(["{}", "{}"])

    # Then the sender says what is wrong with it
    assert problem in str(caught.value)
    assert caught.value.status_code == 200


def test_an_html_page_is_no_acknowledgement(fake_service: FakeService) -> None:
    fake_service.script = [CAPTIVE_PORTAL]
    sender = Sender(fake_service.base_url, TOKEN, HTTPTransport())

    with pytest.raises(AcknowledgementError) as caught:
        sender.send(["{}"])

    assert "not JSON (text/html" in str(caught.value)
    assert "<!DOCTYPE html>" in str(caught.value)


def test_an_empty_batch_is_acknowledged_with_zeros() -> None:
    transport = CannedTransport(Response(200, {}, b'{"accepted":0,"duplicates":0}'))

    ack = Sender("https://g.example", TOKEN, transport).send([])

    assert (ack.accepted, ack.duplicates) == (0, 0)


def test_429_carries_the_retry_after(fake_service: FakeService) -> None:
    fake_service.script = [Reply(429, headers={"Retry-After": "30"})]
    sender = Sender(fake_service.base_url, TOKEN, HTTPTransport())

    with pytest.raises(RateLimitedError) as caught:
        sender.send(["{}"])

    assert caught.value.retry_after == 30


def test_retry_after_accepts_an_http_date() -> None:
    now = 1748736000.0  # 2025-06-01T00:00:00Z

    assert parse_retry_after("Sun, 01 Jun 2025 00:01:30 GMT", now=now) == 90
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after("999999") == 3600


def test_the_sender_repr_hides_the_token() -> None:
    sender = Sender("https://g.example", TOKEN, CannedTransport(Response(200, {})))

    assert TOKEN not in repr(sender)
