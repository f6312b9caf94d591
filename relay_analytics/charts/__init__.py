"""Altair charts of consumption data: functions that take polars frames and return charts.

Every function aggregates in polars first and embeds only the rows it draws, so a chart over
millions of records stays a few kilobytes and never meets altair's row limit. The functions never
display a chart, configure it, enable a theme or touch altair's data transformers.

Importing this package registers (does not enable) the ``relay_analytics`` theme; enable it with
``alt.theme.enable(ra.charts.THEME_NAME)``. Text is English by default; ``lang="de"`` gives
German.
"""

from relay_analytics.charts._labels import LABELS, Lang
from relay_analytics.charts._select import ChartDataError
from relay_analytics.charts._style import THEME_NAME, theme_config
from relay_analytics.charts.property import (
    benchmark_comparison,
    completeness_heatmap,
    outlier_scatter,
)
from relay_analytics.charts.unit import season_cumulative, three_bar_comparison, unit_history

__all__ = [
    "LABELS",
    "THEME_NAME",
    "ChartDataError",
    "Lang",
    "benchmark_comparison",
    "completeness_heatmap",
    "outlier_scatter",
    "season_cumulative",
    "theme_config",
    "three_bar_comparison",
    "unit_history",
]
