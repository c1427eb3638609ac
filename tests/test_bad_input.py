"""Hostile input: every bad figure is named, nothing is half-written, work is bounded."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pyogrio
import pytest
from small import edit_csv, shipped_table

from corridors.analysis.cases import read_cases
from corridors.analysis.routing import MAX_ALTERNATIVES, route
from corridors.errors import DataError
from corridors.graph.routing_graph import CACHE_SIZE, routing_graph
from corridors.network.assemble import build_network
from corridors.network.schema import TABLES
from corridors.network.tables import read_table, read_tables

NUMERIC = [
    (table.name, column.name, column.kind)
    for table in TABLES.values()
    for column in table.columns
    if column.kind in ("float", "int")
]
NON_FINITE = ["nan", "inf", "-inf", "1e999"]
# Each numeric column once, the four forms taking turns (every column goes through its kind's
# number reader), and all four forms in the first float and the first int column (every form
# through each reader): the code paths of every column x form pair in about a quarter of them.
NON_FINITE_CASES = sorted(
    {(table, column, NON_FINITE[i % 4]) for i, (table, column, _) in enumerate(NUMERIC)}
    | {
        (table, column, value)
        for kind in ("float", "int")
        for table, column, _ in [next(n for n in NUMERIC if n[2] == kind)]
        for value in NON_FINITE
    },
    key=lambda case: ([n[:2] for n in NUMERIC].index(case[:2]), NON_FINITE.index(case[2])),
)


def _with_cell(tmp_path: Path, table: str, column: str, value: str) -> Path:
    """A copy of one table with ``value`` in ``column`` of its first row."""
    path = tmp_path / TABLES[table].filename
    shutil.copy(shipped_table(path.name), path)
    edit_csv(path, lambda rows: rows[0].update({column: value}))
    return path


@pytest.mark.parametrize(("table", "column", "value"), NON_FINITE_CASES)
def test_non_finite_numbers_are_rejected_with_file_line_and_column(tmp_path, table, column, value):
    path = _with_cell(tmp_path, table, column, value)
    match = rf"{path.name} line 2, column '{column}': '{value}' is not a (finite|whole) number"
    with pytest.raises(DataError, match=match):
        read_table(path, table)


def test_negative_value_of_time_never_reaches_dijkstra(data_copy):
    edit_csv(data_copy / "parameters.csv", lambda rows: rows[0].update(value="-61.31"))
    with pytest.raises(DataError, match=r"parameters.csv line 2, column 'value': value_of_time"):
        build_network(data_copy)


@pytest.mark.parametrize(
    ("months", "problem"),
    [("13;foo", "is not a list of whole numbers"), ("13", "13 is above the maximum 12")],
)
def test_closed_months_must_be_months(data_copy, months, problem):
    edit_csv(data_copy / "crossings.csv", lambda rows: rows[0].update(closed_months=months))
    with pytest.raises(DataError, match=rf"column 'closed_months': .*{problem}"):
        read_tables(data_copy)


def test_a_zero_padded_month_still_closes(data_copy):
    def pad(rows):
        next(r for r in rows if r["id"] == "khunjerab-sost").update(closed_months="12;01;02;03")

    edit_csv(data_copy / "crossings.csv", pad)
    net = build_network(data_copy)
    with pytest.raises(Exception, match="seasonal closures"):
        route(net, "Kashgar", "Islamabad", modes=["road"], month=1)


def test_unknown_gauge_and_bad_opening_hours(data_copy):
    edit_csv(data_copy / "links.csv", lambda rows: rows[0].update(gauge="9999"))
    edit_csv(data_copy / "crossings.csv", lambda rows: rows[0].update(open_hours="25-3"))
    with pytest.raises(DataError) as err:
        read_tables(data_copy)
    assert any("column 'gauge': 9999 is not one of" in p for p in err.value.problems)
    assert any("column 'open_hours': '25-3' does not read as" in p for p in err.value.problems)


def test_a_repeated_header_column_is_named(data_copy):
    path = data_copy / "links.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",note"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"links.csv line 1: column\(s\) note appear twice"):
        read_tables(data_copy)


def test_a_bom_and_padded_header_are_tolerated(data_copy):
    path = data_copy / "countries.csv"
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text("\ufeff" + ", ".join(header.split(",")) + "\n" + rest, encoding="utf-8")
    assert len(read_tables(data_copy)["countries"]) > 0


def test_a_file_that_is_not_utf8_is_named(data_copy):
    (data_copy / "countries.csv").write_bytes("iso3,name_en\nCHN,Chin\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"countries.csv: not UTF-8 text"):
        read_tables(data_copy)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda f: f["properties"].update(km="NaN"), "property 'km': 'NaN' is not a positive"),
        (lambda f: f["properties"].update(km=-5), "property 'km': -5 is not a positive"),
        (lambda f: f["properties"].update(passages="atlantis"), "unknown passage"),
    ],
)
def test_bad_sea_legs_are_named_with_the_fix(data_copy, edit, problem):
    # only the first feature is read and written again: the file is 11 MB, and reading and
    # writing it whole took half a second each
    path = data_copy / "sea_legs.geojson"
    text = path.read_text(encoding="utf-8")
    features = text.index('"features"')
    start = text.index("{", features)
    assert re.fullmatch(r'"features"\s*:\s*\[\s*', text[features:start])
    first, end = json.JSONDecoder().raw_decode(text, start)
    assert first["type"] == "Feature"
    edit(first)
    path.write_text(text[:start] + json.dumps(first) + text[end:], encoding="utf-8")
    with pytest.raises(DataError, match=rf"sea_legs.geojson feature 1: .*{problem}.*build --sea"):
        build_network(data_copy)


def test_an_empty_sea_cache_says_how_to_regenerate_it(data_copy):
    (data_copy / "sea_legs.geojson").write_text("", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"sea_legs.geojson: not a sea-leg GeoJSON file.*build --sea"
    ):
        build_network(data_copy)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([], "no cases, only a header"),
        ([{"low": "0", "high": "0"}], "line 2, column 'low': 0 - a published range must start"),
        ([{"low": "16", "high": "13"}], "line 2, column 'low': 16 is above high 13"),
    ],
)
def test_bad_case_files_are_named(tmp_path, rows, problem):
    path = tmp_path / "cases.csv"
    fields = list(TABLES["calibration"].column_names)
    base = {"case_id": "x", "origin": "Chongqing", "destination": "Duisburg", "metric": "days"}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows([{**base, "source": "wiki_yuxinou", **row} for row in rows])
    with pytest.raises(DataError, match=problem):
        read_cases(path)


# --- API arguments --------------------------------------------------------------------------


def test_a_plain_string_is_one_name_everywhere(net):
    one = route(net, "Chongqing", "Duisburg", via="Erenhot", avoid="Kazakhstan", modes="rail")
    assert "erenhot" in one.crossings
    assert route(net, "Kashgar", "Torugart", statuses="operational").total["km"] > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"statuses": ["open"]}, "unknown status open; use operational"),
        ({"statuses": []}, r"unknown status \(none given\)"),
        ({"alternatives": True}, "alternatives must be a whole number from 0 to 10, not True"),
        ({"alternatives": 1.5}, "not 1.5"),
        ({"alternatives": -1}, "not -1"),
        ({"alternatives": "2"}, "not '2'"),
        ({"alternatives": MAX_ALTERNATIVES + 1}, f"not {MAX_ALTERNATIVES + 1}"),
        ({"month": True}, "month must be a whole number from 1 to 12, not True"),
        ({"month": "2"}, "not '2'"),
        ({"month": 1.5}, "not 1.5"),
    ],
)
def test_bad_arguments_are_named(net, kwargs, match):
    with pytest.raises(ValueError, match=match):
        route(net, "Chongqing", "Duisburg", **kwargs)


def test_names_must_be_strings(net):
    with pytest.raises(TypeError, match=r"via must be names \(str\), not 3"):
        route(net, "Chongqing", "Duisburg", via=[3])


# --- bounded work ---------------------------------------------------------------------------


def test_the_routing_graph_cache_is_bounded(net):
    graph = routing_graph(net)
    for crossing_id in sorted(net.crossings.index):
        for by in ("time", "cost"):
            try:
                route(net, "Chongqing", "Duisburg", by=by, avoid=[crossing_id])
            except Exception:  # some closures leave no route; the cache is what is tested
                continue
    assert len(graph._reduced) <= CACHE_SIZE


def test_the_most_alternatives_return_in_reasonable_work(net):
    r = route(net, "Chongqing", "Duisburg", alternatives=MAX_ALTERNATIVES)
    assert 1 <= len(r.alternatives) <= MAX_ALTERNATIVES


# --- whole outputs --------------------------------------------------------------------------


def _outputs_whole(folder: Path, only: str = "") -> None:
    gpkg, graphml = folder / "corridors.gpkg", folder / "corridors.graphml"
    if only:
        gpkg, graphml = (p if p.name == only else folder / "absent" for p in (gpkg, graphml))
    if gpkg.exists():
        assert sorted(name for name, _ in pyogrio.list_layers(gpkg)) == [
            "crossings",
            "links",
            "places",
        ]
    if graphml.exists():
        assert nx.read_graphml(graphml).number_of_nodes() > 100
    cache = folder / "corridors.engine.npz"
    if not only and cache.exists():
        with np.load(cache, allow_pickle=False) as arrays:
            assert len(arrays["tail"]) > 1000
    if not only:
        assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_killed_build_leaves_whole_files_or_none(tmp_path):
    out = tmp_path / "graphs"
    command = [sys.executable, "-m", "corridors", "build", "--out", str(out)]
    kills = 0
    for delay in (0.6, 0.9, 1.1, 1.3, 1.6):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.kill()
            kills += 1
        process.wait()
        if out.exists():
            for target in ("corridors.gpkg", "corridors.graphml"):
                if (out / target).exists():  # never a part of one: a whole old or new file
                    _outputs_whole(out, only=target)
    assert kills >= 1
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # the next build tidies up
    _outputs_whole(out)


def test_concurrent_builds_all_succeed_with_whole_files(tmp_path):
    out = tmp_path / "graphs"
    command = [sys.executable, "-m", "corridors", "build", "--out", str(out)]
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(4)]
    assert [p.wait() for p in processes] == [0, 0, 0, 0]
    _outputs_whole(out)
