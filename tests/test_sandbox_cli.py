"""``relay-analytics sandbox --port 0`` prints its URL and serves the API."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from fixtures.imports import loaded_by

from relay_analytics.api.endpoints import OPERATIONS
from relay_analytics.sandbox import DEFAULT_API_KEY


@pytest.mark.timeout(60)
def test_sandbox_command_prints_its_url_and_serves() -> None:
    entry_point = "from relay_analytics.cli import app; app()"
    command = [sys.executable, "-c", entry_point, "sandbox", "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
            response = httpx.get(url + OPERATIONS["get_customers"].path, headers=headers)
            assert response.status_code == 200
            assert response.json()["customers"]
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_the_sandbox_loads_no_data_library() -> None:
    # It starts in about a second: polars, pandera and altair would add most of that again.
    assert loaded_by("relay_analytics.sandbox", ["polars", "pandera", "altair"]) == []
