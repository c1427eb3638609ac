"""Flows with capacity: border crossings queue when loaded, and routes shift until no box
gains by moving (a user equilibrium, found by the method of successive averages).

A crossing with a capacity (``capacity_per_day`` in ``crossings.csv``: trains, trucks,
containers or FEU a day, one FEU to a truck or container and ``feu_per_train`` to a train)
delays the cargo by the mean wait of an M/M/1 queue, ``rho / (mu (1 - rho))`` hours
(Kleinrock 1975), with ``rho`` its utilisation and ``mu`` its capacity per hour counted in
train-loads of ``feu_per_train`` FEU, whatever unit it is published in (a queue of single
containers would wait minutes at any utilisation). From ``queue_tangent_from`` on the wait
follows its tangent, so demand beyond capacity meets a long but finite queue.

Each round routes all demand all-or-nothing with the queues of the average flow so far
(:func:`corridors.analysis.flows.routed`); the equilibrium flow is the average of the rounds,
and ``gap`` says how far it is from one: the share by which the demand's generalized cost on
its average routes exceeds its cost on the best routes, both with the last round's queues.

The demand is what :func:`corridors.analysis.flows.assign` takes; the gravity model's counts
exports only, so a crossing's flow is one direction against a capacity of both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridors.analysis.flows import Flows, Moves, flows_of, routed, trip_constraints
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.network.model import Network, check_network

__all__ = ["Equilibrium", "capacities", "equilibrium", "queue_hours"]

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Equilibrium:
    """What :func:`equilibrium` found.

    Attributes
    ----------
    flows : Flows
        The average of the rounds: its ``pairs`` hold one row per pair and route used (told
        apart by crossings and main mode), with the share of the pair's FEU that takes it
        (``route_share``) and its hours, queues included, averaged over the rounds that took
        it.
    crossings : pandas.DataFrame
        Every crossing with a capacity: id, name, feu_per_year, capacity_feu_per_year,
        utilisation and queue_hours (each way, at the equilibrium flow).
    rounds : int
    gap : float
        Relative gap of the last round (0 at an exact equilibrium).
    """

    flows: Flows
    crossings: pd.DataFrame
    rounds: int
    gap: float

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
    by: str = "generalized",
    rounds: int = 30,
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> Equilibrium:
    """Assign the demand with queues at capacity-bound crossings, until routes settle.

    Parameters
    ----------
    network : Network
    demand : as for :func:`corridors.analysis.flows.assign` (the gravity model by default)
    by : the objective; queues add hours, so they count in ``time`` and ``generalized``
    rounds : int
        Rounds of the method of successive averages (1 gives all-or-nothing).
    avoid, modes, statuses : as for :func:`corridors.analysis.flows.assign`

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [500_000.0]})
    >>> found = equilibrium(net, demand, rounds=20)
    >>> brest = found.crossings.set_index("id").loc["brest-malaszewicze"]
    >>> bool(brest.utilisation < 1.5), found.flows.mode_split(net).columns.tolist()
    (True, ['sea', 'rail'])
    """
    from corridors.analysis.demand import od_or_gravity

    check_network(network)
    check_objective(by)
    if not isinstance(rounds, int) or isinstance(rounds, bool) or not 1 <= rounds <= 1000:
        msg = f"rounds must be a whole number from 1 to 1000, not {rounds!r}"
        raise ValueError(msg)
    options = {"by": by, "avoid": avoid, "modes": modes, "statuses": statuses}
    demand = od_or_gravity(network, demand, **options).reset_index(drop=True)
    constraints = trip_constraints(network, demand, avoid, modes, statuses)
    base = routing_graph(network)
    bound = _Bound(network, base)
    volume = demand.feu_per_year.to_numpy(dtype=float)
    average = np.zeros(len(bound.ids))  # FEU a year through each capacity-bound crossing
    taken: list[tuple[np.ndarray, Moves, np.ndarray]] = []  # each round: sums, moves, queues
    for k in range(1, rounds + 1):
        delay = bound.delays(average)
        sums, moves = routed(network, bound.delayed(delay), constraints, by, demand)
        taken.append((sums, moves, delay))
        average += (bound.through(moves, volume) - average) / k
    gap = bound.gap(taken, volume) if rounds > 1 else 0.0
    flows = _averaged(network, base, demand, taken)
    table = bound.table(average)
    return Equilibrium(flows=flows, crossings=table, rounds=rounds, gap=gap)


class _Bound:
    """The capacity-bound crossings of a routing graph and the queues they make."""

    def __init__(self, network: Network, graph: RoutingGraph):
        self.network, self.graph = network, graph
        found = capacities(network)
        engine = graph.engine
        kind = engine.tags.get(("kind", "crossing"), np.zeros(0, np.int64))
        self.edges = [
            np.intersect1d(engine.tags.get(("element", c), np.zeros(0, np.int64)), kind)
            for c in found.id
        ]
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

    def delays(self, feu_per_year: np.ndarray) -> np.ndarray:
        """Queue hours added to every edge of the routing graph."""
        hours = self.waits(feu_per_year)
        out = np.zeros(len(self.graph.engine.tail))
        for edges, wait in zip(self.edges, hours, strict=True):
            out[edges] = wait
        return out

    def delayed(self, delay: np.ndarray) -> RoutingGraph:
        """The routing graph with the queue hours on its crossing edges."""
        engine = self.graph.engine
        values = {**engine.values, "hours": engine.values["hours"] + delay}
        graph = self.graph
        return RoutingGraph(replace(engine, values=values), graph.value_of_time, graph.place_iso3)

    def through(self, moves: Moves, volume: np.ndarray) -> np.ndarray:
        """FEU a year through each capacity-bound crossing on these routes."""
        on_edge = np.bincount(
            moves.edge, weights=volume[moves.pair], minlength=len(self.graph.engine.tail)
        )
        return np.array([on_edge[edges].sum() for edges in self.edges])

    def gap(self, taken, volume: np.ndarray) -> float:
        """Relative gap of the last round: the generalized cost of the earlier rounds' routes
        on average over that of its best routes, both with its queues, less one."""
        best_sums, _, delay = taken[-1]
        vot = self.graph.value_of_time
        best = best_sums[:, 2] + vot * best_sums[:, 0]
        mixed = np.zeros(len(volume))
        for sums, moves, then in taken[:-1]:
            pairs = len(volume)
            queued_then = np.bincount(moves.pair, weights=then[moves.edge], minlength=pairs)
            queued_now = np.bincount(moves.pair, weights=delay[moves.edge], minlength=pairs)
            mixed += sums[:, 2] + vot * (sums[:, 0] - queued_then + queued_now)
        mixed /= len(taken) - 1
        ok = np.isfinite(best) & np.isfinite(mixed)
        total = float((volume[ok] * best[ok]).sum())
        return float((volume[ok] * (mixed[ok] - best[ok])).sum() / total) if total else 0.0

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


def _averaged(network: Network, graph: RoutingGraph, demand: pd.DataFrame, taken) -> Flows:
    """The Flows of the rounds together, each carrying an equal share of the demand, with
    one row per pair and route."""
    share = 1.0 / len(taken)
    rows = len(demand)
    stacked = pd.concat(
        [demand.assign(feu_per_year=demand.feu_per_year * share, _pair=range(rows))] * len(taken),
        ignore_index=True,
    )
    sums = np.concatenate([s for s, _, _ in taken])
    moves = Moves(
        np.concatenate([m.pair + k * rows for k, (_, m, _) in enumerate(taken)]),
        *(np.concatenate([getattr(m, f) for _, m, _ in taken]) for f in ("tail", "head", "edge")),
    )
    flows = flows_of(network, graph, stacked, sums, moves)
    return replace(flows, pairs=_route_mix(flows.pairs))


def _route_mix(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per pair and route (told apart by its crossings and main mode): the rounds
    that took the same route summed, with the share of the pair's FEU on it."""
    keyed = pairs.assign(_route=pairs.crossings.map(";".join) + "|" + pairs.main_mode)
    keys = ["_pair", "_route"]
    grouped = keyed.groupby(keys, sort=True)
    out = grouped.first()
    out["feu_per_year"] = grouped.feu_per_year.sum()
    for column in ("hours", "km", "cost_usd", "generalized"):  # queues differ by round
        out[column] = grouped[column].mean()
    out = out.reset_index()
    out["route_share"] = out.feu_per_year / out.groupby("_pair").feu_per_year.transform("sum")
    return out.drop(columns=["_pair", "_route"])
