"""Fault switches: injected 500s, 429s with ``Retry-After``, latency and dropped connections.

Faults apply to the API routes only (paths under ``/api``), never to ``/sandbox`` or
``/openapi.json``. Each request draws from one ``random.Random(seed)``, so a sequence of
requests sent one after another meets the same faults on every run.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relay_analytics.api.endpoints import RETRY_AFTER_HEADER
from relay_analytics.sandbox.errors import error_response

API_PREFIX = "/api/"


@dataclass(frozen=True, slots=True)
class Faults:
    """How often the sandbox misbehaves; all zero (the default) means never."""

    #: Share of requests answered 500 before anything is applied.
    fail_rate: float = 0.0
    #: Share of requests answered 429 (``Retry-After: retry_after_s``) before anything is applied.
    throttle_rate: float = 0.0
    retry_after_s: int = 1
    #: Added to every API request, simulating a remote round trip.
    latency_ms: float = 0.0
    #: Share of requests that are applied, after which the connection is closed without an answer.
    drop_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("fail_rate", "throttle_rate", "drop_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, got {rate}")
        if self.fail_rate + self.throttle_rate > 1.0:
            raise ValueError("Faults.fail_rate + Faults.throttle_rate must not exceed 1")
        if self.retry_after_s < 0 or self.latency_ms < 0:
            raise ValueError("Faults.retry_after_s and Faults.latency_ms must not be negative")


class Fault(Enum):
    """What happens to one request."""

    NONE = "none"
    FAIL = "fail"
    THROTTLE = "throttle"
    DROP = "drop"


class FaultPlan:
    """Draws the fault of each request from a seeded random generator; switchable at run time."""

    def __init__(self, faults: Faults, seed: int | None = 0) -> None:
        self._lock = threading.Lock()
        self._faults = faults
        self._random = random.Random(seed)

    @property
    def faults(self) -> Faults:
        """The switches in force."""
        return self._faults

    def set(self, faults: Faults) -> None:
        """Change the switches for the following requests."""
        with self._lock:
            self._faults = faults

    def draw(self) -> Fault:
        """The fault of the next request: one draw for 429/500, one for a drop."""
        with self._lock:
            faults = self._faults
            before = self._random.random()
            after = self._random.random()
        if before < faults.throttle_rate:
            return Fault.THROTTLE
        if before < faults.throttle_rate + faults.fail_rate:
            return Fault.FAIL
        if after < faults.drop_rate:
            return Fault.DROP
        return Fault.NONE


class FaultMiddleware:
    """ASGI middleware that injects the drawn fault into each API request.

    It must wrap the application directly under uvicorn: a drop closes the connection
    through uvicorn's transport, after the application has applied the request.
    """

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection scope."""
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        faults = self.plan.faults
        fault = self.plan.draw()
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if fault is Fault.THROTTLE:
            headers = {RETRY_AFTER_HEADER: str(faults.retry_after_s)}
            await error_response(429, "Too many requests (injected fault)", headers)(
                scope, receive, send
            )
        elif fault is Fault.FAIL:
            await error_response(500, "Internal server error (injected fault)")(
                scope, receive, send
            )
        elif fault is Fault.DROP:
            await self._apply_then_drop(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _apply_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def swallow(message: Message) -> None:
            """The response is built (so the request is applied) but never sent."""

        await self.app(scope, receive, swallow)
        _abort_connection(send)
        # Wait until uvicorn has seen the connection go, so it neither answers nor logs.
        while (await receive())["type"] != "http.disconnect":
            pass


def _abort_connection(send: Send) -> None:
    # ASGI gives an application no way to close a connection without a response;
    # uvicorn's `send` is a method of its request cycle, which holds the asyncio transport.
    transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError(
            "drop_rate needs the sandbox to run under uvicorn without proxy_headers "
            "(use SandboxServer or `relay-analytics sandbox`)"
        )
    transport.abort()
