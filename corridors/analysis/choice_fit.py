"""Fitting the route and mode choice to published flows (``corridors calibrate --flows``).

The nested logit's scale, nest parameter and rail constant
(:class:`corridors.analysis.choice.Logit`) are fitted, by least squares on the equilibrium
flows of the gravity demand, to the targets of ``observed.csv``:

- ``rail_share_value``: rail's share of China's exports to the EU by value (each class of
  goods at its value per FEU; rail as the EU counts it, by the mode at its border,
  :func:`corridors.analysis.flows.land_rail_share`), residual in units of 0.5 percentage
  points;
- ``china_europe_trains``: each exit port's share of the China-Europe trains, in units of 5
  percentage points (the model's FEU leaving by rail for Europe,
  :func:`corridors.analysis.flows.china_europe_rail`, against trains both ways);
- ``rail_sea_trains``: the FEU trains bring to ships at the Beibu Gulf ports, against the
  trains times ``feu_per_rail_sea_train``, as a log ratio in units of log 1.3 (the model
  counts exports only, the trains run both ways).

The fit reports the own-rate elasticity of China-EU rail demand that its scale implies
(:func:`rail_rate`): at the mode level the nested logit gives ``-(1 - P) c / s``, with ``P``
rail's share, ``c`` its rate and ``s`` the scale. Published freight elasticities are mostly
inelastic but no range for this market was found, so it is reported, not fitted to.

Leave-one-out: each target is predicted by the parameters fitted to the others.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from corridors.analysis.choice import Logit
from corridors.analysis.choice_set import ChoiceSet, choice_set
from corridors.analysis.demand import class_terms, od_or_gravity
from corridors.analysis.equilibrium import Bound, settle
from corridors.analysis.flows import (
    china_europe_rail,
    enters_by_rail,
    land_rail_share,
    place_group,
)
from corridors.atomic import atomic_path
from corridors.network.model import Network

__all__ = [
    "BOUNDS",
    "ChoiceFit",
    "choice_targets",
    "fit_choice",
    "flow_checks",
    "rail_rate",
    "target_values",
    "write_choice",
]

# what the fit may move: scale (USD per FEU), nest (0-1), rail constant (USD per FEU)
BOUNDS = {
    "logit_scale_usd": (100.0, 100_000.0),
    "logit_nest": (0.05, 1.0),
    "asc_rail_usd": (0.0, 50_000.0),  # a cost shippers weigh against rail: not negative
}
ROUNDS = 1000  # as many as the equilibrium takes: the appraisal rests on its settling
# where the fit starts (scale USD, nest, rail constant USD): a tight choice with a rail
# penalty, a middle one, and a diffuse plain logit
STARTS = [(500.0, 0.4, 5000.0), (2000.0, 0.7, 1000.0), (8000.0, 1.0, 0.0)]
NOTES = {
    "logit_scale_usd": "the generalized cost difference that changes an alternative's odds e-fold",
    "logit_nest": "the nested logit's scale among the routes of one way out of the country "
    "(ship, rail, road) over that among the ways; 1, a plain logit, is the most that is "
    "consistent with cost-minimising shippers, and a fit there says the targets ask for no "
    "nesting",
    "asc_rail_usd": "what shippers weigh against taking a train across a customs border "
    "(leaving China by rail, or reaching a railway abroad by ship or truck) beyond its cost "
    "and time, in USD per FEU; a cost, so not below 0, and a fit at 0 says the targets would "
    "take a bonus for rail that nothing published supports",
}
UNITS = {"rail_share_value": 0.005, "china_europe_trains": 0.05, "rail_sea_trains": math.log(1.3)}


@dataclass(frozen=True)
class ChoiceFit:
    """What :func:`fit_choice` found.

    Attributes
    ----------
    values : dict
        parameter -> fitted value.
    targets : pandas.DataFrame
        id, measure, observed (share or FEU a year), model (in sample), loo (fitted without
        it), unit.
    rail_rate_usd : float
        The China-EU rail rate, USD per FEU (:func:`rail_rate`).
    """

    values: dict[str, float]
    targets: pd.DataFrame
    rail_rate_usd: float

    @property
    def rail_rate_elasticity(self) -> float:
        """The fitted scale's own-rate elasticity of China-EU rail demand (negative)."""
        share = float(self.targets.set_index("measure").observed.get("rail_share_value", 0.0))
        return -(1.0 - share) * self.rail_rate_usd / self.values["logit_scale_usd"]


