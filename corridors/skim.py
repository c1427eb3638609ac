"""Origin-destination skims: many-to-many hours, km, USD and generalized cost in one pass.

The routing graph is compiled once to a CSR matrix and searched with
``scipy.sparse.csgraph.dijkstra`` from every origin at once; the totals of each optimal path
are then summed from its edges, so the figures match :func:`corridors.routing.route`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from corridors.errors import NoRouteError
from corridors.graph import END, OBJECTIVES, START, routing_graph
from corridors.network import Network
from corridors.routing import (
    _constraints,
    _returning_edge,
    _simple_path,
    as_names,
    border_scoped,
    route,
)

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
        pairs = {(o, d) for o in origin_ids for d in dest_ids if (iso3[o] == iso3[d]) == domestic}
        if not pairs:
            continue
        narrowed = replace(
            constraints, services=border_scoped(network) if domestic else frozenset()
        )
        matrix, nodes, index = graph.compiled(by, narrowed)
        reduced = graph.simple(by, narrowed)
        sources = sorted({o for o, _ in pairs})
        _, predecessors = dijkstra(
            matrix, indices=[index[(o, START)] for o in sources], return_predecessors=True
        )
        for i, origin in enumerate(sources):
            for dest in dest_ids:
                if (origin, dest) in pairs:
                    totals[(origin, dest)] = _path_totals(
                        reduced, nodes, index, predecessors[i], origin, dest, graph.value_of_time
                    )
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


def _path_totals(reduced, nodes, index, pred, origin, dest, value_of_time) -> dict:
    empty: dict[str, object] = dict.fromkeys(MEASURES, np.nan) | {"crossings": []}
    if origin == dest:
        return dict.fromkeys(MEASURES, 0.0) | {"crossings": []}
    node = index[(dest, END)]
    if pred[node] < 0:
        return empty
    path = [node]
    while pred[path[-1]] >= 0:
        path.append(pred[path[-1]])
    path = [nodes[i] for i in path[::-1]]
    if _returning_edge(path) is not None:  # as route(): no place passed twice
        found = _simple_path(reduced, (origin, START), (dest, END), set())
        if found is None:
            return empty
        path = found[1]
    totals = dict.fromkeys(("hours", "km", "cost_usd"), 0.0)
    crossings = []
    for u, v in itertools.pairwise(path):
        edge = reduced[u][v]["edge"]
        for measure in totals:
            totals[measure] += edge[measure]
        if edge["element_kind"] == "crossing":
            crossings.append(edge["element"])
    totals["generalized"] = totals["cost_usd"] + value_of_time * totals["hours"]
    return totals | {"crossings": crossings}
