"""The HTML report (one self-contained file that works offline) and PNG copies of its charts.

The page inlines the Vega, Vega-Lite and Vega-Embed libraries from vl-convert, so it opens without
a network; PNGs are rendered by vl-convert, also offline.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, Protocol, cast

import altair as alt
import polars as pl
import vl_convert

from relay_analytics import charts
from relay_analytics.analytics import flagged_records, period_over_period
from relay_analytics.charts import ChartDataError, Lang, theme_config
from relay_analytics.frames import BENCHMARK_SCHEMA

#: Without ``property_ids`` the report covers at most this many properties.
MAX_PROPERTIES: Final = 10
#: Findings listed in full in the page (all are counted in the rule table).
MAX_LISTED_FINDINGS: Final = 50
_PNG_SCALE: Final = 1.0
_FORMAT_LOCALES: Final[dict[str, Literal["en-US", "de-DE"]]] = {"en": "en-US", "de": "de-DE"}
_TEXT: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "EED consumption report",
        "validation": "Validation",
        "no_validation": "No validation report was given.",
        "rows": "rows",
        "errors": "errors",
        "warnings": "warnings",
        "rule": "Rule",
        "severity": "Severity",
        "count": "Count",
        "findings": "First findings",
        "property": "Property",
        "unit": "Unit",
        "chart_missing": "No data for this chart",
    },
    "de": {
        "title": "EED-Verbrauchsbericht",
        "validation": "Prüfung",
        "no_validation": "Kein Prüfbericht übergeben.",
        "rows": "Zeilen",
        "errors": "Fehler",
        "warnings": "Warnungen",
        "rule": "Regel",
        "severity": "Schwere",
        "count": "Anzahl",
        "findings": "Erste Befunde",
        "property": "Liegenschaft",
        "unit": "Nutzeinheit",
        "chart_missing": "Keine Daten für dieses Diagramm",
    },
}


class ValidationResult(Protocol):
    """What the report reads from a ``validation.ValidationReport``."""

    @property
    def errors(self) -> pl.DataFrame:
        """Error findings (FINDING_SCHEMA columns)."""

    @property
    def warnings(self) -> pl.DataFrame:
        """Warning findings (FINDING_SCHEMA columns)."""

    @property
    def valid_consumptions(self) -> pl.DataFrame:
        """Consumption rows without errors."""

    @property
    def valid_benchmarks(self) -> pl.DataFrame:
        """Benchmark rows without errors."""

    def summary(self) -> pl.DataFrame:
        """Findings per rule and severity (columns rule, severity, count)."""


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`write_report` put the page and the PNG files."""

    html: Path
    pngs: tuple[Path, ...]


@dataclass(frozen=True)
class _Section:
    """A heading and the named charts under it."""

    heading: str
    charts: tuple[tuple[str, alt.TopLevelMixin | None], ...]


