"""Criticality: fail each crossing, link or place in turn and measure what the demand loses.

For every element the OD pairs whose best route uses it are routed again without it (a
failure is one more tag barred in the engine's edge mask; the other pairs keep their
routes, which cannot get better by closing something). The loss is the increase in total
demand-weighted generalized cost, in per cent of the base total, and the share of the
demand left with no route at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from corridors.graph.constraints import resolve_constraints
from corridors.graph.routing_graph import check_objective, routing_graph
from corridors.network.model import Network, check_network

__all__ = ["ELEMENTS", "criticality", "dead_ends", "equilibrium_criticality"]

ELEMENTS = ("crossings", "links", "places")
COLUMNS = [
    "id",
    "name",
    "kind",
    "delta_cost_pct",
    "unserved_share",
    "ends_share",
    "pairs_rerouted",
]


def criticality(
    network: Network,
    *,
    elements: str = "crossings",
    od: pd.DataFrame | str | os.PathLike | None = None,
    by: str = "generalized",
    statuses: Iterable[str] = ("operational",),
) -> pd.DataFrame:
    """Rank elements by what their failure costs the OD demand.

    Parameters
    ----------
    network : Network
    elements : {"crossings", "links", "places"}
        What fails, one at a time (links: land, inland-water and open sea legs).
    od : pandas.DataFrame or path, optional
        origin, destination, feu_per_year, or the path of such a CSV file (checked by
        :func:`corridors.analysis.demand.check_demand`: the rows of a pair are summed);
        default the gravity model of the standard OD set
        (:func:`corridors.analysis.demand.gravity_demand`: Chinese hubs to foreign terminals,
        sea ports and parks).
    by : the objective of the routes; the loss is always measured in generalized cost
    statuses : link statuses that may be used

    Returns
    -------
    pandas.DataFrame
        id, name, kind, delta_cost_pct (increase of the demand-weighted generalized cost of
        the pairs still served, per cent of the base total), unserved_share (of all demand,
        by volume, left with no route), ends_share (of all demand, starting or ending at a
        failed place: lost with it, and counted in neither measure) and pairs_rerouted,
        worst first.

    Examples
    --------
    >>> from corridors import load_network
    >>> od = pd.DataFrame({"origin": ["chongqing", "chongqing"],
    ...                    "destination": ["duisburg", "almaty"], "feu_per_year": [3.0, 1.0]})
    >>> table = criticality(load_network(), od=od)
    >>> row = table.iloc[0]
    >>> row["id"], bool(row["delta_cost_pct"] > 0), float(row["unserved_share"])
    ('alashankou-dostyk', True, 0.0)
    """
    from corridors.analysis.demand import od_or_gravity
    from corridors.analysis.skim import best_paths
    from corridors.collector import collector_paused

    check_network(network)
    if elements not in ELEMENTS:
        msg = f"unknown elements {elements!r}; use one of {', '.join(ELEMENTS)}"
        raise ValueError(msg)
    check_objective(by)
    od = od_or_gravity(network, od, by=by, statuses=statuses)
    od = od[od.feu_per_year > 0].reset_index(drop=True)
    origins = od.origin.to_numpy(dtype=object)
    dests = od.destination.to_numpy(dtype=object)
    volume = od.feu_per_year.to_numpy(dtype=float)
    demand = float(volume.sum())  # above zero unless the gravity model gives no demand
    base_constraints = resolve_constraints(network, [], (), None, statuses)
    graph = routing_graph(network)
    with collector_paused():
        base, users = _routes(network, graph, base_constraints, by, origins, dests, best_paths)
        total = float(np.nansum(volume * base))
        rows = []
        for element, kind, name in _candidates(network, elements):
            if kind == "place":
                hit = (origins == element) | (dests == element)
                pairs = np.flatnonzero(
                    hit | users.get(("place", element), np.zeros(len(od), bool))
                )
                barred = replace(base_constraints, places=frozenset({element}))
            else:
                pairs = np.flatnonzero(users.get(("element", element), np.zeros(len(od), bool)))
                hit = np.zeros(len(od), dtype=bool)
                barred = replace(base_constraints, elements=frozenset({element}))
            after = np.full(len(od), np.nan)
            routed = pairs[~hit[pairs]]
            if routed.size:
                after[routed] = _costs(
                    network, graph, barred, by, origins[routed], dests[routed], best_paths
                )
            lost = np.isnan(after[pairs]) & ~np.isnan(base[pairs]) & ~hit[pairs]
            kept = pairs[~np.isnan(after[pairs])]
            increase = float((volume[kept] * (after[kept] - base[kept])).sum())
            rows.append(
                {
                    "id": element,
                    "name": name,
                    "kind": kind,
                    "delta_cost_pct": 100 * increase / total if total else 0.0,
                    "unserved_share": _share(volume[pairs][lost].sum(), demand),
                    "ends_share": _share(volume[hit].sum(), demand),
                    "pairs_rerouted": int((~hit[pairs]).sum()),
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(
        ["unserved_share", "delta_cost_pct", "id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def _share(part: float, whole: float) -> float:
    """``part / whole``, 0 when there is no demand at all."""
    return float(part) / whole if whole else 0.0


def _costs(network, graph, constraints, by, origins, dests, best_paths) -> np.ndarray:
    """Generalized cost of each pair's best route, NaN where none."""
    cost = np.full(len(origins), np.nan)
    for picked, paths in best_paths(network, graph, constraints, by, origins, dests):
        cost[picked] = graph.generalized(paths.sums)
    return cost


