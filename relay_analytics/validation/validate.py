"""``validate_eed``: pandera schemas plus domain rules over consumptions and benchmarks.

Rules run in lazy passes over *work frames* (see :mod:`relay_analytics.validation.rules`): the
row rules of each input over the frame in its input order, with helper columns joined in; the
warnings over a narrow copy of the consumptions sorted once into monthly series, and over one
row per property-month. Only rows that break a rule come back, as positions, and become
findings with their values read from the input. No Python loop touches rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Final, Literal

import pandera.polars as pa
import polars as pl

from relay_analytics import frames, io
from relay_analytics.periods import month_index
from relay_analytics.validation import rules
from relay_analytics.validation.report import ValidationReport
from relay_analytics.validation.rules import RULES, Thresholds
from relay_analytics.validation.schemas import BenchmarkModel, ConsumptionModel, failure_cases

_KIND: Final = "_kind"
#: Whose series a record belongs to; with service (and unit of measure), its series.
_OWNER: Final = ("property_id", "unit_id", "customer_id", "msc_name")
_SERIES_KEY: Final = (*_OWNER, "service")
#: From this size on, the series rules sort the frame in this many batches of whole series.
_SERIES_BATCH_MIN_ROWS: Final = 200_000
_SERIES_BATCHES: Final = 4
_SERVICE_KEY: Final = (*frames.SUBMISSION_KEY, "service")
_IDS: Final = ("property_id", "unit_id", "customer_id")
_PROVENANCE: Final = (frames.FILE_COLUMN, frames.ROW_COLUMN, frames.UNREADABLE_COLUMN)
_INTERNAL_FINDING: Final = pl.Schema({rules.POSITION: pl.Int64(), **frames.FINDING_SCHEMA})
#: Columns the series rules read, besides the series key.
_SERIES_VALUES: Final = ("period", "amount", "estimated")


def validate_eed(
    cons: pl.DataFrame,
    bench: pl.DataFrame | None = None,
    units: pl.DataFrame | None = None,
    as_of: dt.date | None = None,
    *,
    thresholds: Thresholds = Thresholds(),  # noqa: B008  (frozen, so a shared default is safe)
    msc_allow_list: Collection[str] | None = None,
    warnings: bool = True,
) -> ValidationReport:
    """Check consumptions (and benchmarks, against Relay ``units``) before an EED submission.

    ``as_of`` (default today) decides which month is still incomplete. Frames from
    :func:`relay_analytics.io.read_consumptions` carry unreadable cells, reported here too.
    ``warnings=False`` checks the error rules only (the submission gate): it skips sorting the
    frame into monthly series, most of the cost.
    """
    as_of = as_of or dt.date.today()
    cons = _canonical(cons, frames.CONSUMPTION_SCHEMA, "consumptions")
    shared = rules.record_checks(thresholds, as_of, msc_allow_list)
    references = rules.reference_checks() if units is not None else {}

    cons_rows = _record_frame(cons)
    if bench is not None:
        bench = _canonical(bench, frames.BENCHMARK_SCHEMA, "benchmarks")
        cons_rows = _join_flag(cons_rows, bench, _SERVICE_KEY, rules.HAS_BENCHMARK)
    if units is not None:
        cons_rows = _join_units(cons_rows, units)
    cons_checks = (
        shared
        | references
        | rules.consumption_checks(thresholds, with_benchmarks=bench is not None)
    )
    cons_passes: Iterable[_Pass] = [_Pass(cons_rows, _only(cons_checks, warnings))]
    if warnings:  # series and property-month rules are warnings: the gate skips the sort
        series_checks = rules.series_checks(thresholds)
        cons_passes = chain(
            cons_passes,
            (_Pass(batch, series_checks, engine="in-memory") for batch in _series_frames(cons)),
            [_Pass(_property_month_frame(cons), rules.property_month_checks(thresholds))],
        )

    bench_passes = []
    if bench is not None:
        bench_rows = _record_frame(bench)
        bench_rows = _join_flag(bench_rows, cons, _SERVICE_KEY, rules.HAS_CONSUMPTION)
        bench_rows = _join_flag(
            bench_rows, cons, (*_SERVICE_KEY, "unit_of_measure"), rules.SAME_UNIT_CONSUMPTION
        )
        if units is not None:
            bench_rows = _join_units(bench_rows, units)
        bench_checks = shared | references | rules.benchmark_checks(thresholds)
        bench_passes.append(_Pass(bench_rows, _only(bench_checks, warnings)))

    cons_found = [_pass_findings(cons, rule_pass) for rule_pass in cons_passes]
    findings = [_findings(cons, ConsumptionModel, cons_found, "consumptions")]
    if bench is not None:
        bench_found = [_pass_findings(bench, rule_pass) for rule_pass in bench_passes]
        findings.append(_findings(bench, BenchmarkModel, bench_found, "benchmarks"))
    return ValidationReport.build(cons, bench, pl.concat(findings))


@dataclass(frozen=True)
class _Pass:
    """Rules evaluated together in one lazy pass over a work frame, and the engine to use.

    The streaming engine keeps windows and group-bys over keys in bounded memory (under half the
    in-memory engine's peak at 10 M rows); the sorted series frame's shifts and binary searches
    take twice the CPU time there, so that pass runs in memory.
    """

    work: pl.LazyFrame
    checks: dict[str, pl.Expr]
    engine: Literal["streaming", "in-memory"] = "streaming"


def _canonical(frame: pl.DataFrame, schema: pl.Schema, label: str) -> pl.DataFrame:
    """The canonical columns with provenance; text columns are read like a file's cells."""
    missing = [name for name in schema.names() if name not in frame.columns]
    if missing:
        raise io.InputError(f"{label} frame", f"missing column(s): {', '.join(missing)}")
    present = [name for name in _PROVENANCE if name in frame.columns]
    return io.canonicalize(frame.select(*schema.names(), *present), schema, file=label)


def _only(checks: dict[str, pl.Expr], warnings: bool) -> dict[str, pl.Expr]:
    """All checks, or the error rules only."""
    if warnings:
        return checks
    return {
        rule_id: expr for rule_id, expr in checks.items() if RULES[rule_id].severity == rules.ERROR
    }


def _row_frame(frame: pl.DataFrame) -> pl.LazyFrame:
    """The canonical columns in input order, with positions (row rules add helper columns)."""
    return frame.lazy().select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(rules.POSITION),
        *(name for name in frame.columns if not name.startswith("_")),
    )


