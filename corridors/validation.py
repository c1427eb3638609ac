"""Validation against published figures: how well the model matches the real world.

Each case of ``data/calibration.csv`` (a published distance, time or time saving for a named
route) is routed, and the model value is compared with the published range. The error is 0
inside the range and otherwise the distance to the nearer end as a share of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from corridors.errors import CorridorsError
from corridors.network import Network
from corridors.routing import route
from corridors.sea import KM_PER_NM
from corridors.tables import default_data_dir, read_table

__all__ = ["read_cases", "summarize", "validate"]


def read_cases(path: str | Path | None = None) -> pd.DataFrame:
    """The validation cases: ``data/calibration.csv`` by default, or another file like it."""
    return read_table(path or default_data_dir() / "calibration.csv", "calibration")


def validate(network: Network, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Route every case and compare with the published figure.

    Returns
    -------
    pandas.DataFrame
        case_id, origin, destination, metric, published low and high, model value, error
        (signed share outside the published range; 0 inside), within (bool), crossings used,
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
    rows = []
    for case in cases.to_dict("records"):
        try:
            value, crossings = _model_value(network, case)
            note = ""
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
                "error": _error(value, low, high),
                "within_range": bool(low <= value <= high) if value == value else False,
                "crossings": ";".join(crossings),
                "source": ";".join(case["source"]),
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def summarize(table: pd.DataFrame) -> dict:
    """Summary error metrics by metric kind.

    Cases, cases routed, cases within the published range and within 10% and 20% of it, the
    mean absolute error (as a share outside the range) and the WAPE.

    WAPE (weighted absolute percentage error) = sum |model - published mid| / sum mid.
    """
    out = {}
    for metric, group in table.groupby("metric", sort=True):
        routed = group.dropna(subset=["model"])
        mid = (routed.published_low + routed.published_high) / 2
        out[metric] = {
            "cases": len(group),
            "routed": len(routed),
            "within_range": int(routed.within_range.sum()),
            "within_10pct": int((routed.error.abs() <= 0.10).sum()),
            "within_20pct": int((routed.error.abs() <= 0.20).sum()),
            "mean_abs_error": round(float(routed.error.abs().mean()), 4) if len(routed) else None,
            "wape": round(float((routed.model - mid).abs().sum() / mid.sum()), 4)
            if len(routed)
            else None,
        }
    return out


def _model_value(network: Network, case: dict) -> tuple[float, list[str]]:
    best = _route(network, case["origin"], case["destination"], case["via"], case["modes"])
    metric = case["metric"]
    if metric == "days_saved":
        other = _route(
            network,
            case["compare_origin"] or case["origin"],
            case["destination"],
            case["compare_via"],
            case["compare_modes"],
        )
        return best.total["days"] - other.total["days"], best.crossings
    value = {
        "km": best.total["km"],
        "nm": best.total["km"] / KM_PER_NM,
        "hours": best.total["hours"],
        "days": best.total["days"],
    }[metric]
    return value, best.crossings


def _route(network, origin, destination, via, modes):
    return route(network, origin, destination, by="time", via=via or (), modes=modes or None)


def _error(value: float, low: float, high: float) -> float:
    if value != value:  # NaN
        return np.nan
    if value < low:
        return (value - low) / low
    if value > high:
        return (value - high) / high
    return 0.0
