"""Files -> canonical frames: CSV (incl. German Excel), Parquet and ARGE HeiWaKo EED JSON.

Every reader loads cells as text first and casts each column with ``strict=False``; a cell that
was non-empty but could not be cast is recorded in the row's ``_unreadable`` list, so validation
reports it at its file, row and column instead of the reader crashing or nulling it silently.
Provenance columns start with ``_``; downstream code selects the canonical columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path
from typing import Final

import polars as pl

from relay_analytics import arge, frames
from relay_analytics.frames import (
    FILE_COLUMN,
    ROW_COLUMN,
    UNIT_SCHEMA,
    UNREADABLE_COLUMN,
    UNREADABLE_DTYPE,
    UTC_DATETIME,
)

#: Columns a file may leave out (ARGE remark codes arrived with v1.2; none is a valid value).
OPTIONAL_COLUMNS: Final = frozenset({"remark_codes"})

_PERIOD_PATTERN: Final = r"^\d{4}-(0[1-9]|1[0-2])$"
_BOOLEAN_TEXT: Final = {"true": True, "1": True, "false": False, "0": False}
_CSV_SUFFIXES: Final = frozenset({".csv", ".txt"})
_PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
_JSON_SUFFIXES: Final = frozenset({".json"})
_PROVENANCE_COLUMNS: Final = (FILE_COLUMN, ROW_COLUMN, UNREADABLE_COLUMN)


class InputError(ValueError):
    """A file cannot be read as a whole (missing, empty, wrong encoding, wrong columns)."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def read_consumptions(
    path: str | Path,
    *,
    units: pl.DataFrame | None = None,
    properties: pl.DataFrame | Mapping[str, int] | None = None,
    msc_name: str | None = None,
    ignore_extra_columns: bool = False,
) -> pl.DataFrame:
    """Read consumptions from CSV, Parquet or ARGE EED JSON into the canonical frame.

    ``units``, ``properties`` (a frame or a mapping billing-unit mscnumber -> property id) and
    ``msc_name`` resolve the Relay ids and MSC of an ARGE JSON file; they do not apply elsewhere.
    """
    return _read(
        Path(path),
        frames.CONSUMPTION_SCHEMA,
        "consumptions",
        units,
        properties,
        msc_name,
        ignore_extra_columns,
    )


def read_benchmarks(
    path: str | Path,
    *,
    units: pl.DataFrame | None = None,
    properties: pl.DataFrame | Mapping[str, int] | None = None,
    msc_name: str | None = None,
    ignore_extra_columns: bool = False,
) -> pl.DataFrame:
    """Read benchmarks from CSV, Parquet or ARGE EED JSON into the canonical frame."""
    return _read(
        Path(path),
        frames.BENCHMARK_SCHEMA,
        "benchmarks",
        units,
        properties,
        msc_name,
        ignore_extra_columns,
    )


