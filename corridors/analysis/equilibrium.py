"""Flows with choice and capacity: a stochastic user equilibrium.

Each pair's demand is shared among its alternatives (:mod:`corridors.analysis.choice_set`)
by the nested logit of :mod:`corridors.analysis.choice`. A crossing with a capacity
(``capacity_per_day`` in ``crossings.csv``: trains, trucks, containers or FEU a day, one FEU
to a truck or container and ``feu_per_train`` to a train) delays the cargo by the mean wait
of an M/M/1 queue, ``rho / (mu (1 - rho))`` hours (Kleinrock 1975), with ``rho`` its
utilisation and ``mu`` its capacity per hour counted in train-loads of ``feu_per_train`` FEU,
whatever unit it is published in (a queue of single containers would wait minutes at any
utilisation). From ``queue_tangent_from`` on the wait follows its tangent, so demand beyond
capacity meets a long but finite queue.

The method of successive averages finds the equilibrium: each round shares the demand by
the logit at the queues of the average flow so far, and the average moves towards it by
1/k. ``gap`` is the share of the demand the last round would still move.

The demand is what :func:`corridors.analysis.flows.assign` takes; the gravity model's counts
exports only, so a crossing's flow is one direction against a capacity of both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse

from corridors.analysis.choice import Logit, nest_codes, nested_logit
from corridors.analysis.choice_set import ChoiceSet, choice_set
from corridors.analysis.flows import Flows, flows_of
from corridors.graph.constraints import whole_number
from corridors.network.model import Network, check_network

__all__ = [
    "Bound",
    "Equilibrium",
    "capacities",
    "choose",
    "equilibrium",
    "pair_surplus",
    "queue_hours",
    "settle",
]

DAYS_PER_YEAR = 365.0


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
        utilisation and queue_hours (each way, at the equilibrium flow).
    rounds : int
    gap : float
        Share of the demand the last round would still have moved (0 at an exact
        equilibrium).
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
    def surplus_usd_per_year(self) -> float:
        """The consumer surplus of the demand, less a constant: minus the expected cost of
        every pair's best choice (the logsum times the scale) times its FEU a year. Only its
        change between networks means anything (:func:`corridors.analysis.compare.appraise`)."""
        volume = self.demand.feu_per_year.to_numpy(dtype=float)
        ok = np.isfinite(self.logsum)
        return float((self.logit.scale_usd * self.logsum[ok] * volume[ok]).sum())

    @property
    def unbounded(self) -> pd.DataFrame:
        """The crossings that carry flow and publish no capacity, busiest first: where the
        overflow goes."""
        crossings = self.flows.crossings
        return crossings[~crossings.id.isin(self.crossings.id)]


def queue_hours(utilisation, capacity_per_day, tangent_from: float = 0.95) -> np.ndarray:
    """Mean wait in hours of an M/M/1 queue served ``capacity_per_day`` units a day at
    ``utilisation`` (demand over capacity), following its tangent from ``tangent_from``.

    Examples
    --------
    >>> queue_hours([0.0, 0.5, 0.95, 2.0], 12.0).round(2).tolist()
    [0.0, 2.0, 38.0, 878.0]
    """
    rho = np.asarray(utilisation, dtype=float)
    per_hour = np.asarray(capacity_per_day, dtype=float) / 24.0
    at = np.minimum(rho, tangent_from)
    wait = at / (per_hour * (1.0 - at))
    slope = 1.0 / (per_hour * (1.0 - tangent_from) ** 2)
    return wait + np.where(rho > tangent_from, slope * (rho - tangent_from), 0.0)


def capacities(network: Network) -> pd.DataFrame:
    """The crossings with a capacity: id, capacity_per_day, capacity_unit, the FEU one unit
    carries and capacity_feu_per_day."""
    crossings = network.crossings
    given = crossings[crossings.capacity_per_day.notna()]
    per_train = float(network.parameters.loc["feu_per_train", "value"])
    feu_per_unit = given.capacity_unit.map(lambda unit: per_train if unit == "trains" else 1.0)
    return pd.DataFrame(
        {
            "id": given.index,
            "capacity_per_day": given.capacity_per_day.to_numpy(dtype=float),
            "capacity_unit": given.capacity_unit.to_numpy(),
            "feu_per_unit": feu_per_unit.to_numpy(dtype=float),
            "capacity_feu_per_day": (given.capacity_per_day * feu_per_unit).to_numpy(),
        }
    ).reset_index(drop=True)


def equilibrium(
    network: Network,
    demand: pd.DataFrame | str | os.PathLike | None = None,
    *,
    rounds: int = 200,
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
        Rounds of the method of successive averages (1: the logit at free flow).
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
    alternatives, bound, (flow, queues, gap, logsum) = choose(
        network, demand, logit, rounds, **options
    )
    flows = _flows(network, alternatives, flow, bound.uses @ queues)
    return Equilibrium(
        flows=flows,
        crossings=bound.table(bound.uses.T @ flow),
        rounds=rounds,
        gap=gap,
        demand=alternatives.demand,
        logsum=logsum,
        logit=logit,
        unserved=alternatives.unserved(network),
    )


def pair_surplus(
    network: Network, demand: pd.DataFrame, *, logit: Logit | None = None, rounds: int = 200
) -> np.ndarray:
    """Per pair of a checked demand table, its consumer surplus at equilibrium in USD a year,
    less a constant: the logsum times the logit scale times its FEU a year (NaN for a pair
    with no alternative). Only differences between networks mean anything.

    Examples
    --------
    >>> from corridors import load_network
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [100.0]})
    >>> bool(pair_surplus(load_network(), demand)[0] < 0)
    True
    """
    logit = logit or Logit.of(network)
    alternatives, _, (*_, logsum) = choose(network, demand, logit, rounds)
    return logit.scale_usd * logsum * alternatives.demand.feu_per_year.to_numpy(dtype=float)


def choose(network: Network, demand: pd.DataFrame, logit: Logit, rounds: int, **options):
    """The demand's choice set (``options``: avoid, modes, statuses), its capacity-bound
    crossings, and what :func:`settle` finds on them."""
    alternatives = choice_set(network, demand, **options)
    bound = Bound(network, alternatives)
    return alternatives, bound, settle(alternatives, bound, logit, rounds)


def settle(alternatives: ChoiceSet, bound: Bound, logit: Logit, rounds: int):
    """The method of successive averages: per alternative its FEU a year, per bound crossing
    its queue hours, the gap, and per pair its logsum, after ``rounds`` rounds."""
    alts = alternatives.alternatives
    pair, mode = alts.pair.to_numpy(), nest_codes(alts.main_mode.to_numpy())
    base = alts.generalized.to_numpy()
    vot = alternatives.graph.value_of_time
    volume = alternatives.demand.feu_per_year.to_numpy(dtype=float)[pair]
    pairs = len(alternatives.demand)

    def shared(queues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        share, logsum = nested_logit(pair, mode, base + vot * (bound.uses @ queues), logit, pairs)
        return volume * share, logsum

    flow, gap = shared(np.zeros(len(bound.ids)))[0], 0.0
    for k in range(2, rounds + 1):
        target = shared(bound.waits(bound.uses.T @ flow))[0]
        gap = float(np.abs(target - flow).sum() / 2 / max(volume.sum(), 1e-300))
        flow += (target - flow) / k
    queues = bound.waits(bound.uses.T @ flow)
    return flow, queues, gap, shared(queues)[1]


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
        self.feu_per_train = float(network.parameters.loc["feu_per_train", "value"])
        self.tangent = float(network.parameters.loc["queue_tangent_from", "value"])

    def utilisation(self, feu_per_year: np.ndarray) -> np.ndarray:
        return feu_per_year / DAYS_PER_YEAR / self.capacity_feu

    def waits(self, feu_per_year: np.ndarray) -> np.ndarray:
        """Queue hours at each capacity-bound crossing, served in train-loads."""
        loads_per_day = self.capacity_feu / self.feu_per_train
        return queue_hours(self.utilisation(feu_per_year), loads_per_day, self.tangent)

    def table(self, feu_per_year: np.ndarray) -> pd.DataFrame:
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
                "utilisation": rho,
                "queue_hours": self.waits(feu_per_year),
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
