"""``--data DIR`` everywhere (issue 19): a missing folder is one line, built-in scenarios come
from ``DIR/scenarios`` (as with ``CORRIDORS_DATA``), and each data folder builds into a
``graphs/`` of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from small import border_network

from corridors.analysis.compare import compare
from corridors.cli import main
from corridors.errors import DataError, ScenarioError
from corridors.network.load import load_network
from corridors.network.scenarios import load_scenario, scenario_names
from corridors.network.tables import default_data_dir, default_graphs_dir, read_tables

SLOWER = """description = "Every crossing twice as slow"
sources = ["test"]

[[scale]]
what = "crossing_dwell"
factor = 2
"""

COMMANDS = [
    ["info"],
    ["build"],
    ["build", "--check"],
    ["route", "a", "d"],
    ["skim", "--origins", "a", "--destinations", "d"],
    ["scenario", "list"],
    ["scenario", "compare", "base", "x"],
    ["assess", "--out", "out"],
    ["map", "--out", "map.png"],
    ["validate"],
    ["calibrate", "--dry-run"],
    ["centrality"],
    ["criticality"],
    ["osm", "import", "x.osm.pbf"],
]


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """A small data folder of one's own (not named data) with a scenario of its own, named as
    a built-in of the default data is."""
    folder = tmp_path_factory.mktemp("study") / "mine"
    border_network(folder)
    (folder / "scenarios").mkdir()
    (folder / "scenarios" / "alashankou_closure.toml").write_text(SLOWER, encoding="utf-8")
    (folder.parent / "od.csv").write_text("origin,destination,feu_per_year\na,d,1\n")
    return folder


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_data_folder_that_is_not_one_is_one_line(tmp_path, capsys, monkeypatch, args, kind):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "nowhere"
    if kind == "file":
        folder.write_text("not a folder")
    assert main(["--data", str(folder), *args]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: no such data directory: {folder}\n"
    assert not (tmp_path / "out").exists() and not (tmp_path / "graphs").exists()


def test_corridors_data_that_is_no_folder_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CORRIDORS_DATA", str(tmp_path / "gone"))
    assert main(["info"]) == 1
    assert capsys.readouterr().err == f"error: no such data directory: {tmp_path / 'gone'}\n"


def test_the_library_names_a_missing_folder_once(tmp_path):
    with pytest.raises(
        DataError, match=r"1 problem in the data:\n  no such data directory: "
    ) as e:
        read_tables(tmp_path / "nowhere")
    assert len(e.value.problems) == 1


def test_scenario_compare_uses_the_data_folders_own_scenarios(study, capsys, monkeypatch):
    od = str(study.parent / "od.csv")
    args = ["scenario", "compare", "base", "alashankou_closure", "--demand", od, "--json"]
    args += ["--by", "time"]
    assert main(["--data", str(study), *args]) == 0
    rows = json.loads(capsys.readouterr().out)["od"]
    assert [r["delta_hours"] for r in rows] == pytest.approx([0.0, 10.0])  # 10 h dwell doubled
    monkeypatch.setenv("CORRIDORS_DATA", str(study))
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["od"] == rows


def test_scenario_list_and_show_follow_data(study, capsys):
    assert main(["--data", str(study), "scenario", "list", "--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["alashankou_closure"]
    assert main(["--data", str(study), "scenario", "show", "alashankou_closure"]) == 0
    assert "scale crossing_dwell (all) x 2" in capsys.readouterr().out


def test_a_built_in_of_the_default_data_is_unknown_elsewhere(study, capsys):
    od = str(study.parent / "od.csv")
    args = ["--data", str(study), "scenario", "compare", "base", "suez_closure", "--demand", od]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unknown scenario 'suez_closure'")
    assert "(built-in: alashankou_closure)" in err and err.count("\n") == 1


def test_a_data_folder_without_scenarios(tmp_path, capsys):
    folder = tmp_path / "bare"
    border_network(folder)
    assert main(["--data", str(folder), "scenario", "list"]) == 0
    assert capsys.readouterr().err == f"no scenarios in {folder}/scenarios\n"
    with pytest.raises(ScenarioError, match=r"unknown scenario 'suez_closure' \(none in "):
        load_scenario(load_network(folder), "suez_closure")


def test_the_library_looks_up_scenarios_where_the_network_came_from(study, net):
    """compare (and so assess) finds the built-ins of the network's own data folder."""
    mine = load_network(study)
    assert load_scenario(mine, "alashankou_closure").summary() == [
        "scale crossing_dwell (all) x 2"
    ]
    assert load_scenario(net, "alashankou_closure").summary() == [
        "close crossings: alashankou-dostyk"
    ]
    od = pd.DataFrame({"origin": ["a"], "destination": ["d"], "feu_per_year": [1.0]})
    c = compare(mine, ["base", "alashankou_closure"], od=od, by="time")
    assert c.od.delta_hours.tolist() == pytest.approx([0.0, 10.0])
    assert scenario_names(study) == ["alashankou_closure"]


def test_each_data_folder_builds_into_its_own_graphs(tmp_path, capsys):
    one, two = tmp_path / "low", tmp_path / "high"
    for folder in (one, two):
        border_network(folder)
    assert main(["--data", str(one), "build"]) == 0
    assert main(["--data", str(two), "build"]) == 0
    assert (one / "graphs" / "corridors.gpkg").exists()
    assert (two / "graphs" / "corridors.gpkg").exists()
    assert not (tmp_path / "graphs").exists()
    assert main(["--data", str(one), "build", "--check"]) == 0
    assert main(["--data", str(two), "build", "--check"]) == 0
    out = tmp_path / "elsewhere"
    assert main(["--data", str(one), "build", "--out", str(out)]) == 0
    assert (out / "corridors.gpkg").exists()
    capsys.readouterr()


def test_where_graphs_go():
    assert default_graphs_dir(Path("/x/study/data")) == Path("/x/study/graphs")
    assert default_graphs_dir(Path("/x/study/data_2030")) == Path("/x/study/data_2030/graphs")
    checkout = default_data_dir()
    if checkout.name == "data":  # a checkout: data/ -> graphs/ beside it, as committed
        assert default_graphs_dir(checkout) == checkout.parent / "graphs"
        assert default_graphs_dir() == checkout.parent / "graphs"
