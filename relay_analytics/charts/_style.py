"""Fixed colours and dashes per series and status, and the registered ``relay_analytics`` theme.

The library never enables the theme. Enable it in a notebook with
``alt.theme.enable("relay_analytics")`` (after ``import relay_analytics.charts``), or pass
:func:`theme_config` to ``chart.configure(...)``-style code of your own.
"""

from __future__ import annotations

import json
from typing import Any, Final

import altair as alt

from relay_analytics.charts._labels import STATUSES, Lang, label

THEME_NAME: Final = "relay_analytics"

#: Series in legend order with their colour and dash; the order never changes between charts,
#: so "last year" is the same orange dashed line everywhere.
SERIES_STYLE: Final[dict[str, tuple[str, tuple[int, ...]]]] = {
    "this_year": ("#2b6a99", ()),
    "current": ("#2b6a99", ()),
    "previous_month": ("#8fb3d1", ()),
    "last_year": ("#e07b39", (6, 3)),
    "previous_year": ("#e07b39", (6, 3)),
    "benchmark": ("#4d4d4d", (2, 2)),
    "current_season": ("#2b6a99", ()),
    "previous_season": ("#e07b39", (6, 3)),
    "degree_day_pace": ("#7a7a7a", (2, 2)),
}

#: The colour of each completeness status.
STATUS_COLOURS: Final[dict[str, str]] = {
    "measured": "#4f9d69",
    "estimated": "#f2b134",
    "missing": "#d9d9d9",
    "error": "#c44e52",
}

FLAG_COLOURS: Final = ("#c44e52", "#9aa5b1")
ESTIMATED_OPACITY: Final = 0.45


def series_scale(lang: Lang, series: tuple[str, ...]) -> alt.Scale:
    """A colour scale over ``series`` (keys of SERIES_STYLE) with their fixed colours."""
    return alt.Scale(
        domain=[label(lang, name) for name in series],
        range=[SERIES_STYLE[name][0] for name in series],
    )


def series_colour(chart: alt.Chart, lang: Lang, name: str, series: tuple[str, ...]) -> alt.Chart:
    """``chart`` drawn in the fixed colour of series ``name``, with a legend entry for it."""
    text = label(lang, name)
    coloured: alt.Chart = chart.transform_calculate(series=json.dumps(text)).encode(
        color=alt.Color("series:N", title=None, scale=series_scale(lang, series))
    )
    return coloured


def dash_scale(lang: Lang, series: tuple[str, ...]) -> alt.Scale:
    """A stroke-dash scale over ``series`` with their fixed dashes."""
    return alt.Scale(
        domain=[label(lang, name) for name in series],
        range=[list(SERIES_STYLE[name][1]) or [1, 0] for name in series],
    )


def status_scale(lang: Lang) -> alt.Scale:
    """The colour scale of completeness statuses."""
    return alt.Scale(
        domain=[label(lang, status) for status in STATUSES],
        range=[STATUS_COLOURS[status] for status in STATUSES],
    )


def theme_config() -> dict[str, Any]:
    """The ``relay_analytics`` theme: readable font sizes, light grid, no view border."""
    return {
        "config": {
            "font": "'Source Sans 3', 'Segoe UI', Helvetica, Arial, sans-serif",
            "view": {"continuousWidth": 520, "continuousHeight": 260, "stroke": None},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "gridColor": "#ececec",
                "domainColor": "#888888",
                "tickColor": "#888888",
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
            "text": {"fontSize": 12},
        }
    }


@alt.theme.register(THEME_NAME, enable=False)
def _relay_analytics_theme() -> alt.theme.ThemeConfig:
    """The theme as altair's registry wants it (a function returning the config)."""
    return theme_config()  # type: ignore[return-value]
