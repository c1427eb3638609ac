"""The command line: exit codes, JSON output, one-line errors, build --check."""

from __future__ import annotations

import json
import shutil

import pytest
from small import ROUTE_TOTAL

from corridors.cli import main
from corridors.network.tables import default_data_dir


def test_info_json_has_the_promised_keys(capsys):
    assert main(["info", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert {"places", "links", "crossings", "corridors", "sourced_share"} <= set(summary)
    assert summary["places"]["total"] == summary["places"]["total"] > 100
    assert "china_europe_alashankou" in summary["corridors"]


def test_info_table(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("places")
    assert "crossings" in out


def test_build_check_passes_on_the_committed_graphs(capsys):
    """graphs/ in the repository must be rebuilt whenever data/ changes."""
    assert main(["build", "--check"]) == 0, capsys.readouterr().err


def test_build_is_byte_identical_and_check_detects_staleness(built_copy, capsys):
    data, graphs = built_copy, built_copy.parent / "graphs"
    first = {p.name: p.read_bytes() for p in graphs.iterdir()}  # built in another folder
    assert main(["--data", str(data), "build"]) == 0
    second = {p.name: p.read_bytes() for p in graphs.iterdir()}
    assert first == second
    assert main(["--data", str(data), "build", "--check"]) == 0
    params = data / "parameters.csv"
    params.write_text(params.read_text(encoding="utf-8").replace("57.85", "70"), encoding="utf-8")
    links = data / "links.csv"
    links.write_text(links.read_text(encoding="utf-8").replace(",505,", ",506,"), encoding="utf-8")
    capsys.readouterr()
    assert main(["--data", str(data), "build", "--check"]) == 3
    assert "out of date" in capsys.readouterr().err


def test_bad_data_is_one_clear_message(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    places = data / "places.csv"
    places.write_text(
        places.read_text(encoding="utf-8").replace(",CHN,", ",CHX,", 1), encoding="utf-8"
    )
    assert main(["--data", str(data), "info"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem in the data:")
    assert "'CHX' is not in countries.iso3" in err
    assert "Traceback" not in err


def test_missing_data_folder(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nowhere"), "info"]) == 1
    assert capsys.readouterr().err == f"error: no such data directory: {tmp_path / 'nowhere'}\n"


def test_no_command_prints_help(capsys):
    assert main([]) == 1
    assert "usage: corridors" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["route"], ["info", "--bogus"], ["route", "a", "b", "--by", "x"]]
)
def test_argument_errors_exit_non_zero(argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


def test_route_json_has_the_promised_keys(capsys):
    argv = ["route", "Chongqing", "Duisburg", "--modes", "rail", "--alternatives", "1"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        "origin",
        "destination",
        "objective",
        "total",
        "crossings",
        "legs",
        "alternatives",
    } <= set(out)
    assert set(out["total"]) == ROUTE_TOTAL
    assert out["crossings"][:2] == ["alashankou", "dostyk"]
    assert {"from", "to", "kind", "mode", "km", "hours", "cost_usd"} <= set(out["legs"][0])
    assert len(out["alternatives"]) == 1


def test_route_table_and_figures(tmp_path, capsys):
    tcd, png = tmp_path / "tcd.png", tmp_path / "map.png"
    assert main(["route", "Chongqing", "Singapore", "--tcd", str(tcd), "--map", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Chongqing -> Singapore by time:")
    lines = out.splitlines()
    assert lines[1].split() == [
        "from",
        "to",
        "kind",
        "mode",
        "service",
        "km",
        "hours",
        "USD",
        "cum",
        "days",
    ]
    port = next(line for line in lines if ">sea" in line)
    assert port.split()[:5] == [
        "Qinzhou",
        "Port",
        "Qinzhou",
        "Port",
        "port",
    ]  # names, columns apart
    assert tcd.stat().st_size > 0 and png.stat().st_size > 0


def test_scenario_list_gives_whole_first_sentences(capsys):
    assert main(["scenario", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "alashankou_closure                     Alashankou-Dostyk closed." in lines
    assert all(line.rstrip().endswith((".", ")")) for line in lines)


def test_flow_ranks_the_elements_asked_for(capsys):
    assert main(["centrality", "--measure", "flow", "--elements", "crossings", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["kind"] for row in rows} == {"crossing"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["route", "Chongching", "Duisburg"],
            "error: unknown place 'Chongching'; closest: chongqing",
        ),
        (
            ["route", "Kashgar", "Gwadar", "--modes", "rail"],
            "error: no route kashgar -> gwadar: the modes (rail) cuts every path",
        ),
        (["route", "Chongqing", "Chongqing"], "error: origin and destination are the same"),
        (["route", "Chongqing", "Duisburg", "--modes", "air"], "error: unknown mode air"),
        (["route", "Kunming", "Vientiane", "--avoid", "Laos"], "error: no route"),
        (
            ["skim", "--origins", "@castle", "--destinations", "Qinzhou"],
            "error: no places of kind 'castle'",
        ),
    ],
)
def test_route_errors_are_one_line(argv, message, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1


def test_skim_writes_csv(tmp_path, capsys):
    out = tmp_path / "skim.csv"
    assert (
        main(
            ["skim", "--origins", "@hub", "--destinations", "Qinzhou,Duisburg", "--out", str(out)]
        )
        == 0
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    header = "origin,destination,hours,days,km,cost_usd_per_feu,generalized_usd_per_feu,crossings"
    assert lines[0] == header
    assert len(lines) == 1 + 27 * 2


def test_validate_json(capsys):
    assert main(["validate", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"cases", "summary"} == set(out)
    assert out["summary"]["km"]["cases"] >= 10


def test_validate_flows_sets_every_published_flow_beside_the_equilibrium(capsys, net):
    assert main(["validate", "--flows", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["flows"]
    assert [r["id"] for r in rows] == net.observed.id.tolist()
    assert {r["id"] for r in rows if not r["fitted"]} >= {"china_europe_teu_2020"}
    assert main(["validate", "--flows"]) == 0
    out = capsys.readouterr().out
    assert "fitted by calibrate --flows:" in out and "checks it never sees:" in out
    assert "border_wait_2018_brest" in out and "%" in out


def test_validate_table_shows_leave_one_out(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert " loo" in out.splitlines()[0]
    assert "leave-one-out" in out


def test_calibrate_dry_run_json_writes_nothing(data_copy, capsys):
    before = (data_copy / "services.csv").read_bytes()
    assert main(["--data", str(data_copy), "calibrate", "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"values", "cases", "rounds"} == set(out)
    assert set(out["values"]) >= {"rail_europe_speed", "port_dwell"}
    assert all({"error", "loo_error"} == set(c) for c in out["cases"].values())
    assert (data_copy / "services.csv").read_bytes() == before


def test_calibrate_refuses_the_installed_data(monkeypatch, capsys):
    from corridors.network import tables

    monkeypatch.setattr(tables, "packaged_data_dir", tables.default_data_dir)
    assert main(["calibrate"]) == 1
    assert "is never written to" in capsys.readouterr().err


def test_route_prints_services_passages_and_notes(capsys):
    argv = ["route", "Shanghai", "Rotterdam", "--modes", "sea", "--avoid", "Suez"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "sea passages: Panama Canal" in out
    assert "note: shanghai-rotterdam at sea without Suez Canal" in out
    assert " liner " in out


def test_tcd_into_a_folder_names_the_file(tmp_path, capsys):
    assert main(["route", "Chongqing", "Qinzhou", "--tcd", str(tmp_path)]) == 0
    written = tmp_path / "chongqing-qinzhou-tcd.png"
    assert written.exists()
    assert f"wrote {written}" in capsys.readouterr().err
