"""The best route through a list of stops in order, never passing a place twice nor coming
back to a country it has left (unless no other way exists); a via border station means
crossing the border there."""

from __future__ import annotations

import itertools

from corridors.analysis.routing.legs import Route, as_route
from corridors.engine import Reduced
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import RoutingGraph
from corridors.graph.search import simple_paths
from corridors.network.model import Network

__all__ = ["best_route"]


def best_route(
    graph: RoutingGraph, network, stops, by, constraints, *, reenter: bool | None = None
) -> Route | None:
    """The best route through the stops in order, never passing a place twice nor coming
    back to a country it has left.

    A via stop that is a border station means crossing the border there: the route takes
    one of that station's crossings (in either direction) right before or after it. Where no
    route keeps out of the countries it has left, the best that comes back to one is taken
    (``reenter=None``, the default); ``reenter=False`` takes none, ``True`` takes it at once.
    """
    reduced = graph.reduced(by, constraints)
    if any(graph.node(stop, START) is None for stop in stops):
        return None  # a place with no links at all
    tries = [False, True] if reenter is None else [reenter]
    for allowed in tries:
        found = [
            _search_itinerary(graph, reduced, itinerary, crossing_steps, allowed)
            for itinerary, crossing_steps in _itineraries(network, stops)
        ]
        found = [f for f in found if f is not None]
        if found:
            _, path = min(found)
            return as_route(graph, network, reduced, path, by)
    return None


def _itineraries(network: Network, stops: list[str]) -> list[tuple[list[str], set[int]]]:
    """The stop sequences to try, each with the steps that must be a border crossing.

    Examples
    --------
    >>> from corridors import load_network
    >>> for stops, crossing_steps in _itineraries(load_network(), ["xian", "erenhot", "hamburg"]):
    ...     print(stops, crossing_steps)
    ['xian', 'erenhot', 'zamyn_uud', 'hamburg'] {2}
    ['xian', 'zamyn_uud', 'erenhot', 'hamburg'] {2}
    """
    options: list[list[list[str]]] = [[[stops[0]]]]
    for i, stop in enumerate(stops[1:-1], start=1):
        partners = _crossing_partners(network, stop) - {stops[i - 1], stops[i + 1]}
        if network.places.kind[stop] != "border_station" or not partners:
            options.append([[stop]])
            continue
        options.append([seq for p in sorted(partners) for seq in ([stop, p], [p, stop])])
    options.append([[stops[-1]]])
    out = []
    for combination in itertools.product(*options):
        itinerary, crossing_steps = [], set()
        for piece in combination:
            if len(piece) == 2:
                crossing_steps.add(len(itinerary) + 1)
            itinerary.extend(piece)
        out.append((itinerary, crossing_steps))
    return out


def _crossing_partners(network: Network, station: str) -> set[str]:
    crossings = network.crossings
    return set(crossings.loc[crossings["from"] == station, "to"]) | set(
        crossings.loc[crossings["to"] == station, "from"]
    )


def _search_itinerary(graph: RoutingGraph, reduced: Reduced, stops, crossing_steps, reenter: bool):
    """(cost, path of node indices) of the best path through ``stops``, or None.

    Between stops the path avoids every place it has already passed and, unless
    ``reenter``, every country it has left; a step in ``crossing_steps`` is one
    border-crossing edge.
    """
    place, country = graph.engine.node_place, graph.node_country
    start = graph.node(stops[0], START)
    frontier = {start: (0.0, [start])}
    for i, stop in enumerate(stops[1:], start=1):
        if i == len(stops) - 1:
            targets = [graph.node(stop, END)]
        else:
            targets = reduced.head[reduced.out_entries(graph.node(stop, START))].tolist()
        best: dict = {}
        for source, (cost, path) in sorted(frontier.items()):
            used = set(place[path].tolist()) - {int(place[source])}
            left = set() if reenter else set(country[path].tolist()) - {int(country[source])}
            if i in crossing_steps:
                found = _crossing_step(graph, reduced, source, stop, used, left)
            else:
                found = simple_paths(
                    graph, reduced, source, targets, used, left=left, reenter=reenter
                )
            for target, (length, tail) in found.items():
                if target not in best or cost + length < best[target][0]:
                    best[target] = (cost + length, path + tail[1:])
        if not best:
            return None
        frontier = best
    return frontier.get(graph.node(stops[-1], END))


def _crossing_step(graph: RoutingGraph, reduced: Reduced, source: int, station: str, used, left):
    """The crossing edges from ``source`` to a layer of ``station``, unless the station is
    one of the places ``used`` or in one of the countries ``left`` already."""
    found = {}
    code = graph.places.index(station)
    if code in used or graph.countries.index(graph.place_iso3[station]) in left:
        return found
    for entry in reduced.out_entries(source):
        v = int(reduced.head[entry])
        if graph.engine.node_place[v] == code and (
            graph.edge(reduced, entry)["element_kind"] == "crossing"
        ):
            found[v] = (float(reduced.weight[entry]), [source, v])
    return found
