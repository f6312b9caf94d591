"""A local Relay server of the whole contract, with sample data and fault switches."""

from relay_analytics.sandbox.faults import Faults
from relay_analytics.sandbox.server import DEFAULT_API_KEY, SandboxServer

__all__ = ["DEFAULT_API_KEY", "Faults", "SandboxServer"]
