"""The cost model: line haul by service, waits, opening schedules, passages."""

from __future__ import annotations

import pandas as pd
import pytest

from corridors.graph.costs import (
    crossing_charges,
    line_haul,
    opening_wait_hours,
    passage_charge,
    service_wait,
)

RATE = pd.Series({"usd_per_feu_km": 0.5})


def test_a_train_runs_round_the_clock_and_a_truck_rests():
    train = pd.Series({"speed_kmh": 40.0, "driving_hours_per_day": None}, name="t")
    truck = pd.Series({"speed_kmh": 80.0, "driving_hours_per_day": 8.0}, name="r")
    assert line_haul(400, train, RATE).hours == 10.0
    assert line_haul(400, truck, RATE).hours == 15.0  # 5 h at the wheel, 3x for the rest
    assert line_haul(400, truck, RATE).cost_usd == 200.0
    assert line_haul(400, truck, RATE).basis == "services:r:speed_kmh"


def test_half_the_headway_is_waited_and_no_headway_means_no_wait():
    daily = pd.Series({"headway_hours": 24.0}, name="d")
    assert [(c.kind, c.hours, c.service) for c in service_wait(daily)] == [("wait", 12.0, "d")]
    assert service_wait(pd.Series({"headway_hours": None}, name="x")) == []


@pytest.mark.parametrize(
    ("weekdays", "hours", "expected"),
    [
        (range(1, 8), None, 0.0),
        ([1, 2, 3, 4, 5], None, round(2 / 7 * 24, 2)),  # closed 48 h of 168: 2/7 x 48/2
        ([1, 2, 3, 4, 5], "9-18", 14.49),  # four 15-h nights and a 63-h weekend
        ([1], "0-12", round(156 / 168 * 156 / 2, 2)),
    ],
)
def test_expected_wait_for_an_opening(weekdays, hours, expected):
    assert opening_wait_hours(weekdays, hours) == expected


def test_a_crossing_that_never_opens_is_an_error():
    with pytest.raises(ValueError, match="never opens"):
        opening_wait_hours([], "0-24")


def test_weekday_crossing_charges_the_wait_as_its_own_step():
    crossing = pd.Series(
        {
            "id": "x",
            "mode": "road",
            "dwell_hours_out": 3.0,
            "dwell_hours_in": 1.0,
            "gauge_from": None,
            "gauge_to": None,
            "open_weekdays": ["1", "2", "3", "4", "5"],
            "open_hours": "",
        }
    )
    steps = crossing_charges(crossing, outbound=True)
    assert [(s.kind, s.hours) for s in steps] == [("crossing", 3.0), ("wait", 6.86)]
    assert steps[1].basis == "crossings:x:open_weekdays"


def test_canal_transit_is_a_passage_step():
    step = passage_charge(pd.Series({"transit_hours": 14.0}, name="suez"))
    assert (step.kind, step.hours, step.basis) == ("passage", 14.0, "passages:suez:transit_hours")