def _record_frame(frame: pl.DataFrame) -> pl.LazyFrame:
    """The row frame with the REPEATED flag the shared record rules read."""
    repeated = _repeated_positions(frame).implode()
    return _row_frame(frame).with_columns(
        pl.col(rules.POSITION).is_in(repeated).alias(rules.REPEATED)
    )


def _repeated_positions(frame: pl.DataFrame) -> pl.Series:
    """Positions of the rows whose RECORD_KEY appears more than once (nulls count as equal).

    Sorting the keys' hashes finds the few candidates with a repeated hash; only those are
    compared exactly, so a hash collision is never reported. One hash a row instead of the
    hash table of every key that ``pl.len().over(RECORD_KEY)`` over all rows would build.
    """
    hashed = frame.select(frames.RECORD_KEY).hash_rows()
    ordered = hashed.sort()
    repeated_hashes = ordered.filter(ordered == ordered.shift(1)).implode()
    candidates = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(rules.POSITION), *frames.RECORD_KEY
    ).filter(hashed.is_in(repeated_hashes))
    return candidates.filter(pl.len().over(frames.RECORD_KEY) > 1)[rules.POSITION]


def _property_month_frame(cons: pl.DataFrame) -> pl.LazyFrame:
    """One row per property-month: its first record's position and its share of estimates."""
    return (
        _row_frame(cons)
        .group_by(rules.PROPERTY_MONTH)
        .agg(
            pl.col(rules.POSITION).min(),
            pl.col("estimated").mean().alias(rules.ESTIMATED_SHARE),
        )
    )


def _series_frames(cons: pl.DataFrame) -> Iterator[pl.LazyFrame]:
    """What the series rules read, rows with a period only, sorted into monthly series.

    Rows without a period (an error of their own) belong to no month, so no series rule can
    fire on them or count them. Rows of one series and month stay in input order (position is
    the last sort key, whatever order a batch was read in). A large frame is sorted in batches
    of whole series (split by a hash of their owner), each read when its pass starts: sorting
    takes about 200 bytes a row, four times the frame's own size, and was most of the full
    validation's peak memory.
    """
    rows = cons.lazy().select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias(rules.POSITION),
        *_SERIES_KEY,
        "unit_of_measure",
        *_SERIES_VALUES,
        month_index(pl.col("period")).alias(rules.MONTH),
    )
    if cons.height < _SERIES_BATCH_MIN_ROWS:
        yield _series_frame(rows)
        return
    # Each batch hashes the owners again: a batch column kept for all would cost more memory
    # than that time, and collected it comes in other chunks than the input (copies to align).
    batch = pl.struct(_OWNER).hash() % _SERIES_BATCHES
    for number in range(_SERIES_BATCHES):
        yield _series_frame(rows.filter(batch == number).collect(engine="streaming").lazy())


