"""Skim size: a place named twice counts once; a request above MAX_PAIRS is refused, naming its
size, unless it is streamed to a CSV file origin by origin (skim_chunks, corridors skim --out)."""

from __future__ import annotations

import pandas as pd
import pytest

from corridors.analysis import skim as skim_module
from corridors.analysis.skim import MAX_PAIRS, skim, skim_chunks
from corridors.cli import main
from corridors.errors import NoRouteError
from corridors.outputs.csv_tables import csv_text


def test_duplicate_places_are_collapsed_in_the_order_first_given(net):
    table = skim(net, ["Chongqing", "chengdu", "重庆", "Chongqing"], ["Duisburg", "duisburg"])
    assert table[["origin", "destination"]].values.tolist() == [
        ["chongqing", "duisburg"],
        ["chengdu", "duisburg"],
    ]


def test_a_kind_named_thirty_times_is_one_kind(net, tmp_path, capsys):
    hubs = int((net.places.kind == "hub").sum())
    ports = int((net.places.kind == "sea_port").sum())
    many = ",".join(["@hub"] * 30)
    out = tmp_path / "skim.csv"
    assert main(["skim", "--origins", many, "--destinations", "@sea_port,@sea_port"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1 + hubs * ports
    assert main(["skim", "--origins", many, "--destinations", "@sea_port", "--out", str(out)]) == 0
    assert f"({hubs * ports} pairs)" in capsys.readouterr().err
    assert len(pd.read_csv(out)) == hubs * ports


def test_a_skim_above_the_limit_is_refused_naming_its_size(net, monkeypatch):
    monkeypatch.setattr(skim_module, "MAX_PAIRS", 3)
    with pytest.raises(
        ValueError,
        match=r"^a skim of 4 pairs \(2 origins x 2 destinations\) is more than the 3 pairs "
        r"skim\(\) returns at once; .* skim_chunks\(\) \(corridors skim --out FILE\.csv\)$",
    ):
        skim(net, ["Chongqing", "Chengdu"], ["Duisburg", "Lodz"])
    assert len(skim(net, ["Chongqing", "Chengdu", "chongqing"], ["Duisburg"])) == 2


def test_the_command_line_streams_what_it_may_not_print(net, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(skim_module, "MAX_PAIRS", 3)
    monkeypatch.setattr(skim_module, "CHUNK_PAIRS", 2)
    args = ["skim", "--origins", "Chongqing,Chengdu,Kunming", "--destinations", "Duisburg,Lodz"]
    assert main(args) == 1
    assert "error: a skim of 6 pairs" in capsys.readouterr().err
    out = tmp_path / "skim.csv"
    assert main([*args, "--out", str(out)]) == 0
    assert "(6 pairs)" in capsys.readouterr().err
    monkeypatch.setattr(skim_module, "MAX_PAIRS", 250_000)
    whole = skim(net, ["Chongqing", "Chengdu", "Kunming"], ["Duisburg", "Lodz"])
    whole["crossings"] = whole["crossings"].map(";".join)
    assert out.read_text(encoding="utf-8") == csv_text(whole)  # the pieces make the whole


def test_pieces_are_whole_origins_of_about_the_size_asked(net):
    origins = ["Chongqing", "Chengdu", "Kunming", "Urumqi", "Xian"]
    pieces = list(skim_chunks(net, origins, ["Duisburg", "Lodz"], chunk_pairs=5))
    assert [len(p) for p in pieces] == [4, 4, 2]
    assert pieces[0].origin.unique().tolist() == ["chongqing", "chengdu"]
    together = pd.concat(pieces, ignore_index=True)
    pd.testing.assert_frame_equal(together, skim(net, origins, ["Duisburg", "Lodz"]))
    one = list(skim_chunks(net, origins[:2], ["Duisburg", "Lodz", "Qinzhou"], chunk_pairs=1))
    assert [len(p) for p in one] == [3, 3]  # never less than one origin


def test_pieces_are_checked_before_the_first(net):
    with pytest.raises(ValueError, match="chunk_pairs must be a whole number from 1 to"):
        skim_chunks(net, ["Chongqing"], ["Duisburg"], chunk_pairs=0)
    with pytest.raises(ValueError, match="at least one origin and one destination"):
        skim_chunks(net, [], ["Duisburg"])


def test_streamed_pieces_say_when_no_pair_is_connected(net):
    pieces = skim_chunks(net, ["Kashgar", "Urumqi"], ["Gwadar"], modes=["rail"], chunk_pairs=1)
    first = next(pieces)
    assert first.hours.isna().all()
    with pytest.raises(NoRouteError, match=r"no pair of the skim is connected.*the modes"):
        list(pieces)


def test_the_help_states_the_limit(capsys):
    with pytest.raises(SystemExit):
        main(["skim", "--help"])
    assert f"{MAX_PAIRS:,} pairs" in " ".join(capsys.readouterr().out.split())
