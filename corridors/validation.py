"""Validation against published figures: how well the model matches the real world.

Each case of ``data/calibration.csv`` (a published distance, time or time saving for a named
route) is routed, and the model value is compared with the published range. The error is 0
inside the range and otherwise the distance to the nearer end as a share of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from corridors.calibration import (
    TIME_METRICS,
    CaseModel,
    case_error,
    current_values,
    leave_one_out,
    read_fit_ranges,
)
from corridors.errors import CorridorsError, DataError
from corridors.network import Network
from corridors.routing import route
from corridors.sea import KM_PER_NM
from corridors.tables import default_data_dir, read_table

__all__ = ["read_cases", "summarize", "validate"]


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


def validate(
    network: Network, cases: pd.DataFrame | None = None, *, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """Route every case and compare with the published figure.

    Returns
    -------
    pandas.DataFrame
        case_id, origin, destination, metric, published low and high, model value, error
        (signed share outside the published range; 0 inside), within (bool), loo_error (for
        time cases: the error when the fitted parameters of ``fit_ranges.csv`` are refitted
        without this case; the same as ``error`` where nothing is fitted), crossings used,
        note. A case that cannot be routed keeps its row, with the reason in ``note``.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = validate(load_network())
    >>> {"cq-dui-km", "cq-sin-yangtze-saving"} <= set(table.case_id)
    True
    """
    if cases is None:
        cases = read_cases()
    rows, models = [], []
    for case in cases.to_dict("records"):
        try:
            routes = _routes(network, case)
            value = _metric_value(case, routes)
            crossings, note = routes[0].crossings, ""
            if case["metric"] in TIME_METRICS:
                models.append(_case_model(case, routes))
        except CorridorsError as err:
            value, crossings, note = np.nan, [], f"not routed: {err}"
        low, high = case["low"], case["high"]
        rows.append(
            {
                "case_id": case["case_id"],
                "origin": case["origin"],
                "destination": case["destination"],
                "metric": case["metric"],
                "published_low": low,
                "published_high": high,
                "model": value,
                "error": case_error(value, low, high),
                "within_range": bool(low <= value <= high) if value == value else False,
                "crossings": ";".join(crossings),
                "source": ";".join(case["source"]),
                "note": note,
            }
        )
    table = pd.DataFrame(rows)
    table["loo_error"] = table["case_id"].map(_loo_errors(models, data_dir)).fillna(table.error)
    return table


def case_models(network: Network, cases: pd.DataFrame) -> list[CaseModel]:
    """The time cases that can be routed, as linear models of their data cells."""
    out = []
    for case in cases.to_dict("records"):
        if case["metric"] not in TIME_METRICS:
            continue
        try:
            out.append(_case_model(case, _routes(network, case)))
        except CorridorsError:
            continue
    return out


def _loo_errors(models: list[CaseModel], data_dir) -> dict[str, float]:
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    ranges = read_fit_ranges(folder)
    if ranges.empty:
        return {}
    return leave_one_out(models, ranges, current_values(folder, ranges))


def summarize(table: pd.DataFrame) -> dict:
    """Summary error metrics by metric kind.

    Cases, cases routed, cases within the published range and within 10% and 20% of it, the
    mean absolute error (as a share outside the range), the WAPE, and the same share within
    20% and mean absolute error for the leave-one-out errors.

    WAPE (weighted absolute percentage error) = sum |model - published mid| / sum mid.
    """
    out = {}
    for metric, group in table.groupby("metric", sort=True):
        routed = group.dropna(subset=["model"])
        mid = (routed.published_low + routed.published_high) / 2
        some = len(routed) > 0
        out[metric] = {
            "cases": len(group),
            "routed": len(routed),
            "within_range": int(routed.within_range.sum()),
            "within_10pct": int((routed.error.abs() <= 0.10).sum()),
            "within_20pct": int((routed.error.abs() <= 0.20).sum()),
            "mean_abs_error": round(float(routed.error.abs().mean()), 4) if some else None,
            "wape": round(float((routed.model - mid).abs().sum() / mid.sum()), 4)
            if some
            else None,
            "loo_within_20pct": int((routed.loo_error.abs() <= 0.20).sum()),
            "loo_mean_abs_error": round(float(routed.loo_error.abs().mean()), 4) if some else None,
        }
    return out


def _routes(network: Network, case: dict) -> list:
    """The case's route, and for a time saving the route it is compared with."""
    best = _route(network, case["origin"], case["destination"], case["via"], case["modes"])
    if case["metric"] != "days_saved":
        return [best]
    other = _route(
        network,
        case["compare_origin"] or case["origin"],
        case["destination"],
        case["compare_via"],
        case["compare_modes"],
    )
    return [best, other]


def _metric_value(case: dict, routes: list) -> float:
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


def _case_model(case: dict, routes: list) -> CaseModel:
    by_cell: dict[str, float] = {}
    for sign, r in zip((1.0, -1.0), routes, strict=False):
        for cell, hours in r.legs.groupby("basis")["hours"].sum().items():
            if cell:
                by_cell[cell] = by_cell.get(cell, 0.0) + sign * float(hours)
    hours = routes[0].total["hours"] - (routes[1].total["hours"] if len(routes) > 1 else 0.0)
    return CaseModel(case["case_id"], case["metric"], case["low"], case["high"], hours, by_cell)


def _route(network, origin, destination, via, modes):
    return route(network, origin, destination, by="time", via=via or (), modes=modes or None)
