"""The cost model: what each piece of a journey costs in hours and USD per FEU.

This is where line haul, border crossings, gauge changes, transfers and waiting are charged:

- line haul: ``km / speed`` hours of the service that carries the cargo (``services.csv``:
  block train, rail-sea train, truck with its daily driving limit, barge, liner), and
  ``km x rate`` USD by mode and cost class (``mode_params.csv``);
- border crossing: the entry-to-exit dwell of the direction taken (``crossings.csv``), plus
  the expected wait for the crossing to open where it works on some weekdays or hours only;
  where the gauge breaks, the gauge change is reported as its own step (its hours are part of
  the dwell, not added to it) and its fee is charged;
- transfer: hours and USD of ``transfers.csv`` where the mode (or, for rail, the gauge)
  changes at a place; sea-side transfers are reported as ``port``;
- passage: the hours a sea leg spends in the Suez or Panama canal (``passages.csv``);
- wait: half the headway of the service boarded wherever the route changes service (a rail-sea
  train to a liner, a domestic train to a China-Europe train, the Caspian ferry);
- spread: where a source gives one, a step's hours are a lognormal variable with the step's
  hours as mean (``sd_hours``): a border dwell's P90/P50 ratio (``crossings.csv``
  ``dwell_p90_ratio_*``), a ship's arrival delay (``services.csv`` ``run_sd_hours``). Quantiles
  along a route add up (the delays are taken as fully correlated, the cautious case), so the
  route's P90 - P50 is the sum of its steps'.

Every step names the data cell its hours come from (``basis``, ``table:key:column``), so a
reader can see where the days go and :mod:`corridors.analysis.calibration` can refit a parameter.
Generalized cost is USD + value of time x hours + value of reliability x (P90 - P50 hours)
(``parameters.csv``: the value of reliability is ``reliability_ratio`` x the value of time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Z90",
    "Charge",
    "crossing_charges",
    "generalized",
    "line_haul",
    "opening_wait_hours",
    "passage_charge",
    "quantiles",
    "service_wait",
    "transfer_charge",
]


@dataclass(frozen=True)
class Charge:
    """One step of a journey.

    ``kind`` is line_haul, crossing, gauge_change, transfer, port, passage or wait; ``service`` the
    service that carries the cargo on a line haul (or is waited for); ``basis`` the data cell
    the hours come from.
    """

    kind: str
    km: float
    hours: float
    cost_usd: float
    service: str = ""
    basis: str = ""
    sd_hours: float = 0.0

    @property
    def spread_hours(self) -> float:
        """P90 - P50 of the step's hours (0 where no spread is known)."""
        p50, p90 = quantiles(self.hours, self.sd_hours)
        return p90 - p50


# the standard normal's 90th percentile
Z90 = 1.2815515655446004


def quantiles(hours: float, sd_hours: float) -> tuple[float, float]:
    """P50 and P90 of a lognormal time with mean ``hours`` and standard deviation ``sd_hours``.

    Examples
    --------
    >>> [round(q, 1) for q in quantiles(72.0, 36.0)]
    [64.4, 118.0]
    >>> quantiles(72.0, 0.0)
    (72.0, 72.0)
    """
    if not sd_hours > 0 or not hours > 0:
        return hours, hours
    sigma2 = math.log1p((sd_hours / hours) ** 2)
    median = hours * math.exp(-sigma2 / 2)
    return median, median * math.exp(Z90 * math.sqrt(sigma2))


def sd_from_ratio(hours: float, p90_over_p50: float) -> float:
    """The standard deviation of a lognormal time with mean ``hours`` and the given ratio of
    its P90 to its P50 (a source's "typically 2-3 days, easily 5" gives 5 / 2.5 = 2).

    Examples
    --------
    >>> round(sd_from_ratio(72.0, 2.0), 1)
    42.0
    >>> sd_from_ratio(72.0, float("nan"))
    0.0
    """
    if not p90_over_p50 > 1:
        return 0.0
    sigma = math.log(p90_over_p50) / Z90
    return hours * math.sqrt(math.expm1(sigma**2))


