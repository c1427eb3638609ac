"""No RuntimeWarning leaks from the arithmetic of costs, flows and criticality: the paths that
used to divide by zero or overflow run with every warning an error, and give the same results.
(Demand tables too large to add up, or all zero, are refused: tests/analysis/test_demand_input.)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from corridors.analysis.criticality import criticality
from corridors.analysis.flows import assign
from corridors.graph.costs import crossing_charges, generalized, line_haul
from corridors.network.load import load_network


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def service(speed, driving=None) -> pd.Series:
    return pd.Series({"speed_kmh": speed, "driving_hours_per_day": driving}, name="ferry")


RATE = pd.Series({"usd_per_feu_km": 2.0})


def test_a_line_haul_of_numpy_numbers_is_the_same_and_silent():
    step = line_haul(np.float64(600.0), service(np.float64(60.0), np.float64(12.0)), RATE)
    assert (step.hours, step.cost_usd) == (20.0, 1200.0)
    assert type(step.km) is float


@pytest.mark.parametrize("speed", [0.0, -5.0, math.nan, math.inf, None])
def test_a_service_that_never_moves_is_named(speed):
    with pytest.raises(
        ValueError, match=r"^service ferry: speed_kmh must be a finite number above"
    ):
        line_haul(np.float64(300.0), service(speed), RATE)


def test_an_enormous_haul_is_infinite_without_a_warning():
    assert line_haul(np.float64(1e308), service(1e-10), RATE).hours == math.inf


def test_generalized_cost_keeps_inf_and_nan_without_a_warning():
    hours = np.array([1.0, math.inf, 0.0, 1e308])
    usd = np.array([10.0, 5.0, 5.0, 1.0])
    out = generalized(usd, hours, np.float64(1e10))
    assert out[0] == 10.0 + 1e10 and math.isinf(out[1]) and out[2] == 5.0 and math.isinf(out[3])
    assert math.isnan(generalized(np.float64(5.0), np.float64(math.inf), np.float64(0.0)))


def test_crossing_charges_with_numpy_cells_are_silent():
    crossing = pd.Series(
        {
            "id": "x",
            "mode": "rail",
            "dwell_hours_out": np.float64(30.0),
            "dwell_hours_in": np.float64(20.0),
            "gauge_from": 1435,
            "gauge_to": 1520,
            "gauge_change_hours": np.float64(40.0),  # more than the dwell: capped at it
            "gauge_change_usd": np.float64(300.0),
        }
    )
    steps = crossing_charges(crossing, outbound=True)
    assert [(c.kind, c.hours) for c in steps] == [("crossing", 0.0), ("gauge_change", 30.0)]


def test_flows_and_criticality_of_the_real_network_are_silent():
    net = load_network()
    od = pd.DataFrame(
        {
            "origin": ["chongqing", "suzhou", "kashgar"],
            "destination": ["duisburg", "madrid", "gwadar"],
            "feu_per_year": [5.0, 0.0, 1e11],
        }
    )
    flows = assign(net, od, modes=["rail"])  # kashgar-gwadar unreachable by rail
    assert flows.unserved == pytest.approx(1e11 / (1e11 + 5.0))
    table = criticality(net, od=od, elements="places")
    assert np.isfinite(table[["delta_cost_pct", "unserved_share", "ends_share"]]).all().all()
