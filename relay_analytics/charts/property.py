"""Analyst charts over many units: own vs benchmark, completeness heatmap, outlier scatter."""

from __future__ import annotations

import datetime as dt
from typing import Final, cast

import altair as alt
import polars as pl

from relay_analytics.charts._labels import STATUSES as _STATUSES
from relay_analytics.charts._labels import Lang, label, status_labels
from relay_analytics.charts._select import (
    ChartDataError,
    as_period,
    month_text,
    months,
    status_rank,
)
from relay_analytics.charts._style import FLAG_COLOURS, series_colour, status_scale
from relay_analytics.frames import CONSUMPTION_SCHEMA
from relay_analytics.periods import format_period

#: Relative changes are drawn within these bounds (a drop cannot pass -100 %); values beyond
#: them sit on the edge, so one broken meter does not squash every other point.
CHANGE_BOUNDS: Final = (-1.0, 3.0)
_CHANGE_BIN = 0.1
_BENCHMARK_SERIES: Final = ("this_year", "benchmark")
_FLAGGED_KEY: Final = ("unit_id", "period", "service")


def benchmark_comparison(
    pop: pl.DataFrame,
    property_id: int,
    period: dt.date | str,
    service: str = "HEATING",
    *,
    unit_of_measure: str = "KWH",
    max_units: int = 200,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Each unit's consumption against its benchmark in one period, sorted by relative difference.

    Units furthest above their average user come first. With more than ``max_units`` units only
    those with the largest relative difference (either way) are drawn.
    """
    month = as_period(period)
    per_unit = (
        pop.filter(
            pl.col("property_id") == property_id,
            pl.col("period") == month,
            pl.col("service").cast(pl.String) == service,
            pl.col("unit_of_measure").cast(pl.String) == unit_of_measure,
        )
        .group_by("unit_id")
        .agg(pl.col("amount").sum(), pl.col("benchmark_amount").sum(), pl.col("estimated").any())
        .with_columns(
            relative=pl.when(pl.col("benchmark_amount") > 0).then(
                pl.col("amount") / pl.col("benchmark_amount") - 1
            )
        )
    )
    if per_unit.is_empty():
        raise ChartDataError(
            f"no {service} records in {unit_of_measure} for property_id={property_id} in "
            f"{format_period(month)}; check the property, period and service arguments"
        )
    total = per_unit.height
    data = (
        per_unit.sort(pl.col("relative").abs(), descending=True, nulls_last=True)
        .head(max_units)
        .sort(["relative", "unit_id"], descending=[True, False], nulls_last=True)
        .with_columns(unit=pl.format("{} {}", pl.lit(label(lang, "unit")), pl.col("unit_id")))
    )
    uom = label(lang, unit_of_measure)
    base = alt.Chart(data).encode(
        y=alt.Y("unit:N", sort=data["unit"].to_list(), title=label(lang, "unit"))
    )
    tooltip = [
        alt.Tooltip("unit:N", title=label(lang, "unit")),
        alt.Tooltip("amount:Q", title=label(lang, "this_year"), format=",.1f"),
        alt.Tooltip("benchmark_amount:Q", title=label(lang, "benchmark"), format=",.1f"),
        alt.Tooltip("relative:Q", title=label(lang, "difference"), format="+.0%"),
    ]
    bars = base.mark_bar().encode(
        x=alt.X("amount:Q", title=f"{label(lang, service)} ({uom})"),
        tooltip=tooltip,
    )
    ticks = base.mark_tick(thickness=3).encode(
        x="benchmark_amount:Q",
        tooltip=tooltip,
    )
    title = label(
        lang,
        "benchmark_title",
        property=property_id,
        service=label(lang, service),
        uom=uom,
        period=format_period(month),
    )
    subtitle = (
        label(lang, "shown_of", shown=data.height, total=total) if data.height < total else ""
    )
    return alt.LayerChart(
        layer=[
            series_colour(bars, lang, "this_year", _BENCHMARK_SERIES),
            series_colour(ticks, lang, "benchmark", _BENCHMARK_SERIES),
        ]
    ).properties(title=alt.Title(title, subtitle=subtitle), height=alt.Step(16))


def completeness_heatmap(
    cons: pl.DataFrame,
    property_id: int | None = None,
    *,
    service: str | None = None,
    max_cells: int = 4000,
    lang: Lang = "en",
) -> alt.Chart:
    """Units x months of one property (or properties x months of all), coloured by status.

    A cell is an error when any record of that unit and month has ``errors``, else missing when a
    service the unit reports elsewhere has no record that month, else estimated when any record
    is estimated, else measured. Missing cells are drawn, not left out.
    For all properties a cell shows the worst status among the property's units. When rows x months
    exceed ``max_cells``, only the rows with the most non-measured cells are drawn.
    """
    records = cons.select(CONSUMPTION_SCHEMA.names()).filter(
        pl.col("unit_id").is_not_null(), pl.col("period").is_not_null()
    )
    if property_id is not None:
        records = records.filter(pl.col("property_id") == property_id)
    if service is not None:
        records = records.filter(pl.col("service").cast(pl.String) == service)
    if records.is_empty():
        raise ChartDataError(
            f"no consumption records for property_id={property_id}, service={service}"
        )
    if property_id is None:
        row_column, row_label = "property_id", label(lang, "property")
        what = label(lang, "heatmap_properties")
    else:
        row_column, row_label = "unit_id", label(lang, "unit")
        what = label(lang, "heatmap_units", property=property_id)
    cells = _cell_statuses(records, row_column)
    data, shown, total = _worst_rows(cells, row_column, max_cells)
    data = data.select(
        row=pl.format("{} {}", pl.lit(row_label), pl.col(row_column)),
        month=month_text(pl.col("period")),
        status=pl.col("severity").replace_strict(
            dict(enumerate(status_labels(lang).values())), return_dtype=pl.String
        ),
    )
    subtitle = label(lang, "shown_of", shown=shown, total=total) if shown < total else ""
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("month:O", title=label(lang, "month")),
            y=alt.Y("row:N", title=row_label, sort=None),
            color=alt.Color("status:N", title=label(lang, "status"), scale=status_scale(lang)),
            tooltip=[
                alt.Tooltip("row:N", title=row_label),
                alt.Tooltip("month:O", title=label(lang, "month")),
                alt.Tooltip("status:N", title=label(lang, "status")),
            ],
        )
        .properties(
            title=alt.Title(label(lang, "heatmap_title", what=what), subtitle=subtitle),
            height=alt.Step(14),
        )
    )
    return chart


def _cell_statuses(records: pl.DataFrame, row_column: str) -> pl.DataFrame:
    """``row_column``, period, severity (index into STATUSES) for every row and month.

    A row is a unit or a property, and its cell in a month is the worst status of the unit's (or
    property's units') series that month, where a series is one service of one unit and is missing
    in a month it has no record in. Rather than filling a series x months grid (millions of
    cells for a million records) and reducing it, this aggregates records per cell first and
    counts the series seen in a cell: fewer than the row has means one is missing. Only the
    rows x months grid is built, to draw cells without any record.
    """
    # A series is numbered by the position of its first record.
    keyed = (
        records.lazy()
        .with_row_index("series")
        .select(
            row_column,
            "period",
            pl.col("series").first().over("property_id", "unit_id", "service"),
            severity=status_rank(pl.col("estimated"), pl.col("errors")),
        )
    )
    observed = keyed.group_by(row_column, "period").agg(
        pl.col("severity").max(), seen=pl.col("series").n_unique()
    )
    rows = keyed.group_by(row_column).agg(series=pl.col("series").n_unique())
    first = cast(dt.date, records["period"].min())
    last = cast(dt.date, records["period"].max())
    missing = pl.lit(_STATUSES.index("missing"))
    return (
        rows.join(months(first, last).lazy(), how="cross")
        .join(observed, on=[row_column, "period"], how="left")
        .select(
            row_column,
            "period",
            severity=pl.max_horizontal(
                "severity", pl.when(pl.col("seen").fill_null(0) < pl.col("series")).then(missing)
            ),
        )
        .collect()
    )


def _worst_rows(
    cells: pl.DataFrame, row_column: str, max_cells: int
) -> tuple[pl.DataFrame, int, int]:
    """The cells of the rows with most non-measured months, within ``max_cells``; shown, total."""
    month_count = cells["period"].n_unique()
    ranking = (
        cells.group_by(row_column)
        .agg(gaps=(pl.col("severity") > 0).sum())
        .sort(["gaps", row_column], descending=[True, False])
    )
    keep = ranking.head(max(1, max_cells // month_count)).select(row_column)
    data = cells.join(keep, on=row_column).sort(row_column, "period")
    return data, keep.height, ranking.height


def outlier_scatter(
    pop: pl.DataFrame,
    period: dt.date | str,
    flagged: pl.DataFrame | None = None,
    *,
    service: str | None = None,
    max_points: int = 2000,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Change vs previous month against change vs last year per record, flagged records in red.

    ``flagged`` holds the records validation warned about, one row per (unit_id, period, service)
    with an optional ``rule`` column (see ``analytics.flagged_records``). Above ``max_points``
    records, the unflagged ones are binned into a density grid and only flagged ones are drawn
    as points (at most ``max_points``, the furthest out first), so the chart stays small.
    """
    month = as_period(period)
    low, high = CHANGE_BOUNDS
    points = pop.filter(
        pl.col("period") == month,
        pl.col("rel_diff_previous").is_not_null(),
        pl.col("rel_diff_last_year").is_not_null(),
    )
    if service is not None:
        points = points.filter(pl.col("service").cast(pl.String) == service)
    points = points.select(
        "unit_id",
        "period",
        pl.col("service").cast(pl.String),
        mom=pl.col("rel_diff_previous").clip(low, high),
        yoy=pl.col("rel_diff_last_year").clip(low, high),
    ).join(_flag_rules(flagged), on=list(_FLAGGED_KEY), how="left")
    points = points.with_columns(flagged=pl.col("rules").is_not_null())
    total = points.height
    flag_labels = [label(lang, "flagged"), label(lang, "not_flagged")]
    x = alt.X("mom:Q", title=label(lang, "mom"), axis=alt.Axis(format="+%"))
    y = alt.Y("yoy:Q", title=label(lang, "yoy"), axis=alt.Axis(format="+%"))
    scale = alt.Scale(domain=[low, high], clamp=True)
    x, y = x.scale(scale), y.scale(scale)
    binned = total > max_points
    drawn = (
        points.filter(pl.col("flagged"))
        .sort((pl.col("mom").abs() + pl.col("yoy").abs()), descending=True)
        .head(max_points)
        if binned
        else points
    )
    # Flagged points last, so they are drawn on top.
    drawn = drawn.sort("flagged").select(
        pl.col("unit_id"),
        pl.col("service"),
        "mom",
        "yoy",
        "rules",
        flag=pl.when(pl.col("flagged"))
        .then(pl.lit(flag_labels[0]))
        .otherwise(pl.lit(flag_labels[1])),
    )
    dots = (
        alt.Chart(drawn)
        .mark_circle(size=45, opacity=0.8)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "flag:N", title=None, scale=alt.Scale(domain=flag_labels, range=list(FLAG_COLOURS))
            ),
            tooltip=[
                alt.Tooltip("unit_id:N", title=label(lang, "unit")),
                alt.Tooltip("service:N"),
                alt.Tooltip("mom:Q", title=label(lang, "mom"), format="+.0%"),
                alt.Tooltip("yoy:Q", title=label(lang, "yoy"), format="+.0%"),
                alt.Tooltip("rules:N", title=label(lang, "rules")),
            ],
        )
    )
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]}))
    axes = [
        zero.mark_rule(color="#999999").encode(x="zero:Q"),
        zero.mark_rule(color="#999999").encode(y="zero:Q"),
    ]
    layers: list[alt.Chart] = [*axes, dots]
    subtitle = ""
    if binned:
        layers.insert(0, _density(points.filter(~pl.col("flagged")), lang, scale))
        subtitle = label(lang, "binned_note", total=total)
    title = label(lang, "outlier_title", period=format_period(month))
    return alt.LayerChart(layer=layers).properties(
        title=alt.Title(title, subtitle=subtitle), width=420, height=420
    )


