"""Shortest paths on the routing graph that pass no place twice and come back to no
country they have left."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np

from corridors.engine import Reduced, paths_to
from corridors.graph.routing_graph import RoutingGraph

__all__ = [
    "REVISIT_RETRIES",
    "country_bars",
    "reentering_step",
    "returning_step",
    "simple_paths",
    "tree_path",
]

# How many times a segment is searched again when its best path passes a place twice or
# comes back to a country it has left.
REVISIT_RETRIES = 30


def simple_paths(
    graph: RoutingGraph,
    reduced: Reduced,
    source: int,
    targets,
    used,
    *,
    left: Iterable[int] = (),
    reenter: bool = False,
) -> dict:
    """target -> (length, path) of the shortest paths that avoid the ``used`` places, pass
    no place twice and, unless ``reenter``, enter no country they have left, for the targets
    that have one.

    ``left`` holds the countries (indices into ``graph.countries``) a trip has already left
    before ``source``: they count as left.

    The expanded graph lets a plain shortest path touch a place twice on different layers
    (out over a border and straight back, to ride a faster through train), or leave a
    country and come back into it further on (out on a fast international train, in again
    by road). The first time a path comes back to a country, every edge into the source's
    country or a country in ``left`` and every edge out of the target's country is barred
    (a path that used one would have to come back: this bars no path that does not), and the
    search repeated. After that, each time a path comes back to a place, or to a country it
    passed through, the link or crossing that brings it back is barred in that direction (on
    every layer) and the search repeated, at most ``REVISIT_RETRIES`` times.
    """
    place = graph.engine.node_place
    country = graph.node_country
    targets = [int(t) for t in targets]
    left = frozenset(int(c) for c in left)
    if used:
        open_ = ~np.isin(place[reduced.head], list(used))
    else:
        open_ = np.ones(len(reduced.head), dtype=bool)
    found = {}
    searched: dict[bytes, tuple] = {}  # targets often share a search (the first, at least)
    for target in targets:
        keep = open_.copy()
        narrowed = reenter
        for _ in range(REVISIT_RETRIES):
            key = np.packbits(keep).tobytes()
            if key not in searched:
                searched[key] = paths_to(reduced, source, targets, keep)
            dist, pred = searched[key]
            length = float(dist[target])
            if length == np.inf:
                break
            path = tree_path(pred, target)
            back_in = None if reenter else reentering_step(country[path].tolist(), left)
            if back_in is not None and not narrowed:
                keep &= ~country_bars(graph, reduced, source, target, left)
                narrowed = True
                continue
            back = returning_step(place[path].tolist())
            if back is None:
                back = back_in
            if back is None:
                found[target] = (length, path)
                break
            keep &= ~_same_way(graph, reduced, path[back], path[back + 1])
    return found


def country_bars(
    graph: RoutingGraph, reduced: Reduced, source: int, target: int, left: Iterable[int] = ()
) -> np.ndarray:
    """The entries of ``reduced`` that no path from ``source`` to ``target`` can use without
    coming back to a country: those entering the source's country or one of ``left``, and
    those leaving the target's country."""
    country = graph.node_country
    tail, head = country[reduced.tail], country[reduced.head]
    crosses = tail != head
    closed = [*left, int(country[source])]
    return crosses & (np.isin(head, closed) | (tail == country[target]))


def tree_path(pred: np.ndarray, target: int) -> list[int]:
    """The nodes from the root of a predecessor tree to ``target``."""
    path = [target]
    while (target := int(pred[target])) >= 0:
        path.append(target)
    return path[::-1]


def _same_way(graph: RoutingGraph, reduced: Reduced, u: int, v: int) -> np.ndarray:
    """The entries of the element of edge u -> v between the same two places, same way."""
    place = graph.engine.node_place
    element = graph.edge(reduced, int(reduced.positions([u], [v])[0]))["element"]
    edges = graph.engine.tags[("element", element)]
    return (
        np.isin(reduced.edge, edges)
        & (place[reduced.tail] == place[u])
        & (place[reduced.head] == place[v])
    )


def reentering_step(countries: list[int], left: Iterable[int] = ()) -> int | None:
    """The step by which a path (given as the country of each node) enters a country it has
    left, or one of the countries ``left`` before it began, if any.

    Examples
    --------
    >>> reentering_step([0, 0, 1, 2]), reentering_step([0, 1, 2, 0, 3])
    (None, 2)
    >>> reentering_step([1, 2], left=[2])
    0
    """
    seen = set(left)
    for i, (a, b) in enumerate(itertools.pairwise(countries)):
        if a != b:
            seen.add(a)
            if b in seen:
                return i
    return None


def returning_step(places: list[int]) -> int | None:
    """The step by which a path (given as the place of each node) comes back to a place it
    has left, if any.

    Examples
    --------
    >>> returning_step([0, 0, 1, 2, 2]), returning_step([0, 1, 0, 2])
    (None, 1)
    """
    seen: set[int] = set()
    for i, (a, b) in enumerate(itertools.pairwise(places)):
        if a != b:
            seen.add(a)
            if b in seen:
                return i
    return None