def _routes(network, graph, constraints, by, origins, dests, best_paths):
    """Generalized cost of each pair's best route (NaN where none), and for each element and
    place, which pairs' routes use it."""
    cost = np.full(len(origins), np.nan)
    users: dict[tuple[str, str], np.ndarray] = {}
    place = np.array(graph.places, dtype=object)[graph.engine.node_place]
    for picked, paths in best_paths(network, graph, constraints, by, origins, dests):
        cost[picked] = graph.generalized(paths.sums)
        edges = paths.reduced.edge[paths.entry]
        pair = picked[paths.pair]
        for key, labels in (
            ("element", graph.elements[edges]),
            ("place", place[graph.engine.tail[edges]]),
            ("place", place[graph.engine.head[edges]]),
        ):
            frame = pd.DataFrame({"label": labels, "pair": pair}).drop_duplicates()
            for label, group in frame.groupby("label", sort=False):
                mask = users.setdefault((key, label), np.zeros(len(origins), dtype=bool))
                mask[group.pair.to_numpy()] = True
    return cost, users


def _candidates(network: Network, elements: str):
    """(id, kind, name) of every element that can fail."""
    names = network.places.name_en
    if elements == "places":
        for place in network.places.index:
            yield place, "place", names[place]
        return
    frame = network.crossings if elements == "crossings" else network.links
    kind = elements[:-1]
    for element, a, b in zip(frame.index, frame["from"], frame["to"], strict=True):
        yield element, kind, f"{names[a]} - {names[b]}"


def dead_ends(network: Network) -> list[tuple[str, str]]:
    """(place, its one neighbour) for each place that carries demand (a Chinese hub or a
    foreign terminal, sea port or park) and is joined to one other place only (by a link of
    any mode, sea legs included, or a crossing).

    Examples
    --------
    >>> from corridors import load_network
    >>> ("kuantan_park", "kuantan") in dead_ends(load_network())
    True
    """
    origins, destinations = network.trade_ends()
    pairs = [
        *zip(network.links["from"], network.links["to"], strict=True),
        *zip(network.crossings["from"], network.crossings["to"], strict=True),
    ]
    neighbours: dict[str, set[str]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    return [
        (p, next(iter(neighbours[p])))
        for p in sorted({*origins, *destinations})
        if len(neighbours.get(p, ())) == 1
    ]


def equilibrium_criticality(
    network: Network,
    *,
    od: pd.DataFrame | str | os.PathLike | None = None,
    crossings: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Fail each crossing in turn and find the route and mode choice's new equilibrium
    (:func:`corridors.analysis.equilibrium.equilibrium`): the demand moves to other
    crossings, queues there, or takes the sea.

    Parameters
    ----------
    od : as for :func:`criticality` (default the gravity model)
    crossings : ids, default every operational crossing

    Returns
    -------
    pandas.DataFrame
        id, name, surplus_loss_usd_per_year (consumer surplus lost by the pairs still
        served), surplus_loss_pct (of their expected generalized cost at the base),
        unserved_share (of the demand, left with no route) and eu_rail_share (rail all the
        way, :func:`corridors.analysis.flows.land_rail_share`), worst first.

    Examples
    --------
    >>> from corridors import load_network
    >>> od = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                    "feu_per_year": [1000.0]})
    >>> found = equilibrium_criticality(load_network(), od=od,
    ...                                 crossings=["brest-malaszewicze", "mohan-boten"])
    >>> found.id.tolist(), bool(found.surplus_loss_usd_per_year.iloc[0] > 0)
    (['brest-malaszewicze', 'mohan-boten'], True)
    """
    from corridors.analysis.choice import Logit
    from corridors.analysis.demand import od_or_gravity
    from corridors.analysis.equilibrium import choose
    from corridors.analysis.flows import land_rail_share

    check_network(network)
    od = od_or_gravity(network, od).reset_index(drop=True)
    table = network.crossings
    ids = list(table.index[table.status == "operational"] if crossings is None else crossings)
    logit = Logit.of(network)
    volume = od.feu_per_year.to_numpy(dtype=float)

    def settled(avoid: list[str]):
        alternatives, _, (flow, _, _, logsum) = choose(network, od, logit, 200, avoid=avoid)
        share = land_rail_share(network, alternatives.routes(flow))
        return logit.scale_usd * logsum * volume, share

    base, _ = settled([])
    names = network.places.name_en
    rows = []
    for cid in ids:
        failed, share = settled([cid])
        both = np.isfinite(base) & np.isfinite(failed)
        lost = float((base - failed)[both].sum())
        rows.append(
            {
                "id": cid,
                "name": f"{names[table.loc[cid, 'from']]} - {names[table.loc[cid, 'to']]}",
                "surplus_loss_usd_per_year": lost,
                "surplus_loss_pct": 100 * lost / -float(base[both].sum()) if both.any() else 0.0,
                "unserved_share": float(volume[np.isfinite(base) & ~np.isfinite(failed)].sum())
                / float(volume.sum()),
                "eu_rail_share": float(share),
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(
        ["unserved_share", "surplus_loss_usd_per_year", "id"], ascending=[False, False, True]
    ).reset_index(drop=True)
