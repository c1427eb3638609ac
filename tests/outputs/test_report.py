"""The standard assessment (the README's main job): what it writes, and that it is whole."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from corridors.cli import main
from corridors.outputs.report import KEY_ROUTES, SCENARIOS


def _assess(out):
    assert main(["assess", "--out", str(out)]) == 0


@pytest.fixture
def written(made_once):
    return made_once("assessment", _assess)  # once per run, read by every worker


def test_every_part_is_written(written):
    assert (written / "report.md").exists() and (written / "report.html").exists()
    assert "Leaflet" in (written / "map.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (written / "maps").iterdir()) == [
        "alashankou_closure.png",
        "chongqing_duisburg.png",
        "chongqing_duisburg_tcd.png",
        "chongqing_singapore_tcd.png",
        "flows.png",
        "land_sea_corridor.png",
        "network.png",
    ]
    routes = pd.read_csv(written / "tables" / "key_routes.csv")
    assert len(routes) == len(KEY_ROUTES)
    scenarios = pd.read_csv(written / "tables" / "scenarios.csv")
    assert list(scenarios.scenario) == SCENARIOS[1:]


def test_the_html_is_self_contained(written):
    page = (written / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]{0,30})', page)
    assert len(images) == 7 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "http://" not in page and "https://" not in page


def test_the_report_reads_as_the_planner_expects(written):
    text = (written / "report.md").read_text(encoding="utf-8")
    for heading in (
        "The network at a glance",
        "Key routes",
        "Which border crossings",
        "trade-pattern type",
        "Rail or sea",
        "Choice and capacity",
        "Scenarios compared",
        "Criticality",
        "published figures",
    ):
        assert heading in text
    scenarios = pd.read_csv(written / "tables" / "scenarios.csv").set_index("scenario")
    # demand-weighted over China's trade with the whole world, of which Europe is a quarter
    assert scenarios.loc["poland_belarus_border_closure", "generalized_cost_change_pct"] > 5
    assert scenarios.loc["border_dwell_halved", "generalized_cost_change_pct"] < 0
    ranked = pd.read_csv(written / "tables" / "criticality_crossings.csv")
    assert "alashankou-dostyk" in set(ranked.id.head(3))  # Brest has Kuźnica beside it


def test_validation_is_measured_with_the_readmes_yardstick(written):
    """One yardstick, named: "within 20% of the published range", as README.md says."""
    text = (written / "report.md").read_text(encoding="utf-8")
    validation = pd.read_csv(written / "tables" / "validation.csv")
    within = int((validation.error_pct.abs() <= 20.0).sum())
    assert f"{within} ({within / len(validation):.0%}) within 20% of the published range" in text


def test_the_csv_tables_are_rounded_with_units_in_their_headers(written):
    for path in sorted((written / "tables").glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d[eE][-+]?\d", text), path.name  # no scientific notation
        assert not re.search(r"\.\d{4,}", text), path.name  # at most 3 decimals
        assert ",-0," not in text and ",-0\n" not in text, path.name
    header = (written / "tables" / "scenario_od.csv").read_text(encoding="utf-8").split("\n")[0]
    assert "cost_usd_per_feu" in header and "generalized_usd_per_feu" in header
    assert "share_pct" in (written / "tables" / "crossing_betweenness.csv").read_text()


def test_the_terminal_gets_a_summary(made_once, capsys, tmp_path):
    assert main(["assess", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    written = made_once("assessment", _assess)  # the shared one, made once per run
    assert "wrote 22 files" in captured.out and "7/7 validation" in captured.err
    files = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert len(files) == 22
    for name in files:  # every file the same bytes run to run
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name
