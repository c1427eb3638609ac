"""The published cases of ``data/calibration.csv`` (a distance, time or time saving for a
named route) and their models: how each case's value follows from the fitted parameters.

Calibration fits the parameters to these models; validation reports their errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.analysis.routing import route
from corridors.errors import CorridorsError, DataError
from corridors.network.model import Network
from corridors.network.schema import KM_PER_NM
from corridors.network.tables import default_data_dir, read_table

__all__ = [
    "TIME_METRICS",
    "CaseModel",
    "case_error",
    "case_model",
    "case_models",
    "case_routes",
    "case_value",
    "read_cases",
]


def read_cases(path: str | Path | None = None) -> pd.DataFrame:
    """The validation cases: ``data/calibration.csv`` by default, or another file like it.

    Raises
    ------
    DataError
        A file without cases, or a case whose range is empty or upside down (low must be
        above 0 and at most high), naming the line.
    """
    path = Path(path or default_data_dir() / "calibration.csv")
    cases = read_table(path, "calibration")
    problems = [f"{path.name}: no cases, only a header"] if cases.empty else []
    for line, case in enumerate(cases.to_dict("records"), start=2):
        where = f"{path.name} line {line}, column 'low': {case['low']:g}"
        if case["low"] <= 0:
            problems.append(f"{where} - a published range must start above 0")
        elif case["low"] > case["high"]:
            problems.append(f"{where} is above high {case['high']:g}")
    if problems:
        raise DataError(problems)
    return cases


def case_models(network: Network, cases: pd.DataFrame) -> list[CaseModel]:
    """The time cases that can be routed, as linear models of their data cells."""
    out = []
    for case in cases.to_dict("records"):
        if case["metric"] not in TIME_METRICS:
            continue
        try:
            out.append(case_model(case, case_routes(network, case)))
        except CorridorsError:
            continue
    return out


def case_routes(network: Network, case: dict) -> list:
    """The case's route, and for a time saving the route it is compared with."""
    avoid = case.get("avoid") or ()
    best = _route(network, case["origin"], case["destination"], case["via"], case["modes"], avoid)
    if case["metric"] != "days_saved":
        return [best]
    other = _route(
        network,
        case["compare_origin"] or case["origin"],
        case["destination"],
        case["compare_via"],
        case["compare_modes"],
        avoid,
    )
    return [best, other]


def case_value(case: dict, routes: list) -> float:
    best = routes[0]
    metric = case["metric"]
    if metric == "days_saved":
        return best.total["days"] - routes[1].total["days"]
    return {
        "km": best.total["km"],
        "nm": best.total["km"] / KM_PER_NM,
        "hours": best.total["hours"],
        "days": best.total["days"],
    }[metric]


def case_model(case: dict, routes: list) -> CaseModel:
    by_cell: dict[str, float] = {}
    for sign, r in zip((1.0, -1.0), routes, strict=False):
        for cell, hours in r.legs.groupby("basis")["hours"].sum().items():
            if cell:
                by_cell[cell] = by_cell.get(cell, 0.0) + sign * float(hours)
    hours = routes[0].total["hours"] - (routes[1].total["hours"] if len(routes) > 1 else 0.0)
    return CaseModel(case["case_id"], case["metric"], case["low"], case["high"], hours, by_cell)


def _route(network, origin, destination, via, modes, avoid=()):
    return route(
        network, origin, destination, by="time", via=via or (), modes=modes or None, avoid=avoid
    )


TIME_METRICS = {"hours": 1.0, "days": 24.0, "days_saved": 24.0}


@dataclass(frozen=True)
class CaseModel:
    """One time case as a linear function of its routes' data cells.

    ``hours`` is the model's hours (for ``days_saved`` the difference of the two routes);
    ``by_cell`` the hours that come from each data cell (``table:key:column``), signed.
    """

    case_id: str
    metric: str
    low: float
    high: float
    hours: float
    by_cell: dict[str, float]

    def value(self, scale: dict[str, float] | None = None) -> float:
        """The case's metric value with each cell's hours multiplied by ``scale[cell]``."""
        hours = (
            self.hours + sum(h * (scale.get(cell, 1.0) - 1.0) for cell, h in self.by_cell.items())
            if scale
            else self.hours
        )
        return hours / TIME_METRICS[self.metric]


def case_error(value: float, low: float, high: float) -> float:
    """Signed share outside the published range; 0 inside it.

    Examples
    --------
    >>> case_error(18.0, 13.0, 16.0), case_error(14.0, 13.0, 16.0), case_error(10.0, 20.0, 20.0)
    (0.125, 0.0, -0.5)
    """
    if value != value:
        return np.nan
    if value < low:
        return (value - low) / low
    if value > high:
        return (value - high) / high
    return 0.0
