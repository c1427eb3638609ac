"""Shortest paths on the routing graph that pass no place twice."""

from __future__ import annotations

import itertools

import numpy as np

from corridors.engine import Reduced, shortest_paths
from corridors.graph.routing_graph import RoutingGraph

__all__ = ["REVISIT_RETRIES", "returning_step", "simple_paths", "tree_path"]

# How many times a segment is searched again when its best path passes a place twice.
REVISIT_RETRIES = 30


def simple_paths(graph: RoutingGraph, reduced: Reduced, source: int, targets, used) -> dict:
    """target -> (length, path) of the shortest paths that avoid the ``used`` places and
    pass no place twice, for the targets that have one.

    The expanded graph lets a plain shortest path touch a place twice on different layers
    (out over a border and straight back, to ride a faster through train). Each time the
    path does, the link or crossing that brings it back is barred in that direction (on
    every layer) and the search repeated.
    """
    place = graph.engine.node_place
    open_ = ~np.isin(place[reduced.head], list(used))
    found = {}
    for target in targets:
        keep = open_.copy()
        for _ in range(REVISIT_RETRIES):
            dist, pred = shortest_paths(reduced, source, keep)
            if not np.isfinite(dist[0, target]):
                break
            path = tree_path(pred[0], target)
            back = returning_step(place[path].tolist())
            if back is None:
                found[target] = (float(dist[0, target]), path)
                break
            keep &= ~_same_way(graph, reduced, path[back], path[back + 1])
    return found


def tree_path(pred: np.ndarray, target: int) -> list[int]:
    path = [target]
    while pred[path[-1]] >= 0:
        path.append(int(pred[path[-1]]))
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
