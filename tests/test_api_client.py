"""RelayClient over real HTTP against the sandbox: every operation, errors and retries.

respx stands in for the server only where a real one cannot produce the case (a given
Retry-After date, a timeout, a refused connection at a chosen moment).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from relay_analytics.api import (
    AuthError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    RelayClient,
    RelayConnectionError,
    RetryPolicy,
    ServerError,
)
from relay_analytics.api.endpoints import OPERATIONS
from relay_analytics.sandbox import Faults, SandboxServer

ADDRESS = {
    "streetAddress": "Hauptstr. 1",
    "postalCode": "10115",
    "locality": "Berlin",
    "country": "DE",
}
EED: dict[str, Any] = {
    "propertyId": 1,
    "unitId": 2,
    "customerId": 3,
    "period": "2026-01",
    "mscName": "ista",
    "consumptions": [
        {
            "service": "HEATING",
            "unitOfMeasure": "KWH",
            "amount": 12.5,
            "converted": False,
            "estimated": False,
            "errors": False,
        }
    ],
    "benchmarks": [],
}
REMOTE = "https://relay.example"


def client_for(server: SandboxServer, delays: list[float], **options: Any) -> RelayClient:
    """A client of ``server`` that records its retry delays instead of sleeping."""
    return RelayClient(
        server.url, server.api_key, sleep=delays.append, rng=random.Random(0), **options
    )


def create_properties(client: RelayClient, count: int) -> list[dict[str, Any]]:
    """Create ``count`` properties and return them as the server echoed them."""
    body = {
        "properties": [
            {"name": f"Haus {i}", "externalId": i, "address": ADDRESS} for i in range(count)
        ]
    }
    created: list[dict[str, Any]] = client.create_properties(body)["properties"]
    return created


def test_every_operation_round_trips_against_the_sandbox(empty_sandbox: SandboxServer) -> None:
    """One call of each of the 27 methods, in an order where each finds what it needs."""
    calls: list[tuple[str, Callable[[RelayClient], Any]]] = [
        ("create_address", lambda c: c.create_address(ADDRESS)),
        ("create_customer", lambda c: c.create_customer({"customer": {"name": "Ana"}})),
        ("get_customers", lambda c: c.get_customers()),
        ("create_properties", lambda c: create_properties(c, 1)),
        ("get_properties", lambda c: c.get_properties(limit=10, offset=0)),
        ("get_property", lambda c: c.get_property(1)),
        ("get_units", lambda c: c.get_units(limit=10, offset=0)),
        ("get_msc_units", lambda c: c.get_msc_units(limit=10, offset=0)),
        ("eed", lambda c: c.eed(EED)),
        (
            "create_order",
            lambda c: c.create_order({"title": "Zähler"}, [("a.pdf", b"%PDF", "application/pdf")]),
        ),
        ("get_all_orders", lambda c: c.get_all_orders()),
        ("get_order_by_id", lambda c: c.get_order_by_id(1)),
        ("patch_order", lambda c: c.patch_order(1, {"status": "IN_PROGRESS"})),
        (
            "create_order_comment",
            lambda c: c.create_order_comment(1, text="Termin", author_name="Ana"),
        ),
        ("get_order_comments_by_order_id", lambda c: c.get_order_comments_by_order_id(1)),
        ("get_attachments_for_order", lambda c: c.get_attachments_for_order(1)),
        (
            "get_attachments_for_order_comment",
            lambda c: c.get_attachments_for_order_comment(1, 1),
        ),
        (
            "create_order_field",
            lambda c: c.create_order_field(
                {"name": "n", "content": "c", "position": 1, "orderId": 1}
            ),
        ),
        (
            "create_order_contact_person",
            lambda c: c.create_order_contact_person(
                {"name": "n", "type": "t", "email": "a@b.de", "orderId": 1}
            ),
        ),
        (
            "create_appointment",
            lambda c: c.create_appointment(
                {
                    "title": "Ablesung",
                    "dateStart": "2026-02-06 11:00:00",
                    "dateEnd": "2026-02-06 12:00:00",
                    "location": "Keller",
                    "customerId": 1,
                }
            ),
        ),
        ("get_all_appointments", lambda c: c.get_all_appointments()),
        ("update_appointment", lambda c: c.update_appointment(1, {"title": "Ablesung 2"})),
        (
            "create_document_deprecated",
            lambda c: c.create_document_deprecated(
                {"title": "D", "propertyId": "1", "customerId": "1"}
            ),
        ),
        (
            "create_document",
            lambda c: c.create_document({"title": "D", "propertyId": "1", "customerId": "1"}),
        ),
        ("patch_document", lambda c: c.patch_document("1", {"status": "PUBLISHED"})),
        (
            "post_attachment",
            lambda c: c.post_attachment(
                "1", {"name": "a.pdf", "fileType": "application/pdf", "content": "JVBERg=="}
            ),
        ),
        ("delete_property", lambda c: c.delete_property(1)),
    ]
    assert sorted(name for name, _ in calls) == sorted(OPERATIONS)
    with RelayClient(empty_sandbox.url, empty_sandbox.api_key) as client:
        results = {name: call(client) for name, call in calls}
    assert results["get_customers"]["customers"][0]["name"] == "Ana"
    assert results["get_property"]["name"] == "Haus 0"
    assert results["get_all_orders"][0]["title"] == "Zähler"
    assert results["get_order_comments_by_order_id"][0]["authorName"] == "Ana"
    assert results["eed"]["id"] >= 1
    assert [r["payload"] for r in empty_sandbox.received_eed()] == [EED]


# --- errors ---------------------------------------------------------------------------


def test_wrong_key_is_an_auth_error(empty_sandbox: SandboxServer) -> None:
    with RelayClient(empty_sandbox.url, "not-the-key") as client, pytest.raises(AuthError) as info:
        client.get_units()
    assert info.value.status_code == 401
    assert (info.value.method, info.value.path) == ("GET", "/api/v1/units")
    assert str(info.value).startswith("GET /api/v1/units -> 401 Unauthorized: ")
    assert "RELAY_API_KEY" in str(info.value)


def test_unknown_id_is_not_found(empty_sandbox: SandboxServer) -> None:
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(NotFoundError) as info:
        client.get_order_by_id(999)
    assert info.value.path == "/api/v1/orders/999"
    assert delays == []  # 4xx is never retried


def test_bad_body_is_a_bad_request_with_the_servers_message(empty_sandbox: SandboxServer) -> None:
    bad = {**EED, "consumptions": [{**EED["consumptions"][0], "amount": -1}]}
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(BadRequestError) as info:
        client.eed(bad)
    assert info.value.status_code == 400
    assert "amount" in str(info.value.server_message)
    assert str(info.value) == (
        f"POST /api/v1/consumptions/eed -> 400 Bad Request: {info.value.server_message}"
    )
    assert delays == []
    assert empty_sandbox.received_eed() == []


@respx.mock
def test_a_list_of_messages_is_joined() -> None:
    respx.post(f"{REMOTE}/api/v1/consumptions/eed").respond(
        400, json={"statusCode": 400, "message": ["period is required", "unitId is required"]}
    )
    with RelayClient(REMOTE, "k") as client, pytest.raises(BadRequestError) as info:
        client.eed({})
    assert info.value.server_message == "period is required; unitId is required"


@respx.mock
def test_a_body_that_is_not_json_is_quoted() -> None:
    respx.get(f"{REMOTE}/api/v1/customers").respond(403, text="Forbidden by proxy")
    with RelayClient(REMOTE, "k") as client, pytest.raises(AuthError) as info:
        client.get_customers()
    assert info.value.server_message == "Forbidden by proxy"


def test_nothing_listening_is_a_connection_error() -> None:
    # A port that was free a moment ago: connect is refused, which is safe to retry.
    with SandboxServer(sample_data=False) as server:
        url = server.url
    delays: list[float] = []
    client = RelayClient(url, "k", sleep=delays.append, retry=RetryPolicy(max_attempts=3))
    with client, pytest.raises(RelayConnectionError) as info:
        client.create_order({"title": "T"})
    assert info.value.status_code is None
    assert str(info.value).startswith("POST /api/v1/orders -> no response: ConnectError")
    assert len(delays) == 2


# --- retries against the sandbox's faults ---------------------------------------------


def test_429_is_retried_honouring_retry_after_seconds(empty_sandbox: SandboxServer) -> None:
    empty_sandbox.set_faults(Faults(throttle_rate=1.0, retry_after_s=2))
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(RateLimitedError) as info:
        client.create_order({"title": "T"})  # not retry-safe, but a 429 did nothing
    assert delays == [2.0, 2.0, 2.0, 2.0]
    assert info.value.retry_after == 2.0
    assert info.value.status_code == 429


def test_500_is_retried_with_backoff_for_a_safe_operation(empty_sandbox: SandboxServer) -> None:
    empty_sandbox.set_faults(Faults(fail_rate=1.0))
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(ServerError) as info:
        client.get_units()
    assert info.value.status_code == 500
    assert len(delays) == 4
    ceilings = [0.25, 0.5, 1.0, 2.0]
    assert all(0 <= d < c for d, c in zip(delays, ceilings, strict=True))


def test_500_is_not_retried_for_an_unsafe_operation(empty_sandbox: SandboxServer) -> None:
    empty_sandbox.set_faults(Faults(fail_rate=1.0))
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(ServerError):
        client.create_order({"title": "T"})
    assert delays == []


def test_dropped_connection_is_retried_for_the_eed_upsert(empty_sandbox: SandboxServer) -> None:
    # The sandbox applies the request, then drops the connection: the retry upserts again.
    empty_sandbox.set_faults(Faults(drop_rate=1.0))
    delays: list[float] = []
    client = client_for(empty_sandbox, delays, retry=RetryPolicy(max_attempts=3))
    with client, pytest.raises(RelayConnectionError) as info:
        client.eed(EED)
    assert len(delays) == 2
    assert "RemoteProtocolError" in str(info.value) or "ReadError" in str(info.value)
    [record] = empty_sandbox.received_eed()
    assert record["revision"] == 3


def test_dropped_connection_is_not_retried_for_a_create(empty_sandbox: SandboxServer) -> None:
    empty_sandbox.set_faults(Faults(drop_rate=1.0))
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client, pytest.raises(RelayConnectionError):
        client.create_order({"title": "T"})
    assert delays == []
    empty_sandbox.set_faults(Faults())
    with client_for(empty_sandbox, delays) as client:
        assert len(client.get_all_orders()) == 1  # the server did create it once


def test_mixed_faults_end_in_the_same_answer(empty_sandbox: SandboxServer) -> None:
    delays: list[float] = []
    with client_for(empty_sandbox, delays) as client:
        create_properties(client, 25)
        expected = client.fetch_all("get_properties", page_size=10, concurrency=1)
        empty_sandbox.set_faults(Faults(fail_rate=0.2, throttle_rate=0.1, drop_rate=0.1))
        got = client.fetch_all("get_properties", page_size=10, concurrency=1)
    assert got == expected
    assert delays  # some requests were retried


# --- retries where only a mock can set the stage --------------------------------------


@respx.mock
def test_retry_after_as_an_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    route = respx.get(f"{REMOTE}/api/v1/customers")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)}),
        httpx.Response(200, json={"customers": []}),
    ]
    delays: list[float] = []
    with RelayClient(REMOTE, "k", sleep=delays.append) as client:
        assert client.get_customers() == {"customers": []}
    [delay] = delays
    assert 25.0 <= delay <= 30.0


@respx.mock
def test_a_long_retry_after_is_capped() -> None:
    route = respx.get(f"{REMOTE}/api/v1/customers")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, json={"customers": []}),
    ]
    delays: list[float] = []
    policy = RetryPolicy(max_retry_after=10.0)
    with RelayClient(REMOTE, "k", sleep=delays.append, retry=policy) as client:
        client.get_customers()
    assert delays == [10.0]


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@respx.mock
def test_no_retry_starts_past_the_total_timeout() -> None:
    respx.get(f"{REMOTE}/api/v1/customers").respond(429, headers={"Retry-After": "50"})
    time = FakeTime()
    policy = RetryPolicy(total_timeout=120.0)
    client = RelayClient(REMOTE, "k", sleep=time.sleep, clock=time.clock, retry=policy)
    with client, pytest.raises(RateLimitedError):
        client.get_customers()
    assert time.sleeps == [50.0, 50.0]  # a third wait would end after 150 s


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (httpx.ReadTimeout("timed out"), True),
        (httpx.ConnectTimeout("timed out"), True),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), True),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), True),
    ],
)
@respx.mock
def test_transport_errors_of_a_safe_operation_are_retried(
    error: httpx.TransportError, retried: bool
) -> None:
    route = respx.get(f"{REMOTE}/api/v1/properties/1")
    route.side_effect = [error, httpx.Response(200, json={"id": 1, "name": "P"})]
    delays: list[float] = []
    with RelayClient(REMOTE, "k", sleep=delays.append) as client:
        assert client.get_property(1) == {"id": 1, "name": "P"}
    assert len(delays) == 1


@respx.mock
def test_a_read_timeout_of_an_unsafe_operation_is_not_retried() -> None:
    respx.post(f"{REMOTE}/api/v1/order-fields").mock(side_effect=httpx.ReadTimeout("timed out"))
    delays: list[float] = []
    client = RelayClient(REMOTE, "k", sleep=delays.append)
    with client, pytest.raises(RelayConnectionError, match="ReadTimeout: timed out"):
        client.create_order_field({"name": "n"})
    assert delays == []


@respx.mock
def test_multipart_body_is_sent_again_intact_after_a_429() -> None:
    route = respx.post(f"{REMOTE}/api/v1/orders")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(201, json={"id": 5}),
    ]
    with RelayClient(REMOTE, "k", sleep=lambda _: None) as client:
        assert client.create_order({"title": "T"}, [("a.txt", b"ABC", "text/plain")]) == {"id": 5}
    first, second = (call.request.content for call in route.calls)
    assert first == second
    assert b"ABC" in second


# --- configuration --------------------------------------------------------------------


def test_from_env_reads_both_variables(empty_sandbox: SandboxServer) -> None:
    env = {"RELAY_BASE_URL": empty_sandbox.url, "RELAY_API_KEY": empty_sandbox.api_key}
    with RelayClient.from_env(env) as client:
        assert client.base_url == empty_sandbox.url
        assert client.get_units() == {"units": []}


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "RELAY_BASE_URL and RELAY_API_KEY not set"),
        ({"RELAY_BASE_URL": "https://relay.example"}, "RELAY_API_KEY not set"),
        ({"RELAY_API_KEY": "k", "RELAY_BASE_URL": ""}, "RELAY_BASE_URL not set"),
    ],
)
def test_from_env_names_what_is_missing(env: dict[str, str], missing: str) -> None:
    with pytest.raises(ConfigurationError, match=missing):
        RelayClient.from_env(env)


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELAY_API_KEY", raising=False)
    monkeypatch.setenv("RELAY_BASE_URL", REMOTE)
    with pytest.raises(ConfigurationError, match="RELAY_API_KEY"):
        RelayClient.from_env()


@pytest.mark.parametrize("url", ["relay.example", "ftp://relay.example", "https://"])
def test_a_malformed_base_url_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http"):
        RelayClient(url, "k")


def test_defaults_are_safe() -> None:
    with RelayClient(REMOTE, "k") as client:
        http = client._http
        assert http.timeout.connect == 5.0
        assert http.timeout.read == 30.0
        assert client.retry_policy == RetryPolicy()


def test_an_injected_http_client_is_used_and_left_open(empty_sandbox: SandboxServer) -> None:
    with httpx.Client() as http:
        with RelayClient(empty_sandbox.url, empty_sandbox.api_key, http_client=http) as client:
            assert client.get_units() == {"units": []}
        assert not http.is_closed


def test_one_client_serves_many_threads(empty_sandbox: SandboxServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with RelayClient(empty_sandbox.url, empty_sandbox.api_key) as client:
        create_properties(client, 20)
        with ThreadPoolExecutor(8) as pool:
            names = list(pool.map(lambda i: client.get_property(i + 1)["name"], range(20)))
    assert names == [f"Haus {i}" for i in range(20)]