def read_units(path: str | Path) -> pl.DataFrame:
    """Read units as ``relay-analytics fetch units`` writes them (Parquet or CSV) with UNIT_SCHEMA.

    Only ``id``, ``property_id`` and ``customer_id`` are required; MSC numbers stay text, so
    "0012" keeps its leading zeros.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(path, "no such file (check the path)")
    try:
        if suffix in _PARQUET_SUFFIXES:
            raw = pl.read_parquet(path)
        elif suffix in _CSV_SUFFIXES:
            raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
        else:
            raise InputError(path, f"unknown file type {suffix!r}: use .parquet or .csv")
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(path, f"not a readable units file ({error})") from error
    missing = [c for c in ("id", "property_id", "customer_id") if c not in raw.columns]
    if missing:
        raise InputError(path, f"missing required column(s): {', '.join(missing)}")
    columns = [(name, dtype) for name, dtype in UNIT_SCHEMA.items() if name in raw.columns]
    try:
        return raw.select(
            pl.col(name).str.to_datetime(time_zone="UTC")
            if dtype == UTC_DATETIME and raw.schema[name] == pl.String()
            else pl.col(name).cast(dtype)
            for name, dtype in columns
        )
    except pl.exceptions.PolarsError as error:
        raise InputError(path, f"a units column has unreadable values ({error})") from error


def write_consumptions(frame: pl.DataFrame, path: str | Path, *, separator: str = ",") -> None:
    """Write the canonical consumption columns to CSV (``;`` writes decimal commas) or Parquet."""
    _write(frame.select(frames.CONSUMPTION_SCHEMA.names()), Path(path), separator)


def write_benchmarks(frame: pl.DataFrame, path: str | Path, *, separator: str = ",") -> None:
    """Write the canonical benchmark columns to CSV (``;`` writes decimal commas) or Parquet."""
    _write(frame.select(frames.BENCHMARK_SCHEMA.names()), Path(path), separator)


def canonicalize(
    raw: pl.DataFrame, schema: pl.Schema, *, file: str, decimal_comma: bool = False
) -> pl.DataFrame:
    """Cast ``raw`` (text or typed columns) to ``schema``, recording unreadable cells per row.

    Columns already of the target dtype pass through; others are read from their text.
    Provenance columns (``_file``, ``_row``, ``_unreadable``) are kept or added.
    """
    # Fast pass over every row: text cells are parsed as they stand, without trimming or case
    # folding. The number casts, the anchored period pattern and the exact-case boolean and
    # (upper-case) enum lookups all refuse a padded or differently cased cell, so a value the
    # fast pass reads equals the exact reading; a non-null cell it cannot read is a suspect.
    fast = raw.select(
        *(
            _fast_value(name, dtype, raw.schema[name], decimal_comma)
            for name, dtype in schema.items()
        ),
        *_provenance(raw, file),
    )
    # Series operations: a frame-level select would first rechunk every column of ``fast``.
    suspect = pl.zeros(fast.height, pl.Boolean(), eager=True)
    if UNREADABLE_COLUMN in raw.columns:
        suspect |= raw[UNREADABLE_COLUMN].list.len() > 0
    for name, dtype in schema.items():
        if raw.schema[name] != dtype:
            suspect |= fast[name].is_null() & raw[name].is_not_null()
    if not suspect.any():
        return fast
    # Only suspect rows pay for the exact reading and the per-cell records (a when/then would
    # not spare the others: polars evaluates the branch for every row once one row needs it).
    # The exactly read rows are appended after the fast ones and gathered into their places.
    cells = raw.filter(suspect).select(schema.names())
    provenance = fast.filter(suspect).select(_PROVENANCE_COLUMNS)
    exact = _read_exactly(pl.concat([cells, provenance], how="horizontal"), schema, decimal_comma)
    order = pl.select(
        pl.when(suspect)
        .then(suspect.cum_sum() + (fast.height - 1))
        .otherwise(pl.int_range(fast.height))
    ).to_series()
    # Column by column, each rechunked first: polars 2.1 gathers from a list column split in
    # chunks a hundred times slower (1.5 s instead of 0.01 s for a million rows).
    combined = pl.concat([fast, exact], rechunk=False)
    return pl.DataFrame([column.rechunk().gather(order) for column in combined.get_columns()])


def _provenance(raw: pl.DataFrame, file: str) -> list[pl.Expr | pl.Series]:
    """The provenance columns of ``raw``, or else its file, 1-based rows and no unreadable cells."""
    generated: dict[str, pl.Expr | pl.Series] = {
        FILE_COLUMN: pl.lit(file).alias(FILE_COLUMN),
        ROW_COLUMN: _row_numbers(raw),
        UNREADABLE_COLUMN: pl.lit([], dtype=UNREADABLE_DTYPE).alias(UNREADABLE_COLUMN),
    }
    return [pl.col(name) if name in raw.columns else value for name, value in generated.items()]


def _row_numbers(raw: pl.DataFrame) -> pl.Series:
    """1-based row numbers in the chunks of ``raw``'s first column, without copying.

    A column in one piece beside columns in many (a Parquet file's row groups) makes polars copy
    the whole frame to align their chunks before every eager operation on it (measured: one
    copy of the frame per step of validation).
    """
    rows = pl.int_range(1, raw.height + 1, dtype=pl.Int64, eager=True).alias(ROW_COLUMN)
    lengths = raw.to_series(0).chunk_lengths() if raw.width else []
    if len(lengths) < 2:
        return rows
    starts = accumulate(lengths[:-1], initial=0)
    pieces = [rows.slice(start, length) for start, length in zip(starts, lengths, strict=True)]
    return pl.concat(pieces, rechunk=False)


def _fast_value(
    name: str, dtype: pl.DataType, raw_dtype: pl.DataType, decimal_comma: bool
) -> pl.Expr:
    """Column ``name`` as ``dtype``, null wherever the untrimmed cell is not plainly readable."""
    if raw_dtype == dtype:
        return pl.col(name)
    if raw_dtype != pl.String() or dtype == pl.String() or isinstance(dtype, pl.List):
        # Text and lists accept any cell, so only their exact reading is right.
        text = _cell_text(pl.col(name), raw_dtype)
        return _parse(text, dtype, decimal_comma=decimal_comma)[0].alias(name)
    value, _ = _parse(pl.col(name), dtype, decimal_comma=decimal_comma, fold_case=False)
    return value.alias(name)


def _read_exactly(frame: pl.DataFrame, schema: pl.Schema, decimal_comma: bool) -> pl.DataFrame:
    """Trim and read every cell of ``frame``, recording each unreadable one in ``_unreadable``."""
    parsed: list[pl.Expr] = []
    unreadable: list[pl.Expr] = []
    for name, dtype in schema.items():
        if frame.schema[name] == dtype:
            parsed.append(pl.col(name))
            continue
        text = _cell_text(pl.col(name), frame.schema[name])
        value, reason = _parse(text, dtype, decimal_comma=decimal_comma)
        parsed.append(value.alias(name))
        cell = pl.struct(column=pl.lit(name), value=text, reason=pl.lit(reason))
        unreadable.append(pl.when(text.is_not_null() & value.is_null()).then(cell))
    findings = pl.concat_list(*unreadable, pl.col(UNREADABLE_COLUMN)).list.drop_nulls()
    return frame.select(
        *parsed, FILE_COLUMN, ROW_COLUMN, findings.cast(UNREADABLE_DTYPE).alias(UNREADABLE_COLUMN)
    )


def _cell_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A column as trimmed text, empty cells as null (lists are joined with ``|``)."""
    if isinstance(dtype, pl.List):
        column = column.cast(pl.List(pl.String())).list.join("|")
    text = column.cast(pl.String()).str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text)


