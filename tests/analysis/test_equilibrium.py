"""Flows with capacity: queues at capacity-bound crossings and the equilibrium they make."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from small import twin_crossings

from corridors.analysis.equilibrium import (
    MAX_QUEUE_HOURS,
    capacities,
    equilibrium,
    queue_hours,
    queue_utilisation,
)
from corridors.analysis.flows import assign
from corridors.cli import main
from corridors.errors import DataError
from corridors.network.assemble import build_network

DEMAND = pd.DataFrame({"origin": ["a"], "destination": ["d"], "feu_per_year": [200_000.0]})


def test_the_queue_is_the_m_m_1_wait_and_never_passes_capacity():
    # 12 train-loads a day: mu = 0.5 an hour; rho = 0.5 waits 0.5 / (0.5 x 0.5) = 2 h
    assert queue_hours([0.0, 0.5, 0.95], 12.0).tolist() == pytest.approx([0.0, 2.0, 38.0])
    assert queue_hours([1.0, 1.5], 12.0).tolist() == [math.inf, math.inf]
    assert queue_utilisation([0.0, 2.0, 1e12], 12.0).tolist() == pytest.approx([0.0, 0.5, 1.0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 0.999), min_size=2, max_size=20), st.floats(1, 100))
def test_the_queue_grows_with_utilisation_and_its_inverse_gives_it_back(rho, per_day):
    waits = queue_hours(sorted(rho), per_day)
    assert np.all(np.isfinite(waits)) and np.all(np.diff(waits) >= -1e-9)
    assert queue_utilisation(waits, per_day) == pytest.approx(sorted(rho), abs=1e-9)


def _free_flow_share(net) -> float:
    """The fast crossing's logit share with no queue: 4 h x 10 USD/h saved, at the nest's
    scale of 0.5 x 100 USD (tests/small.py)."""
    return 1 / (1 + math.exp(-40 / 50))


def test_without_queues_the_logit_shares_the_demand(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=10_000)
    found = equilibrium(net, DEMAND, rounds=10)
    on = found.flows.crossings.set_index("id").feu_per_year
    assert on["b1-c1"] == pytest.approx(200_000 * _free_flow_share(net), rel=1e-4)
    assert on["b1-c1"] + on["b2-c2"] == pytest.approx(200_000.0)
    assert found.flows.pairs.route_share.sum() == pytest.approx(1.0)  # one pair, two routes


def test_one_round_is_the_logit_at_free_flow(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    found = equilibrium(net, DEMAND, rounds=1)
    on = found.flows.crossings.set_index("id").feu_per_year
    assert on["b1-c1"] == pytest.approx(200_000 * _free_flow_share(net))
    assert found.gap == 0.0


def test_the_equilibrium_solves_the_logit_with_its_own_queues(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    found = equilibrium(net, DEMAND, rounds=1000)
    fast = found.crossings.set_index("id").loc["b1-c1"]

    def excess(x: float) -> float:  # x FEU a year over the fast crossing
        wait = queue_hours([x / 365 / 480], 12.0)[0]  # 12 trains of 40 FEU a day
        return x - 200_000 / (1 + math.exp(-(4 - wait) * 10 / 50))

    expected = optimize.brentq(excess, 0.0, 200_000.0)
    assert fast.feu_per_year == pytest.approx(expected, rel=1e-3)
    assert fast.queue_hours == pytest.approx(
        queue_hours([expected / 365 / 480], 12.0)[0], rel=1e-2
    )
    assert found.gap < 1e-6


@settings(max_examples=15, deadline=None)
@given(st.floats(1_000.0, 2_000_000.0), st.sampled_from([3.0, 12.0, 40.0]))
def test_no_crossing_passes_its_capacity_and_every_box_is_carried(tmp_path_factory, feu, trains):
    net = twin_crossings(tmp_path_factory.mktemp("data"), capacity=trains)
    demand = DEMAND.assign(feu_per_year=feu)
    found = equilibrium(net, demand)
    assert (found.crossings.utilisation < 1.0).all() and found.gap < 1e-6
    assert found.flows.pairs.feu_per_year.sum() == pytest.approx(feu)


def test_demand_with_no_way_around_a_full_crossing_waits_a_year_and_says_so(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)  # 175,200 FEU a year
    found = equilibrium(net, DEMAND, avoid=["b2-c2"])
    fast = found.crossings.set_index("id").loc["b1-c1"]
    assert fast.utilisation == pytest.approx(200_000 / 175_200)
    assert fast.queue_hours == MAX_QUEUE_HOURS


def test_capacities_in_feu(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    table = capacities(net)
    assert table.to_dict("records") == [
        {
            "id": "b1-c1",
            "capacity_per_day": 12.0,
            "capacity_unit": "trains",
            "capacity_ways": "each",
            "feu_per_unit": 40.0,
            "capacity_feu_per_day": 480.0,
            "feu_per_train": 40.0,
        }
    ]


def test_the_exports_take_half_of_a_capacity_published_for_both_directions(tmp_path):
    twin_crossings(tmp_path / "data", capacity=12)
    _crossing_row(tmp_path / "data", capacity_ways="both")
    row = capacities(build_network(tmp_path / "data")).iloc[0]
    assert (row.capacity_per_day, row.capacity_feu_per_day) == (12.0, 240.0)


def _crossing_row(folder, **values) -> None:
    """Set cells of the first crossing of a network written to ``folder``."""
    path = folder / "crossings.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0] |= values
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_crossing_may_carry_its_own_train_load(tmp_path):
    twin_crossings(tmp_path / "data", capacity=12)
    _crossing_row(tmp_path / "data", feu_per_train="20")  # metre-gauge trains, say
    net = build_network(tmp_path / "data")
    row = capacities(net).iloc[0]
    assert (row.feu_per_unit, row.capacity_feu_per_day, row.feu_per_train) == (20, 240, 20)
    found = equilibrium(net, DEMAND.assign(feu_per_year=1000.0), avoid=["b2-c2"])
    fast = found.crossings.set_index("id").loc["b1-c1"]
    rho = 1000.0 / 365 / 240  # served in 12 train-loads a day, as published
    assert fast.queue_hours == pytest.approx(queue_hours(rho, 12.0), rel=1e-4)


@pytest.mark.parametrize("rounds", [0, 1001, 2.5, True])
def test_rounds_must_be_a_whole_number_in_range(tmp_path, rounds):
    net = twin_crossings(tmp_path / "data", capacity=12)
    with pytest.raises(ValueError, match="rounds must be a whole number from 1 to 1000"):
        equilibrium(net, DEMAND, rounds=rounds)


def test_the_default_network_sends_most_of_europes_boxes_by_sea_once_borders_queue(
    net, gravity_equilibrium
):
    found = gravity_equilibrium  # equilibrium(net) at its default demand, made once per run
    split = found.flows.mode_split(net)
    rail = split.loc["europe", "rail"]
    assert split.loc["europe", ["sea", "rail_sea"]].sum() > 0.8
    assert rail < 0.5 * assign(net).mode_split(net).loc["europe", "rail"]
    assert found.gap < 1e-6
    assert (found.crossings.utilisation < 1.0).all()
    assert set(found.flows.pairs.main_mode) >= {"rail", "rail_sea", "sea"}


@pytest.mark.parametrize(
    ("cells", "match"),
    [
        (("0", "trains"), r"column 'capacity_per_day': 0 - a capacity must be above 0"),
        (("-3", "trains"), r"column 'capacity_per_day': -3.0 is below the minimum 0"),
        (("12", "wagons"), r"column 'capacity_unit': 'wagons' - use one of trains, trucks"),
        (("12", ""), r"column 'capacity_unit': '' - use one of trains"),
        (("", "trains"), r"column 'capacity_per_day': a capacity unit \(trains\) without"),
        (("12", "trucks", "30"), r"column 'feu_per_train': 30 for a capacity in trucks: only"),
        (("12", "trains", "0"), r"column 'feu_per_train': 0 - a train carries more than 0 FEU"),
        (("12", "trains", "", ""), r"column 'capacity_ways': blank - a capacity says whether"),
        (("", "", "", "each"), r"column 'capacity_ways': each - a capacity says whether"),
        (("12", "trains", "", "often"), r"column 'capacity_ways'.*often"),
    ],
)
def test_a_bad_capacity_or_train_load_is_named(tmp_path, cells, match):
    twin_crossings(tmp_path / "data", capacity=12)
    columns = ("capacity_per_day", "capacity_unit", "feu_per_train", "capacity_ways")
    _crossing_row(tmp_path / "data", **dict(zip(columns, cells, strict=False)))
    with pytest.raises(DataError, match=r"crossings.csv line 2, " + match):
        build_network(tmp_path / "data")


def test_the_command_line_prints_the_equilibrium(capsys):
    assert main(["flows", "--rounds", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "year",
        "rounds",
        "gap",
        "units",
        "mode_share",
        "rail_share_value",
        "mode_share_by_region",
        "crossings",
        "rail_sea",
        "ports",
        "corridors",
        "total_china_europe_rail_teu",
        "unserved",
    }
    assert all("no route" in u["reason"] for u in out["unserved"])
    assert set(out["mode_share"]["rail"]) == {"value", "feu"}
    assert sum(m["feu"] for m in out["mode_share"].values()) == pytest.approx(1.0)
    shares = [c["share_of_china_europe_rail"] for c in out["crossings"]]
    assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    assert out["rounds"] == 5 and out["gap"] >= 0
    brest = next(c for c in out["crossings"] if c["id"] == "brest-malaszewicze")
    assert brest["capacity_trains_per_year"] == pytest.approx(14 * 365)
    assert set(brest) >= {"feu_per_year", "trains_per_year", "utilisation", "queue_hours"}
    assert set(out["mode_share_by_region"]["europe"]) >= {"rail", "rail_sea"}
    assert {"id", "name", "feu_per_year"} <= set(out["corridors"][0])
    assert main(["flows", "--rounds", "1"]) == 0
    assert "equilibrium: 0.00% of the demand off its crossings' queues" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["flows", "--rounds", "0"], "error: rounds must be a whole number from 1 to 1000"),
        (["flows", "--scenario", "atlantis"], "error: "),
    ],
)
def test_the_command_line_refuses_bad_options_in_one_line(argv, message, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


def test_a_pair_a_scenario_cuts_off_is_unserved_and_says_why(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    found = equilibrium(net, DEMAND, avoid=["b1-c1", "b2-c2"])
    assert found.flows.pairs.empty and np.isnan(found.logsum[0])
    assert found.unserved.to_dict("records") == [
        {
            "origin": "a",
            "destination": "d",
            "feu_per_year": 200_000.0,
            "reason": "no route a -> d: the avoid list (b1-c1, b2-c2) cuts every path; lifting it "
            "finds a route",
        }
    ]
