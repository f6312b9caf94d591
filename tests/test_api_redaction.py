"""The API key never shows: not in repr, str, errors, tracebacks or log records."""

from __future__ import annotations

import logging
import pickle
import traceback

import pytest
import respx

from relay_analytics.api import (
    AuthError,
    RelayClient,
    RelayConnectionError,
    RelayError,
    RetryPolicy,
    Secret,
)
from relay_analytics.sandbox import Faults, SandboxServer

KEY = "sk-live-9f8e7d6c5b4a"


def test_secret_hides_its_value() -> None:
    secret = Secret(KEY)
    assert repr(secret) == str(secret) == f"{secret}" == "***"
    assert secret.reveal() == KEY
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(secret)


def test_client_repr_shows_the_url_but_not_the_key() -> None:
    with RelayClient("https://relay.example", KEY) as client:
        text = repr(client) + str(client)
    assert "https://relay.example" in text
    assert KEY not in text
    assert "***" in text


def full_text(error: BaseException) -> str:
    """Everything a traceback or a logger would print about ``error``."""
    return "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))


def test_errors_and_logs_over_http_never_hold_the_key(
    empty_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # ours, httpx's and httpcore's loggers
    empty_sandbox.set_faults(Faults(fail_rate=1.0))
    client = RelayClient(
        empty_sandbox.url, KEY, sleep=lambda _: None, retry=RetryPolicy(max_attempts=2)
    )
    with client:
        with pytest.raises(RelayError) as info:
            client.get_units()  # 500 then 500: logged retries, then a ServerError
        empty_sandbox.set_faults(Faults())
        with pytest.raises(AuthError) as auth:
            client.get_units()  # the sandbox does not know this key
    assert caplog.records, "expected log records at DEBUG"
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    for text in (logged, full_text(info.value), full_text(auth.value)):
        assert KEY not in text


@respx.mock
def test_transport_errors_do_not_carry_the_request(caplog: pytest.LogCaptureFixture) -> None:
    import httpx

    caplog.set_level(logging.DEBUG)
    respx.get("https://relay.example/api/v1/units").mock(side_effect=httpx.ConnectError("refused"))
    client = RelayClient("https://relay.example", KEY, sleep=lambda _: None)
    with client, pytest.raises(RelayConnectionError) as info:
        client.get_units()
    assert info.value.__cause__ is None
    assert info.value.__context__ is None
    assert KEY not in full_text(info.value)
    assert KEY not in caplog.text