def _flag_rules(flagged: pl.DataFrame | None) -> pl.DataFrame:
    """One row per flagged (unit_id, period, service) with its rules joined by ', '."""
    schema = {"unit_id": pl.Int64(), "period": pl.Date(), "service": pl.String()}
    if flagged is None or flagged.is_empty():
        return pl.DataFrame(schema={**schema, "rules": pl.String()})
    rules = pl.col("rule").cast(pl.String) if "rule" in flagged.columns else pl.lit("")
    return (
        flagged.select(*(pl.col(name).cast(dtype) for name, dtype in schema.items()), rule=rules)
        .group_by(*_FLAGGED_KEY)
        .agg(rules=pl.col("rule").unique().sort().str.join(", "))
    )


def _density(points: pl.DataFrame, lang: Lang, scale: alt.Scale) -> alt.Chart:
    """The points binned into 10-percentage-point squares, drawn as grey rectangles by count."""
    bins = (
        points.group_by(
            mom=(pl.col("mom") / _CHANGE_BIN).floor() * _CHANGE_BIN,
            yoy=(pl.col("yoy") / _CHANGE_BIN).floor() * _CHANGE_BIN,
        )
        .agg(count=pl.len())
        .with_columns(mom_end=pl.col("mom") + _CHANGE_BIN, yoy_end=pl.col("yoy") + _CHANGE_BIN)
    )
    chart: alt.Chart = (
        alt.Chart(bins)
        .mark_rect()
        .encode(
            x=alt.X("mom:Q").scale(scale),
            x2="mom_end:Q",
            y=alt.Y("yoy:Q").scale(scale),
            y2="yoy_end:Q",
            color=alt.Color("count:Q", title=label(lang, "count"), scale=alt.Scale(scheme="greys")),
            tooltip=[alt.Tooltip("count:Q", title=label(lang, "count"))],
        )
    )
    return chart
