"""Flows with choice and capacity: a stochastic user equilibrium.

Each pair's demand is shared among its alternatives (:mod:`corridors.analysis.choice_set`)
by the nested logit of :mod:`corridors.analysis.choice`, each class of goods
(``value_class``, :func:`corridors.analysis.demand.class_terms`) weighing the alternatives'
hours and spread at its own value of time. A crossing with a capacity
(``capacity_per_day`` in ``crossings.csv``: trains, trucks, containers or FEU a day, one FEU
to a truck or container and to a train the crossing's ``feu_per_train``, else the parameter's;
the exports take the ``export_share_of_capacity`` of one published for both directions)
delays the cargo by the mean wait of an M/M/1 queue, ``rho / (mu (1 - rho))`` hours
(Kleinrock 1975), with ``rho`` its utilisation and ``mu`` its capacity per hour counted in
train-loads of that many FEU,
whatever unit it is published in (a queue of single containers would wait minutes at any
utilisation). The wait grows without bound as the flow nears capacity, so no crossing
carries more than its capacity at equilibrium. Every class weighs an hour of queue at the
network's ``value_of_time``: the queue stands for what rations a full crossing, slots sold
dearer as well as trains waiting (China-Europe rates rose with the backlogs of 2020-21), so
that the goods that gain most from the railway get its slots. Weighed at each class's own
value of time, the cheapest goods would wait out the queues and take the railway from the
dearest, the reverse of what rail carries (3% of the EU's imports from China by value, more
than its share by weight).

The equilibrium is solved for the waits, not the flows: in the waits ``w`` the queue's
inverse ``rho = mu w / (1 + mu w)`` is smooth and below 1, and the equilibrium is the
minimum of the convex function

    sum_j K_j (w_j - log(1 + mu_j w_j) / mu_j) + sum_p V_p s logsum_p(w) / vot

(``K_j`` the capacity in FEU a year, ``V_p`` a pair's FEU a year, ``s`` the logit scale,
``vot`` the price of an hour of queue),
whose gradient is each crossing's capacity times ``rho(w_j)`` less the flow the logit sends
through it (the dual of a capacity-constrained logit assignment, Bell 1995). L-BFGS-B finds
it. A crossing that some pairs cannot avoid and that they alone fill beyond capacity waits
:data:`MAX_QUEUE_HOURS`, and its utilisation is reported above 1. ``gap`` is the share of
the demand by which the crossings' flows still differ from what their queues pass.

The demand is what :func:`corridors.analysis.flows.assign` takes; the gravity model's counts
exports only, and each crossing's flow is set against the capacity of that direction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from corridors.analysis.blas import one_blas_thread
from corridors.analysis.choice import Logit, nest_codes, nested_logit, rail_abroad
from corridors.analysis.choice_set import ChoiceSet, choice_set
from corridors.analysis.demand import class_terms
from corridors.analysis.flows import Flows, flows_of
from corridors.graph.constraints import whole_number
from corridors.network.model import Network, check_network

__all__ = [
    "Bound",
    "Equilibrium",
    "capacities",
    "choose",
    "class_costs",
    "equilibrium",
    "equilibrium_of",
    "pair_surplus",
    "queue_hours",
    "queue_utilisation",
    "settle",
]

DAYS_PER_YEAR = 365.0
MAX_QUEUE_HOURS = 24.0 * DAYS_PER_YEAR  # the wait of demand that has no way around


@dataclass(frozen=True)
class Equilibrium:
    """What :func:`equilibrium` found.

    Attributes
    ----------
    flows : Flows
        At the equilibrium: its ``pairs`` hold one row per pair and alternative, with
        ``pair`` (the row of ``demand``), the FEU that take it and their share of the pair's
        (``route_share``), its hours with ``queue_hours`` included, and the ``variant`` that
        found it.
    crossings : pandas.DataFrame
        Every crossing with a capacity: id, name, feu_per_year, capacity_feu_per_year,
        feu_per_train, utilisation and queue_hours (each way, at the equilibrium flow).
    rounds : int
        The most rounds the solver was allowed.
    gap : float
        Share of the demand by which the crossings' flows still differ from what their
        queues pass (0 at an exact equilibrium, and with ``rounds=1``).
    demand : pandas.DataFrame
        The pairs.
    logsum : numpy.ndarray
        Per pair of ``demand``, the logsum of its choice at the equilibrium queues.
    logit : Logit
    unserved : pandas.DataFrame
        The pairs with no alternative (origin, destination, feu_per_year) and why.
    """

    flows: Flows
    crossings: pd.DataFrame
    rounds: int
    gap: float
    demand: pd.DataFrame
    logsum: np.ndarray
    logit: Logit
    unserved: pd.DataFrame

    @property
    def surplus_by_pair(self) -> np.ndarray:
        """Per pair of ``demand``, its consumer surplus less a constant, USD a year: minus the
        expected cost of its best choice (the logsum times the scale) times its FEU a year;
        NaN for a pair with no alternative."""
        volume = self.demand.feu_per_year.to_numpy(dtype=float)
        return self.logit.scale_usd * self.logsum * volume

    @property
    def surplus_usd_per_year(self) -> float:
        """The consumer surplus of the demand, less a constant (:attr:`surplus_by_pair`
        summed). Only its change between networks means anything
        (:func:`corridors.analysis.compare.appraise`)."""
        return float(np.nansum(self.surplus_by_pair))

    @property
    def unbounded(self) -> pd.DataFrame:
        """The crossings that carry flow and publish no capacity, busiest first: where the
        overflow goes."""
        crossings = self.flows.crossings
        return crossings[~crossings.id.isin(self.crossings.id)]


def queue_hours(utilisation, capacity_per_day) -> np.ndarray:
    """Mean wait in hours of an M/M/1 queue served ``capacity_per_day`` units a day at
    ``utilisation`` (demand over capacity): infinite from 1 on.

    Examples
    --------
    >>> queue_hours([0.0, 0.5, 0.95, 1.0], 12.0).round(2).tolist()
    [0.0, 2.0, 38.0, inf]
    """
    rho = np.asarray(utilisation, dtype=float)
    per_hour = np.asarray(capacity_per_day, dtype=float) / 24.0
    with np.errstate(divide="ignore"):
        return np.where(rho < 1.0, rho / (per_hour * (1.0 - np.minimum(rho, 1.0))), np.inf)


def queue_utilisation(hours, capacity_per_day) -> np.ndarray:
    """The utilisation at which an M/M/1 queue served ``capacity_per_day`` units a day waits
    ``hours``: the inverse of :func:`queue_hours`, below 1 for every finite wait.

    Examples
    --------
    >>> queue_utilisation([0.0, 2.0, 38.0], 12.0).round(3).tolist()
    [0.0, 0.5, 0.95]
    """
    served = np.asarray(hours, dtype=float) * np.asarray(capacity_per_day, dtype=float) / 24.0
    return served / (1.0 + served)


def capacities(network: Network) -> pd.DataFrame:
    """The crossings with a capacity: id, capacity_per_day, capacity_unit, the FEU one unit
    carries, capacity_feu_per_day (what the exports may use: a capacity published for both
    directions together, ``capacity_ways`` both, counts at the ``export_share_of_capacity``
    parameter's share) and feu_per_train (the crossing's own train-load where
    ``crossings.csv`` gives one, else the ``feu_per_train`` parameter: what its queue is
    served in)."""
    crossings = network.crossings
    given = crossings[crossings.capacity_per_day.notna()]
    parameter = network.parameters["value"]
    train = given.feu_per_train.astype(float).fillna(float(parameter["feu_per_train"]))
    feu_per_unit = train.where(given.capacity_unit.eq("trains"), 1.0)
    share = np.where(
        given.capacity_ways.eq("both"), float(parameter["export_share_of_capacity"]), 1.0
    )
    return pd.DataFrame(
        {
            "id": given.index,
            "capacity_per_day": given.capacity_per_day.to_numpy(dtype=float),
            "capacity_unit": given.capacity_unit.to_numpy(),
            "capacity_ways": given.capacity_ways.to_numpy(),
            "feu_per_unit": feu_per_unit.to_numpy(dtype=float),
            "capacity_feu_per_day": (given.capacity_per_day * feu_per_unit).to_numpy() * share,
            "feu_per_train": train.to_numpy(dtype=float),
        }
    ).reset_index(drop=True)


def equilibrium(
    network: Network,
    demand: pd.DataFrame | str | os.PathLike | None = None,
    *,
    rounds: int = 1000,
    logit: Logit | None = None,
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> Equilibrium:
    """Share the demand among its alternatives by the nested logit, with queues at
    capacity-bound crossings, until the shares settle.

    Parameters
    ----------
    network : Network
    demand : as for :func:`corridors.analysis.flows.assign` (the gravity model by default)
    rounds : int
        The most rounds of L-BFGS-B on the queues' waits (1: the logit at free flow); it
        stops once they settle, which takes the default data a few hundred.
    logit : Logit, optional
        Default the network's (:meth:`corridors.analysis.choice.Logit.of`).
    avoid, modes, statuses : as for :func:`corridors.analysis.flows.assign`

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [500_000.0]})
    >>> found = equilibrium(net, demand)
    >>> brest = found.crossings.set_index("id").loc["brest-malaszewicze"]
    >>> bool(brest.utilisation < 1.5), bool(found.gap < 0.01)
    (True, True)
    """
    from corridors.analysis.demand import od_or_gravity

    check_network(network)
    whole_number(rounds, "rounds", 1, 1000)
    logit = logit or Logit.of(network)
    options = {"avoid": avoid, "modes": modes, "statuses": statuses}
    demand = od_or_gravity(network, demand, **options).reset_index(drop=True)
    return equilibrium_of(network, choice_set(network, demand, **options), logit, rounds)


def equilibrium_of(
    network: Network, alternatives: ChoiceSet, logit: Logit, rounds: int = 1000
) -> Equilibrium:
    """:func:`equilibrium` on a choice set already made (an appraisal's base, whose choice
    set also gives the cost ceiling of every network it compares)."""
    bound = Bound(network, alternatives)
    flow, queues, gap, logsum = settle(alternatives, bound, logit, rounds)
    flows = _flows(network, alternatives, flow, bound.uses @ queues)
    return Equilibrium(
        flows=flows,
        crossings=bound.table(bound.uses.T @ flow, queues),
        rounds=rounds,
        gap=gap,
        demand=alternatives.demand,
        logsum=logsum,
        logit=logit,
        unserved=alternatives.unserved(network),
    )


def pair_surplus(
    network: Network,
    demand: pd.DataFrame,
    *,
    logit: Logit | None = None,
    rounds: int = 1000,
    ceiling: np.ndarray | None = None,
) -> np.ndarray:
    """Per pair of a checked demand table, its consumer surplus at equilibrium in USD a year,
    less a constant: the logsum times the logit scale times its FEU a year (NaN for a pair
    with no alternative). Only differences between networks mean anything, between choice
    sets cut at the same ``ceiling`` (:func:`corridors.analysis.choice_set.choice_set`).

    Examples
    --------
    >>> from corridors import load_network
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [100.0]})
    >>> from corridors.network.scenarios import apply_scenario, load_scenario
    >>> net = load_network()
    >>> closed = apply_scenario(net, load_scenario(net, "kazakh_crossings_closed"))
    >>> bool(pair_surplus(closed, demand)[0] < pair_surplus(net, demand)[0])  # fewer ways
    True
    """
    logit = logit or Logit.of(network)
    alternatives, _, (*_, logsum) = choose(network, demand, logit, rounds, ceiling=ceiling)
    return logit.scale_usd * logsum * alternatives.demand.feu_per_year.to_numpy(dtype=float)


def choose(network: Network, demand: pd.DataFrame, logit: Logit, rounds: int, **options):
    """The demand's choice set (``options``: avoid, modes, statuses, ceiling), its capacity-bound
    crossings, and what :func:`settle` finds on them."""
    alternatives = choice_set(network, demand, **options)
    bound = Bound(network, alternatives)
    return alternatives, bound, settle(alternatives, bound, logit, rounds)


def settle(alternatives: ChoiceSet, bound: Bound, logit: Logit, rounds: int):
    """The equilibrium: per alternative its FEU a year, per bound crossing its queue hours,
    the gap, and per pair its logsum, after at most ``rounds`` rounds of L-BFGS-B on the
    waits (1: the logit without queues)."""
    alts = alternatives.alternatives
    pair, mode = alts.pair.to_numpy(), nest_codes(alts.main_mode.to_numpy())
    _, vot = class_terms(bound.network, alternatives.demand)
    abroad = rail_abroad(bound.network, alts.main_mode, alts.crossings)
    base = class_costs(alternatives, vot) + logit.constant("rail") * abroad
    price = alternatives.graph.value_of_time  # of an hour of queue, to every class
    volume = alternatives.demand.feu_per_year.to_numpy(dtype=float)
    pairs = len(alternatives.demand)
    total = max(volume.sum(), 1e-300)

    def shared(waits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cost = base + price * (bound.uses @ waits)
        share, logsum = nested_logit(pair, mode, cost, logit, pairs)
        return volume[pair] * share, logsum

    def dual(waits: np.ndarray) -> tuple[float, np.ndarray]:
        flow, logsum = shared(waits)
        logsums = np.nansum(volume * logsum) * logit.scale_usd / price
        return (bound.served(waits).sum() + logsums) / total, bound.excess(waits, flow) / total

    waits = np.zeros(len(bound.ids))
    if rounds > 1 and len(bound.ids):
        with one_blas_thread():
            found = optimize.minimize(
                dual,
                waits,
                jac=True,
                method="L-BFGS-B",
                bounds=[(0.0, MAX_QUEUE_HOURS)] * len(waits),
                options={"maxiter": rounds - 1, "ftol": 1e-15, "gtol": 1e-10},
            )
        waits = found.x
    flow, logsum = shared(waits)
    gap = float(np.abs(bound.excess(waits, flow)).sum() / total) if rounds > 1 else 0.0
    return flow, waits, gap, logsum


def class_costs(alternatives: ChoiceSet, vot: np.ndarray) -> np.ndarray:
    """Each alternative's generalized cost for its pair's class of goods (``vot``, per pair,
    USD per FEU-hour): its money cost, and its hours and spread at the class's value of time
    where the choice set weighed them at the network's."""
    alts = alternatives.alternatives
    usd = alts.cost_usd.to_numpy(dtype=float)
    ratio = vot[alts.pair.to_numpy()] / alternatives.graph.value_of_time
    return usd + ratio * (alts.generalized.to_numpy(dtype=float) - usd)


