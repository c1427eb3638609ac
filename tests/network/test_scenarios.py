"""Scenarios: each operation on a tiny network, every built-in on the real one, bad files,
comparison and appraisal."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from small import border_network

from corridors.analysis.compare import appraise, compare
from corridors.analysis.flows import assign
from corridors.analysis.routing import route
from corridors.cli import main
from corridors.errors import NoRouteError, ScenarioError
from corridors.network.scenarios import load_scenario, scenario_names


@pytest.fixture
def border(tmp_path):
    return border_network(tmp_path / "data")


def write(tmp_path, text: str, name: str = "what_if.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = 'description = "test"\nsources = ["test"]\n'


def od(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "feu_per_year"])


def test_closing_a_crossing_cuts_the_border(border, tmp_path):
    s = load_scenario(border, write(tmp_path, HEAD + '[close]\ncrossings = ["b-c"]\n'))
    closed = s(border)
    assert "b-c" not in closed.crossings.index and "b-c" in border.crossings.index
    with pytest.raises(Exception, match="no route"):
        route(closed, "a", "d")


def test_halving_the_dwell_saves_half_of_it(border, tmp_path):
    text = HEAD + '[[scale]]\nwhat = "crossing_dwell"\nmode = "rail"\nfactor = 0.5\n'
    faster = load_scenario(border, write(tmp_path, text))(border)
    before, after = (route(n, "a", "d").total["hours"] for n in (border, faster))
    assert before - after == pytest.approx(10 / 2)  # entry to exit, gauge change inside


def test_setting_a_parameter_and_scaling_demand(border, tmp_path):
    text = HEAD + '[[set]]\nparameter = "value_of_time"\nvalue = 20\n[demand]\nscale = 2\n'
    s = load_scenario(border, write(tmp_path, text))
    changed = s(border)
    assert changed.parameters.loc["value_of_time", "value"] == 20.0
    assert border.parameters.loc["value_of_time", "value"] == 10.0
    assert s.demand_factor == 2.0


def test_closing_a_place_closes_what_touches_it(border, tmp_path):
    s = load_scenario(border, write(tmp_path, HEAD + '[close]\nplaces = ["e"]\n'))
    closed = s(border)
    assert set(closed.links.index) == {"a-b-rail", "c-d-rail"}
    assert route(closed, "a", "b").legs["mode"].unique().tolist() == ["rail"]


def test_every_built_in_scenario_loads_and_changes_something(net):
    names = scenario_names()
    assert len(names) == 14
    for name in names:
        scenario = load_scenario(net, name)
        changed = scenario(net)
        assert scenario.summary(), name
        differs = [
            not getattr(changed, table).equals(getattr(net, table))
            for table in ("links", "crossings", "sea_variants", "services", "parameters")
        ]
        assert any(differs), name


def test_the_suez_closure_adds_days_at_sea(net):
    suez = load_scenario(net, "suez_closure")(net)
    before = route(net, "Shanghai", "Rotterdam", modes=["sea"]).total["days"]
    after = route(suez, "Shanghai", "Rotterdam", modes=["sea"]).total["days"]
    assert 5 < after - before < 12  # Alphaliner: 25 -> 33 days by the Cape at 18 knots


def test_the_alashankou_closure_moves_china_europe_rail_flow_to_horgos(net):
    demand = od(
        ("chongqing", "duisburg", 10.0), ("xian", "hamburg", 5.0), ("chengdu", "lodz", 5.0)
    )
    before = assign(net, demand).crossings.set_index("id").feu_per_year
    closed = load_scenario(net, "alashankou_closure")(net)
    after = assign(closed, demand).crossings.set_index("id").feu_per_year
    assert before.get("alashankou-dostyk", 0) > 0 and "alashankou-dostyk" not in after
    assert after.get("horgos-altynkol", 0) > before.get("horgos-altynkol", 0)


def test_extends_applies_the_parent_first(net):
    s = load_scenario(net, "kazakh_crossings_closed")
    assert s.summary() == [
        "close crossings: alashankou-dostyk",
        "close crossings: horgos-altynkol",
    ]
    r = route(s(net), "Chongqing", "Duisburg", modes=["rail"])
    assert not {"alashankou", "horgos"} & set(r.crossings)


def test_a_new_line_only_helps(net):
    demand = od(("kunming", "yangon", 1.0), ("chongqing", "singapore", 1.0))
    c = compare(net, ["base", "baoshan_ruili_railway"], od=demand)
    assert (c.od.delta_pct.dropna() <= 1e-9).all()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('descripton = "x"\n', r"unknown key 'descripton'; did you mean 'description'\?"),
        ('sources = ["test"]\n', "'description' is missing"),
        ('description = "x"\n', "'sources' is empty"),
        (HEAD + "[close\n", "not a TOML file: .*line 3"),
        (
            HEAD + '[close]\ncrossings = ["b-cc"]\n',
            "close.crossings: unknown crossing 'b-cc'; closest: b-c",
        ),
        (HEAD + '[close]\nplaces = ["Atlantis"]\n', "close.places: unknown place 'Atlantis'"),
        (HEAD + '[close]\npassages = ["suezz"]\n', "unknown passage 'suezz'; closest: suez"),
        (HEAD + '[open]\nlinks = ["a-b-rail"]\n', "a-b-rail already operational"),
        (HEAD + '[[scale]]\nwhat = "speed"\nfactor = 2\n', "scale.what must be one of"),
        (HEAD + '[[scale]]\nwhat = "crossing_dwell"\nfactor = -1\n', "scale.factor must be"),
        (HEAD + '[[set]]\nparameter = "vot"\nvalue = 1\n', "unknown parameter 'vot'"),
        (HEAD + '[demand]\nscale = "lots"\n', "demand.scale must be a number"),
        ('description = "x"\nsources = ["nobody"]\n', "sources: unknown source 'nobody'"),
    ],
)
def test_bad_scenario_files_say_what_and_where(border, tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match=match) as err:
        load_scenario(border, path)
    assert str(path) in str(err.value)


def test_unknown_names_suggest_the_closest(net):
    with pytest.raises(ScenarioError, match="unknown scenario 'suez'; closest: suez_closure"):
        load_scenario(net, "suez")
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(net, "nowhere.toml")


def test_compare_tables(net):
    demand = od(("chongqing", "duisburg", 10.0), ("kunming", "vientiane", 2.0))
    c = compare(net, ["base", "poland_belarus_border_closure"], od=demand, by="time")
    row = c.od[(c.od.scenario != "base") & (c.od.destination == "duisburg")].iloc[0]
    assert row.delta_hours > 24 and row.reachable and "brest-malaszewicze" not in row.crossings
    untouched = c.od[(c.od.scenario != "base") & (c.od.destination == "vientiane")].iloc[0]
    assert untouched.delta_hours == 0.0
    crossing = c.elements.set_index(["id", "scenario"]).loc[("brest-malaszewicze", "base")]
    assert crossing.feu_per_year == 10.0
    assert set(c.trade_types.trade_type) == {"dual_circulation", "border"}
    payload = c.to_dict()
    assert payload["scenarios"] == ["base", "poland_belarus_border_closure"]
    assert {"origin", "destination", "scenario", "hours", "cost_usd", "delta_hours"} <= set(
        payload["od"][0]
    )


def test_compare_needs_distinct_scenarios(net):
    with pytest.raises(ValueError, match="each scenario once"):
        compare(net, ["base", "base"], od=od(("chongqing", "duisburg", 1.0)))


def test_appraisal_alone_and_in_complement(net):
    demand = od(("dali", "yangon", 10.0))  # on the line (Kunming trucks: 2019 truck rates)
    found = appraise(net, ["baoshan_ruili_railway", "pinglu_canal"], od=demand)
    table = found.projects.set_index("scenario")
    assert table.loc["baoshan_ruili_railway", "alone_usd_per_year"] > 0
    assert table.loc["baoshan_ruili_railway", "alone_pct"] < 0
    assert table.loc["pinglu_canal", "alone_usd_per_year"] == 0.0
    assert table.together_usd_per_year.iloc[0] == pytest.approx(
        table.loc["baoshan_ruili_railway", "alone_usd_per_year"]
    )
    assert found.winners.to_dict() == {
        "baoshan_ruili_railway": {
            "yunnan": table.loc["baoshan_ruili_railway", "alone_usd_per_year"]
        },
        "pinglu_canal": {"yunnan": 0.0},
    }
    with pytest.raises(ValueError, match="one or more project scenarios"):
        appraise(net, ["base"], od=demand)
    with pytest.raises(ValueError, match="by must be province, trade_type or origin, not 'cost'"):
        appraise(net, ["pinglu_canal"], od=demand, by="cost")


def test_the_appraisal_command_line(capsys):
    assert main(["appraise", "baoshan_ruili_railway", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = out["projects"]
    assert {"scenario", "alone_usd_per_year", "complement_usd_per_year"} <= set(row)
    assert row["together_usd_per_year"] == row["alone_usd_per_year"] > 0
    assert out["winners"]["baoshan_ruili_railway"]["yunnan"] > 0


def test_cli(capsys, tmp_path):
    assert main(["scenario", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 14
    assert main(["scenario", "show", "pinglu_canal"]) == 0
    assert "open links: nanning-qinzhou-inland_water" in capsys.readouterr().out
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,feu_per_year\nChongqing,Duisburg,10\n")
    args = ["scenario", "compare", "base", "suez_closure", "--demand", str(path), "--json"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in payload["od"]] == ["base", "suez_closure"]
    assert (tmp_path / "out" / "gateways.csv").exists()
    assert main(["route", "Chongqing", "Duisburg", "--scenario", "alashankou_closure"]) == 0
    assert "Horgos" in capsys.readouterr().out
    assert main(["scenario", "compare", "base"]) == 1
    assert "at least one other scenario" in capsys.readouterr().err
    assert main(["route", "Chongqing", "Duisburg", "--scenario", "sues"]) == 1
    assert "closest: suez_closure" in capsys.readouterr().err


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_closing_any_element_never_makes_a_route_better(net, data):
    element = data.draw(st.sampled_from(sorted([*net.crossings.index, *net.links.index])))
    pair = data.draw(
        st.sampled_from([("Chongqing", "Duisburg"), ("Kunming", "Vientiane"), ("Xian", "Almaty")])
    )
    before = route(net, *pair, by="generalized").total["generalized"]
    try:
        after = route(net, *pair, by="generalized", avoid=[element]).total["generalized"]
    except NoRouteError:
        return  # cut off: no better either
    assert after >= before - 1e-9


def test_scenario_compare_prints_the_equilibrium_rail_share(capsys):
    assert main(["scenario", "compare", "base", "suez_closure"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("  at equilibrium: EU rail share"))
    assert math.isfinite(float(line.split("(")[1].split(" pp")[0]))  # the target: see
    # tests/analysis/test_equilibrium.py, test_a_suez_closure_raises_rails_share_at_equilibrium
    queues = [x for x in out.splitlines() if x.startswith("  queue at ")]
    assert len(queues) == 3 and all("of capacity" in x for x in queues)


def test_removing_china_europe_subsidies_charges_them_on_every_km(net):
    removed = load_scenario(net, "china_europe_subsidies_removed")(net)
    before = route(net, "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    after = route(removed, "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    subsidised = before.legs.service.isin(["china_europe", "rail_1520", "rail_europe"])
    km = before.legs.km[subsidised].sum()
    assert after.total["cost_usd"] - before.total["cost_usd"] == pytest.approx(0.273 * km)
    assert 2_500 < 0.273 * km < 3_100  # about the 3,055 USD per FEU of 2019
    sea = route(net, "Shanghai", "Rotterdam", modes=["sea"]).total["cost_usd"]
    assert route(removed, "Shanghai", "Rotterdam", modes=["sea"]).total["cost_usd"] == sea
