"""Route and mode choice: the nested logit, the choice sets, and their fit to published
flows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.analysis.choice import Logit, customs_railways, nested_logit, rail_abroad
from corridors.analysis.choice_fit import ChoiceFit, choice_targets, target_values
from corridors.analysis.choice_set import choice_set, cost_ceiling
from corridors.analysis.equilibrium import Bound, equilibrium, settle
from corridors.analysis.flows import enters_by_rail, land_rail_share
from corridors.network.scenarios import apply_scenario, load_scenario


def test_a_plain_logit_shares_by_cost():
    # scale 100 USD: a route 100 USD dearer has 1/e the odds
    share, logsum = nested_logit(
        np.array([0, 0]),
        np.array(["rail", "rail"]),
        np.array([1000.0, 1100.0]),
        Logit(100.0, 1.0),
        1,
    )
    assert share.tolist() == pytest.approx([1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))])
    assert logsum[0] == pytest.approx(math.log(math.exp(-10) + math.exp(-11)))


def test_routes_of_one_nest_share_its_odds():
    # two sea routes and one rail route of equal cost, nest 0.5: I_sea = V + 0.5 log 2
    share, _ = nested_logit(
        np.array([0, 0, 0]),
        np.array(["rail", "sea", "rail_sea"]),  # rail_sea nests with sea
        np.full(3, 500.0),
        Logit(100.0, 0.5),
        1,
    )
    sea = math.sqrt(2) / (1 + math.sqrt(2))
    assert share.tolist() == pytest.approx([1 - sea, sea / 2, sea / 2])


def test_the_rail_constant_is_a_cost_in_usd():
    with_constant, _ = nested_logit(
        np.array([0, 0]),
        np.array(["rail", "sea"]),
        np.array([1000.0, 1200.0]),
        Logit(100.0, 1.0, {"rail": 200.0}),
        1,
    )
    assert with_constant.tolist() == pytest.approx([0.5, 0.5])


def test_a_pair_without_alternatives_has_no_logsum():
    share, logsum = nested_logit(
        np.array([1]), np.array(["sea"]), np.array([10.0]), Logit(100.0, 1.0), 2
    )
    assert share.tolist() == [1.0] and np.isnan(logsum[0]) and logsum[1] == pytest.approx(-0.1)


costs = st.lists(st.floats(0, 1e5), min_size=1, max_size=8)
modes = st.sampled_from(["rail", "sea", "rail_sea", "road"])


@settings(max_examples=100, deadline=None)
@given(costs, st.data(), st.floats(10, 1e4), st.floats(0.05, 1.0))
def test_shares_sum_to_one_and_a_new_route_never_lowers_the_logsum(cost, data, scale, nest):
    mode = np.array(data.draw(st.lists(modes, min_size=len(cost), max_size=len(cost))))
    logit = Logit(scale, nest)
    pair = np.zeros(len(cost), dtype=int)
    share, logsum = nested_logit(pair, mode, np.array(cost), logit, 1)
    assert share.sum() == pytest.approx(1.0) and np.all(share >= 0)
    assert logsum[0] >= -min(cost) / scale - 1e-9  # at least the best route's utility
    _, added = nested_logit(
        np.append(pair, 0),
        np.append(mode, data.draw(modes)),
        np.append(cost, data.draw(st.floats(0, 1e5))),
        logit,
        1,
    )
    assert added[0] >= logsum[0] - 1e-9


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scale_usd": 0.0, "nest": 0.5}, "the logit scale must be a positive number of USD"),
        ({"scale_usd": math.inf, "nest": 0.5}, "the logit scale must be a positive"),
        ({"scale_usd": 100.0, "nest": 0.0}, r"the logit nest parameter must be in \(0, 1\]"),
        ({"scale_usd": 100.0, "nest": 1.5}, r"the logit nest parameter must be in \(0, 1\]"),
        (
            {"scale_usd": 100.0, "nest": 0.5, "constants": {"rail": math.nan}},
            "the constant of rail must be a finite number of USD",
        ),
    ],
)
def test_bad_logit_parameters_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Logit(**kwargs)


def test_chongqing_duisburg_chooses_between_the_exit_ports_and_the_sea(net):
    demand = pd.DataFrame(
        {"origin": ["chongqing"], "destination": ["duisburg"], "feu_per_year": [1.0]}
    )
    found = choice_set(net, demand).alternatives
    rail = found[found.main_mode == "rail"]
    assert {"alashankou", "horgos", "erenhot", "manzhouli", "suifenhe"} <= set(rail.gateway)
    assert {"qinzhou", "shanghai"} <= set(found.gateway[found.main_mode.isin(["sea", "rail_sea"])])
    assert any("aktau-baku" in c for c in rail.crossings)  # the Middle Corridor
    assert any("south_africa" in p for p in found.passages)  # round the Cape
    key = ["main_mode", "gateway", "crossings", "passages"]
    assert not found.duplicated(key).any()
    best = found.generalized.min()
    assert found.generalized.max() <= best * float(
        net.parameters.loc["choice_max_cost_ratio", "value"]
    )
    assert found.generalized.iloc[0] == best and found.variant.iloc[0] == "best"


def test_a_project_weighed_at_the_bases_ceiling_keeps_the_dear_routes(net):
    # Baoshan-Ruili cuts Dali -> Yangon's best from 9,082 to 6,137 USD: at its own ratio
    # the scenario would drop the routes between 61,374 and 90,816 (round by the Caspian)
    demand = pd.DataFrame({"origin": ["dali"], "destination": ["yangon"], "feu_per_year": [1.0]})
    line = apply_scenario(net, load_scenario(net, "baoshan_ruili_railway"))
    base = choice_set(net, demand)
    ceiling = cost_ceiling(net, base)
    assert ceiling[0] == pytest.approx(10 * base.alternatives.generalized.min())
    own, kept = (choice_set(line, demand, ceiling=c).alternatives for c in (None, ceiling))
    assert len(own) < len(kept) == len(base.alternatives)
    assert (kept.generalized <= ceiling[0]).all()
    tight = choice_set(net, demand, ceiling=np.array([base.alternatives.generalized.min()]))
    assert tight.alternatives.variant.tolist() == ["best"]


def test_a_new_railway_beside_a_road_crossing_keeps_the_road_alternative(net):
    demand = pd.DataFrame(
        {"origin": ["beijing"], "destination": ["andijan"], "feu_per_year": [1.0]}
    )
    cku = apply_scenario(net, load_scenario(net, "china_kyrgyzstan_uzbekistan_railway"))
    before, after = (choice_set(n, demand).alternatives for n in (net, cku))
    at = [found[found.gateway == "torugart"] for found in (before, after)]
    over = [t.crossings.str[0] for t in at]  # the road or the rail crossing at Torugart
    assert set(over[0]) == {"torugart-torugart_kg-road"}
    assert set(over[1]) == {"torugart-torugart_kg-road", "torugart-torugart_kg-rail"}
    road = [
        t.loc[o == "torugart-torugart_kg-road", "generalized"].min()
        for t, o in zip(at, over, strict=True)
    ]
    assert road[1] <= road[0]  # a new line can only make the road alternative cheaper


def test_a_railway_beyond_a_road_crossing_keeps_the_trucks_way_on(net):
    # the Kashgar-Andijan line continues the Torugart road into Uzbekistan by rail: the
    # truck's way on is still weighed, with no train across a customs border
    demand = pd.DataFrame(
        {"origin": ["urumqi"], "destination": ["tashkent"], "feu_per_year": [1.0]}
    )
    cku = apply_scenario(net, load_scenario(net, "china_kyrgyzstan_uzbekistan_railway"))
    found = choice_set(cku, demand).alternatives
    road = found[(found.gateway == "torugart") & (found.main_mode == "road")]
    railways = customs_railways(cku)
    by_train = [not railways.isdisjoint(c) for c in road.crossings]
    assert any(by_train) and not all(by_train)
    assert rail_abroad(cku, road.main_mode, road.crossings).tolist() == by_train


def test_no_way_to_the_railway_escapes_the_rail_constant(net):
    # a ship to Vladivostok or a truck onto the Kazakh railway pays it as a train from China
    demand = pd.DataFrame(
        {
            "origin": ["shanghai", "chongqing"],
            "destination": ["hamburg", "duisburg"],
            "feu_per_year": [1000.0, 1000.0],
        }
    )
    shares = [
        land_rail_share(
            net, equilibrium(net, demand, logit=Logit(3000.0, 0.9, {"rail": k})).flows.pairs
        )
        for k in (0.0, 1e6)
    ]
    assert shares[0] > 0.01 and shares[1] < 1e-9


def test_a_train_across_a_customs_border_is_rail_abroad(net):
    railways = customs_railways(net)
    assert {"brest-malaszewicze", "saryagash-tashkent", "alashankou-dostyk"} <= railways
    assert "hendaye-irun" not in railways  # within the EU
    assert not railways & set(net.crossings.index[net.crossings["mode"] != "rail"])
    routes = [("brest-malaszewicze",), ("brest-malaszewicze",), ("osh-andijan-road",), ()]
    modes = ["sea", "rail", "road", "sea"]
    assert rail_abroad(net, modes, routes).tolist() == [True, False, False, False]


def test_the_fit_targets_are_read_from_observed_csv(net):
    targets = choice_targets(net).set_index("id")
    assert targets.loc["china_europe_trains_2020_alashankou", "observed"] == pytest.approx(
        5027 / (5027 + 4722 + 3548 + 2379 + 217)
    )
    assert targets.loc["rail_sea_trains_2020_beibu_gulf", "observed"] == pytest.approx(4607 * 26.4)
    assert targets.loc["rail_share_china_eu_value_2019", "observed"] == pytest.approx(0.03846)


def test_the_targets_are_computed_from_the_flows(net):
    demand = pd.DataFrame(
        {
            "origin": ["chongqing", "chongqing"],
            "destination": ["duisburg", "singapore"],
            "feu_per_year": [1000.0, 500.0],
        }
    )
    alternatives = choice_set(net, demand)
    flow = settle(alternatives, Bound(net, alternatives), Logit.of(net), 50)[0]
    targets = choice_targets(net)
    model = pd.Series(target_values(net, alternatives, flow, targets), index=targets.id)
    alts = alternatives.alternatives
    to_duisburg = alts.pair.to_numpy() == 0
    into_poland = alts.crossings.map(
        lambda ids: bool({"brest-malaszewicze", "grodno-kuznica"} & set(ids))
    )
    rail = to_duisburg & into_poland.to_numpy()
    assert model["rail_share_china_eu_value_2019"] == pytest.approx(flow[rail].sum() / 1000.0)
    ports = [i for i in model.index if i.startswith("china_europe_trains")]
    assert model[ports].sum() == pytest.approx(1.0)


def test_the_fit_reports_the_rail_rate_elasticity_its_scale_implies():
    targets = pd.DataFrame({"measure": ["rail_share_value"], "observed": [0.04]})
    values = {"logit_scale_usd": 10_000.0, "logit_nest": 0.5, "asc_rail_usd": 0.0}
    fit = ChoiceFit(values=values, targets=targets, rail_rate_usd=5_000.0)
    assert fit.rail_rate_elasticity == pytest.approx(-(1 - 0.04) * 5_000 / 10_000)


def test_rail_into_the_eu_is_the_mode_of_the_crossing_that_enters_it(net):
    routes = [
        ("alashankou-dostyk", "brest-malaszewicze"),  # rail all the way
        ("torugart-torugart_kg-road", "grodno-kuznica"),  # a truck out of China, then rail
        ("horgos-altynkol", "aktau-baku"),  # the Middle Corridor, then by sea
        (),  # by sea all the way
    ]
    assert enters_by_rail(net, routes).tolist() == [True, True, False, False]


def _passage_graph(count: int):
    """A stand-in routing graph of three edges, the first two through ``count`` passages."""
    from types import SimpleNamespace

    from corridors.engine import Engine

    tags = {("passage", f"p{i:02d}"): np.array([0, 1]) for i in range(count)}
    tags["passage", "p00"] = np.array([0])
    edges = np.array([0, 1, 2], dtype=np.int32)
    return SimpleNamespace(engine=Engine(range(4), edges, edges + 1, {}, tags))


def test_route_passages_are_listed_sorted_per_pair():
    from corridors.analysis.choice_set import _passages
    from corridors.analysis.flows import Moves

    moves = Moves(*(np.array(a) for a in ([0, 0, 1, 2], [0, 2, 1, 2], [1, 3, 2, 3], [0, 2, 1, 2])))
    assert _passages(_passage_graph(3), moves, 4) == [
        ("p00", "p01", "p02"),
        ("p01", "p02"),
        (),
        (),
    ]


def test_more_passages_than_a_mask_holds_is_an_error():
    from corridors.analysis.choice_set import _passages
    from corridors.analysis.flows import Moves

    moves = Moves(*(np.zeros(1, dtype=np.int64) for _ in range(4)))
    with pytest.raises(ValueError, match=r"63 sea passages: a route's passages are a 63-bit"):
        _passages(_passage_graph(63), moves, 1)
