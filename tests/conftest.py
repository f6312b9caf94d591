"""Shared fixtures: the sandbox Relay server on 127.0.0.1 at a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from relay_analytics.sandbox import DEFAULT_API_KEY, Faults, SandboxServer


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox with the sample data and faults off, shared by the whole session.

    A test that changes its faults must restore them (``sandbox.set_faults(Faults())``).
    """
    with SandboxServer(api_key=DEFAULT_API_KEY, faults=Faults(), seed=0) as server:
        yield server


@pytest.fixture
def empty_sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox without sample data, for one test."""
    with SandboxServer(api_key=DEFAULT_API_KEY, sample_data=False) as server:
        yield server
