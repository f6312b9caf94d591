"""``ValidationReport``: findings, counts and the rows split by submission key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from relay_analytics import frames, io
from relay_analytics.validation.html import findings_html
from relay_analytics.validation.rules import ERROR, POSITION, WARNING

_KEY: Final = list(frames.SUBMISSION_KEY)
_SORT: Final = ["file", "row", "column", "rule"]


@dataclass(frozen=True)
class ValidationReport:
    """What is wrong (errors), what is suspicious (warnings) and which rows can be submitted.

    A submission key with any error is invalid as a whole: all its consumptions and benchmarks
    go to ``invalid_*``. ``valid_*`` hold canonical columns only, ready to analyse or submit;
    ``invalid_*`` keep ``_file`` and ``_row`` so a person can find the rows.
    """

    findings: pl.DataFrame
    invalid_keys: pl.DataFrame
    valid_consumptions: pl.DataFrame
    invalid_consumptions: pl.DataFrame
    valid_benchmarks: pl.DataFrame
    invalid_benchmarks: pl.DataFrame
    rows: int

    @classmethod
    def build(
        cls, cons: pl.DataFrame, bench: pl.DataFrame | None, internal: pl.DataFrame
    ) -> ValidationReport:
        """Assemble a report from canonical frames and findings that carry ``_pos``/``_kind``."""
        bench = (
            bench
            if bench is not None
            else io.canonicalize(
                frames.empty_benchmarks(), frames.BENCHMARK_SCHEMA, file="benchmarks"
            )
        )
        errors = internal.filter(pl.col("severity") == ERROR)
        keyed = pl.concat(
            [
                _keys_of(cons, errors.filter(pl.col("_kind") == "consumptions")),
                _keys_of(bench, errors.filter(pl.col("_kind") == "benchmarks")),
            ]
        )
        invalid_keys = keyed.group_by(_KEY, maintain_order=True).agg(
            pl.col("rule").unique(maintain_order=True).alias("rules"),
            pl.col("message").unique(maintain_order=True).alias("messages"),
        )
        valid_cons, invalid_cons = _split(cons, invalid_keys, frames.CONSUMPTION_SCHEMA)
        valid_bench, invalid_bench = _split(bench, invalid_keys, frames.BENCHMARK_SCHEMA)
        return cls(
            findings=internal.select(frames.FINDING_SCHEMA.names()).sort(_SORT, nulls_last=True),
            invalid_keys=invalid_keys,
            valid_consumptions=valid_cons,
            invalid_consumptions=invalid_cons,
            valid_benchmarks=valid_bench,
            invalid_benchmarks=invalid_bench,
            rows=cons.height + bench.height,
        )

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors.is_empty()

    @property
    def errors(self) -> pl.DataFrame:
        """Findings that block submission of their key."""
        return self.findings.filter(pl.col("severity") == ERROR)

    @property
    def warnings(self) -> pl.DataFrame:
        """Findings an analyst should look at; they do not block submission."""
        return self.findings.filter(pl.col("severity") == WARNING)

    def summary(self) -> pl.DataFrame:
        """Number of findings per rule and severity, errors first, most frequent first."""
        return (
            self.findings.group_by("rule", "severity")
            .agg(pl.len().cast(pl.Int64).alias("count"))
            .sort(
                [pl.col("severity") != ERROR, pl.col("count"), pl.col("rule")],
                descending=[False, True, False],
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``validate --format json`` (DESIGN.md section 4)."""
        errors, warnings = self.errors, self.warnings
        return {
            "ok": self.ok,
            "counts": {"rows": self.rows, "errors": errors.height, "warnings": warnings.height},
            "errors": errors.to_dicts(),
            "warnings": warnings.to_dicts(),
        }

    def to_html(self, *, title: str = "EED validation report") -> str:
        """A small self-contained HTML page with the counts and every finding."""
        return findings_html(title, self.summary(), self.findings, ok=self.ok, rows=self.rows)


def finding_line(finding: Mapping[str, Any], *, with_file: bool = True) -> str:
    """One finding as a line: ``FILE:ROW: SEVERITY: RULE: COLUMN 'VALUE': MESSAGE``.

    Without the file (one file named elsewhere) the line starts ``row ROW:``.
    """
    where = f"{finding['file']}:{finding['row']}" if with_file else f"row {finding['row']}"
    value = "" if finding["value"] is None else f" {finding['value']!r}"
    return (
        f"{where}: {finding['severity']}: {finding['rule']}: {finding['column']}{value}: "
        f"{finding['message']}"
    )


def _keys_of(frame: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    """The submission key of each error's row, with the error's rule and message."""
    keys = frame.select(pl.col(_KEY).gather(errors[POSITION]))
    return pl.concat([keys, errors.select("rule", "message")], how="horizontal")


def _split(
    frame: pl.DataFrame, invalid_keys: pl.DataFrame, schema: pl.Schema
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose key has no error (canonical columns) and the others (with provenance)."""
    located = [*schema.names(), frames.FILE_COLUMN, frames.ROW_COLUMN]
    if invalid_keys.is_empty():
        return frame.select(schema.names()), frame.select(located).clear()
    invalid = _rows_of_keys(frame, invalid_keys.select(_KEY))
    # One filter each: a join would copy every column of the frame once more before filtering.
    return frame.select(schema.names()).filter(~invalid), frame.select(located).filter(invalid)


def _rows_of_keys(frame: pl.DataFrame, keys: pl.DataFrame) -> pl.Series:
    """A mask of the rows of ``frame`` whose submission key is one of ``keys`` (nulls equal).

    The keys' hashes pick the candidate rows; only those are compared exactly (a semi join), so
    a hash collision never marks a row. One hash per row instead of a joined copy of the frame.
    """
    hashed = frame.select(_KEY).hash_rows()
    wanted = keys.select(_KEY).hash_rows().implode()
    candidates = (
        frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(POSITION), *_KEY)
        .filter(hashed.is_in(wanted))
        .join(keys, on=_KEY, how="semi", nulls_equal=True)
    )
    return pl.zeros(frame.height, pl.Boolean(), eager=True).scatter(candidates[POSITION], True)
