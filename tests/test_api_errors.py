"""Error types by status, and messages that name the request and quote the server."""

from __future__ import annotations

from typing import Any

import pytest

from relay_analytics.api import (
    AuthError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RateLimitedError,
    RelayConnectionError,
    RelayError,
    ServerError,
)
from relay_analytics.api.errors import error_type_for, server_message


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitedError),
        (418, RelayError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (599, ServerError),
    ],
)
def test_error_type_for_status(status: int, error_type: type[RelayError]) -> None:
    assert error_type_for(status) is error_type


@pytest.mark.parametrize(
    "error_type",
    [
        AuthError,
        NotFoundError,
        RateLimitedError,
        BadRequestError,
        ServerError,
        RelayConnectionError,
        ConfigurationError,
    ],
)
def test_every_error_is_a_relay_error(error_type: type[RelayError]) -> None:
    assert issubclass(error_type, RelayError)


def test_bad_request_reads_like_the_request_and_the_servers_answer() -> None:
    error = BadRequestError(
        method="POST",
        path="/api/v1/consumptions/eed",
        status_code=400,
        server_message="amount must be >= 0",
    )
    assert str(error) == "POST /api/v1/consumptions/eed -> 400 Bad Request: amount must be >= 0"


def test_other_errors_add_what_to_do() -> None:
    error = ServerError(method="GET", path="/api/v1/units", status_code=503, server_message=None)
    assert str(error) == (
        "GET /api/v1/units -> 503 Service Unavailable. The Relay server failed; retry later."
    )
    limited = RateLimitedError(retry_after=3.0, method="GET", path="/x", status_code=429)
    assert limited.retry_after == 3.0
    assert "lower the concurrency" in str(limited)


def test_configuration_error_is_its_message() -> None:
    assert str(ConfigurationError("RELAY_API_KEY not set")) == "RELAY_API_KEY not set"


@pytest.mark.parametrize(
    ("body", "text", "expected"),
    [
        ({"statusCode": 400, "message": "amount must be >= 0"}, "", "amount must be >= 0"),
        (
            {"statusCode": 400, "message": ["a is required", "b is bad"]},
            "",
            "a is required; b is bad",
        ),
        ({"statusCode": 400, "message": []}, "", None),
        ({"statusCode": 502, "error": "Bad Gateway"}, "", "Bad Gateway"),
        (None, "upstream timed out", "upstream timed out"),
        (None, "  ", None),
        (None, "x" * 500, "x" * 200 + "..."),
    ],
)
def test_server_message(body: Any, text: str, expected: str | None) -> None:
    assert server_message(body, text) == expected
