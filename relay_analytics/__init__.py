"""relay_analytics: prepare, validate, chart and submit EED monthly consumption data for Relay.

The public API that notebooks and scripts use::

    import relay_analytics as ra

    client = ra.RelayClient.from_env()
    units = ra.load_units(client, msc_only=True)
    cons = ra.read_consumptions("upload.csv")
    report = ra.validate_eed(cons, units=units)
    pop = ra.period_over_period(cons)
    ra.charts.unit_history(pop, unit_id=..., service="HEATING", unit_of_measure="KWH")
    result = ra.submit_eed(client, cons, journal="eed-journal.sqlite")

Names are imported on first use, so that ``import relay_analytics`` and the command line
start fast: polars, pandera and altair load only when a name that needs them is touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relay_analytics import charts
    from relay_analytics.analytics import flagged_records, period_over_period
    from relay_analytics.api import (
        AuthError,
        BadRequestError,
        ConfigurationError,
        NotFoundError,
        RateLimitedError,
        RelayClient,
        RelayConnectionError,
        RelayError,
        RetryPolicy,
        ServerError,
        UploadFile,
    )
    from relay_analytics.io import (
        InputError,
        read_benchmarks,
        read_consumptions,
        write_benchmarks,
        write_consumptions,
    )
    from relay_analytics.loaders import load_customers, load_orders, load_properties, load_units
    from relay_analytics.report import ReportPaths, write_report
    from relay_analytics.samples import sample_path
    from relay_analytics.sandbox import DEFAULT_API_KEY, Faults, SandboxServer
    from relay_analytics.submit import (
        SubmissionRefused,
        SubmitResult,
        build_eed_payloads,
        submit_eed,
    )
    from relay_analytics.validation import Thresholds, ValidationReport, validate_eed

#: Where each public name lives (kept equal to the imports above by tests/test_public_api.py).
_SOURCES: dict[str, tuple[str, ...]] = {
    "relay_analytics.analytics": ("flagged_records", "period_over_period"),
    "relay_analytics.api": (
        "AuthError",
        "BadRequestError",
        "ConfigurationError",
        "NotFoundError",
        "RateLimitedError",
        "RelayClient",
        "RelayConnectionError",
        "RelayError",
        "RetryPolicy",
        "ServerError",
        "UploadFile",
    ),
    "relay_analytics.io": (
        "InputError",
        "read_benchmarks",
        "read_consumptions",
        "write_benchmarks",
        "write_consumptions",
    ),
    "relay_analytics.loaders": ("load_customers", "load_orders", "load_properties", "load_units"),
    "relay_analytics.report": ("ReportPaths", "write_report"),
    "relay_analytics.samples": ("sample_path",),
    "relay_analytics.sandbox": ("DEFAULT_API_KEY", "Faults", "SandboxServer"),
    "relay_analytics.submit": (
        "SubmissionRefused",
        "SubmitResult",
        "build_eed_payloads",
        "submit_eed",
    ),
    "relay_analytics.validation": ("Thresholds", "ValidationReport", "validate_eed"),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}
_SUBMODULES = ("charts",)

__all__ = [
    "DEFAULT_API_KEY",
    "AuthError",
    "BadRequestError",
    "ConfigurationError",
    "Faults",
    "InputError",
    "NotFoundError",
    "RateLimitedError",
    "RelayClient",
    "RelayConnectionError",
    "RelayError",
    "ReportPaths",
    "RetryPolicy",
    "SandboxServer",
    "ServerError",
    "SubmissionRefused",
    "SubmitResult",
    "Thresholds",
    "UploadFile",
    "ValidationReport",
    "build_eed_payloads",
    "charts",
    "flagged_records",
    "load_customers",
    "load_orders",
    "load_properties",
    "load_units",
    "period_over_period",
    "read_benchmarks",
    "read_consumptions",
    "sample_path",
    "submit_eed",
    "validate_eed",
    "write_benchmarks",
    "write_consumptions",
    "write_report",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use and cache it in the package namespace."""
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f"{__name__}.{name}")
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion in notebooks."""
    return __all__
