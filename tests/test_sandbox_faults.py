"""Fault switches fire at about their rate, reproducibly, on API routes only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from relay_analytics.api.endpoints import OPERATIONS
from relay_analytics.sandbox import Faults, SandboxServer
from relay_analytics.sandbox.faults import Fault, FaultPlan

UNITS = OPERATIONS["get_units"].path
EED = OPERATIONS["eed"].path
REQUESTS = 200


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    """An empty sandbox for this module; each test sets its own faults."""
    with SandboxServer(sample_data=False) as sandbox:
        yield sandbox


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    """A client of ``server``; faults are switched off again afterwards."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.url, headers=headers, verify=False) as client:
        yield client
    server.set_faults(Faults())
    server.reset()


def eed_body(unit_id: int) -> dict[str, object]:
    """A minimal valid EED request for one unit."""
    return {
        "propertyId": 1,
        "unitId": unit_id,
        "customerId": 1,
        "period": "2026-10",
        "mscName": "ista",
        "consumptions": [],
        "benchmarks": [],
    }


def statuses(api: httpx.Client, count: int = REQUESTS) -> Counter[int]:
    """Status codes of ``count`` sequential GET units requests."""
    return Counter(
        api.get(UNITS, params={"limit": 1, "offset": 0}).status_code for _ in range(count)
    )


def test_fault_draws_are_reproducible_with_a_seed() -> None:
    faults = Faults(fail_rate=0.2, throttle_rate=0.1, drop_rate=0.1)
    plan_a, plan_b = FaultPlan(faults, seed=7), FaultPlan(faults, seed=7)
    draws = [plan_a.draw() for _ in range(100)]
    assert draws == [plan_b.draw() for _ in range(100)]
    assert set(draws) == set(Fault)


def test_fail_rate_answers_500_at_about_its_rate(server: SandboxServer, api: httpx.Client) -> None:
    server.set_faults(Faults(fail_rate=0.3))
    counts = statuses(api)
    assert set(counts) == {200, 500}
    assert 0.2 * REQUESTS <= counts[500] <= 0.4 * REQUESTS


def test_throttle_rate_answers_429_with_retry_after(
    server: SandboxServer, api: httpx.Client
) -> None:
    server.set_faults(Faults(throttle_rate=0.25, retry_after_s=3))
    responses = [api.post(EED, json=eed_body(i)) for i in range(REQUESTS)]
    throttled = [r for r in responses if r.status_code == 429]
    assert 0.15 * REQUESTS <= len(throttled) <= 0.35 * REQUESTS
    assert {r.headers["Retry-After"] for r in throttled} == {"3"}
    assert throttled[0].json()["statusCode"] == 429
    # A throttled request is not applied.
    assert len(server.received_eed()) == REQUESTS - len(throttled)


def test_failed_requests_are_not_applied(server: SandboxServer, api: httpx.Client) -> None:
    server.set_faults(Faults(fail_rate=0.5))
    responses = [api.post(EED, json=eed_body(i)) for i in range(50)]
    applied = {r["key"]["unitId"] for r in server.received_eed()}
    assert applied == {i for i, r in enumerate(responses) if r.status_code == 201}


def test_drop_applies_the_write_then_closes_without_a_response(
    server: SandboxServer, api: httpx.Client
) -> None:
    server.set_faults(Faults(drop_rate=1.0))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post(EED, json=eed_body(42))
    (record,) = server.received_eed()
    assert record["key"]["unitId"] == 42
    assert record["revision"] == 1


def test_drop_rate_drops_about_its_share(server: SandboxServer, api: httpx.Client) -> None:
    server.set_faults(Faults(drop_rate=0.2))
    dropped = 0
    for unit_id in range(REQUESTS):
        try:
            api.post(EED, json=eed_body(unit_id))
        except (httpx.RemoteProtocolError, httpx.ReadError):
            dropped += 1
    assert 0.1 * REQUESTS <= dropped <= 0.3 * REQUESTS
    # Every request was applied, answered or not.
    assert len(server.received_eed()) == REQUESTS


def test_latency_is_added_without_changing_answers(
    server: SandboxServer, api: httpx.Client
) -> None:
    server.set_faults(Faults(latency_ms=5))
    assert statuses(api, 5) == Counter({200: 5})


def test_faults_never_touch_inspection_or_openapi(server: SandboxServer, api: httpx.Client) -> None:
    server.set_faults(Faults(fail_rate=1.0))
    assert api.get("/sandbox/eed").status_code == 200
    assert api.get("/openapi.json").status_code == 200
    assert api.get(UNITS, params={"limit": 1, "offset": 0}).status_code == 500


def test_same_seed_same_faults_over_http() -> None:
    def run() -> list[int]:
        with (
            SandboxServer(sample_data=False, faults=Faults(fail_rate=0.5), seed=3) as sandbox,
            httpx.Client(base_url=sandbox.url, verify=False) as client,
        ):
            headers = {"Authorization": f"Bearer {sandbox.api_key}"}
            params = {"limit": 1, "offset": 0}
            return [
                client.get(UNITS, params=params, headers=headers).status_code for _ in range(30)
            ]

    assert run() == run()


@pytest.mark.parametrize(
    "faults",
    [
        {"fail_rate": 1.5},
        {"drop_rate": -0.1},
        {"fail_rate": 0.6, "throttle_rate": 0.6},
        {"latency_ms": -1},
    ],
)
def test_faults_refuse_impossible_switches(faults: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Faults"):
        Faults(**faults)  # type: ignore[arg-type]
