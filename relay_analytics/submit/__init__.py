"""Exactly-once submission of validated EED data: payloads, the journal and the runner."""

from relay_analytics.submit.journal import Journal, JournalEntry, JournalError, JournalState
from relay_analytics.submit.payloads import (
    EedPayload,
    SubmissionKey,
    build_eed_payloads,
    payload_digest,
)
from relay_analytics.submit.runner import (
    DEFAULT_CONCURRENCY,
    KeyFailure,
    ProgressCallback,
    SubmissionAborted,
    SubmissionError,
    SubmissionRefused,
    SubmitResult,
    submit_eed,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "EedPayload",
    "Journal",
    "JournalEntry",
    "JournalError",
    "JournalState",
    "KeyFailure",
    "ProgressCallback",
    "SubmissionAborted",
    "SubmissionError",
    "SubmissionKey",
    "SubmissionRefused",
    "SubmitResult",
    "build_eed_payloads",
    "payload_digest",
    "submit_eed",
]
