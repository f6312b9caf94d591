"""Send EED payloads once each: validate, plan against the journal, send concurrently, record.

Only the calling thread touches the journal: worker threads send one payload each through
the shared client and hand the outcome back, and the calling thread commits it. So the
journal needs no lock, and its order of commits is the order in which answers arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue
from typing import Any, Final, TypeAlias

import polars as pl

from relay_analytics.api import AuthError, RelayClient, RelayConnectionError, RelayError
from relay_analytics.submit.journal import Journal, SendPlan
from relay_analytics.submit.payloads import EedPayload, SubmissionKey, build_eed_payloads
from relay_analytics.validation import ValidationReport, validate_eed

#: Called on the calling thread with (keys done, keys to send): once before the first
#: answer and once after each.
ProgressCallback: TypeAlias = Callable[[int, int], None]

DEFAULT_CONCURRENCY: Final = 8


@dataclass(frozen=True, slots=True)
class KeyFailure:
    """A key that was not accepted: HTTP status (None when no answer came) and message."""

    key: SubmissionKey
    status: int | None
    message: str


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What a submission did (a dry run: would do) with each submission key, in key order."""

    #: Keys sent for the first time (a dry run: that would be).
    sent: list[SubmissionKey]
    #: Keys sent before whose payload changed, sent again.
    corrected: list[SubmissionKey]
    #: Keys the journal holds as sent with the same payload: not sent again.
    skipped: list[SubmissionKey]
    #: Keys with validation errors, not sent (``skip_invalid``): the key columns and the
    #: ``rules`` and ``messages`` (lists) of ValidationReport.invalid_keys.
    held_back: pl.DataFrame
    failed: list[KeyFailure]
    journal: Path
    report: ValidationReport
    dry_run: bool

    @property
    def ok(self) -> bool:
        """True when no key failed."""
        return not self.failed

    def summary(self) -> str:
        """One line: sent, corrected, skipped as already sent, held back as invalid, failed."""
        verb = "would send" if self.dry_run else "sent"
        correct = "would correct" if self.dry_run else "corrected"
        return (
            f"{verb} {len(self.sent)}, {correct} {len(self.corrected)}, "
            f"skipped {len(self.skipped)} (already sent), "
            f"held back {self.held_back.height} (invalid), failed {len(self.failed)}"
        )


class SubmissionError(Exception):
    """Base of the errors of a submission run (the client's errors are RelayError)."""


# The two names below state outcomes the caller reacts to (the shared interface names
# SubmissionRefused); an "Error" suffix would add nothing, hence the N818 exemptions.
class SubmissionRefused(SubmissionError):  # noqa: N818
    """Validation found errors, so nothing was sent; ``report`` holds the findings."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"submission refused, nothing was sent: {report.errors.height} validation errors "
            f"in {report.invalid_keys.height} submission keys. Fix them, or pass "
            "skip_invalid=True (--skip-invalid) to send only the keys without errors"
        )


class SubmissionAborted(SubmissionError):  # noqa: N818
    """The run stopped early on an error that every key would meet (bad key, no server).

    The journal holds every answer received; a rerun sends the rest. ``result`` lists what
    was done, with the keys not attempted among ``failed``.
    """

    def __init__(self, cause: RelayError, result: SubmitResult) -> None:
        self.cause = cause
        self.result = result
        super().__init__(
            f"submission stopped: {cause}. {len(result.sent) + len(result.corrected)} keys were "
            f"sent and recorded in {result.journal}; rerun with the same journal to send the rest"
        )


def submit_eed(
    client: RelayClient | None,
    cons: pl.DataFrame,
    bench: pl.DataFrame | None = None,
    *,
    journal: str | Path,
    units: pl.DataFrame | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    dry_run: bool = False,
    skip_invalid: bool = False,
    as_of: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> SubmitResult:
    """Validate (error rules), then send each submission key not yet in the journal once.

    Raises SubmissionRefused when validation finds errors (unless ``skip_invalid``) and
    SubmissionAborted when the key is refused or the server is unreachable from the start.
    ``client`` may be None for a dry run, which reads the journal but writes nothing.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    if client is None and not dry_run:
        raise ValueError("a client is needed unless dry_run=True")
    # Only errors stop a key; the warnings are for `validate` and the report, not this gate.
    report = validate_eed(cons, bench, units=units, as_of=as_of, warnings=False)
    if not report.ok and not skip_invalid:
        raise SubmissionRefused(report)
    # The report's valid frames hold whole keys only: a key with any error is held back
    # with all its rows, never sent in part.
    held_back = report.invalid_keys
    payloads = build_eed_payloads(report.valid_consumptions, report.valid_benchmarks)
    path = Path(journal)
    if dry_run:
        plan = _dry_run_plan(path, payloads)
        return _result(plan, held_back, path, report, acknowledged=None, failed=[])
    assert client is not None  # checked above; narrows the type
    with Journal(path) as book:
        plan = book.plan(payloads)
        return _send_all(client, book, plan, held_back, report, concurrency, progress)


