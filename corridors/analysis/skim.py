"""Origin-destination skims: many-to-many hours, km, USD and generalized cost in one pass.

The routing graph is compiled once (:mod:`corridors.engine`) and searched from every origin
at once; the totals of every optimal path are summed along the predecessor trees for all
pairs together, so the figures match :func:`corridors.analysis.routing.route`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridors.analysis.routing import route
from corridors.collector import collector_paused
from corridors.engine import Reduced, path_sums, shortest_paths
from corridors.errors import NoRouteError
from corridors.graph.constraints import (
    Constraints,
    as_names,
    border_scoped,
    resolve_constraints,
    whole_number,
)
from corridors.graph.expand import VALUES
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.graph.search import country_bars, simple_paths
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
    sums = np.full((len(origin), len(VALUES)), np.nan)
    by = request.options["by"]
    with collector_paused():  # thousands of small lists: no full collection in between
        crossings: list[list[str]] = [[] for _ in origin]
        _fill(request.network, graph, request.constraints, by, origin, dest, sums, crossings)
    hours, km, cost, _ = sums.T
    return pd.DataFrame(
        {
            "origin": origin,
            "destination": dest,
            "hours": hours,
            "days": hours / 24,
            "km": km,
            "cost_usd": cost,
            "generalized": graph.generalized(sums),
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


def best_paths(network, graph, constraints, by, origins, dests, *, reenter: bool = True):
    """The best path of every pair origins[i] -> dests[i]: one pass for trips between
    countries, one for trips within one (no China-Europe train).

    As route() does, a path comes back into a country it has left only where no other path
    exists; ``reenter=False`` leaves such pairs without a path.

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
            narrowed = replace(constraints, services=constraints.services | barred)
            found = _pair_paths(graph, narrowed, by, origins[picked], dests[picked], reenter)
            yield picked, found


@dataclass(frozen=True)
class PairPaths:
    """The best paths of a list of pairs.

    ``sums`` holds hours, km, USD and spread (P90 - P50 hours) of each pair (NaN where
    unreachable); ``pair``, ``step``
    and ``entry`` list the place-changing entries of ``reduced`` (links and crossings) on
    every path, ``step`` counting back from the destination.
    """

    reduced: Reduced
    sums: np.ndarray
    pair: np.ndarray
    step: np.ndarray
    entry: np.ndarray


def _pair_paths(
    graph: RoutingGraph, constraints, by: str, origins, dests, reenter: bool = True
) -> PairPaths:
    """One many-source search, then sums along the predecessor trees for all pairs at once.

    A pair whose best path passes a place twice, or comes back to a country it has left, is
    searched again as route() does (:func:`corridors.graph.search.simple_paths`): those that
    come back to a country first all at once, one search per pair of countries with the
    entries that would bring them back barred (route()'s first step), and the few still
    turning back one by one.
    """
    reduced = graph.reduced(by, constraints)
    start, end = _nodes(graph, origins, START), _nodes(graph, dests, END)
    same = origins == dests
    linked = np.flatnonzero((start >= 0) & (end >= 0) & ~same)
    found = _searched(graph, reduced, start[linked], end[linked])
    sums = np.full((len(origins), len(VALUES)), np.nan)
    sums[same] = 0.0
    sums[linked] = found.sums
    parts = [(linked[found.pair], found.step, found.entry)]
    places, countries = _revisiting(graph, reduced, found, end[linked])
    redo = set(linked[np.setdiff1d(places, countries)].tolist())
    replaced = set(redo)
    country = graph.node_country
    again = linked[countries]
    groups = country[start[again]].astype(np.int64) * len(graph.countries) + country[end[again]]
    for key in np.unique(groups):
        members = again[groups == key]
        keep = ~country_bars(graph, reduced, int(start[members[0]]), int(end[members[0]]))
        narrowed = _searched(graph, reduced, start[members], end[members], keep)
        turning = np.union1d(*_revisiting(graph, reduced, narrowed, end[members]))
        bad = np.union1d(turning, np.flatnonzero(~narrowed.reached))
        good = np.setdiff1d(np.arange(len(members)), bad)
        redo.update(members[bad].tolist())
        replaced.update(members.tolist())
        sums[members[good]] = narrowed.sums[good]
        picked = np.isin(narrowed.pair, good)
        parts.append(
            (members[narrowed.pair[picked]], narrowed.step[picked], narrowed.entry[picked])
        )
    if replaced:
        first = parts[0]
        kept = ~np.isin(first[0], list(replaced))
        parts[0] = tuple(column[kept] for column in first)
    moves = _moves(graph, reduced)
    paths = _simple_paths(graph, reduced, start, end, sorted(redo), reenter)
    for i in sorted(redo):
        path = paths[i]
        sums[i] = _path_sums(graph, reduced, path)
        if path:
            entries = reduced.positions(path[:-1], path[1:])
            entries = entries[moves[entries]][::-1]
            parts.append((np.full(len(entries), i), np.arange(len(entries)), entries))
    pair, step, entry = (np.concatenate(column) for column in zip(*parts, strict=True))
    return PairPaths(reduced, sums, pair, step, entry)