def line_haul(km: float, service: pd.Series, rate: pd.Series, subsidy_kept: float = 1.0) -> Charge:
    """Hours and USD to haul one FEU ``km`` on ``service`` at the rate of its cost class.

    Road services drive ``driving_hours_per_day`` hours a day at most; the rest of each day
    is rest, so their elapsed hours are ``km / speed x 24 / driving hours``. The rates are
    what shippers paid in the base year; a subsidised service (``subsidy_usd_per_feu_km``)
    costs its subsidy more per km for the share of it no longer paid (``1 - subsidy_kept``).

    Examples
    --------
    >>> truck = pd.Series({"speed_kmh": 60.0, "driving_hours_per_day": 12.0}, name="truck")
    >>> step = line_haul(600, truck, pd.Series({"usd_per_feu_km": 2.0}))
    >>> step.hours, step.cost_usd, step.basis
    (20.0, 1200.0, 'services:truck:speed_kmh')
    >>> train = pd.Series({"speed_kmh": 50.0, "subsidy_usd_per_feu_km": 0.5}, name="train")
    >>> line_haul(600, train, pd.Series({"usd_per_feu_km": 1.0}), subsidy_kept=0.0).cost_usd
    900.0
    """
    km = float(km)  # plain floats: a numpy scalar would warn, not fail, on a zero speed
    speed = _number(service["speed_kmh"])
    if not 0 < speed < math.inf:
        msg = f"service {service.name}: speed_kmh must be a finite number above 0, not {speed:g}"
        raise ValueError(msg)
    hours = km / speed
    driving = _number(service.get("driving_hours_per_day"))
    if driving:
        hours *= 24 / driving
    subsidy = _number(service.get("subsidy_usd_per_feu_km")) * (1 - subsidy_kept)
    usd = km * (float(rate["usd_per_feu_km"]) + subsidy)
    basis = f"services:{service.name}:speed_kmh"
    spread = _number(service.get("run_sd_hours"))
    return Charge("line_haul", km, hours, usd, str(service.name), basis, spread)


def passage_charge(passage: pd.Series) -> Charge:
    """The time a sea leg spends in a canal (``passages.csv``): Suez, Panama.

    Examples
    --------
    >>> passage_charge(pd.Series({"transit_hours": 14.0}, name="suez")).hours
    14.0
    """
    basis = f"passages:{passage.name}:transit_hours"
    return Charge("passage", 0.0, float(passage["transit_hours"]), 0.0, basis=basis)


def service_wait(service: pd.Series) -> list[Charge]:
    """The expected wait for a departure of ``service``: half its headway (none if blank).

    Examples
    --------
    >>> [(c.kind, c.hours) for c in service_wait(pd.Series({"headway_hours": 24.0}, name="x"))]
    [('wait', 12.0)]
    """
    headway = _number(service.get("headway_hours"))
    if not headway:
        return []
    basis = f"services:{service.name}:headway_hours"
    return [Charge("wait", 0.0, headway / 2, 0.0, str(service.name), basis)]


def opening_wait_hours(weekdays: Sequence[int], hours: str | None = None) -> float:
    """Expected hours to wait for a crossing that opens on some weekdays (and hours) only.

    Arrivals are spread evenly over the week; one that finds the crossing closed waits for it
    to open. ``weekdays`` are 1 (Monday) to 7; ``hours`` is ``"HH-HH"`` local opening hours
    (all day when omitted).

    Examples
    --------
    >>> round(opening_wait_hours([1, 2, 3, 4, 5]), 2)  # closed at the weekend: 2/7 x 24 h
    6.86
    >>> opening_wait_hours(range(1, 8))
    0.0
    """
    start, end = (0.0, 24.0) if not hours else (float(h) for h in hours.split("-"))
    open_days = {int(d) for d in weekdays}
    slots_per_hour = 10
    is_open = [
        (day + 1) in open_days and start <= slot / slots_per_hour < end
        for day in range(7)
        for slot in range(24 * slots_per_hour)
    ]
    if not any(is_open):
        msg = f"a crossing open on weekdays {sorted(open_days)} at hours {hours!r} never opens"
        raise ValueError(msg)
    waits, run = [0.0] * len(is_open), 0.0
    for i in reversed(range(2 * len(is_open))):  # twice round, so every slot sees an opening
        run = 0.0 if is_open[i % len(is_open)] else run + 1 / slots_per_hour
        if i < len(is_open) and run:
            waits[i] = run - 0.5 / slots_per_hour  # arrivals spread evenly over the slot
    return round(sum(waits) / len(waits), 2)


