"""Flows with capacity: queues at capacity-bound crossings and the equilibrium they make."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from small import twin_crossings

from corridors.analysis.equilibrium import capacities, equilibrium, queue_hours
from corridors.analysis.flows import assign
from corridors.cli import main
from corridors.errors import DataError
from corridors.network.assemble import build_network

DEMAND = pd.DataFrame({"origin": ["a"], "destination": ["d"], "feu_per_year": [200_000.0]})


def test_the_queue_is_the_m_m_1_wait_then_its_tangent():
    # 12 train-loads a day: mu = 0.5 an hour; rho = 0.5 waits 0.5 / (0.5 x 0.5) = 2 h
    assert queue_hours([0.0, 0.5], 12.0).tolist() == [0.0, 2.0]
    at, slope = 0.95 / (0.5 * 0.05), 1 / (0.5 * 0.05**2)
    assert queue_hours([0.95, 1.5], 12.0).tolist() == pytest.approx([at, at + slope * 0.55])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 5), min_size=2, max_size=20), st.floats(1, 100))
def test_the_queue_grows_with_utilisation_and_stays_finite(rho, per_day):
    waits = queue_hours(sorted(rho), per_day)
    assert np.all(np.isfinite(waits)) and np.all(np.diff(waits) >= -1e-9)


def test_capacity_splits_the_flow_until_both_crossings_cost_the_same(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    assert assign(net, DEMAND, by="time").crossings.set_index("id").feu_per_year.to_dict() == {
        "b1-c1": 200_000.0
    }
    found = equilibrium(net, DEMAND, by="time", rounds=400)
    # the 4 h the slow crossing loses must be queued at the fast one: rho / (mu (1 - rho)) = 4
    # with mu = 12 x 40 FEU a day in train-loads of 40 = 0.5 an hour, so rho = 2/3
    fast = found.crossings.set_index("id").loc["b1-c1"]
    assert fast.utilisation == pytest.approx(2 / 3, rel=0.03)
    assert fast.queue_hours == pytest.approx(4.0, rel=0.05)
    on = found.flows.crossings.set_index("id").feu_per_year
    assert on["b1-c1"] + on["b2-c2"] == pytest.approx(200_000.0)
    assert on["b1-c1"] == pytest.approx(2 / 3 * 12 * 40 * 365, rel=0.03)
    assert found.gap < 0.01
    assert found.flows.pairs.route_share.sum() == pytest.approx(1.0)  # one pair, two routes


def test_one_round_is_all_or_nothing(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    found = equilibrium(net, DEMAND, by="time", rounds=1)
    assert found.flows.crossings.set_index("id").feu_per_year.to_dict() == {"b1-c1": 200_000.0}
    assert found.gap == 0.0


def test_a_crossing_with_room_to_spare_keeps_all_the_flow(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=10_000)
    found = equilibrium(net, DEMAND, by="time", rounds=10)
    assert found.flows.crossings.set_index("id").feu_per_year.to_dict() == {"b1-c1": 200_000.0}


def test_capacities_in_feu(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=12)
    table = capacities(net)
    assert table.to_dict("records") == [
        {
            "id": "b1-c1",
            "capacity_per_day": 12.0,
            "capacity_unit": "trains",
            "feu_per_unit": 40.0,
            "capacity_feu_per_day": 480.0,
        }
    ]


@pytest.mark.parametrize("rounds", [0, 1001, 2.5, True])
def test_rounds_must_be_a_whole_number_in_range(tmp_path, rounds):
    net = twin_crossings(tmp_path / "data", capacity=12)
    with pytest.raises(ValueError, match="rounds must be a whole number from 1 to 1000"):
        equilibrium(net, DEMAND, rounds=rounds)


def test_the_default_network_sends_most_of_europes_boxes_by_sea_once_borders_queue(net):
    found = equilibrium(net, rounds=30)
    split = found.flows.mode_split(net)
    assert split.loc["europe", "rail"] < 0.15 < assign(net).mode_split(net).loc["europe", "rail"]
    brest = found.crossings.set_index("id").loc["brest-malaszewicze"]
    assert brest.utilisation < 2.0 and found.gap < 0.02


@pytest.mark.parametrize(
    ("capacity", "unit", "match"),
    [
        ("0", "trains", r"column 'capacity_per_day': 0 - a capacity must be above 0"),
        ("-3", "trains", r"column 'capacity_per_day': -3.0 is below the minimum 0"),
        ("12", "wagons", r"column 'capacity_unit': 'wagons' - use one of trains, trucks"),
        ("12", "", r"column 'capacity_unit': '' - use one of trains"),
        ("", "trains", r"column 'capacity_per_day': a capacity unit \(trains\) without"),
    ],
)
def test_a_bad_capacity_is_named(tmp_path, capacity, unit, match):
    twin_crossings(tmp_path / "data", capacity=12)
    path = tmp_path / "data" / "crossings.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0] |= {"capacity_per_day": capacity, "capacity_unit": unit}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"crossings.csv line 2, " + match):
        build_network(tmp_path / "data")


def test_the_command_line_prints_the_equilibrium(capsys):
    assert main(["flows", "--rounds", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "rounds",
        "gap",
        "units",
        "mode_share",
        "crossings",
        "rail_sea",
        "ports",
        "total_china_europe_rail_teu",
    }
    shares = [c["share_of_china_europe_rail"] for c in out["crossings"]]
    assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    assert out["rounds"] == 5 and out["gap"] >= 0
    brest = next(c for c in out["crossings"] if c["id"] == "brest-malaszewicze")
    assert brest["capacity_trains_per_year"] == pytest.approx(14 * 365)
    assert set(brest) >= {"feu_per_year", "trains_per_year", "utilisation", "queue_hours"}
    assert set(out["mode_share"]["europe"]) >= {"rail", "sea"}
    assert main(["flows", "--rounds", "1"]) == 0
    assert "equilibrium after 1 rounds" in capsys.readouterr().out


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


def test_a_suez_closure_raises_rails_share_at_equilibrium(net):
    from corridors.network.scenarios import apply_scenario, load_scenario

    closed = apply_scenario(net, load_scenario(net, "suez_closure"))
    shares = [
        equilibrium(n, rounds=30).flows.mode_split(n).loc["europe", "rail"] for n in (net, closed)
    ]
    assert shares[1] > shares[0] * 1.1  # 5.0% -> 6.2% of the boxes on the default data