def choice_targets(network: Network) -> pd.DataFrame:
    """The fit's targets: id, measure, places, observed (a share, or FEU a year for the
    rail-sea trains) and unit.

    Examples
    --------
    >>> from corridors import load_network
    >>> targets = choice_targets(load_network()).set_index("id")
    >>> round(float(targets.observed["rail_sea_trains_2020_beibu_gulf"]))  # 4,607 x 26.4
    121625
    """
    observed = network.observed
    rows = []
    trains = observed[observed.measure == "china_europe_trains"]
    for row in trains.to_dict("records"):
        share = row["value"] / trains.value.sum()
        rows.append({**row, "observed": share, "unit": "share of China-Europe trains"})
    per_train = float(network.parameters.loc["feu_per_rail_sea_train", "value"])
    for row in observed[observed.measure == "rail_sea_trains"].to_dict("records"):
        rows.append({**row, "observed": row["value"] * per_train, "unit": "FEU per year"})
    for row in observed[observed.measure == "rail_share_value"].to_dict("records"):
        rows.append({**row, "observed": row["value"] / 100, "unit": "share of value"})
    table = pd.DataFrame(rows)
    return table[["id", "measure", "places", "observed", "unit"]]


def flow_checks(network: Network, found) -> pd.DataFrame:
    """The equilibrium ``found`` (:func:`corridors.analysis.equilibrium.equilibrium`) beside
    every published figure of ``observed.csv``: id, measure, observed, model, unit, fitted (a
    target of :func:`fit_choice`, or a check it never saw), share (the figure is a share) and
    error (model less published for a share, model over published less 1 otherwise).

    The checks: the China-Europe TEU, published both ways, beside the model's exports (one
    way) at half its value, as the trains ran about as often each way; and the longest waits
    published at a border port beside the model's westbound dwell and queue there.

    Examples
    --------
    >>> from corridors import load_network
    >>> from corridors.analysis.equilibrium import equilibrium
    >>> net = load_network()
    >>> checks = flow_checks(net, equilibrium(net)).set_index("id")
    >>> float(checks.observed["china_europe_teu_2020"]), bool(checks.fitted.iloc[0])
    (567500.0, True)
    """
    flows = found.flows
    table = choice_targets(network).assign(fitted=True)
    rail_sea = flows.rail_sea.set_index("id").feu_per_year
    table["model"] = _modelled(
        network, flows.pairs, lambda ports: rail_sea.reindex(ports).fillna(0.0).sum(), table
    )
    observed = network.observed
    teu = observed[observed.measure == "china_europe_teu"].assign(
        observed=lambda t: t.value / 2,
        model=2 * float(china_europe_rail(network, flows.pairs).sum()),
        unit="TEU per year, exports (half the published both ways)",
    )
    waits = observed[observed.measure == "border_wait_days"]
    waits = waits.assign(
        observed=waits.value,
        model=[_border_wait_days(network, found, places) for places in waits.places],
    )
    columns = ["id", "measure", "observed", "model", "unit", "fitted"]
    checks = pd.concat([teu, waits]).assign(fitted=False)[columns]
    found = pd.concat([table[columns], checks], ignore_index=True)
    share = found.unit.str.startswith("share")
    ratio = found.model / found.observed - 1
    return found.assign(share=share, error=ratio.where(~share, found.model - found.observed))


def _border_wait_days(network: Network, found, places: list[str]) -> float:
    """Days a westbound train spends at the crossing from ``places``: its dwell and its queue
    at the equilibrium (the longest where several cross there)."""
    crossings = network.crossings
    at = crossings[crossings["from"].isin(places)]
    queue = found.crossings.set_index("id").queue_hours.reindex(at.index).fillna(0.0)
    return float(((at.dwell_hours_out + queue) / 24).max())


def target_values(
    network: Network, alternatives: ChoiceSet, flow: np.ndarray, targets: pd.DataFrame
) -> np.ndarray:
    """The model's value of each target with ``flow`` FEU a year on each alternative."""
    to_sea = alternatives.alternatives.rail_to_sea

    def rail_sea(ports: list[str]) -> float:
        return float(flow[to_sea.isin(ports).to_numpy()].sum())

    return _modelled(network, alternatives.routes(flow), rail_sea, targets)


def _modelled(network: Network, pairs: pd.DataFrame, rail_sea, targets: pd.DataFrame):
    """The model's value of each target, with ``pairs`` as :attr:`Flows.pairs` and
    ``rail_sea(ports)`` the FEU a year trains bring to ships at those ports."""
    exits = china_europe_rail(network, pairs)
    out = []
    for row in targets.to_dict("records"):
        if row["measure"] == "rail_share_value":
            out.append(land_rail_share(network, pairs))
        elif row["measure"] == "china_europe_trains":
            out.append(exits.reindex(row["places"]).sum() / max(exits.sum(), 1e-300))
        else:
            out.append(rail_sea(row["places"]))
    return np.array(out, dtype=float)


