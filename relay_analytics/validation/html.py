"""A small self-contained HTML page of validation findings (no scripts, no external assets)."""

from __future__ import annotations

from html import escape
from typing import Final

import polars as pl

_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f3f3f3; }
tr.error td:first-child { border-left: 4px solid #c62828; }
tr.warning td:first-child { border-left: 4px solid #f9a825; }
.ok { color: #2e7d32; } .failed { color: #c62828; }
"""


def findings_html(
    title: str, summary: pl.DataFrame, findings: pl.DataFrame, *, ok: bool, rows: int
) -> str:
    """Render counts per rule and every finding as one HTML document."""
    verdict = (
        '<p class="ok">No errors: the data can be submitted.</p>'
        if ok
        else '<p class="failed">Errors found: keys with errors will not be submitted.</p>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{verdict}<p>{rows} rows checked, "
        f"{findings.height} findings.</p>"
        f"<h2>Findings per rule</h2>{_table(summary)}"
        f"<h2>Findings</h2>{_table(findings)}</body></html>\n"
    )


def _table(frame: pl.DataFrame) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in frame.columns)
    body = "".join(
        f'<tr class="{escape(str(row.get("severity", "")))}">'
        + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row.values())
        + "</tr>"
        for row in frame.iter_rows(named=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
