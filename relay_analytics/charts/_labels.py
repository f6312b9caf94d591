"""Every text a chart shows, in English and German, and number formatting per language."""

from __future__ import annotations

from typing import Final, Literal

import polars as pl

Lang = Literal["en", "de"]

LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "HEATING": "Heating",
        "HOT_WATER": "Hot water",
        "COOLING": "Cooling",
        "COLD_WATER": "Cold water",
        "KWH": "kWh",
        "HCU": "HCA units",
        "M3": "m³",
        "month": "Month",
        "unit": "Unit",
        "property": "Property",
        "amount": "Consumption",
        "cumulative": "Cumulative consumption",
        "series": "Series",
        "status": "Status",
        "difference": "Difference",
        "count": "Records",
        "rules": "Warnings",
        "current": "This month",
        "previous_month": "Previous month",
        "last_year": "Same month last year",
        "benchmark": "Average user",
        "this_year": "Consumption",
        "previous_year": "Previous year",
        "current_season": "This season",
        "previous_season": "Previous season",
        "degree_day_pace": "Previous season at degree-day pace",
        "measured": "measured",
        "estimated": "estimated",
        "error": "error",
        "missing": "missing",
        "flagged": "flagged by validation",
        "not_flagged": "not flagged",
        "mom": "Change vs previous month",
        "yoy": "Change vs same month last year",
        "history_title": "Unit {unit} · {service} ({uom}), 13 months to {end}",
        "three_bar_title": "Unit {unit} · {service} ({uom}) in {period}",
        "benchmark_title": (
            "Property {property} · {service} ({uom}) in {period}: own vs average user"
        ),
        "heatmap_title": "Completeness of {what} by month",
        "heatmap_units": "units of property {property}",
        "heatmap_properties": "all properties",
        "shown_of": "showing {shown} of {total}, those with most gaps",
        "outlier_title": "Changes in {period}: previous month vs last year",
        "binned_note": "{total} records; unflagged ones binned",
        "season_title": "Unit {unit} · {service} ({uom}), season to date from {start}",
        "estimated_note": "* estimated, \u2013 missing",
    },
    "de": {
        "HEATING": "Heizung",
        "HOT_WATER": "Warmwasser",
        "COOLING": "Kühlung",
        "COLD_WATER": "Kaltwasser",
        "KWH": "kWh",
        "HCU": "Einheiten",
        "M3": "m³",
        "month": "Monat",
        "unit": "Nutzeinheit",
        "property": "Liegenschaft",
        "amount": "Verbrauch",
        "cumulative": "Kumulierter Verbrauch",
        "series": "Reihe",
        "status": "Status",
        "difference": "Differenz",
        "count": "Datensätze",
        "rules": "Warnungen",
        "current": "Dieser Monat",
        "previous_month": "Vormonat",
        "last_year": "Vorjahresmonat",
        "benchmark": "Durchschnittsnutzer",
        "this_year": "Verbrauch",
        "previous_year": "Vorjahr",
        "current_season": "Diese Saison",
        "previous_season": "Vorige Saison",
        "degree_day_pace": "Vorige Saison nach Gradtagszahlen",
        "measured": "gemessen",
        "estimated": "geschätzt",
        "error": "Fehler",
        "missing": "fehlt",
        "flagged": "von der Prüfung markiert",
        "not_flagged": "nicht markiert",
        "mom": "Änderung zum Vormonat",
        "yoy": "Änderung zum Vorjahresmonat",
        "history_title": "Nutzeinheit {unit} · {service} ({uom}), 13 Monate bis {end}",
        "three_bar_title": "Nutzeinheit {unit} · {service} ({uom}) im {period}",
        "benchmark_title": (
            "Liegenschaft {property} · {service} ({uom}) im {period}: eigener Verbrauch "
            "und Durchschnittsnutzer"
        ),
        "heatmap_title": "Vollständigkeit: {what} je Monat",
        "heatmap_units": "Nutzeinheiten der Liegenschaft {property}",
        "heatmap_properties": "alle Liegenschaften",
        "shown_of": "{shown} von {total} gezeigt, die mit den meisten Lücken",
        "outlier_title": "Änderungen im {period}: Vormonat und Vorjahr",
        "binned_note": "{total} Datensätze; nicht markierte zusammengefasst",
        "season_title": "Nutzeinheit {unit} · {service} ({uom}), Saison ab {start}",
        "estimated_note": "* geschätzt, \u2013 fehlt",
    },
}

#: Marks next to a value, as tenant letters use them (domain.md items 31, 44).
ESTIMATED_MARK: Final = "*"
MISSING_MARK: Final = "\u2013"

#: Completeness statuses from best to worst.
STATUSES: Final = ("measured", "estimated", "missing", "error")

MONTH_ABBREVIATIONS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"),
}


def label(lang: Lang, key: str, **fields: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fields``."""
    try:
        texts = LABELS[lang]
    except KeyError:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, got {lang!r}") from None
    return texts[key].format(**fields)


def status_labels(lang: Lang) -> dict[str, str]:
    """Each completeness status with its text in ``lang``."""
    return {status: label(lang, status) for status in STATUSES}


def format_number(
    value: pl.Expr, lang: Lang, *, decimals: int = 1, signed: bool = False
) -> pl.Expr:
    """``value`` as text with the language's decimal mark (and a sign when ``signed``)."""
    rounded = value.round(decimals)
    text = (rounded.cast(pl.Int64) if decimals == 0 else rounded).cast(pl.String)
    if lang == "de":
        text = text.str.replace(".", ",", literal=True)
    if signed:
        text = pl.when(value > 0).then(pl.lit("+") + text).otherwise(text)
    return text
