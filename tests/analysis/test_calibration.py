"""Calibration: fitting ranged parameters, writing them with provenance, leave-one-out."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from small import edit_csv

from corridors.analysis.calibration import (
    calibrate,
    current_values,
    fit,
    leave_one_out,
    read_fit_ranges,
    write_fitted,
)
from corridors.analysis.cases import CaseModel, case_error, case_models, read_cases
from corridors.errors import DataError
from corridors.network.assemble import build_network
from corridors.network.tables import default_data_dir

CELL = "services:train:speed_kmh"


def _ranges(low=10.0, high=40.0) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "parameter": "train_speed",
                "table": "services",
                "keys": ["train"],
                "column": "speed_kmh",
                "low": low,
                "high": high,
                "unit": "km/h",
                "source": ["test"],
            }
        ]
    )


def test_a_case_is_linear_in_its_cells():
    case = CaseModel("c", "hours", 50, 50, hours=110, by_cell={CELL: 100})
    assert case.value() == 110
    assert case.value({CELL: 0.5}) == 60  # twice the speed: the 100 h become 50


def test_fit_recovers_the_speed_that_matches_a_case():
    case = CaseModel("c", "hours", 60, 60, hours=110, by_cell={CELL: 100})
    values = fit([case], _ranges(), {CELL: 20.0})
    assert values["train_speed"] == pytest.approx(40.0, rel=1e-3)  # 100 h at 20 -> 50 h at 40


def test_fit_stays_inside_the_published_range():
    case = CaseModel("c", "hours", 20, 20, hours=110, by_cell={CELL: 100})
    assert fit([case], _ranges(), {CELL: 20.0})["train_speed"] == pytest.approx(40.0)


def test_leave_one_out_predicts_each_case_from_the_others():
    cases = [
        CaseModel("fast", "hours", 60, 60, hours=110, by_cell={CELL: 100}),
        CaseModel("slow", "hours", 110, 110, hours=110, by_cell={CELL: 100}),
    ]
    loo = leave_one_out(cases, _ranges(), {CELL: 20.0})
    # without "slow" the fit is 40 km/h, so "slow" comes out at 60 h: 45% short
    assert loo["slow"] == pytest.approx(case_error(60, 110, 110), abs=1e-3)
    assert loo["fast"] == pytest.approx(case_error(110, 60, 60), abs=1e-3)


def test_written_values_say_fitted_and_from_which_range(data_copy):
    ranges = read_fit_ranges(data_copy)
    values = {p: float(lo) for p, lo in zip(ranges.parameter, ranges.low, strict=True)}
    write_fitted(data_copy, values, ranges)
    current = current_values(data_copy, ranges)
    assert current["services:rail_europe:speed_kmh"] == values["rail_europe_speed"]
    with (data_copy / "services.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == "rail_europe")
    fitted = [s for s in row["source"].split(";") if s.startswith("fitted:")]
    assert len(fitted) == 1 and "within the published range 14.58-38.46 km/h" in fitted[0]
    assert "forbes_shepard_2017_daily_distance" in fitted[0]
    build_network(data_copy)  # still valid data


def test_refitting_does_not_pile_up_provenance(data_copy):
    ranges = read_fit_ranges(data_copy)
    values = {p: float(hi) for p, hi in zip(ranges.parameter, ranges.high, strict=True)}
    write_fitted(data_copy, values, ranges)
    write_fitted(data_copy, values, ranges)
    with (data_copy / "services.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert row["source"].count("fitted: speed_kmh") <= 1


def test_bad_ranges_are_named(data_copy):
    def break_rows(rows):
        rows[0].update(low="99", high="1")
        rows[1].update(keys="no_such_service")

    edit_csv(data_copy / "fit_ranges.csv", break_rows)
    with pytest.raises(DataError, match=r"fit_ranges.csv line 2, column 'low': 99.0 is above"):
        read_fit_ranges(data_copy)
    with pytest.raises(DataError, match=r"line 3, column 'keys': no row 'no_such_service'"):
        read_fit_ranges(data_copy)


def test_the_data_holds_the_fitted_values():
    """data/ is what `corridors calibrate` writes: rerunning it changes nothing."""
    result = calibrate(build_network)
    current = current_values(default_data_dir(), result["ranges"])
    for spec in result["ranges"].to_dict("records"):
        for key in spec["keys"]:
            cell = f"{spec['table']}:{key}:{spec['column']}"
            assert current[cell] == pytest.approx(result["values"][spec["parameter"]], rel=1e-3)


def test_at_least_four_in_five_time_cases_within_20_percent(net):
    models = case_models(net, read_cases())
    errors = [abs(case_error(m.value(), m.low, m.high)) for m in models]
    assert len(errors) >= 40
    assert sum(e <= 0.2 for e in errors) >= 0.8 * len(errors)


def test_a_parameter_fitted_on_a_bound_says_why_the_bound_is_right():
    """Issue 18: no fitted parameter sits on a bound unless its note says why."""
    ranges = read_fit_ranges()
    current = current_values(default_data_dir(), ranges)
    for spec in ranges.to_dict("records"):
        values = [current[f"{spec['table']}:{k}:{spec['column']}"] for k in spec["keys"]]
        on_bound = any(
            v == pytest.approx(spec["low"], rel=1e-3) or v == pytest.approx(spec["high"], rel=1e-3)
            for v in values
        )
        assert not on_bound or "bound:" in (spec["note"] or ""), spec["parameter"]
