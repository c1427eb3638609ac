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
from corridors.engine import Reduced, path_sums, rule_paths, shortest_paths
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
from corridors.graph.search import REVISIT_RETRIES
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
        crossings = _fill(request.network, graph, request.constraints, by, origin, dest, sums)
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


def _fill(network, graph, constraints, by, origin, dest, sums) -> np.ndarray:
    """Totals of every pair, written to ``sums``; returns the crossings of each (a list of
    crossing ids per cell)."""
    crossings = np.empty(len(origin), dtype=object)
    for picked, paths in best_paths(network, graph, constraints, by, origin, dest):
        sums[picked] = paths.sums
        used = _crossings(graph, paths)
        crossings[picked] = np.fromiter(used, dtype=object, count=len(used))
    return crossings


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
    domestic = _countries(network, origins) == _countries(network, dests)
    for within in (False, True):
        picked = np.flatnonzero(domestic == within)
        if picked.size:
            barred = border_scoped(network) if within else frozenset()
            narrowed = replace(constraints, services=constraints.services | barred)
            found = _pair_paths(graph, narrowed, by, origins[picked], dests[picked], reenter)
            yield picked, found


def _countries(network: Network, places: np.ndarray) -> np.ndarray:
    """The country (ISO3) of each place."""
    codes, unique = pd.factorize(places)
    country = network.place_country
    return np.array([country.get(p) for p in unique], dtype=object)[codes]


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
    searched again as route() does (:func:`corridors.graph.search.simple_paths`), by the
    compiled :func:`corridors.engine.rule_paths`, which stops each search at the pair's
    destination.
    """
    reduced = graph.reduced(by, constraints)
    start, end = _nodes(graph, origins, START), _nodes(graph, dests, END)
    same = origins == dests
    linked = np.flatnonzero((start >= 0) & (end >= 0) & ~same)
    values = np.stack([graph.engine.values[m][reduced.edge] for m in VALUES])
    moves = _moves(graph, reduced)
    found = _searched(reduced, start[linked], end[linked], values, moves)
    sums = np.full((len(origins), len(VALUES)), np.nan)
    sums[same] = 0.0
    sums[linked] = found.sums
    places, countries = _revisiting(graph, reduced, found, end[linked])
    again = np.union1d(places, countries)
    kept = ~np.isin(found.pair, again)
    parts = [(linked[found.pair[kept]], found.step[kept], found.entry[kept])]
    if again.size:
        redo = linked[again]
        narrowed = np.isin(again, countries)
        redone = rule_paths(
            reduced,
            start[redo],
            end[redo],
            place=graph.engine.node_place,
            country=graph.node_country,
            element=graph.element_code[reduced.edge],
            narrowed=narrowed,
            reenter=reenter,
            retries=REVISIT_RETRIES,
            values=values,
            collect=moves,
        )
        sums[redo] = redone.sums
        parts.append((redo[redone.pair], redone.step, redone.entry))
    pair, step, entry = (np.concatenate(column) for column in zip(*parts, strict=True))
    return PairPaths(reduced, sums, pair, step, entry)


def _moves(graph: RoutingGraph, reduced: Reduced) -> np.ndarray:
    """The entries that change place (links and crossings)."""
    place = graph.engine.node_place
    return place[reduced.tail] != place[reduced.head]


def _searched(reduced: Reduced, starts, ends, values, moves):
    """The best path from starts[i] to ends[i]: its sums of ``values``, and the entries
    that change place (``moves``) it uses."""
    sources, rows = np.unique(starts, return_inverse=True)
    dist, pred = shortest_paths(reduced, sources)
    return path_sums(reduced, dist, pred, rows, ends, values, collect=moves)


def _nodes(graph: RoutingGraph, places: np.ndarray, layer: str) -> np.ndarray:
    """The engine index of each place's start or end node, -1 where it has none."""
    codes, unique = pd.factorize(places)
    index = graph.engine.index
    found = np.array([index.get((p, layer), -1) for p in unique], dtype=np.int64)
    return found[codes]


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
    # every collected step leaves a place; those into another country leave a country too
    crosses = country[tails] != country[heads]
    places = found.repeating(place[tails], place[ends])
    countries = found.repeating(country[tails], country[ends], crosses)
    return places, countries