def _dry_run_plan(path: Path, payloads: list[EedPayload]) -> SendPlan:
    """Plan against an existing journal without writing to it (or creating it)."""
    if not path.exists():
        return SendPlan(new=payloads, corrections=[], already_sent=[])
    with Journal(path, read_only=True) as book:
        return book.plan(payloads)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The answer to one payload, passed from a worker thread back to the calling thread."""

    payload: EedPayload
    response: Any = None
    error: RelayError | None = None


def _send_one(client: RelayClient, payload: EedPayload) -> _Outcome:
    """Send one payload (the client retries 429, 5xx and lost connections per its policy)."""
    try:
        return _Outcome(payload, response=client.eed(payload.body))
    except RelayError as error:
        return _Outcome(payload, error=error)


def _send_all(
    client: RelayClient,
    book: Journal,
    plan: SendPlan,
    held_back: pl.DataFrame,
    report: ValidationReport,
    concurrency: int,
    progress: ProgressCallback | None,
) -> SubmitResult:
    to_send = plan.to_send
    book.mark_pending(to_send)
    acknowledged: set[SubmissionKey] = set()
    failed: list[KeyFailure] = []
    abort: RelayError | None = None
    if progress:
        progress(0, len(to_send))
    with ThreadPoolExecutor(concurrency, thread_name_prefix="relay-submit") as pool:
        futures = [pool.submit(_send_one, client, payload) for payload in to_send]
        done = 0
        try:
            for arrived in _arrivals(futures):
                sent = [(o.payload, _accepted(o.response)) for o in arrived if o.error is None]
                lost = [(o.payload, o.error) for o in arrived if o.error is not None]
                failures = [(payload, _failure(payload.key, error)) for payload, error in lost]
                with book.batch():  # one commit for the answers that arrived together
                    book.mark_sent(sent)
                    book.mark_failed((payload, f.status, f.message) for payload, f in failures)
                acknowledged.update(payload.key for payload, _ in sent)
                failed += [failure for _, failure in failures]
                if abort is None:
                    stops = (e for _, e in lost if _stops_the_run(e, bool(acknowledged)))
                    if (abort := next(stops, None)) is not None:
                        _cancel(futures)
                done += len(arrived)
                if progress:
                    progress(done, len(to_send))
        except BaseException:
            # Ctrl-C or a journal failure: start nothing more (leaving the pool waits for
            # the requests in flight); their answers go unrecorded, which is safe: those
            # keys stay pending and the rerun sends them again.
            _cancel(futures)
            raise
    if abort is not None:
        attempted = acknowledged | {f.key for f in failed}
        failed += [
            KeyFailure(p.key, None, f"not attempted: the run stopped ({abort})")
            for p in to_send
            if p.key not in attempted
        ]
    result = _result(plan, held_back, book.path, report, acknowledged=acknowledged, failed=failed)
    if abort is not None:
        raise SubmissionAborted(abort, result)
    return result


def _arrivals(futures: list[Future[_Outcome]]) -> Iterator[list[_Outcome]]:
    """Outcomes in groups of those that arrived together, skipping cancelled futures.

    One journal commit per group: a commit per answer cost the calling thread a turn at the GIL
    against the busy senders for every statement (a fifth of a run's time at 600 answers/s).
    """
    finished: SimpleQueue[Future[_Outcome]] = SimpleQueue()
    for future in futures:
        future.add_done_callback(finished.put)  # also called on cancel()
    remaining = len(futures)
    while remaining:
        group = [finished.get()]
        while not finished.empty():
            group.append(finished.get_nowait())
        remaining -= len(group)
        yield [future.result() for future in group if not future.cancelled()]


def _cancel(futures: list[Future[_Outcome]]) -> None:
    for future in futures:
        future.cancel()


def _accepted(response: Any) -> str:
    """The journal's note on a 2xx: the record id the server gave, when it gave one."""
    record_id = response.get("id") if isinstance(response, dict) else None
    return "accepted" if record_id is None else f"accepted as record {record_id}"


def _failure(key: SubmissionKey, error: RelayError) -> KeyFailure:
    return KeyFailure(key, error.status_code, str(error))


def _stops_the_run(error: RelayError, any_acknowledged: bool) -> bool:
    """A bad key fails every request; no connection before any success means no server.

    Later connection failures (after the client's retries) fail only their key: the
    server was there, and a rerun retries them.
    """
    if isinstance(error, AuthError):
        return True
    return isinstance(error, RelayConnectionError) and not any_acknowledged


def _result(
    plan: SendPlan,
    held_back: pl.DataFrame,
    journal: Path,
    report: ValidationReport,
    *,
    acknowledged: set[SubmissionKey] | None,
    failed: list[KeyFailure],
) -> SubmitResult:
    """The result of a run; ``acknowledged`` is None for a dry run (every planned key counts)."""

    def counted(payloads: list[EedPayload]) -> list[SubmissionKey]:
        return [p.key for p in payloads if acknowledged is None or p.key in acknowledged]

    return SubmitResult(
        sent=counted(plan.new),
        corrected=counted(plan.corrections),
        skipped=[p.key for p in plan.already_sent],
        held_back=held_back,
        failed=sorted(failed, key=lambda f: f.key),
        journal=journal,
        report=report,
        dry_run=acknowledged is None,
    )
