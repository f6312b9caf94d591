"""The sandbox's ASGI application: one Starlette route per contract operation, over a store.

Routes come from ``endpoints.OPERATIONS`` (paths are never written here); each handler
checks the bearer key, validates its request at the edge and answers contract-shaped
errors. Fault injection wraps the whole application (see ``faults.py``).
"""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable
from importlib.resources import files
from typing import Any, Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from relay_analytics.api.endpoints import AUTH_HEADER, AUTH_SCHEME, OPERATIONS
from relay_analytics.sandbox import handlers_orders, handlers_records
from relay_analytics.sandbox.errors import ApiError, error_response
from relay_analytics.sandbox.faults import FaultMiddleware, FaultPlan
from relay_analytics.sandbox.handlers_records import Handler
from relay_analytics.sandbox.store import Store

#: Read-only inspection route of the received EED records (no auth, no faults).
INSPECT_EED_PATH: Final = "/sandbox/eed"
OPENAPI_PATH: Final = "/openapi.json"

HANDLERS: Final[dict[str, Handler]] = {**handlers_records.HANDLERS, **handlers_orders.HANDLERS}


def create_app(store: Store, *, api_key: str, plan: FaultPlan) -> ASGIApp:
    """The sandbox application serving ``store``, guarded by ``api_key``, with ``plan``'s faults."""
    if HANDLERS.keys() != OPERATIONS.keys():
        missing = sorted(OPERATIONS.keys() - HANDLERS.keys())
        raise RuntimeError(f"sandbox handlers do not cover the contract; missing: {missing}")
    routes = [
        Route(
            op.path,
            _endpoint(HANDLERS[name], store, api_key),
            methods=[op.method],
            name=name,
            include_in_schema=False,
        )
        for name, op in OPERATIONS.items()
    ]
    routes.append(Route(INSPECT_EED_PATH, _inspect_eed(store), methods=["GET"]))
    routes.append(Route(OPENAPI_PATH, _openapi, methods=["GET"]))
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception})
    return FaultMiddleware(app, plan)


def _endpoint(handler: Handler, store: Store, api_key: str) -> Callable[[Request], Any]:
    expected = f"{AUTH_SCHEME} {api_key}".encode()

    async def endpoint(request: Request) -> Response:
        given = request.headers.get(AUTH_HEADER, "").encode()
        # Constant-time comparison: the key is a secret.
        if not hmac.compare_digest(given, expected):
            return error_response(401, f"missing or wrong {AUTH_SCHEME} API key")
        try:
            return await handler(store, request)
        except ApiError as error:
            return error_response(error.status, error.message, error.headers)

    return endpoint


def _inspect_eed(store: Store) -> Callable[[Request], Any]:
    async def inspect_eed(request: Request) -> Response:
        return JSONResponse(store.eed_records())

    return inspect_eed


@functools.cache
def contract_document() -> dict[str, Any]:
    """The contract copy shipped with the package, as a dict (parsed once, on first use)."""
    # yaml is imported here: parsing the contract takes longer than starting the server.
    import yaml  # type: ignore[import-untyped]

    text = files("relay_analytics.sandbox").joinpath("openapi.yaml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


async def _openapi(request: Request) -> Response:
    document = dict(contract_document())
    document["servers"] = [{"url": str(request.base_url).rstrip("/"), "description": "sandbox"}]
    return Response(json.dumps(document), media_type="application/json")


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    return error_response(status, f"{request.method} {request.url.path}: {exc}", headers)