def _series_frame(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Sort ``rows`` (whole series) into monthly series and add the series rules' helpers."""
    keys = [*_SERIES_KEY, "unit_of_measure"]
    series = (
        rows.filter(pl.col("period").is_not_null())
        .sort([*keys, rules.MONTH, rules.POSITION], nulls_last=True)
        .with_columns(
            _series_id(_SERIES_KEY).alias(rules.SERVICE_SERIES),
            _series_id(keys).alias(rules.SERIES),
        )
    )
    # Series are spaced further apart than the frame's span of months plus a year, so
    # "SERIES_MONTH - 12" stays within the series and the column increases down the frame.
    month = pl.col(rules.MONTH) - pl.col(rules.MONTH).min()
    spacing = month.max() + 13
    return series.with_columns(
        (pl.col(rules.SERIES) * spacing + month).alias(rules.SERIES_MONTH),
        (pl.col(rules.SERVICE_SERIES) * spacing + month).alias(rules.SERVICE_MONTH),
    ).with_columns(**rules.series_lookups())


def _series_id(keys: Collection[str]) -> pl.Expr:
    """A number per run of equal ``keys`` in a sorted frame (nulls count as equal)."""
    return pl.struct(keys).rle_id()


def _join_flag(
    work: pl.LazyFrame, other: pl.DataFrame, keys: Collection[str], flag: str
) -> pl.LazyFrame:
    """Add ``flag``: whether ``other`` has a row with the same ``keys``."""
    present = other.lazy().select(*keys).unique().with_columns(pl.lit(True).alias(flag))
    joined = work.join(present, on=list(keys), how="left")  # POSITION keeps each row's identity
    return joined.with_columns(pl.col(flag).fill_null(False))


def _join_units(work: pl.LazyFrame, units: pl.DataFrame) -> pl.LazyFrame:
    """Add the Relay property and customer of each row's unit (``KNOWN_*`` columns)."""
    known = (
        units.lazy()
        .select(
            pl.col("id").cast(pl.Int64).alias("unit_id"),
            pl.col("property_id").cast(pl.Int64).alias(rules.KNOWN_PROPERTY),
            pl.col("customer_id").cast(pl.Int64).alias(rules.KNOWN_CUSTOMER),
            pl.lit(True).alias(rules.KNOWN_UNIT),
        )
        .unique("unit_id", keep="first", maintain_order=True)
    )
    joined = work.join(known, on="unit_id", how="left")
    return joined.with_columns(pl.col(rules.KNOWN_UNIT).fill_null(False))


def _findings(
    frame: pl.DataFrame,
    model: type[pa.DataFrameModel],
    rule_findings: list[pl.DataFrame],
    kind: str,
) -> pl.DataFrame:
    """All findings of one frame: unreadable cells, pandera failures and rule violations."""
    unreadable = _unreadable_findings(frame)
    found = pl.concat([_schema_findings(frame, model), *rule_findings])
    found = found.join(_reported(unreadable), on=[rules.POSITION, "column"], how="anti")
    found = pl.concat([unreadable, found])
    positions = found[rules.POSITION]
    provenance = frame.select(
        pl.col(frames.FILE_COLUMN).gather(positions).alias("file"),
        pl.col(frames.ROW_COLUMN).gather(positions).alias("row"),
    )
    return pl.concat([found.drop("file", "row"), provenance], how="horizontal").select(
        *frames.FINDING_SCHEMA.names(), rules.POSITION, pl.lit(kind).alias(_KIND)
    )


def _reported(unreadable: pl.DataFrame) -> pl.DataFrame:
    """Cells not to report again: unreadable ones are null now, not missing.

    The three ids resolve together (an ARGE reference gives property, unit and customer), so an
    unreadable id also covers the other ids of its row.
    """
    ids = pl.DataFrame({"column": list(_IDS)})
    id_rows = unreadable.filter(pl.col("column").is_in(_IDS)).select(rules.POSITION).unique()
    return pl.concat(
        [unreadable.select(rules.POSITION, "column"), id_rows.join(ids, how="cross")]
    ).unique()


def _unreadable_findings(frame: pl.DataFrame) -> pl.DataFrame:
    """One finding per cell the reader could not cast."""
    cells = (
        frame.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias(rules.POSITION), frames.UNREADABLE_COLUMN
        )
        .filter(pl.col(frames.UNREADABLE_COLUMN).list.len() > 0)
        .explode(frames.UNREADABLE_COLUMN)
        .unnest(frames.UNREADABLE_COLUMN)
    )
    rule = RULES["unreadable_value"]
    return cells.select(
        rules.POSITION,
        pl.lit(None, pl.String()).alias("file"),
        pl.lit(None, pl.Int64()).alias("row"),
        "column",
        pl.lit(rule.id).alias("rule"),
        pl.lit(rule.severity).alias("severity"),
        "value",
        pl.format("cannot read {}: {}", "column", "reason").alias("message"),
    ).cast(_INTERNAL_FINDING)


