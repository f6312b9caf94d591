"""Tenant-facing charts of one unit: 13-month history, three-bar comparison, season to date."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from relay_analytics.charts._labels import (
    ESTIMATED_MARK,
    MISSING_MARK,
    MONTH_ABBREVIATIONS,
    Lang,
    format_number,
    label,
    status_labels,
)
from relay_analytics.charts._select import (
    ChartDataError,
    as_period,
    latest_period,
    month_text,
    months,
    period_window,
    status,
    unit_series,
)
from relay_analytics.charts._style import (
    ESTIMATED_OPACITY,
    SERIES_STYLE,
    dash_scale,
    series_colour,
    series_scale,
)
from relay_analytics.periods import DEGREE_DAY_SHARES, add_months, format_period

_HISTORY_SERIES = ("this_year", "previous_year", "benchmark")
_THREE_BARS = ("current", "previous_month", "last_year")
_SEASON_SERIES = ("current_season", "previous_season", "degree_day_pace")


def unit_history(
    pop: pl.DataFrame,
    unit_id: int,
    *,
    service: str = "HEATING",
    unit_of_measure: str = "KWH",
    customer_id: int | None = None,
    end: dt.date | str | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """13 months of a unit: bars, the previous year as a line, the benchmark as ticks.

    Estimated months are paler and starred; months without a usable value stay empty on the
    axis and carry a dash, as KALO's tenant letters do (domain.md item 31).
    """
    rows = unit_series(pop, unit_id, service, unit_of_measure, customer_id)
    last = latest_period(rows) if end is None else as_period(end)
    first, last = period_window(last, 13)
    data = (
        months(first, last)
        .join(rows, on="period", how="left", maintain_order="left")
        .select(
            month=month_text(pl.col("period")),
            amount="amount",
            last_year_amount="last_year_amount",
            benchmark_amount="benchmark_amount",
            estimated=pl.col("estimated").fill_null(False),
            status=status(pl.col("estimated"), pl.col("errors")),
        )
        .with_columns(
            marker=pl.when(pl.col("amount").is_null())
            .then(pl.lit(MISSING_MARK))
            .when(pl.col("estimated"))
            .then(pl.lit(ESTIMATED_MARK))
            .otherwise(pl.lit("")),
            marker_at=pl.col("amount").fill_null(0.0),
            status=pl.col("status").replace_strict(status_labels(lang)),
        )
    )
    amount_title = f"{label(lang, service)} ({label(lang, unit_of_measure)})"
    x = alt.X(
        "month:O", title=label(lang, "month"), scale=alt.Scale(domain=data["month"].to_list())
    )
    base = alt.Chart(data).encode(x=x)
    tooltip = [
        alt.Tooltip("month:O", title=label(lang, "month")),
        alt.Tooltip("amount:Q", title=label(lang, "this_year"), format=",.1f"),
        alt.Tooltip("last_year_amount:Q", title=label(lang, "previous_year"), format=",.1f"),
        alt.Tooltip("benchmark_amount:Q", title=label(lang, "benchmark"), format=",.1f"),
        alt.Tooltip("status:N", title=label(lang, "status")),
    ]
    bars = base.mark_bar().encode(
        y=alt.Y("amount:Q", title=amount_title),
        opacity=alt.when(alt.datum.estimated)
        .then(alt.value(ESTIMATED_OPACITY))
        .otherwise(alt.value(1.0)),
        tooltip=tooltip,
    )
    previous_year = base.mark_line(
        point=True, strokeDash=list(SERIES_STYLE["previous_year"][1])
    ).encode(y="last_year_amount:Q")
    benchmark = base.mark_tick(thickness=3, size=24).encode(y="benchmark_amount:Q")
    markers = base.mark_text(baseline="bottom", dy=-3, fontSize=14).encode(
        y="marker_at:Q", text="marker:N"
    )
    title = label(
        lang,
        "history_title",
        unit=unit_id,
        service=label(lang, service),
        uom=label(lang, unit_of_measure),
        end=format_period(last),
    )
    layers = [
        series_colour(bars, lang, "this_year", _HISTORY_SERIES),
        series_colour(previous_year, lang, "previous_year", _HISTORY_SERIES),
        series_colour(benchmark, lang, "benchmark", _HISTORY_SERIES),
        markers,
    ]
    return alt.LayerChart(layer=layers).properties(
        title=alt.Title(title, subtitle=label(lang, "estimated_note"))
    )


def three_bar_comparison(
    pop: pl.DataFrame,
    unit_id: int,
    period: dt.date | str,
    service: str = "HEATING",
    *,
    unit_of_measure: str = "KWH",
    customer_id: int | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """This month, the previous month and the same month last year, with the differences labelled.

    This is the comparison HeizkostenV §6a(2) Nr. 2 requires (domain.md item 10).
    """
    month = as_period(period)
    rows = unit_series(pop, unit_id, service, unit_of_measure, customer_id)
    record = rows.filter(pl.col("period") == month)
    if record.is_empty():
        raise ChartDataError(
            f"no {service} record in {unit_of_measure} for unit_id={unit_id} in "
            f"{format_period(month)}; pick a period the unit has data for"
        )
    uom = label(lang, unit_of_measure)
    bars = (
        record.select(
            current="amount",
            previous_month="previous_amount",
            last_year="last_year_amount",
            previous_month_diff="diff_previous",
            previous_month_rel="rel_diff_previous",
            last_year_diff="diff_last_year",
            last_year_rel="rel_diff_last_year",
        )
        .unpivot(index=[], on=list(_THREE_BARS), variable_name="bar", value_name="amount")
        .join(_difference_texts(record, lang, uom), on="bar", how="left", maintain_order="left")
        .with_columns(
            text=pl.when(pl.col("amount").is_null())
            .then(pl.lit(MISSING_MARK))
            .when(pl.col("bar") == "current")
            .then(format_number(pl.col("amount"), lang) + f" {uom}")
            .otherwise(pl.col("difference")),
            text_at=pl.col("amount").fill_null(0.0),
            bar=pl.col("bar").replace_strict({name: label(lang, name) for name in _THREE_BARS}),
        )
        .drop("difference")
    )
    order = [label(lang, name) for name in _THREE_BARS]
    base = alt.Chart(bars).encode(
        x=alt.X("bar:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    )
    columns = base.mark_bar().encode(
        # Headroom above the tallest bar keeps its label inside the chart.
        y=alt.Y(
            "amount:Q",
            title=f"{label(lang, service)} ({uom})",
            scale=alt.Scale(domain=[0, bars.select(pl.col("amount").max() * 1.2).item() or 1.0]),
        ),
        color=alt.Color("bar:N", scale=series_scale(lang, _THREE_BARS), legend=None),
        tooltip=[alt.Tooltip("bar:N", title=None), alt.Tooltip("amount:Q", format=",.1f")],
    )
    texts = base.mark_text(baseline="bottom", dy=-4).encode(y="text_at:Q", text="text:N")
    title = label(
        lang,
        "three_bar_title",
        unit=unit_id,
        service=label(lang, service),
        uom=uom,
        period=format_period(month),
    )
    return alt.LayerChart(layer=[columns, texts]).properties(title=title, width=360)


def _difference_texts(record: pl.DataFrame, lang: Lang, uom: str) -> pl.DataFrame:
    """'+30 kWh (+20 %)' per comparison bar: this month minus that bar, absolute and relative."""
    texts = [
        record.select(
            bar=pl.lit(name),
            difference=format_number(pl.col(f"diff_{column}"), lang, signed=True)
            + f" {uom} ("
            + format_number(pl.col(f"rel_diff_{column}") * 100, lang, decimals=0, signed=True)
            + " %)",
        )
        for name, column in (("previous_month", "previous"), ("last_year", "last_year"))
    ]
    return pl.concat(texts)


def season_cumulative(
    frame: pl.DataFrame,
    unit_id: int,
    service: str = "HEATING",
    *,
    unit_of_measure: str = "KWH",
    season_start_month: int = 9,
    customer_id: int | None = None,
    end: dt.date | str | None = None,
    lang: Lang = "en",
) -> alt.Chart:
    """Season-to-date cumulative consumption against the previous season.

    ``frame`` is a period-over-period or consumptions frame. For HEATING a third line spreads the
    previous season's total over the months by the degree-day table (domain.md item 18): where
    this season runs above it, the unit uses more than last season's weather-typical pace.
    Missing months add nothing to the sum.
    """
    if not 1 <= season_start_month <= 12:
        raise ValueError(f"season_start_month must be 1..12, got {season_start_month}")
    rows = unit_series(frame, unit_id, service, unit_of_measure, customer_id)
    last = latest_period(rows) if end is None else as_period(end)
    start = dt.date(last.year - (last.month < season_start_month), season_start_month, 1)
    month_names = MONTH_ABBREVIATIONS[lang]
    amounts = (
        months(add_months(start, -12), add_months(start, 11))
        .join(rows.select("period", "amount"), on="period", how="left")
        .with_columns(
            season=pl.when(pl.col("period") < start)
            .then(pl.lit(label(lang, "previous_season")))
            .otherwise(pl.lit(label(lang, "current_season"))),
            month=pl.col("period").dt.month(),
        )
        .with_columns(cumulative=pl.col("amount").fill_null(0.0).cum_sum().over("season"))
    )
    lines = [amounts.filter(pl.col("period") <= last)]
    if service == "HEATING":
        lines.append(_degree_day_pace(amounts, start, lang))
    data = pl.concat(
        [line.select("month", "season", "cumulative", "amount") for line in lines]
    ).with_columns(month=pl.col("month").replace_strict(dict(enumerate(month_names, start=1))))
    season_order = [month_names[(season_start_month - 1 + step) % 12] for step in range(12)]
    title = label(
        lang,
        "season_title",
        unit=unit_id,
        service=label(lang, service),
        uom=label(lang, unit_of_measure),
        start=format_period(start),
    )
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=label(lang, "month"), scale=alt.Scale(domain=season_order)),
            y=alt.Y(
                "cumulative:Q",
                title=f"{label(lang, 'cumulative')} ({label(lang, unit_of_measure)})",
            ),
            color=alt.Color("season:N", title=None, scale=series_scale(lang, _SEASON_SERIES)),
            strokeDash=alt.StrokeDash(
                "season:N", title=None, scale=dash_scale(lang, _SEASON_SERIES)
            ),
            tooltip=[
                alt.Tooltip("season:N", title=label(lang, "series")),
                alt.Tooltip("month:O", title=label(lang, "month")),
                alt.Tooltip("amount:Q", title=label(lang, "amount"), format=",.1f"),
                alt.Tooltip("cumulative:Q", title=label(lang, "cumulative"), format=",.1f"),
            ],
        )
        .properties(title=title)
    )
    return chart


def _degree_day_pace(amounts: pl.DataFrame, start: dt.date, lang: Lang) -> pl.DataFrame:
    """The previous season's total spread over the season by the monthly degree-day shares."""
    previous = amounts.filter(pl.col("period") < start)
    total = previous["amount"].sum()
    shares = {month: share / 1000 for month, share in enumerate(DEGREE_DAY_SHARES, start=1)}
    return previous.with_columns(
        season=pl.lit(label(lang, "degree_day_pace")),
        amount=pl.lit(None, dtype=pl.Float64),
        cumulative=pl.col("month").replace_strict(shares, return_dtype=pl.Float64).cum_sum()
        * total,
    )
