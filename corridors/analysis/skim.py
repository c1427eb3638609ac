"""Origin-destination skims: many-to-many hours, km, USD and generalized cost in one pass.

The routing graph is compiled once (:mod:`corridors.engine`) and searched from every origin
at once; the totals of every optimal path are summed along the predecessor trees for all
pairs together, so the figures match :func:`corridors.analysis.routing.route`.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridors.analysis.routing import route
from corridors.engine import Reduced, path_sums, shortest_paths
from corridors.errors import NoRouteError
from corridors.graph.constraints import (
    Constraints,
    as_names,
    border_scoped,
    resolve_constraints,
    whole_number,
)
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.graph.search import simple_paths
from corridors.network.model import Network, check_network

__all__ = ["CHUNK_PAIRS", "MAX_PAIRS", "skim", "skim_chunks"]

MEASURES = ("hours", "km", "cost_usd", "generalized")
MAX_PAIRS = 250_000  # the most skim() returns at once (about 250 MB); skim_chunks() streams
CHUNK_PAIRS = 50_000  # pairs per piece of skim_chunks()


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
        Place names; a place named twice (or by two of its names) counts once.
    by : {"time", "cost", "generalized", "distance"}
        What each route minimises.
    avoid, modes, statuses, month :
        As for :func:`corridors.analysis.routing.route`.

    Returns
    -------
    pandas.DataFrame
        One row per pair (origin, destination) with hours, days, km, cost_usd, generalized
        and the crossings used; unreachable pairs have NaN (when no pair is reachable,
        NoRouteError says which constraint cut them). Pivot it for a matrix:
        ``table.pivot(index="origin", columns="destination", values="hours")``.

    Raises
    ------
    ValueError
        More than ``MAX_PAIRS`` pairs (origins x destinations): :func:`skim_chunks` streams
        a table that large piece by piece.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = skim(load_network(), ["Chongqing", "Chengdu"], ["Qinzhou", "Duisburg"])
    >>> table[["origin", "destination"]].values.tolist()[:2]
    [['chongqing', 'qinzhou'], ['chongqing', 'duisburg']]
    """
    options = {"by": by, "avoid": avoid, "modes": modes, "statuses": statuses, "month": month}
    request = _request(network, origins, destinations, options)
    size = len(request.origins) * len(request.destinations)
    if size > MAX_PAIRS:
        msg = (
            f"a skim of {size:,} pairs ({len(request.origins):,} origins x "
            f"{len(request.destinations):,} destinations) is more than the {MAX_PAIRS:,} pairs "
            "skim() returns at once; ask for fewer places, or stream it to a file with "
            "skim_chunks() (corridors skim --out FILE.csv)"
        )
        raise ValueError(msg)
    table = _table(request, request.origins)
    if not _connected(table):
        _no_pair_connected(request, table)
    return table


