"""OD demand and all-or-nothing flows: hand-built networks with exact volumes, the gravity
model's arithmetic, the default network against published train counts, and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from small import border_network

from corridors import load_network
from corridors.analysis.demand import check_demand, gravity_demand, origin_exports, read_demand
from corridors.analysis.flows import assign, compare_observed
from corridors.analysis.routing import route
from corridors.cli import main
from corridors.errors import DataError


@pytest.fixture
def border(tmp_path):
    return border_network(tmp_path / "data")


def od(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "feu_per_year"])


def test_flows_add_up_link_by_link(border):
    # a->d crosses b|c by rail; a->b stays in AAA, by road (as route() finds); d->a back
    flows = assign(border, od(("a", "d", 10.0), ("a", "b", 5.0), ("d", "a", 2.0)), by="time")
    assert route(border, "a", "b").legs["mode"].unique().tolist() == ["road"]
    links = flows.links.set_index("id").feu_per_year
    assert links.to_dict() == {
        "a-b-rail": 12.0,
        "c-d-rail": 12.0,
        "a-e-road": 5.0,
        "e-b-road": 5.0,
    }
    assert flows.crossings.feu_per_year.tolist() == [12.0]
    assert flows.unserved == 0.0
    gateways = flows.gateways.set_index("origin")
    assert gateways.loc["a", "gateway"] == "b" and gateways.loc["a", "share"] == 1.0
    assert gateways.loc["d", "gateway"] == "c"


def test_an_unreachable_pair_is_unserved(border):
    flows = assign(border, od(("a", "d", 3.0), ("a", "e", 1.0)), modes=["rail"])
    assert flows.unserved == pytest.approx(0.25)
    assert flows.pairs.set_index("destination").loc["e", "hours"] != flows.pairs.hours[0]


def test_origin_exports_convert_yuan_to_feu(border):
    # test tables: no exports figure for p1, so no demand
    assert origin_exports(border, ["a"]).loc["a", "feu_per_year"] == 0.0


def test_the_gravity_model_sends_each_hubs_exports_out(net):
    demand = gravity_demand(net, origins=["Chongqing", "Suzhou"])
    exports = origin_exports(net, ["chongqing", "suzhou"])
    sent = demand.groupby("origin").feu_per_year.sum()
    assert sent.to_dict() == pytest.approx(exports.feu_per_year.to_dict())
    # 3,488.4 x 1e8 yuan / 6.4719 yuan of 2017 per USD of 2019 / 102,840 USD per FEU
    assert exports.loc["chongqing", "feu_per_year"] == pytest.approx(524_122, rel=1e-5)
    assert set(demand.trade_type) == {"dual_circulation", "export_oriented"}


def test_beijing_takes_its_types_total_less_the_printed_provinces(net):
    row = origin_exports(net, ["beijing"]).loc["beijing"]
    # dual circulation 23,627.1 less Shanghai and Chongqing as printed
    assert row["province_exports"] == pytest.approx(6645.3)
    assert row["basis"].startswith("derived")


def test_a_province_with_no_printed_exports_is_estimated_from_its_2019_trade(net):
    row = origin_exports(net, ["nanning"]).loc["nanning"]
    # 91,944.2 (the 19 printed provinces' exports, 100 million yuan) / 2,577,125,740 (their
    # 2019 trade, 1,000 USD) x Guangxi's 65,330,813
    assert row["province_exports"] == pytest.approx(2330.8)
    assert row["basis"].startswith("estimate: 2019 trade (NBS A060201) x 0.551")
    assert int(row["places_in_province"]) == 3  # Nanning, Liuzhou, Baise


def test_provinces_with_no_hub_trade_from_their_sea_ports(net):
    origins, _ = net.trade_ends()
    assert {"shanghai", "shenzhen", "guangzhou", "tianjin", "xiamen", "qingdao"} <= set(origins)
    assert not {"ningbo", "qinzhou", "dalian", "lianyungang"} & set(origins)  # provinces with hubs
    exports = origin_exports(net, ["shenzhen", "guangzhou"]).feu_per_year
    assert exports["shenzhen"] == exports["guangzhou"] > 0  # Guangdong's, shared


def test_hubs_without_an_exports_figure_are_listed(data_copy):
    path = data_copy / "provinces.csv"
    provinces = pd.read_csv(path, dtype=str, keep_default_na=False)
    provinces.loc[provinces.id == "xinjiang", "trade_2019_kusd"] = ""
    provinces.to_csv(path, index=False)
    net = load_network(data_copy)
    demand = gravity_demand(net, origins=["Urumqi", "Chongqing"], destinations=["Duisburg"])
    assert demand.attrs["without_exports"] == ["urumqi"]
    assert set(demand.origin) == {"chongqing"}


def test_the_kazakh_crossings_carry_most_china_europe_rail_flow_as_published(net):
    table = compare_observed(net, assign(net))
    trains = table[table.measure == "china_europe_trains"].set_index("places")
    kazakh = ["alashankou", "horgos"]
    # published 2020: 61% of the trains through the two Kazakh crossings
    assert trains.loc[kazakh, "observed_share"].sum() == pytest.approx(0.613, abs=0.001)
    assert trains.loc[kazakh, "model_share"].sum() > 0.5
    beibu = table[table.measure == "rail_sea_trains"]
    assert float(beibu.model_feu_per_year.iloc[0]) > 0  # rail-sea cargo meets ships there


def test_read_demand_names_the_bad_rows(net, tmp_path):
    path = tmp_path / "od.csv"
    path.write_text(
        "origin,destination,feu_per_year\n"
        "Chongqing,Duisburg,100\n"
        "Chongqin,Duisburg,5\n"
        "Chengdu,Lodz,-3\n"
        "Chengdu,Lodz,inf\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"row 3.*chongqing") as err:
        read_demand(net, path)
    text = str(err.value)
    assert "row 4, column feu_per_year: '-3'" in text and "row 5" in text


def test_read_demand_needs_its_columns(net, tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("from,to,feu\nChongqing,Duisburg,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"missing column.*origin, destination, feu_per_year"):
        read_demand(net, path)
    with pytest.raises(DataError, match="cannot read the demand table"):
        read_demand(net, tmp_path / "absent.csv")


def test_check_demand_resolves_names(net):
    table = check_demand(net, od(("重庆", "Duisburg", "7")))
    assert table.values.tolist() == [["chongqing", "duisburg", 7.0]]


def test_cli_flow_with_a_demand_file(capsys, tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,feu_per_year\nChongqing,Duisburg,100\n")
    args = ["centrality", "--measure", "flow", "--demand", str(path), "--kind", "crossing"]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["value"]) for r in rows] == [
        ("alashankou-dostyk", 100.0),
        ("brest-malaszewicze", 100.0),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("origin,destination,feu_per_year\nChongqing,Duisburg,-1\n")
    assert main(["centrality", "--measure", "flow", "--demand", str(bad)]) == 1
    assert "row 2, column feu_per_year" in capsys.readouterr().err
