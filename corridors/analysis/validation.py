"""Validation against published figures: how well the model matches the real world.

Each case of ``data/calibration.csv`` (a published distance, time or time saving for a named
route) is routed, and the model value is compared with the published range. The error is 0
inside the range and otherwise the distance to the nearer end as a share of it. The yardstick
the report and the README quote is :data:`YARDSTICK`: a case is *within 20% of the published
range* when its error is at most 20% either way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from corridors.analysis.calibration import current_values, leave_one_out, read_fit_ranges
from corridors.analysis.cases import (
    TIME_METRICS,
    CaseModel,
    case_error,
    case_model,
    case_routes,
    case_value,
    read_cases,
)
from corridors.errors import CorridorsError
from corridors.network.model import Network
from corridors.network.tables import default_data_dir

__all__ = ["YARDSTICK", "summarize", "validate"]

YARDSTICK = 0.20  # "within 20% of the published range": |error| <= 0.20


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
            routes = case_routes(network, case)
            value = case_value(case, routes)
            crossings, note = routes[0].crossings, ""
            if case["metric"] in TIME_METRICS:
                models.append(case_model(case, routes))
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
            "within_20pct": int((routed.error.abs() <= YARDSTICK).sum()),
            "mean_abs_error": round(float(routed.error.abs().mean()), 4) if some else None,
            "wape": round(float((routed.model - mid).abs().sum() / mid.sum()), 4)
            if some
            else None,
            "loo_within_20pct": int((routed.loo_error.abs() <= YARDSTICK).sum()),
            "loo_mean_abs_error": round(float(routed.loo_error.abs().mean()), 4) if some else None,
        }
    return out