def fit_choice(network: Network, demand=None, *, loo: bool = True) -> ChoiceFit:
    """Fit the logit's scale, nest and rail constant to :func:`choice_targets`, from each of
    :data:`STARTS` (the least squares has more than one basin), and predict each target with
    it left out (``loo``, started from the fit to all)."""
    demand = od_or_gravity(network, demand).reset_index(drop=True)
    alternatives = choice_set(network, demand)
    bound = Bound(network, alternatives)
    targets = choice_targets(network)
    low, high = (_scaled([b[end] for b in BOUNDS.values()]) for end in (0, 1))

    def model(x: np.ndarray) -> np.ndarray:
        flow = settle(alternatives, bound, _logit(x), ROUNDS)[0]
        return target_values(network, alternatives, flow, targets)

    def fit(keep: np.ndarray, start) -> optimize.OptimizeResult:
        def residuals(x):
            return _residuals(model(x), targets)[keep]

        x0 = np.clip(_scaled(start), low, high)
        return optimize.least_squares(residuals, x0, bounds=(low, high), diff_step=0.02)

    every = np.ones(len(targets), dtype=bool)
    best = min((fit(every, start) for start in STARTS), key=lambda found: found.cost).x
    table = targets.assign(model=model(best))
    if loo:
        predicted = []
        for i in range(len(targets)):
            keep = every.copy()
            keep[i] = False
            predicted.append(model(fit(keep, _unscaled(best)).x)[i])
        table["loo"] = predicted
    values = {
        name: _snapped(value, BOUNDS[name])
        for name, value in zip(BOUNDS, _unscaled(best), strict=True)
    }
    return ChoiceFit(values=values, targets=table, rail_rate_usd=rail_rate(network, alternatives))


def rail_rate(network: Network, alternatives: ChoiceSet) -> float:
    """The China-EU rail rate, USD per FEU: the money cost of each EU-bound pair's cheapest
    alternative that enters the EU by rail (:func:`corridors.analysis.flows.enters_by_rail`),
    averaged by the value the pair carries; NaN if no pair bound for the EU has one.

    Examples
    --------
    >>> from corridors import load_network
    >>> from corridors.analysis.choice_set import choice_set
    >>> net = load_network()
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [1.0]})
    >>> round(rail_rate(net, choice_set(net, demand)))
    6381
    """
    demand, alts = alternatives.demand, alternatives.alternatives
    to_eu = alts[demand.destination.map(place_group(network)).eq("EU").to_numpy()[alts.pair]]
    rail = to_eu[enters_by_rail(network, to_eu.crossings)]
    rate = rail.groupby("pair").cost_usd.min()
    if rate.empty:
        return float("nan")
    rows = demand.iloc[rate.index]
    worth = rows.feu_per_year.to_numpy(dtype=float) * class_terms(network, rows)[0]
    return float(np.average(rate.to_numpy(), weights=worth))


def _snapped(value: float, bounds: tuple[float, float]) -> float:
    """A value within a thousandth of its range from a bound is that bound: the optimiser
    stops just short of it, and the targets barely tell such values apart."""
    low, high = bounds
    for bound in bounds:
        if abs(value - bound) <= 1e-3 * (high - low):
            return bound
    return value


def _residuals(model: np.ndarray, targets: pd.DataFrame) -> np.ndarray:
    observed = targets.observed.to_numpy(dtype=float)
    unit = targets.measure.map(UNITS).to_numpy(dtype=float)
    volume = targets.measure.eq("rail_sea_trains").to_numpy()
    out = (model - observed) / unit
    out[volume] = np.log(np.maximum(model[volume], 1.0) / observed[volume]) / unit[volume]
    return out


def _scaled(values) -> np.ndarray:
    """Scale (log), nest, constant (thousands of USD): the fit's coordinates."""
    scale, nest, constant = values
    return np.array([math.log(scale), nest, constant / 1000.0])


def _unscaled(x: np.ndarray) -> tuple[float, float, float]:
    return math.exp(x[0]), float(x[1]), float(x[2]) * 1000.0


def _logit(x: np.ndarray) -> Logit:
    scale, nest, constant = _unscaled(x)
    return Logit(scale_usd=scale, nest=nest, constants={"rail": constant})


def write_choice(data_dir: str | Path, fit: ChoiceFit) -> None:
    """Write the fitted values into ``parameters.csv``, each row's note saying ``fitted:``
    with the targets and the fit's bounds; the file is replaced atomically."""
    path = Path(data_dir) / "parameters.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    targets = ", ".join(fit.targets.id)
    for row in rows:
        if row["name"] in fit.values:
            low, high = BOUNDS[row["name"]]
            row["value"] = f"{fit.values[row['name']]:.4g}"
            row["note"] = (
                f"fitted: by corridors calibrate --flows within {low:g}-{high:g} to the targets "
                f"of observed.csv ({targets}); {NOTES[row['name']]}"
            )
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
