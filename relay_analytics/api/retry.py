"""When to retry a request and how long to wait: pure functions, no I/O, no clock.

The client feeds them the outcome of each attempt; tests feed them a table of cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal, Protocol

from relay_analytics.api._constants import (
    DEFAULT_BASE_DELAY,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_DELAY,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_TOTAL_TIMEOUT,
)

#: Failures without an HTTP answer. ``connect``: no connection was made, so the server
#: cannot have seen the request; ``timeout`` and ``dropped`` (a connection closed or reset
#: mid-exchange): the server may have processed it.
TransportFailure = Literal["connect", "timeout", "dropped"]


class RandomSource(Protocol):
    """The part of ``random.Random`` the backoff needs (injectable for tests)."""

    def random(self) -> float:
        """Return a float in [0, 1)."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long the client retries; ``max_attempts`` counts the first try."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    base_delay: float = DEFAULT_BASE_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    #: A longer Retry-After is cut to this, so a misbehaving server cannot park a client.
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    #: No retry starts once this many seconds have passed since the first attempt.
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")
        for name in ("base_delay", "max_delay", "max_retry_after", "total_timeout"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must be >= 0, got {getattr(self, name)}")


#: One try only: for callers that run their own retry loop.
NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(
    value: str | None, now: datetime, *, cap: float = DEFAULT_MAX_RETRY_AFTER
) -> float | None:
    """Seconds to wait for a ``Retry-After`` (seconds or HTTP date), capped; None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = max(0.0, (when - now).total_seconds())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, cap)


def backoff_delay(attempt: int, policy: RetryPolicy, rng: RandomSource) -> float:
    """Delay after failed attempt number ``attempt`` (1-based): exponential, full jitter, capped."""
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    # Full jitter (a uniform draw below the ceiling) spreads out clients that failed together.
    return rng.random() * ceiling


def should_retry(
    op_retry_safe: bool,
    outcome: int | TransportFailure,
    attempt: int,
    policy: RetryPolicy,
) -> bool:
    """Whether to try again after attempt ``attempt`` ended with this status or failure."""
    if attempt >= policy.max_attempts:
        return False
    if outcome == 429:  # the server did nothing; any operation may be sent again
        return True
    if outcome == "connect":  # the request never left; resending cannot duplicate it
        return True
    if isinstance(outcome, str) or outcome >= 500:
        return op_retry_safe
    return False
