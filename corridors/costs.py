"""The cost model: what each piece of a journey costs in hours and USD per FEU.

This is where line haul, border crossings, gauge changes and transfers are charged:

- line haul: ``km / speed`` hours and ``km x rate`` USD, by mode and cost class
  (``mode_params.csv``);
- border crossing: the direction-specific dwell of ``crossings.csv``; where the gauge breaks,
  the gauge-change operation is reported as its own step (its hours are part of an
  entry-to-exit dwell, not added to it) and its fee is charged;
- transfer: hours and USD of ``transfers.csv`` where the mode (or, for rail, the gauge)
  changes at a place; sea-side transfers are reported as ``port``.

Generalized cost is USD + value of time x hours (``parameters.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Charge", "crossing_charges", "generalized", "line_haul", "transfer_charge"]


@dataclass(frozen=True)
class Charge:
    """One step of a journey: ``kind`` is line_haul, crossing, gauge_change, transfer or port."""

    kind: str
    km: float
    hours: float
    cost_usd: float


def line_haul(km: float, mode: str, cost_class: str, params: pd.DataFrame) -> Charge:
    """Hours and USD to haul one FEU ``km`` on ``mode`` in ``cost_class``.

    Examples
    --------
    >>> params = pd.DataFrame({"speed_kmh": [50.0], "usd_per_feu_km": [0.5]},
    ...                       index=pd.MultiIndex.from_tuples([("rail", "china")]))
    >>> line_haul(100, "rail", "china", params)
    Charge(kind='line_haul', km=100, hours=2.0, cost_usd=50.0)
    """
    row = params.loc[(mode, cost_class)]
    return Charge("line_haul", km, km / float(row["speed_kmh"]), km * float(row["usd_per_feu_km"]))


def crossing_charges(
    crossing: pd.Series, *, outbound: bool, params: pd.DataFrame, cost_class: str
) -> list[Charge]:
    """The steps of one border crossing in one direction.

    A crossing is charged its dwell for the direction taken; where the gauges differ the
    gauge change is a separate step (hours taken out of the dwell, fee added). A crossing with
    a length (the Caspian ferry) also hauls that length at the mode's speed and rate.

    Examples
    --------
    >>> crossing = pd.Series({"mode": "rail", "km": 0.0, "dwell_hours_out": 30.0,
    ...     "dwell_hours_in": 20.0, "gauge_from": 1435, "gauge_to": 1520,
    ...     "gauge_change_hours": 4.0, "gauge_change_usd": 300.0})
    >>> [(c.kind, c.hours, c.cost_usd) for c in crossing_charges(
    ...     crossing, outbound=True, params=None, cost_class="china")]
    [('crossing', 26.0, 0.0), ('gauge_change', 4.0, 300.0)]
    """
    dwell = float(crossing["dwell_hours_out"] if outbound else crossing["dwell_hours_in"])
    gauge_hours, gauge_usd = 0.0, 0.0
    if _breaks_gauge(crossing):
        gauge_hours = min(_number(crossing["gauge_change_hours"]), dwell)
        gauge_usd = _number(crossing["gauge_change_usd"])
    km = float(crossing["km"])
    haul = (
        line_haul(km, crossing["mode"], cost_class, params)
        if km and params is not None
        else Charge("line_haul", km, 0.0, 0.0)
    )
    steps = [Charge("crossing", haul.km, dwell - gauge_hours + haul.hours, haul.cost_usd)]
    if _breaks_gauge(crossing):
        steps.append(Charge("gauge_change", 0.0, gauge_hours, gauge_usd))
    return steps


def transfer_charge(row: pd.Series, from_mode: str, to_mode: str) -> Charge:
    """A mode change (or a gauge change, rail to rail) at a place.

    Examples
    --------
    >>> transfer_charge(pd.Series({"hours": 84.0, "usd": 174.0}), "rail", "sea")
    Charge(kind='port', km=0.0, hours=84.0, cost_usd=174.0)
    """
    if from_mode == to_mode == "rail":
        kind = "gauge_change"
    elif "sea" in (from_mode, to_mode):
        kind = "port"
    else:
        kind = "transfer"
    return Charge(kind, 0.0, float(row["hours"]), float(row["usd"]))


def generalized(cost_usd: float, hours: float, value_of_time: float) -> float:
    """USD + value of time (USD per FEU-hour) x hours.

    Examples
    --------
    >>> generalized(1000.0, 10.0, 50.0)
    1500.0
    """
    return cost_usd + value_of_time * hours


def _breaks_gauge(crossing: pd.Series) -> bool:
    a, b = crossing.get("gauge_from"), crossing.get("gauge_to")
    return crossing["mode"] == "rail" and not pd.isna(a) and not pd.isna(b) and a != b


def _number(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)