def skim_chunks(
    network: Network,
    origins: Iterable[str],
    destinations: Iterable[str],
    *,
    chunk_pairs: int | None = None,
    by: str = "time",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
    month: int | None = None,
) -> Iterator[pd.DataFrame]:
    """The table of :func:`skim`, of any size, in pieces of whole origins of about
    ``chunk_pairs`` pairs each (default ``CHUNK_PAIRS``; at least one origin), so memory
    stays bounded: write each to a file as it comes. The arguments are checked at once,
    before the first piece.

    Raises
    ------
    NoRouteError
        After the last piece, when no pair of any piece was connected.

    Examples
    --------
    >>> from corridors import load_network
    >>> pieces = skim_chunks(load_network(), ["Chongqing", "Chengdu"], ["Duisburg"],
    ...                      chunk_pairs=1)
    >>> [piece.origin.tolist() for piece in pieces]
    [['chongqing'], ['chengdu']]
    """
    options = {"by": by, "avoid": avoid, "modes": modes, "statuses": statuses, "month": month}
    request = _request(network, origins, destinations, options)
    if chunk_pairs is None:
        chunk_pairs = CHUNK_PAIRS
    whole_number(chunk_pairs, "chunk_pairs", 1, MAX_PAIRS)
    step = max(1, chunk_pairs // len(request.destinations))
    return _chunks(request, step)


def _chunks(request: _Request, step: int) -> Iterator[pd.DataFrame]:
    connected, first = False, None
    for start in range(0, len(request.origins), step):
        table = _table(request, request.origins[start : start + step])
        connected = connected or _connected(table)
        first = table if first is None else first
        yield table
    if not connected:
        _no_pair_connected(request, first)


@dataclass(frozen=True)
class _Request:
    """A skim's places (ids, each once, in the order first given) and how to route."""

    network: Network
    graph: RoutingGraph
    constraints: Constraints
    origins: list[str]
    destinations: list[str]
    options: dict


def _request(network: Network, origins, destinations, options: dict) -> _Request:
    check_network(network)
    check_objective(options["by"])
    origin_ids = _unique([network.resolve(o) for o in as_names(origins, "origins")])
    dest_ids = _unique([network.resolve(d) for d in as_names(destinations, "destinations")])
    if not origin_ids or not dest_ids:
        given = f"{len(origin_ids)} and {len(dest_ids)} given"
        msg = f"a skim needs at least one origin and one destination ({given})"
        raise ValueError(msg)
    stops = [*origin_ids, *dest_ids]
    o = options
    constraints = resolve_constraints(
        network, stops, o["avoid"], o["modes"], o["statuses"], o["month"]
    )
    graph = routing_graph(network)
    return _Request(network, graph, constraints, origin_ids, dest_ids, options)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _table(request: _Request, origin_ids: list[str]) -> pd.DataFrame:
    """The skim from ``origin_ids`` to every destination of the request."""
    dest_ids, graph = request.destinations, request.graph
    origin = np.repeat(np.array(origin_ids, dtype=object), len(dest_ids))
    dest = np.tile(np.array(dest_ids, dtype=object), len(origin_ids))
    sums = np.full((len(origin), 3), np.nan)
    crossings: list[list[str]] = [[] for _ in origin]
    by = request.options["by"]
    with collector_paused():
        _fill(request.network, graph, request.constraints, by, origin, dest, sums, crossings)
    hours, km, cost = sums.T
    return pd.DataFrame(
        {
            "origin": origin,
            "destination": dest,
            "hours": hours,
            "days": hours / 24,
            "km": km,
            "cost_usd": cost,
            "generalized": cost + graph.value_of_time * hours,
            "crossings": crossings,
        }
    )


def _connected(table: pd.DataFrame) -> bool:
    """Whether some pair of different places is connected (or there is no such pair)."""
    apart = table[table.origin != table.destination]
    return not len(apart) or bool(apart["hours"].notna().any())


def _no_pair_connected(request: _Request, table: pd.DataFrame) -> None:
    """Raise NoRouteError saying which constraint cut the first pair (as route() says)."""
    first = table[table.origin != table.destination].iloc[0]
    try:
        route(request.network, first.origin, first.destination, **request.options)
    except NoRouteError as err:
        msg = f"no pair of the skim is connected; for example {err}"
        raise NoRouteError(msg) from err


def _fill(network, graph, constraints, by, origin, dest, sums, crossings) -> None:
    """Totals and crossings of every pair."""
    for picked, paths in best_paths(network, graph, constraints, by, origin, dest):
        sums[picked] = paths.sums
        for i, used in zip(picked, _crossings(graph, paths), strict=True):
            crossings[i] = used


def best_paths(network, graph, constraints, by, origins, dests):
    """The best path of every pair origins[i] -> dests[i]: one pass for trips between
    countries, one for trips within one (no China-Europe train).

    Yields
    ------
    numpy.ndarray, PairPaths
        The pairs of the pass (indices into origins) and their paths.
    """
    iso3 = network.places.iso3
    domestic = iso3.reindex(origins).to_numpy() == iso3.reindex(dests).to_numpy()
    for within in (False, True):
        picked = np.flatnonzero(domestic == within)
        if picked.size:
            barred = border_scoped(network) if within else frozenset()
            narrowed = replace(constraints, services=barred)
            yield picked, _pair_paths(graph, narrowed, by, origins[picked], dests[picked])


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector: making thousands of small lists next to a
    large network triggers full collections that cost more than the skim itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class PairPaths:
    """The best paths of a list of pairs.

    ``sums`` holds hours, km and USD of each pair (NaN where unreachable); ``pair``, ``step``
    and ``entry`` list the place-changing entries of ``reduced`` (links and crossings) on
    every path, ``step`` counting back from the destination.
    """

    reduced: Reduced
    sums: np.ndarray
    pair: np.ndarray
    step: np.ndarray
    entry: np.ndarray


def _pair_paths(graph: RoutingGraph, constraints, by: str, origins, dests) -> PairPaths:
    """One many-source search, then sums along the predecessor trees for all pairs at once.
    A pair whose best path passes a place twice is searched again as route() does."""
    reduced = graph.reduced(by, constraints)
    engine, place = graph.engine, graph.engine.node_place
    start, end = _nodes(graph, origins, START), _nodes(graph, dests, END)
    same = origins == dests
    linked = np.flatnonzero((start >= 0) & (end >= 0) & ~same)
    sources, rows = np.unique(start[linked], return_inverse=True)
    dist, pred = shortest_paths(reduced, sources)
    values = np.stack([engine.values[m][reduced.edge] for m in ("hours", "km", "cost_usd")])
    moves = place[reduced.tail] != place[reduced.head]
    found = path_sums(reduced, dist, pred, rows, end[linked], values, collect=moves)
    sums = np.full((len(origins), 3), np.nan)
    sums[same] = 0.0
    sums[linked] = found.sums
    pair, step, entry = linked[found.pair], found.step, found.entry
    again = linked[_revisiting(graph, reduced, found, end[linked])]
    if again.size:
        kept = ~np.isin(pair, again)
        pair, step, entry = [pair[kept]], [step[kept]], [entry[kept]]
        for i in again:
            path = _simple_path(graph, reduced, start[i], end[i])
            sums[i] = _path_sums(graph, reduced, path)
            if path:
                entries = reduced.positions(path[:-1], path[1:])
                entries = entries[moves[entries]][::-1]
                pair.append(np.full(len(entries), i))
                step.append(np.arange(len(entries)))
                entry.append(entries)
        pair, step, entry = np.concatenate(pair), np.concatenate(step), np.concatenate(entry)
    return PairPaths(reduced, sums, pair, step, entry)


def _nodes(graph: RoutingGraph, places: np.ndarray, layer: str) -> np.ndarray:
    """The engine index of each place's start or end node, -1 where it has none."""
    unique, inverse = np.unique(places.astype(str), return_inverse=True)
    found = [graph.node(p, layer) for p in unique]
    return np.array([-1 if n is None else n for n in found], dtype=np.int64)[inverse]


def _crossings(graph: RoutingGraph, paths: PairPaths) -> list[list[str]]:
    """The crossing ids each pair's path uses, in order."""
    reduced = paths.reduced
    is_crossing = np.isin(reduced.edge, graph.engine.tags.get(("kind", "crossing"), []))
    picked = is_crossing[paths.entry]
    pair, step, entry = paths.pair[picked], paths.step[picked], paths.entry[picked]
    order = np.lexsort((-step, pair))
    names = graph.elements[reduced.edge[entry[order]]].tolist()
    bounds = np.searchsorted(pair[order], np.arange(len(paths.sums) + 1)).tolist()
    return [names[a:b] for a, b in itertools.pairwise(bounds)]


def _revisiting(graph: RoutingGraph, reduced, found, ends: np.ndarray) -> np.ndarray:
    """The pairs whose path leaves a place twice or leaves the destination before it ends
    there."""
    place = graph.engine.node_place
    count = len(graph.places)
    reached = np.flatnonzero(found.reached)
    keys = np.concatenate(
        [
            found.pair.astype(np.int64) * count + place[reduced.tail[found.entry]],
            reached.astype(np.int64) * count + place[ends[reached]],
        ]
    )
    unique, counts = np.unique(keys, return_counts=True)
    return np.unique(unique[counts > 1] // count)


def _simple_path(graph: RoutingGraph, reduced, source: int, target: int) -> list[int]:
    """As route() does: the best path that passes no place twice (empty if none)."""
    found = simple_paths(graph, reduced, int(source), [int(target)], set()).get(int(target))
    return [] if found is None else found[1]


def _path_sums(graph: RoutingGraph, reduced, path: list[int]) -> np.ndarray:
    """Hours, km and USD along a path of nodes (NaN for no path)."""
    if not path:
        return np.full(3, np.nan)
    edges = reduced.edge[reduced.positions(path[:-1], path[1:])]
    return np.array([graph.engine.values[m][edges].sum() for m in ("hours", "km", "cost_usd")])