def _moves(graph: RoutingGraph, reduced: Reduced) -> np.ndarray:
    """The entries that change place (links and crossings)."""
    place = graph.engine.node_place
    return place[reduced.tail] != place[reduced.head]


def _searched(graph: RoutingGraph, reduced: Reduced, starts, ends, keep=None):
    """The best path from starts[i] to ends[i] on the entries ``keep`` (all when None): its
    sums, and the place-changing entries it uses."""
    sources, rows = np.unique(starts, return_inverse=True)
    dist, pred = shortest_paths(reduced, sources, keep)
    engine = graph.engine
    values = np.stack([engine.values[m][reduced.edge] for m in VALUES])
    return path_sums(reduced, dist, pred, rows, ends, values, collect=_moves(graph, reduced))


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


def _revisiting(graph: RoutingGraph, reduced, found, ends: np.ndarray):
    """The pairs whose path comes back to a place, and those whose path comes back to a
    country: it leaves one twice, or leaves the destination (or its country) before it ends
    there."""
    place, country = graph.engine.node_place, graph.node_country
    tails, heads = reduced.tail[found.entry], reduced.head[found.entry]
    reached = np.flatnonzero(found.reached)
    # every collected step leaves a place; those into another country leave a country too
    crosses = country[tails] != country[heads]
    places = _leaving_twice(
        found.pair, place[tails], reached, place[ends[reached]], len(graph.places)
    )
    countries = _leaving_twice(
        found.pair[crosses],
        country[tails[crosses]],
        reached,
        country[ends[reached]],
        len(graph.countries),
    )
    return places, countries


def _leaving_twice(pair, left, reached, end, count: int) -> np.ndarray:
    """The pairs that leave something (a place or a country) twice, or leave where they end:
    ``left`` is what each step of ``pair`` leaves, ``end`` where each ``reached`` pair ends."""
    keys = np.concatenate(
        [pair.astype(np.int64) * count + left, reached.astype(np.int64) * count + end]
    )
    unique, counts = np.unique(keys, return_counts=True)
    return np.unique(unique[counts > 1] // count)


def _simple_paths(graph: RoutingGraph, reduced, starts, ends, pairs, reenter: bool = True):
    """Pair -> as route() finds it, the best path of each of ``pairs`` (from starts[i] to
    ends[i]) that passes no place twice and comes back to no country it has left or, where
    none exists and ``reenter``, the best that comes back (empty if none). The pairs of one
    start are searched together, so that they share the searches they have in common."""
    by_start: dict[int, list[int]] = {}
    for i in pairs:
        by_start.setdefault(int(starts[i]), []).append(i)
    out = {}
    for source, members in by_start.items():
        targets = {int(ends[i]) for i in members}
        found = {}
        for allowed in (False, True)[: 1 + reenter]:
            missing = sorted(targets - set(found))
            if missing:
                more = simple_paths(graph, reduced, source, missing, set(), reenter=allowed)
                found.update({t: path for t, (_, path) in more.items()})
        out.update({i: found.get(int(ends[i]), []) for i in members})
    return out


def _path_sums(graph: RoutingGraph, reduced, path: list[int]) -> np.ndarray:
    """Hours, km, USD and spread along a path of nodes (NaN for no path)."""
    if not path:
        return np.full(len(VALUES), np.nan)
    edges = reduced.edge[reduced.positions(path[:-1], path[1:])]
    return np.array([graph.engine.values[m][edges].sum() for m in VALUES])
