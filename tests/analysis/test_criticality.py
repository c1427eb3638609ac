"""Criticality: failures on a hand-built network with exact losses, and the real corridors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from small import border_network

from corridors.analysis.criticality import criticality
from corridors.analysis.routing import route
from corridors.cli import main


@pytest.fixture
def border(tmp_path):
    return border_network(tmp_path / "data")


def od(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "feu_per_year"])


def test_the_only_crossing_leaves_the_cross_border_demand_unserved(border):
    table = criticality(border, od=od(("a", "d", 3.0), ("a", "b", 1.0))).set_index("id")
    assert table.loc["b-c", "unserved_share"] == 0.75
    assert table.loc["b-c", "pairs_rerouted"] == 1


def test_a_failed_link_costs_the_detour(border):
    demand = od(("a", "b", 2.0), ("a", "d", 1.0))
    table = criticality(border, elements="links", od=demand).set_index("id")
    base = [
        route(border, o, d, by="generalized").total["generalized"]
        for o, d in [("a", "b"), ("a", "d")]
    ]
    # a->b goes by road; without a-e it takes the rail link instead
    detour = route(border, "a", "b", by="generalized", avoid=["a-e-road"]).total["generalized"]
    expected = 100 * 2.0 * (detour - base[0]) / (2.0 * base[0] + 1.0 * base[1])
    assert table.loc["a-e-road", "delta_cost_pct"] == pytest.approx(expected)
    assert table.loc["a-e-road", "unserved_share"] == 0.0
    assert table.loc["c-d-rail", "unserved_share"] == pytest.approx(1 / 3)


def test_a_failed_place_loses_its_own_demand_apart(border):
    table = criticality(border, elements="places", od=od(("a", "d", 1.0), ("e", "b", 1.0)))
    row = table.set_index("id").loc["e"]
    assert row["ends_share"] == 0.5 and row["unserved_share"] == 0.0


def test_no_failure_makes_any_route_cheaper(net):
    demand = od(
        ("chongqing", "duisburg", 5.0), ("kunming", "vientiane", 2.0), ("xian", "almaty", 1.0)
    )
    table = criticality(net, elements="links", od=demand)
    assert (table.delta_cost_pct >= -1e-9).all()


def test_alashankou_is_the_china_europe_bottleneck_and_kuznica_backs_up_brest(net):
    demand = od(("chongqing", "duisburg", 1.0), ("xian", "hamburg", 1.0), ("chengdu", "lodz", 1.0))
    table = criticality(net, od=demand).set_index("id")
    assert table.index[0] == "alashankou-dostyk"
    assert table.iloc[0]["unserved_share"] == 0.0  # other ways round exist, at a cost
    brest = table.loc["brest-malaszewicze", "delta_cost_pct"]
    assert 0 < brest < table.iloc[0]["delta_cost_pct"]  # Grodno-Kuźnica, a few hours round


def test_bad_requests(net):
    with pytest.raises(ValueError, match="unknown elements 'roads'"):
        criticality(net, elements="roads", od=od(("chongqing", "duisburg", 1.0)))
    with pytest.raises(ValueError, match="unknown objective 'speed'"):
        criticality(net, by="speed", od=od(("chongqing", "duisburg", 1.0)))


def test_cli(capsys, tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,feu_per_year\nChongqing,Duisburg,10\n")
    assert main(["criticality", "--demand", str(path), "--top", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "name", "kind", "delta_cost_pct", "unserved_share"} <= set(rows[0])
    assert rows[0]["id"] == "alashankou-dostyk"
    assert main(["criticality", "--top", "0"]) == 1
    assert "--top must be at least 1" in capsys.readouterr().err
