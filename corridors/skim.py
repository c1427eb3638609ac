"""Origin-destination skims: many-to-many hours, km, USD and generalized cost in one pass.

The routing graph is compiled once (:mod:`corridors.engine`) and searched from every origin
at once; the totals of every optimal path are summed along the predecessor trees for all
pairs together, so the figures match :func:`corridors.routing.route`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd

from corridors.engine import path_sums, shortest_paths
from corridors.errors import NoRouteError
from corridors.graph import END, OBJECTIVES, START, RoutingGraph, routing_graph
from corridors.network import Network
from corridors.routing import _constraints, _simple_paths, as_names, border_scoped, route

__all__ = ["skim"]

MEASURES = ("hours", "km", "cost_usd", "generalized")


def skim(
    network: Network,
    origins: Iterable[str],
    destinations: Iterable[str],
    *,
    by: str = "time",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
    month: int | None = None,
) -> pd.DataFrame:
    """Best routes from every origin to every destination, as a tidy table.

    Parameters
    ----------
    network : Network
    origins, destinations : iterable of str
        Place names.
    by : {"time", "cost", "generalized", "distance"}
        What each route minimises.
    avoid, modes, statuses, month :
        As for :func:`corridors.routing.route`.

    Returns
    -------
    pandas.DataFrame
        One row per pair (origin, destination) with hours, days, km, cost_usd, generalized
        and the crossings used; unreachable pairs have NaN (when no pair is reachable,
        NoRouteError says which constraint cut them). Pivot it for a matrix:
        ``table.pivot(index="origin", columns="destination", values="hours")``.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = skim(load_network(), ["Chongqing", "Chengdu"], ["Qinzhou", "Duisburg"])
    >>> table[["origin", "destination"]].values.tolist()[:2]
    [['chongqing', 'qinzhou'], ['chongqing', 'duisburg']]
    """
    if by not in OBJECTIVES:
        msg = f"unknown objective {by!r}; use one of {', '.join(OBJECTIVES)}"
        raise ValueError(msg)
    origin_ids = [network.resolve(o) for o in as_names(origins, "origins")]
    dest_ids = [network.resolve(d) for d in as_names(destinations, "destinations")]
    if not origin_ids or not dest_ids:
        given = f"{len(origin_ids)} and {len(dest_ids)} given"
        msg = f"a skim needs at least one origin and one destination ({given})"
        raise ValueError(msg)
    constraints = _constraints(network, [*origin_ids, *dest_ids], avoid, modes, statuses, month)
    graph = routing_graph(network)
    iso3 = network.places.iso3
    totals: dict[tuple[str, str], dict] = {}
    # one pass for trips between countries, one for trips within one (no China-Europe train)
    for domestic in (False, True):
        pairs = [(o, d) for o in origin_ids for d in dest_ids if (iso3[o] == iso3[d]) == domestic]
        if pairs:
            barred = border_scoped(network) if domestic else frozenset()
            totals |= _pair_totals(graph, replace(constraints, services=barred), by, pairs)
    rows = [
        {"origin": o, "destination": d, **totals[(o, d)]} for o in origin_ids for d in dest_ids
    ]
    table = pd.DataFrame(rows)
    table.insert(3, "days", table["hours"] / 24)
    apart = table[table.origin != table.destination]
    if len(apart) and apart["hours"].isna().all():
        first = apart.iloc[0]
        try:  # route() says which constraint cut the paths
            route(
                network,
                first.origin,
                first.destination,
                by=by,
                avoid=avoid,
                modes=modes,
                statuses=statuses,
                month=month,
            )
        except NoRouteError as err:
            msg = f"no pair of the skim is connected; for example {err}"
            raise NoRouteError(msg) from err
    return table


def _pair_totals(graph: RoutingGraph, constraints, by: str, pairs: list) -> dict:
    """Totals of the best route of each (origin, destination) pair, from one many-source
    search: summed along the predecessor trees for all pairs at once."""
    reduced = graph.reduced(by, constraints)
    pairs = list(dict.fromkeys(pairs))
    out = {(o, d): dict.fromkeys(MEASURES, 0.0) | {"crossings": []} for o, d in pairs if o == d}
    ends = [(graph.node(o, START), graph.node(d, END)) for o, d in pairs]
    linked = [
        i
        for i, ((o, d), (s, t)) in enumerate(zip(pairs, ends, strict=True))
        if o != d and s is not None and t is not None
    ]
    sources = sorted({ends[i][0] for i in linked})
    dist, pred = shortest_paths(reduced, sources)
    row = {s: r for r, s in enumerate(sources)}
    engine = graph.engine
    place = engine.node_place
    values = np.stack([engine.values[m][reduced.edge] for m in ("hours", "km", "cost_usd")])
    moves = place[reduced.tail] != place[reduced.head]
    found = path_sums(
        reduced,
        dist,
        pred,
        np.array([row[ends[i][0]] for i in linked], dtype=np.int64),
        np.array([ends[i][1] for i in linked], dtype=np.int64),
        values,
        collect=moves,
    )
    paths = found.grouped(len(linked))
    for k, i in enumerate(linked):
        origin, dest = pairs[i]
        if not found.reached[k]:
            continue
        entries = paths[k]
        left = place[reduced.tail[entries]].tolist()
        if len(set(left)) < len(left) or place[ends[i][1]] in left:  # passes a place twice
            out[(origin, dest)] = _simple_totals(graph, reduced, ends[i])
            continue
        hours, km, cost = found.sums[k]
        out[(origin, dest)] = {
            "hours": hours,
            "km": km,
            "cost_usd": cost,
            "generalized": cost + graph.value_of_time * hours,
            "crossings": _crossings(graph, reduced, entries),
        }
    empty = dict.fromkeys(MEASURES, np.nan) | {"crossings": []}
    return {pair: out.get(pair, empty) for pair in pairs}


def _crossings(graph: RoutingGraph, reduced, entries) -> list[str]:
    edges = (graph.edge(reduced, e) for e in entries)
    return [e["element"] for e in edges if e["element_kind"] == "crossing"]


def _simple_totals(graph: RoutingGraph, reduced, ends: tuple[int, int]) -> dict:
    """As route() does: the best path that passes no place twice, and its totals."""
    source, target = ends
    found = _simple_paths(graph, reduced, source, [target], set()).get(target)
    if found is None:
        return dict.fromkeys(MEASURES, np.nan) | {"crossings": []}
    path = found[1]
    entries = reduced.positions(path[:-1], path[1:])
    edges = reduced.edge[entries]
    hours, km, cost = (
        float(graph.engine.values[m][edges].sum()) for m in ("hours", "km", "cost_usd")
    )
    return {
        "hours": hours,
        "km": km,
        "cost_usd": cost,
        "generalized": cost + graph.value_of_time * hours,
        "crossings": _crossings(graph, reduced, entries),
    }
