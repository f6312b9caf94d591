"""Validation: ``validate_eed`` against hand-written polars checks of the same error rules.

Also pandera's polars backend against the same schema on pandas (at ``--pandas-rows``), and the
peak memory of each polars case (fresh subprocess per case) against the frame's own size.

    uv run python benchmarks/bench_validation.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pap
import polars as pl
from pandera.errors import SchemaErrors
from pandera.typing.pandas import Series

sys.path.insert(0, str(Path(__file__).parent))

import _data
import _harness

from relay_analytics import frames
from relay_analytics.periods import first_of_month
from relay_analytics.validation import ConsumptionModel, validate_eed
from relay_analytics.validation.schemas import failure_cases

BAD_SHARE = 0.01
_IDS = ("property_id", "unit_id", "customer_id")
_REQUIRED = (
    *frames.SUBMISSION_KEY,
    "service",
    "unit_of_measure",
    "converted",
    "estimated",
    "errors",
)


def handwritten_error_checks(cons: pl.DataFrame) -> pl.DataFrame:
    """The error rules validate_eed applies to consumptions alone, as plain polars: findings.

    One boolean per (rule, column), evaluated in one pass; the violating rows become
    (position, rule) findings, as validate_eed reports them.
    """
    amount = pl.col("amount")
    allowed = pl.lit(False)
    for service, units in frames.ALLOWED_UNITS.items():
        allowed = allowed | (
            (pl.col("service") == service) & pl.col("unit_of_measure").is_in(units)
        )
    checks = {
        **{f"required_value_missing:{c}": pl.col(c).is_null() for c in _REQUIRED},
        "required_value_missing:msc_name_blank": pl.col("msc_name").str.strip_chars() == "",
        **{f"id_not_positive:{c}": pl.col(c) <= 0 for c in _IDS},
        "amount_negative": amount < 0,
        "amount_not_finite": ~amount.is_finite(),
        "period_incomplete": pl.col("period") >= first_of_month(_data.AS_OF),
        "unit_of_measure_not_allowed": ~allowed,
        "amount_missing": ~pl.col("errors") & amount.is_null(),
        "amount_with_errors": pl.col("errors") & amount.is_not_null(),
        "converted_not_kwh": pl.col("converted") & (pl.col("unit_of_measure") != "KWH"),
        "remark_code_unknown": pl.col("remark_codes")
        .list.eval(~pl.element().is_in(frames.REMARK_CODES))
        .list.any(),
        # DESIGN.md section 8: the fastest form of the composite-key rule measured.
        "duplicate_record": pl.len().over(frames.RECORD_KEY) > 1,
    }
    return (
        cons.lazy()
        .with_row_index("position")
        .select("position", *(expr.fill_null(False).alias(rule) for rule, expr in checks.items()))
        .filter(pl.any_horizontal(list(checks)))
        .unpivot(index="position", variable_name="rule", value_name="broken")
        .filter("broken")
        .select("position", pl.col("rule").str.split(":").list.first())
        .collect()
    )


def run_validate_eed(cons: pl.DataFrame) -> None:
    """The library's full validation (errors and warnings, one report)."""
    validate_eed(cons, as_of=_data.AS_OF)


def run_validate_eed_errors(cons: pl.DataFrame) -> None:
    """The like-for-like case: the library's validation of the error rules only."""
    validate_eed(cons, as_of=_data.AS_OF, warnings=False)


def run_pandera_polars(cons: pl.DataFrame) -> None:
    """pandera's polars backend with the library's ConsumptionModel (lazy=True)."""
    failure_cases(ConsumptionModel, cons)


class PandasConsumptionModel(pap.DataFrameModel):
    """ConsumptionModel's checks, for pandera's pandas backend (same names, same rules)."""

    property_id: Series[np.int64] = pap.Field(gt=0)
    unit_id: Series[np.int64] = pap.Field(gt=0)
    customer_id: Series[np.int64] = pap.Field(gt=0)
    period: Series[pd.Timestamp]
    msc_name: Series[str] = pap.Field(str_length={"min_value": 1})
    service: Series[pd.CategoricalDtype] = pap.Field(isin=frames.SERVICES)
    unit_of_measure: Series[pd.CategoricalDtype] = pap.Field(isin=frames.UNITS_OF_MEASURE)
    amount: Series[np.float64] = pap.Field(nullable=True, ge=0)
    converted: Series[bool]
    estimated: Series[bool]
    errors: Series[bool]
    remark_codes: Series[object] = pap.Field(nullable=True)

    class Config:
        """Like the polars model: extra columns allowed."""

        strict = False

    @pap.check("amount", name="amount_not_finite")
    def _amount_finite(cls, amount: pd.Series) -> pd.Series:  # noqa: N805 (pandera passes the class)
        return amount.isna() | np.isfinite(amount)


