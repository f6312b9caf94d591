"""The HTML report and the ``relay-analytics report`` command, end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relay_analytics.cli import app
from relay_analytics.io import read_benchmarks, read_consumptions
from relay_analytics.report import write_report
from relay_analytics.samples import sample_path
from relay_analytics.validation import validate_eed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REMOTE_SCRIPT = re.compile(r"<(script|link)[^>]+(src|href)=[\"']?https?:", re.IGNORECASE)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report command run once on the sample data."""
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(
        app,
        [
            "report",
            str(sample_path("consumptions.csv")),
            "--benchmarks",
            str(sample_path("benchmarks.csv")),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_report_is_one_offline_html_file_with_pngs_beside_it(sample_report: Path) -> None:
    page = (sample_report / "report.html").read_text(encoding="utf-8")
    assert not REMOTE_SCRIPT.search(page)
    assert "vegaEmbed(" in page
    pngs = sorted(sample_report.glob("*.png"))
    assert len(pngs) == page.count('vegaEmbed("#')  # one PNG per chart of the page
    assert {path.stem.split("-")[0] for path in pngs} == {"property", "unit"}
    assert all(path.read_bytes().startswith(PNG_MAGIC) for path in pngs)


def test_report_shows_the_validation_summary_and_charts_per_property(sample_report: Path) -> None:
    page = (sample_report / "report.html").read_text(encoding="utf-8")
    assert "Validation" in page
    assert 'id="property-101-completeness"' in page
    assert re.search(r'id="unit-\d+-heating-history"', page)


def test_report_in_german(tmp_path: Path) -> None:
    cons = read_consumptions(sample_path("consumptions.csv"))
    bench = read_benchmarks(sample_path("benchmarks.csv"))
    paths = write_report(
        cons,
        bench,
        out_dir=tmp_path,
        validation=validate_eed(cons, bench),
        property_ids=[101],
        unit_ids=[1001],
        lang="de",
        max_pngs=1,
    )
    page = paths.html.read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    assert "Vorjahr" in page
    assert len(paths.pngs) == 1


def test_validation_errors_exit_1_and_still_write_the_report(tmp_path: Path) -> None:
    source = sample_path("consumptions.csv").read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "consumptions.csv"
    broken.write_text("\n".join([*source[:50], source[1].replace("ista", "")]) + "\n")
    result = CliRunner().invoke(app, ["report", str(broken), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", str(tmp_path / "missing.csv"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
