"""The sandbox in its own process (``relay-analytics sandbox``), as a real server would be.

An in-process ``SandboxServer`` shares the client's interpreter, so its request handling
competes with the client for the GIL and for ``time.process_time``; on 2 cores that, not the
client, becomes the ceiling. A subprocess isolates the client.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_STOP_TIMEOUT_S = 10


@contextmanager
def sandbox_process(*options: str) -> Iterator[str]:
    """Run ``relay-analytics sandbox --port 0 OPTIONS``; yield its API base URL, then stop it."""
    command = Path(sys.executable).with_name("relay-analytics")
    process = subprocess.Popen(
        [str(command), "sandbox", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # the CLI prints the URL first
        if not url.startswith("http"):
            raise RuntimeError(f"the sandbox subprocess did not start (printed {url!r})")
        yield url
    finally:
        process.terminate()
        process.wait(_STOP_TIMEOUT_S)