def to_pandas(cons: pl.DataFrame) -> pd.DataFrame:
    """The frame as pandas built column by column (pyarrow is not installed).

    Periods become datetime64[ns], enums categoricals and code lists Python lists.
    """
    columns: dict[str, object] = {}
    for name, column in cons.to_dict().items():
        if isinstance(column.dtype, pl.Enum):
            columns[name] = pd.Categorical(column.cast(pl.String).to_numpy())
        elif isinstance(column.dtype, pl.List):
            columns[name] = pd.Series(column.to_list(), dtype=object)
        elif column.dtype == pl.Date():
            columns[name] = column.to_numpy().astype("datetime64[ns]")
        else:
            columns[name] = column.to_numpy()
    return pd.DataFrame(columns)


def run_pandera_pandas(frame: pd.DataFrame) -> None:
    """pandera's pandas backend with the equivalent model (lazy=True)."""
    with contextlib.suppress(SchemaErrors):  # failures are the expected outcome
        PandasConsumptionModel.validate(frame, lazy=True)


MEMORY_CASES = {
    "validate_eed": run_validate_eed,
    "validate_eed_errors_only": run_validate_eed_errors,
    "handwritten": handwritten_error_checks,
    "pandera_polars": run_pandera_polars,
}


def main() -> None:
    """Time and measure every case, print the tables."""
    parser = _harness.options(__doc__ or "", rows=1_000_000, repeat=3)
    parser.add_argument(
        "--pandas-rows", type=int, default=200_000, help="rows of the pandas comparison"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    args = parser.parse_args()
    if args.memory_case:
        cons = pl.read_parquet(args.data)
        case = MEMORY_CASES[args.memory_case]
        case(cons.head(1000))  # warm up: lazy imports and caches are not the case's memory
        _harness.report_peak_memory(lambda: case(cons))
        return

    cons = _data.consumptions(args.rows, bad_share=BAD_SHARE)
    size = cons.estimated_size()
    reference = _harness.timed(lambda: handwritten_error_checks(cons), args.repeat)
    library = _harness.timed(lambda: run_validate_eed(cons), args.repeat)
    errors_only = _harness.timed(lambda: run_validate_eed_errors(cons), args.repeat)
    pandera_polars = _harness.timed(lambda: run_pandera_polars(cons), args.repeat)
    rows = [
        {
            "case": "hand-written polars, 11 error rules (reference)",
            "rows": cons.height,
            "median s": reference.median,
            "M rows/s": cons.height / reference.median / 1e6,
            "ratio": 1.0,
        },
        {
            "case": "ra.validate_eed(warnings=False): the same error rules",
            "rows": cons.height,
            "median s": errors_only.median,
            "M rows/s": cons.height / errors_only.median / 1e6,
            "ratio": errors_only.median / reference.median,
            "goal": _harness.goal(errors_only.median / reference.median, 3, at_least=False),
        },
        {
            "case": "ra.validate_eed: error and warning rules",
            "rows": cons.height,
            "median s": library.median,
            "M rows/s": cons.height / library.median / 1e6,
            "ratio": library.median / reference.median,
        },
        {
            "case": "pandera polars backend alone (ConsumptionModel)",
            "rows": cons.height,
            "median s": pandera_polars.median,
            "M rows/s": cons.height / pandera_polars.median / 1e6,
            "ratio": pandera_polars.median / reference.median,
        },
    ]
    _harness.print_table(
        f"Validation, {cons.height:,} rows, {BAD_SHARE:.0%} bad, median of {args.repeat}",
        rows,
        as_json=args.json,
    )

    small = cons.head(min(args.pandas_rows, cons.height))
    small_pandas = to_pandas(small)
    pandera_small = _harness.timed(lambda: run_pandera_polars(small), args.repeat)
    pandas_small = _harness.timed(lambda: run_pandera_pandas(small_pandas), args.repeat)
    _harness.print_table(
        f"pandera: polars backend vs pandas backend, {small.height:,} rows",
        [
            {
                "backend": "pandera polars (reference)",
                "median s": pandera_small.median,
                "ratio": 1.0,
            },
            {
                "backend": "pandera pandas, equivalent model",
                "median s": pandas_small.median,
                "ratio": pandas_small.median / pandera_small.median,
            },
        ],
        as_json=args.json,
    )

    if args.no_memory:
        return
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "consumptions.parquet"
        cons.write_parquet(data)
        memory = {case: _harness.peak_memory(__file__, case, data) for case in MEMORY_CASES}
    _harness.print_table(
        f"Peak memory added by each case (fresh process; frame size {_harness.mib(size)} MiB)",
        [
            {
                "case": case,
                "peak added MiB": _harness.mib(result["added_bytes"]),
                "x frame size": result["added_bytes"] / size,
                "goal": _harness.goal(result["added_bytes"] / size, 3, at_least=False)
                if case.startswith("validate_eed")
                else "",
                "method": result["method"],
            }
            for case, result in memory.items()
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