def _parse(
    text: pl.Expr, dtype: pl.DataType, *, decimal_comma: bool, fold_case: bool = True
) -> tuple[pl.Expr, str]:
    """The expression reading ``text`` as ``dtype`` (null when unreadable) and why it may fail.

    Without ``fold_case``, booleans and enum members are read in their canonical case only.
    """
    if dtype == pl.Int64():
        return text.cast(pl.Int64(), strict=False), "not a whole number"
    if dtype == pl.Float64():
        if decimal_comma:
            # "38,0" is German for 38.0; a value with both marks is ambiguous and refused.
            text = (
                pl.when(~text.str.contains(",", literal=True))
                .then(text)
                .when(~text.str.contains(".", literal=True))
                .then(text.str.replace(",", ".", literal=True))
            )
        reason = "not a number (decimal mark '.', or ',' in ;-separated files; no thousands marks)"
        return text.cast(pl.Float64(), strict=False), reason
    if dtype == pl.Date():
        month = pl.when(text.str.contains(_PERIOD_PATTERN)).then(text)
        return month.str.to_date(frames.PERIOD_FORMAT, strict=False), "not a month in YYYY-MM form"
    if dtype == pl.Boolean():
        cells = text.str.to_lowercase() if fold_case else text
        value = cells.replace_strict(_BOOLEAN_TEXT, default=None, return_dtype=pl.Boolean())
        return value, "not true/false or 1/0"
    if isinstance(dtype, pl.Enum):
        allowed = ", ".join(dtype.categories.to_list())
        members = text.str.to_uppercase() if fold_case else text
        return members.cast(dtype, strict=False), f"not one of {allowed}"
    if isinstance(dtype, pl.List):
        codes = text.fill_null("").str.split("|").list.eval(pl.element().str.strip_chars())
        return codes.list.eval(pl.element().filter(pl.element() != "")), "not a |-separated list"
    return text, "not text"


def _read(
    path: Path,
    schema: pl.Schema,
    kind: str,
    units: pl.DataFrame | None,
    properties: pl.DataFrame | Mapping[str, int] | None,
    msc_name: str | None,
    ignore_extra_columns: bool,
) -> pl.DataFrame:
    """Dispatch on the file suffix and return the canonical frame with provenance."""
    suffix = path.suffix.lower()
    if suffix in _JSON_SUFFIXES:
        return _read_arge(path, schema, kind, units, properties, msc_name)
    if units is not None or properties is not None or msc_name is not None:
        raise InputError(path, "units, properties and msc_name apply to ARGE JSON files only")
    if not path.is_file():
        raise InputError(path, "no such file (check the path)")
    decimal_comma = False
    if suffix in _CSV_SUFFIXES:
        raw, decimal_comma = _read_csv_text(path)
    elif suffix in _PARQUET_SUFFIXES:
        try:
            raw = pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError) as error:
            raise InputError(path, f"not a readable Parquet file ({error})") from error
    else:
        raise InputError(path, f"unknown file type {suffix!r}: use .csv, .parquet or .json")
    raw = _select_columns(raw, schema, path, ignore_extra_columns)
    return canonicalize(raw, schema, file=str(path), decimal_comma=decimal_comma)