class Bound:
    """The capacity-bound crossings of a choice set and the queues they make."""

    def __init__(self, network: Network, alternatives: ChoiceSet):
        self.network = network
        found = capacities(network)
        engine = alternatives.graph.engine
        kind = engine.tags.get(("kind", "crossing"), np.zeros(0, np.int64))
        moves = alternatives.moves
        rows, cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for j, crossing in enumerate(found.id):
            edges = np.intersect1d(engine.tags.get(("element", crossing), []), kind)
            using = np.unique(moves.pair[np.isin(moves.edge, edges)])
            rows.append(using)
            cols.append(np.full(len(using), j))
        shape = (len(alternatives.alternatives), len(found))
        self.uses = sparse.csr_array(
            (np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))),
            shape=shape,
        )
        self.ids = found.id.tolist()
        self.capacity_feu = found.capacity_feu_per_day.to_numpy()
        self.feu_per_train = found.feu_per_train.to_numpy()
        self.loads_per_day = self.capacity_feu / self.feu_per_train

    def utilisation(self, feu_per_year: np.ndarray) -> np.ndarray:
        return feu_per_year / DAYS_PER_YEAR / self.capacity_feu

    def served(self, waits: np.ndarray) -> np.ndarray:
        """Per crossing, the integral of the FEU a year its queue passes, from no wait to
        ``waits``: the capacity side of :func:`settle`'s dual."""
        per_hour = self.loads_per_day / 24.0
        return self.capacity_feu * DAYS_PER_YEAR * (waits - np.log1p(per_hour * waits) / per_hour)

    def excess(self, waits: np.ndarray, flow: np.ndarray) -> np.ndarray:
        """Per crossing, the FEU a year its queue of ``waits`` hours passes less those that
        ``flow`` on the alternatives sends through it."""
        passes = self.capacity_feu * DAYS_PER_YEAR * queue_utilisation(waits, self.loads_per_day)
        return passes - self.uses.T @ flow

    def table(self, feu_per_year: np.ndarray, waits: np.ndarray) -> pd.DataFrame:
        """Per crossing: id, name, feu_per_year, capacity_feu_per_year, feu_per_train (its
        train-load), utilisation and queue_hours (``waits``)."""
        names = self.network.places.name_en
        crossings = self.network.crossings
        rho = self.utilisation(feu_per_year)
        return pd.DataFrame(
            {
                "id": self.ids,
                "name": [
                    f"{names[crossings.loc[c, 'from']]} - {names[crossings.loc[c, 'to']]}"
                    for c in self.ids
                ],
                "feu_per_year": feu_per_year,
                "capacity_feu_per_year": self.capacity_feu * DAYS_PER_YEAR,
                "feu_per_train": self.feu_per_train,
                "utilisation": rho,
                "queue_hours": waits,
            }
        )


def _flows(
    network: Network, alternatives: ChoiceSet, flow: np.ndarray, queued: np.ndarray
) -> Flows:
    """The Flows of the alternatives carrying ``flow`` FEU a year each, with ``queued`` hours
    of queues: one row per pair and alternative, with the share of the pair's FEU on it
    (``route_share``)."""
    alts = alternatives.alternatives
    stacked = alternatives.demand.iloc[alts.pair.to_numpy()].reset_index(drop=True)
    stacked["feu_per_year"] = flow  # flows_of finds the modes and gateways itself
    sums = alternatives.sums.copy()
    sums[:, 0] += queued
    found = flows_of(network, alternatives.graph, stacked, sums, alternatives.moves)
    pairs = found.pairs.assign(
        pair=alts.pair.to_numpy(), queue_hours=queued, variant=alts.variant.to_numpy()
    )
    total = pd.Series(flow).groupby(alts.pair.to_numpy()).transform("sum").to_numpy()
    pairs["route_share"] = np.divide(flow, total, out=np.zeros_like(flow), where=total > 0)
    return replace(found, pairs=pairs)
