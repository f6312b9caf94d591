"""The sandbox covers the contract exactly, and schema-driven fuzzing finds no 500s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from starlette.routing import Route

from relay_analytics.sandbox import SandboxServer
from relay_analytics.sandbox.app import create_app
from relay_analytics.sandbox.faults import FaultPlan, Faults
from relay_analytics.sandbox.store import Store

CONTRACT = Path(__file__).parents[1] / "relay_analytics" / "sandbox" / "openapi.yaml"
HTTP_METHODS = {"get", "post", "patch", "delete", "put"}


def operation_pairs(document: dict[str, Any]) -> set[tuple[str, str]]:
    """The (METHOD, path) pairs an OpenAPI document declares."""
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def test_openapi_json_lists_the_contracts_operations(sandbox: SandboxServer) -> None:
    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    served = httpx.get(sandbox.url + "/openapi.json").json()
    assert operation_pairs(served) == operation_pairs(contract)
    assert len(operation_pairs(served)) == 27
    assert served["servers"] == [{"url": sandbox.url, "description": "sandbox"}]


def test_route_table_covers_exactly_the_contracts_operations() -> None:
    app = create_app(Store(), api_key="k", plan=FaultPlan(Faults())).app  # type: ignore[attr-defined]
    pairs = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in route.methods or ()
        if method != "HEAD"  # Starlette adds HEAD to every GET route
    }
    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    assert pairs == operation_pairs(contract)


@pytest.fixture(scope="module")
def fuzz_target() -> Any:
    """A sample sandbox for the fuzz run, alive for this module."""
    with SandboxServer() as server:
        yield server


# The project's contract copy, which /openapi.json serves (checked above).
schema = schemathesis.openapi.from_path(CONTRACT)


@pytest.mark.timeout(120)
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_fuzzed_requests_never_cause_a_server_error(case: Any, fuzz_target: SandboxServer) -> None:
    headers = {"Authorization": f"Bearer {fuzz_target.api_key}"}
    case.call_and_validate(base_url=fuzz_target.url, headers=headers, checks=[not_a_server_error])