def write_report(
    cons: pl.DataFrame,
    bench: pl.DataFrame | None = None,
    *,
    out_dir: str | Path,
    validation: ValidationResult | None = None,
    property_ids: Sequence[int] | None = None,
    unit_ids: Sequence[int] | None = None,
    lang: Lang = "en",
    max_pngs: int | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> ReportPaths:
    """Write ``report.html`` and a PNG of each of its charts (or the first ``max_pngs``).

    Charts are drawn from the rows validation accepted (all rows when ``validation`` is None);
    the completeness heatmap uses every row, so records with errors show up as errors. Without
    ``unit_ids`` the units shown are the three with most warnings and the first unit.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    progress = on_progress or (lambda _step: None)
    valid_cons = cons if validation is None else validation.valid_consumptions
    valid_bench = bench if validation is None else validation.valid_benchmarks
    progress("comparing periods")
    pop = period_over_period(valid_cons, _canonical_benchmarks(valid_bench))
    warnings = validation.warnings if validation is not None else None
    flagged = flagged_records(cons, warnings) if warnings is not None else None
    properties = _chosen(cons["property_id"], property_ids, MAX_PROPERTIES)
    units = list(unit_ids) if unit_ids is not None else _units_to_show(pop, flagged)
    progress("drawing charts")
    sections = [
        *(_property_section(cons, pop, flagged, prop, lang) for prop in properties),
        *(_unit_section(pop, unit, lang) for unit in units),
    ]
    progress("writing the page")
    page = out / "report.html"
    page.write_text(_page(sections, validation, lang), encoding="utf-8")
    progress("rendering PNG files")
    pngs = _write_pngs(sections, out, max_pngs, lang)
    return ReportPaths(html=page, pngs=pngs)


def _canonical_benchmarks(bench: pl.DataFrame | None) -> pl.DataFrame | None:
    """The canonical benchmark columns (provenance columns dropped)."""
    return None if bench is None else bench.select(BENCHMARK_SCHEMA.names())


def _chosen(ids: pl.Series, chosen: Sequence[int] | None, limit: int) -> list[int]:
    """The ids asked for, else the first ``limit`` distinct ids in ascending order."""
    if chosen is not None:
        return list(chosen)
    return ids.drop_nulls().unique().sort().head(limit).to_list()


def _units_to_show(pop: pl.DataFrame, flagged: pl.DataFrame | None) -> list[int]:
    """The three units with most warnings, then the first unit, without repeats."""
    most_warned: list[int] = []
    if flagged is not None and not flagged.is_empty():
        counts = (
            flagged.group_by("unit_id").len().sort(["len", "unit_id"], descending=[True, False])
        )
        most_warned = counts["unit_id"].head(3).to_list()
    first = pop["unit_id"].drop_nulls().sort().head(1).to_list()
    return list(dict.fromkeys([*most_warned, *first]))


def _main_series(pop: pl.DataFrame) -> tuple[str, str]:
    """The (service, unit_of_measure) with most records, HEATING in kWh when there is any."""
    counts = (
        pop.group_by(pl.col("service").cast(pl.String), pl.col("unit_of_measure").cast(pl.String))
        .len()
        .sort(
            [pl.col("service") == "HEATING", pl.col("unit_of_measure") == "KWH", "len"],
            descending=True,
        )
    )
    return counts.row(0)[0], counts.row(0)[1]


def _property_section(
    cons: pl.DataFrame,
    pop: pl.DataFrame,
    flagged: pl.DataFrame | None,
    property_id: int,
    lang: Lang,
) -> _Section:
    """Completeness, own vs benchmark and the outlier scatter of one property."""
    rows = pop.filter(pl.col("property_id") == property_id)
    found: list[tuple[str, alt.TopLevelMixin | None]] = [
        (
            f"property-{property_id}-completeness",
            _drawn(lambda: charts.completeness_heatmap(cons, property_id, lang=lang)),
        )
    ]
    if not rows.is_empty():
        service, uom = _main_series(rows)
        latest = cast(dt.date, rows["period"].max())
        found += [
            (
                f"property-{property_id}-benchmark",
                _drawn(
                    lambda: charts.benchmark_comparison(
                        pop, property_id, latest, service, unit_of_measure=uom, lang=lang
                    )
                ),
            ),
            (
                f"property-{property_id}-outliers",
                _drawn(lambda: charts.outlier_scatter(rows, latest, flagged, lang=lang)),
            ),
        ]
    return _Section(f"{_TEXT[lang]['property']} {property_id}", tuple(found))


def _unit_section(pop: pl.DataFrame, unit_id: int, lang: Lang) -> _Section:
    """History, three-bar comparison and season to date of a unit's main series."""
    rows = pop.filter(pl.col("unit_id") == unit_id)
    heading = f"{_TEXT[lang]['unit']} {unit_id}"
    if rows.is_empty():
        return _Section(heading, ((f"unit-{unit_id}-history", None),))
    service, uom = _main_series(rows)
    series = rows.filter(
        pl.col("service").cast(pl.String) == service,
        pl.col("unit_of_measure").cast(pl.String) == uom,
    )
    latest = cast(dt.date, series["period"].max())
    name = f"unit-{unit_id}-{service.lower()}"
    found = (
        (
            f"{name}-history",
            _drawn(
                lambda: charts.unit_history(
                    pop, unit_id, service=service, unit_of_measure=uom, lang=lang
                )
            ),
        ),
        (
            f"{name}-comparison",
            _drawn(
                lambda: charts.three_bar_comparison(
                    pop, unit_id, latest, service, unit_of_measure=uom, lang=lang
                )
            ),
        ),
        (
            f"{name}-season",
            _drawn(
                lambda: charts.season_cumulative(
                    pop, unit_id, service, unit_of_measure=uom, lang=lang
                )
            ),
        ),
    )
    return _Section(heading, found)


def _drawn(build: Callable[[], alt.TopLevelMixin]) -> alt.TopLevelMixin | None:
    """The chart, or None when the data holds nothing it could draw."""
    try:
        return build()
    except ChartDataError:
        return None


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the relay_analytics theme applied to this spec only."""
    spec: dict[str, Any] = chart.to_dict()
    spec["config"] = {**theme_config()["config"], **spec.get("config", {})}
    return spec


@functools.cache
def _javascript() -> str:
    """Vega, Vega-Lite and Vega-Embed as one inline script (built once, about 0.9 MB)."""
    # The stub marks ``snippet`` required; the library's default snippet sets the globals we use.
    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return bundle


def _page(sections: Iterable[_Section], validation: ValidationResult | None, lang: Lang) -> str:
    """The whole HTML document."""
    text = _TEXT[lang]
    locale = json.dumps(vl_convert.get_format_locale(_FORMAT_LOCALES[lang]))
    body: list[str] = [f"<h1>{text['title']}</h1>", _validation_html(validation, lang)]
    scripts: list[str] = []
    for section in sections:
        body.append(f"<h2>{html.escape(section.heading)}</h2>")
        for name, chart in section.charts:
            if chart is None:
                body.append(f'<p class="missing">{text["chart_missing"]} ({name})</p>')
                continue
            body.append(f'<div class="chart" id="{name}"></div>')
            spec = json.dumps(_spec(chart)).replace("</", "<\\/")
            scripts.append(
                f'vegaEmbed("#{name}", {spec}, {{actions: false, formatLocale: locale}});'
            )
    script = _javascript().replace("</script", "<\\/script")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}"><head><meta charset="utf-8">',
            f"<title>{text['title']}</title>",
            "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
            ".chart{margin:1em 0}.missing{color:#777}.ok{color:#2b7a3d}.bad{color:#b03030}</style>",
            f"<script>{script}</script>",
            "</head><body>",
            *body,
            f"<script>const locale = {locale};\n" + "\n".join(scripts) + "</script>",
            "</body></html>",
        ]
    )


def _validation_html(validation: ValidationResult | None, lang: Lang) -> str:
    """Counts, findings per rule and the first findings, as HTML."""
    text = _TEXT[lang]
    if validation is None:
        return f"<h2>{text['validation']}</h2><p>{text['no_validation']}</p>"
    findings = pl.concat([validation.errors, validation.warnings])
    errors, warnings = validation.errors.height, validation.warnings.height
    status = "ok" if errors == 0 else "bad"
    counts = f'<p class="{status}">{errors} {text["errors"]}, {warnings} {text["warnings"]}</p>'
    rule_table = _table(
        [text["rule"], text["severity"], text["count"]],
        validation.summary().select("rule", "severity", "count").rows(),
    )
    listed = findings.head(MAX_LISTED_FINDINGS).select("file", "row", "column", "rule", "message")
    finding_table = _table(listed.columns, listed.rows())
    return (
        f"<h2>{text['validation']}</h2>{counts}{rule_table}"
        f"<h3>{text['findings']}</h3>{finding_table}"
    )


def _table(header: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> str:
    """An HTML table with every cell escaped."""
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _write_pngs(
    sections: Iterable[_Section], out: Path, limit: int | None, lang: Lang
) -> tuple[Path, ...]:
    """Render the charts (the first ``limit``) as PNG files beside the page, 0.1 s each."""
    drawn = [(name, chart) for section in sections for name, chart in section.charts if chart]
    written = []
    for name, chart in drawn[:limit]:
        path = out / f"{name}.png"
        png = vl_convert.vegalite_to_png(
            _spec(chart), scale=_PNG_SCALE, format_locale=_FORMAT_LOCALES[lang]
        )
        path.write_bytes(png)
        written.append(path)
    return tuple(written)
