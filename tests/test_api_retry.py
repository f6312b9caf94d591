"""The retry decision and delays are pure functions of their inputs."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from relay_analytics.api.retry import (
    RetryPolicy,
    TransportFailure,
    backoff_delay,
    parse_retry_after,
    should_retry,
)

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
POLICY = RetryPolicy()


class FixedRandom:
    """A random source that always draws the same number."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("120", 60.0),  # capped at max_retry_after
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("soon", None),
        ("Sun, 01 Mar 2026 12:00:10 GMT", 10.0),
        ("Sun, 01 Mar 2026 11:59:00 GMT", 0.0),  # a date in the past: go now
        ("Sun, 01 Mar 2026 13:00:00 GMT", 60.0),  # capped
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_cap_is_a_parameter() -> None:
    assert parse_retry_after("30", NOW, cap=5.0) == 5.0


@pytest.mark.parametrize(
    ("attempt", "draw", "expected"),
    [
        (1, 0.0, 0.0),
        (1, 0.5, 0.125),  # half of base_delay
        (2, 0.5, 0.25),
        (3, 0.999, 0.999),  # ceiling 1.0 s
        (6, 1.0, 8.0),  # 0.25 * 2**5 = 8.0, the cap
        (20, 0.5, 4.0),  # far past the cap: still at most max_delay
    ],
)
def test_backoff_delay_is_exponential_with_full_jitter_and_capped(
    attempt: int, draw: float, expected: float
) -> None:
    assert backoff_delay(attempt, POLICY, FixedRandom(draw)) == pytest.approx(expected)


def test_backoff_delay_stays_within_its_ceiling_for_real_randomness() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(3, POLICY, rng) for _ in range(200)]
    assert all(0.0 <= d < 1.0 for d in delays)
    assert len(set(delays)) > 100  # jittered, not one fixed value


@pytest.mark.parametrize(
    ("retry_safe", "outcome", "attempt", "expected"),
    [
        # 429: the server did nothing, so every operation may try again
        (True, 429, 1, True),
        (False, 429, 1, True),
        (False, 429, 4, True),
        (False, 429, 5, False),  # attempts exhausted
        # 5xx: only operations that are safe to repeat
        (True, 500, 1, True),
        (True, 503, 4, True),
        (False, 500, 1, False),
        (False, 502, 1, False),
        (True, 500, 5, False),
        # other 4xx: never
        (True, 400, 1, False),
        (True, 401, 1, False),
        (True, 403, 1, False),
        (True, 404, 1, False),
        (True, 409, 1, False),
        # transport failures
        (True, "timeout", 1, True),
        (False, "timeout", 1, False),  # the server may have acted on it
        (True, "dropped", 1, True),
        (False, "dropped", 1, False),
        (False, "connect", 1, True),  # the request never left the client
        (True, "connect", 5, False),
    ],
)
def test_should_retry(
    retry_safe: bool, outcome: int | TransportFailure, attempt: int, expected: bool
) -> None:
    assert should_retry(retry_safe, outcome, attempt, POLICY) is expected


def test_single_attempt_policy_never_retries() -> None:
    assert not should_retry(True, 429, 1, RetryPolicy(max_attempts=1))


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"base_delay": -1.0}, {"total_timeout": -0.5}]
)
def test_policy_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