def crossing_charges(
    crossing: pd.Series, *, outbound: bool, processing: bool = False
) -> list[Charge]:
    """The border steps of one crossing in one direction (without any line haul).

    A crossing is charged the dwell of the direction taken, plus the expected wait for it to
    open when it opens on some weekdays or hours only; where the gauges differ the gauge change
    is a separate step (hours taken out of the dwell, fee added). With ``processing`` (a
    fixed-schedule train) the dwell is the border's processing time alone, no waiting.

    Examples
    --------
    >>> crossing = pd.Series({"id": "x", "mode": "rail", "dwell_hours_out": 30.0,
    ...     "dwell_hours_in": 20.0, "gauge_from": 1435, "gauge_to": 1520,
    ...     "gauge_change_hours": 4.0, "gauge_change_usd": 300.0})
    >>> [(c.kind, c.hours, c.cost_usd) for c in crossing_charges(crossing, outbound=True)]
    [('crossing', 26.0, 0.0), ('gauge_change', 4.0, 300.0)]
    """
    kind = "processing_hours" if processing else "dwell_hours"
    side = "out" if outbound else "in"
    column = f"{kind}_{side}"
    dwell = float(crossing[column])
    basis = f"crossings:{crossing['id']}:{column}"
    gauge_hours, gauge_usd = 0.0, 0.0
    if _breaks_gauge(crossing):
        gauge_hours = min(_number(crossing["gauge_change_hours"]), dwell)
        gauge_usd = _number(crossing["gauge_change_usd"])
    # the spread of the entry-to-exit dwell, waiting included, sits on its waiting part
    ratio = 0.0 if processing else _number(crossing.get(f"dwell_p90_ratio_{side}"))
    spread = sd_from_ratio(dwell, ratio)
    steps = [Charge("crossing", 0.0, dwell - gauge_hours, 0.0, basis=basis, sd_hours=spread)]
    if _breaks_gauge(crossing):
        steps.append(Charge("gauge_change", 0.0, gauge_hours, gauge_usd, basis=basis))
    weekdays = crossing.get("open_weekdays") or []
    hours = crossing.get("open_hours") or None
    if weekdays or hours:
        days = weekdays or range(1, 8)
        wait = opening_wait_hours(days, hours)
        if wait:
            where = f"crossings:{crossing['id']}:open_weekdays"
            steps.append(Charge("wait", 0.0, wait, 0.0, basis=where))
    return steps


def transfer_charge(row: pd.Series, from_mode: str, to_mode: str) -> Charge:
    """A mode change (or a gauge change, rail to rail) at a place.

    Examples
    --------
    >>> rule = pd.Series({"place": "*", "hours": 84.0, "usd": 174.0})
    >>> transfer_charge(rule, "rail", "sea").kind
    'port'
    """
    if from_mode == to_mode == "rail":
        kind = "gauge_change"
    elif "sea" in (from_mode, to_mode):
        kind = "port"
    else:
        kind = "transfer"
    rule = f"{row['place']}/{row.get('from_mode', from_mode)}/{row.get('to_mode', to_mode)}"
    basis = f"transfers:{rule}:hours"
    return Charge(kind, 0.0, float(row["hours"]), float(row["usd"]), basis=basis)


def generalized(
    cost_usd: float,
    hours: float,
    value_of_time: float,
    spread_hours: float = 0.0,
    value_of_reliability: float = 0.0,
) -> float:
    """USD + value of time x hours + value of reliability x (P90 - P50) hours, the values in
    USD per FEU-hour.

    Examples
    --------
    >>> generalized(1000.0, 10.0, 50.0)
    1500.0
    >>> generalized(1000.0, 10.0, 50.0, spread_hours=4.0, value_of_reliability=25.0)
    1600.0
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN stay, silently
        return cost_usd + value_of_time * hours + value_of_reliability * spread_hours


def _breaks_gauge(crossing: pd.Series) -> bool:
    a, b = crossing.get("gauge_from"), crossing.get("gauge_to")
    return crossing["mode"] == "rail" and not pd.isna(a) and not pd.isna(b) and a != b


def _number(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)