def _read_csv_text(path: Path) -> tuple[pl.DataFrame, bool]:
    """Read every cell of a CSV as text; detect ``,`` or ``;`` from the header line."""
    with path.open("rb") as handle:
        header = handle.readline()
    try:
        header_text = header.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, "not UTF-8 text: save the file as CSV UTF-8") from error
    if not header_text.strip():
        raise InputError(path, "empty file: expected a header row with the column names")
    separator = ";" if header_text.count(";") > header_text.count(",") else ","
    try:
        raw = pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8")
    except pl.exceptions.ComputeError as error:
        if "utf-8" in str(error).lower():
            raise InputError(path, "not UTF-8 text: save the file as CSV UTF-8") from error
        raise InputError(path, f"malformed CSV ({error})") from error
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(path, f"malformed CSV ({error})") from error
    return raw.rename(str.strip), separator == ";"


def _select_columns(
    raw: pl.DataFrame, schema: pl.Schema, path: Path, ignore_extra_columns: bool
) -> pl.DataFrame:
    """The canonical columns of ``raw`` in order; refuse missing or unexpected ones."""
    missing = [c for c in schema.names() if c not in raw.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise InputError(path, f"missing required column(s): {', '.join(missing)}")
    extra = [c for c in raw.columns if c not in schema.names()]
    if extra and not ignore_extra_columns:
        raise InputError(
            path,
            f"unexpected column(s): {', '.join(extra)} "
            "(remove them or pass ignore_extra_columns=True / --ignore-extra-columns)",
        )
    return raw.select(
        pl.col(name) if name in raw.columns else pl.lit(None, pl.String()).alias(name)
        for name in schema.names()
    )


def _read_arge(
    path: Path,
    schema: pl.Schema,
    kind: str,
    units: pl.DataFrame | None,
    properties: pl.DataFrame | Mapping[str, int] | None,
    msc_name: str | None,
) -> pl.DataFrame:
    """Read one ARGE billing-unit month (or a list of them) and resolve the Relay ids."""
    if units is None or properties is None or not msc_name:
        raise InputError(
            path, "an ARGE JSON file needs units=, properties= and msc_name= to resolve Relay ids"
        )
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError as error:
        raise InputError(path, "no such file (check the path)") from error
    except UnicodeDecodeError as error:
        raise InputError(path, "not UTF-8 text") from error
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(path, f"not readable JSON ({error})") from error
    try:
        records = arge.flatten(document, kind)
    except arge.ArgeFormatError as error:
        raise InputError(path, str(error)) from error
    columns = ["billing_unit", "residential_unit", "period"]
    columns += [name for name in schema.names() if name not in frames.SUBMISSION_KEY]
    raw = pl.DataFrame(records, schema=dict.fromkeys(columns, pl.String()))
    resolved = arge.resolve_ids(raw, units, properties).with_columns(
        msc_name=pl.lit(msc_name), _file=pl.lit(str(path))
    )
    return canonicalize(
        resolved.select(*schema.names(), *_PROVENANCE_COLUMNS),
        schema,
        file=str(path),
    )


def _write(frame: pl.DataFrame, path: Path, separator: str) -> None:
    """Write a canonical frame as CSV (periods ``YYYY-MM``, codes ``|``-joined) or Parquet."""
    suffix = path.suffix.lower()
    if suffix in _PARQUET_SUFFIXES:
        frame.write_parquet(path)
        return
    if suffix not in _CSV_SUFFIXES:
        raise InputError(path, f"unknown file type {suffix!r}: use .csv or .parquet")
    text = frame.with_columns(
        pl.col("period").dt.strftime(frames.PERIOD_FORMAT),
        *([pl.col("remark_codes").list.join("|")] if "remark_codes" in frame.columns else []),
    )
    text.write_csv(path, separator=separator, decimal_comma=separator == ";")
