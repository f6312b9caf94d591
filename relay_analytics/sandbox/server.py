"""``SandboxServer``: the sandbox on uvicorn in a background thread, as a context manager."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import uvicorn

from relay_analytics.sandbox.app import create_app
from relay_analytics.sandbox.faults import FaultPlan, Faults
from relay_analytics.sandbox.seed import seed_store
from relay_analytics.sandbox.store import Store

#: The key the sandbox accepts when none is given: for local use only, never a real key.
DEFAULT_API_KEY: Final = "sandbox-local-key"
_STARTUP_TIMEOUT_S: Final = 10.0
_SHUTDOWN_TIMEOUT_S: Final = 10.0


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol must be IPPROTO_TCP (not 0, as socket.create_server leaves it): asyncio
    # sets TCP_NODELAY only on such sockets, and without it every response waits ~40 ms
    # for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


class _NotifyingServer(uvicorn.Server):
    """A uvicorn server that sets an event once it listens (no polling for readiness)."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start listening, then signal readiness."""
        await super().startup(sockets)
        self._ready.set()


class SandboxServer:
    """A local Relay server on ``host`` at ``port`` (0: a free port) in a background thread.

    ``with SandboxServer() as server:`` starts it and stops it again; ``server.url`` is the
    API base URL. The store is seeded from ``data/`` unless ``sample_data`` is false (a
    ``db`` file that already holds records is not seeded again).
    """

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        faults: Faults | None = None,
        seed: int | None = 0,
        db: str | Path | None = None,
        sample_data: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not api_key:
            raise ValueError("SandboxServer needs a non-empty api_key")
        self.api_key = api_key
        self._plan = FaultPlan(faults or Faults(), seed)
        self._store = Store(db)
        if sample_data and self._store.is_empty():
            seed_store(self._store)
        self._host = host
        self._socket = _listen(host, port)
        self.port: int = self._socket.getsockname()[1]
        app = create_app(self._store, api_key=self.api_key, plan=self._plan)
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="off",
            # Without the proxy-headers wrapper the application gets uvicorn's own `send`,
            # which the drop fault needs (faults.py).
            proxy_headers=False,
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        self._ready = threading.Event()
        self._server = _NotifyingServer(config, self._ready)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:8765``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def faults(self) -> Faults:
        """The fault switches in force."""
        return self._plan.faults

    def set_faults(self, faults: Faults) -> None:
        """Change the fault switches for the following requests."""
        self._plan.set(faults)

    def received_eed(self) -> list[dict[str, Any]]:
        """The EED records received: ``{"key": {...}, "revision": n, "payload": {...}}``."""
        return self._store.eed_records()

    def reset(self) -> None:
        """Forget the received EED records."""
        self._store.clear_eed()

    def start(self) -> Self:
        """Start serving in a background thread; return once the server listens."""
        if self._thread is not None:
            raise RuntimeError(f"sandbox at {self.url} is already started")
        self._thread = threading.Thread(
            target=self._serve, name=f"relay-sandbox-{self.port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(_STARTUP_TIMEOUT_S) or not self._server.started:
            self.stop()
            raise RuntimeError(f"sandbox at {self.url} did not start")
        return self

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._ready.set()  # wake start() when the server fails before listening

    def stop(self) -> None:
        """Stop serving, wait for the thread to end and close the store."""
        if self._thread is not None:
            self._server.should_exit = True
            self._thread.join(_SHUTDOWN_TIMEOUT_S)
            if self._thread.is_alive():
                raise RuntimeError(f"sandbox at {self.url} did not stop")
            self._thread = None
        self._socket.close()
        self._store.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        # Never the API key.
        return f"SandboxServer(url={self.url!r}, faults={self.faults!r})"