def _schema_findings(frame: pl.DataFrame, model: type[pa.DataFrameModel]) -> pl.DataFrame:
    """pandera failure cases as findings; ``index`` is the position in ``frame``."""
    failures = failure_cases(model, frame.select(list(model.to_schema().columns)))
    rule_id = pl.col("check").replace(rules.PANDERA_CHECKS)
    severity = rule_id.replace_strict(
        {rule.id: rule.severity for rule in RULES.values()}, default=rules.ERROR
    )
    message = rule_id.replace_strict(
        {rule.id: rule.message for rule in RULES.values()}, default=pl.col("check")
    )
    return failures.select(
        pl.col("index").cast(pl.Int64).alias(rules.POSITION),
        pl.lit(None, pl.String()).alias("file"),
        pl.lit(None, pl.Int64()).alias("row"),
        "column",
        rule_id.alias("rule"),
        severity.alias("severity"),
        "value",
        message.alias("message"),
    ).cast(_INTERNAL_FINDING)


def _pass_findings(frame: pl.DataFrame, rule_pass: _Pass) -> pl.DataFrame:
    """Run one pass over ``frame``'s work frame and turn its violations into findings.

    Passes run one at a time: collected together, their memory peaks added up (5.2x the frame's
    size at 10 M rows instead of 1.8x) for little gain in time on two cores.
    """
    violating = _violations(rule_pass.work, rule_pass.checks).collect(engine=rule_pass.engine)
    return _rule_findings(frame, violating, rule_pass.checks)


def _violations(work: pl.LazyFrame, checks: dict[str, pl.Expr]) -> pl.LazyFrame:
    """The positions of rows that break at least one check, with one flag per check."""
    return (
        work.select(
            rules.POSITION,
            *(expr.fill_null(False).alias(rule_id) for rule_id, expr in checks.items()),
        )
        .filter(pl.any_horizontal(list(checks)))
        .sort(rules.POSITION)  # input order, whatever order the work frame has
    )


def _rule_findings(
    frame: pl.DataFrame, violating: pl.DataFrame, checks: Collection[str]
) -> pl.DataFrame:
    """One finding per broken check of each violating row; values are read from ``frame``."""
    parts = [_INTERNAL_FINDING.to_frame()]
    for rule_id in checks:  # a loop over rules on the few violating rows, never over all rows
        rule = RULES[rule_id]
        positions = violating.filter(pl.col(rule_id))[rules.POSITION]
        # Gather first: turning a whole column into text would cost more than every rule.
        value = _as_text(pl.col(rule.column).gather(positions), frame.schema[rule.column])
        parts.append(
            frame.select(
                pl.lit(positions).alias(rules.POSITION),
                pl.lit(None, pl.String()).alias("file"),
                pl.lit(None, pl.Int64()).alias("row"),
                pl.lit(rule.column).alias("column"),
                pl.lit(rule.id).alias("rule"),
                pl.lit(rule.severity).alias("severity"),
                value.alias("value"),
                pl.lit(rule.message).alias("message"),
            )
        )
    return pl.concat(parts)


def _as_text(cells: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Cells as the text a CSV would hold (periods as YYYY-MM, codes ``|``-joined)."""
    if dtype == pl.Date():
        return cells.dt.strftime(frames.PERIOD_FORMAT)
    if isinstance(dtype, pl.List):
        return cells.list.join("|")
    return cells.cast(pl.String())
