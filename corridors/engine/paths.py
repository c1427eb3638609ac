"""Shortest paths on a reduced graph, and totals along them from the predecessor trees.

The searches are ``scipy.sparse.csgraph.dijkstra``; the totals walk every requested path at
once, one edge per step for all of them, with array operations.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from corridors.engine.compiled import Reduced

__all__ = ["PathSums", "path_sums", "shortest_paths"]


def shortest_paths(
    reduced: Reduced, sources, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distances and predecessors from each source (rows), on the entries ``keep``.

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> G = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (0, 2, {"w": 5.0})])
    >>> _, reduced = compile_graph(G, weight="w")
    >>> dist, pred = shortest_paths(reduced, [0])
    >>> dist.tolist(), pred.tolist()
    ([[0.0, 1.0, 3.0]], [[-9999, 0, 1]])
    """
    matrix = reduced.matrix if keep is None else reduced.submatrix(keep)
    indices = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    if not len(indices):
        empty = np.empty((0, reduced.n))
        return empty, empty.astype(np.int32)
    dist, pred = dijkstra(matrix, indices=indices, return_predecessors=True)
    return np.atleast_2d(dist), np.atleast_2d(pred)


class PathSums:
    """What :func:`path_sums` found: per pair, the sums and whether it is reachable, and
    the collected entries as parallel arrays (pair, step from the end, entry)."""

    def __init__(self, sums, reached, pair, step, entry):
        self.sums, self.reached = sums, reached
        self.pair, self.step, self.entry = pair, step, entry

    def grouped(self, pairs: int) -> list[np.ndarray]:
        """The collected entries of each of the ``pairs``, in path order."""
        order = np.lexsort((-self.step, self.pair))
        bounds = np.searchsorted(self.pair[order], np.arange(pairs + 1))
        entries = self.entry[order]
        return [entries[bounds[i] : bounds[i + 1]] for i in range(pairs)]


def path_sums(
    reduced: Reduced,
    dist: np.ndarray,
    pred: np.ndarray,
    rows: np.ndarray,
    targets: np.ndarray,
    values: np.ndarray,
    collect: np.ndarray | None = None,
) -> PathSums:
    """Sum ``values`` along the shortest path of every pair (rows[i] -> targets[i]).

    Parameters
    ----------
    reduced : Reduced
    dist, pred : numpy.ndarray
        Distances and predecessors from :func:`shortest_paths` (one row per source).
    rows, targets : numpy.ndarray
        For each pair, its row of ``pred`` and its target node.
    values : numpy.ndarray
        (k, entries) values to sum, e.g. hours, km and USD of each entry.
    collect : numpy.ndarray of bool, optional
        Entries to report when a path uses them (crossings, place changes).

    Returns
    -------
    PathSums
        sums (pairs, k), NaN for unreachable pairs; a pair whose target is its source sums
        to zero.

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> G = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (0, 2, {"w": 5.0})])
    >>> _, reduced = compile_graph(G, weight="w")
    >>> dist, pred = shortest_paths(reduced, [0])
    >>> found = path_sums(reduced, dist, pred, np.array([0, 0]), np.array([2, 1]),
    ...                   reduced.weight[None, :])
    >>> found.sums.tolist()
    [[3.0], [1.0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    node = np.asarray(targets, dtype=np.int64).copy()
    reached = np.isfinite(dist[rows, node])
    sums = np.zeros((len(node), len(values)))
    sums[~reached] = np.nan
    pairs, steps, entries = [], [], []
    active = np.flatnonzero(pred[rows, node] >= 0)
    step = 0
    while active.size:
        up = pred[rows[active], node[active]]
        entry = reduced.positions(up, node[active])
        sums[active] += values[:, entry].T
        if collect is not None:
            picked = collect[entry]
            pairs.append(active[picked])
            steps.append(np.full(int(picked.sum()), step))
            entries.append(entry[picked])
        node[active] = up
        active = active[pred[rows[active], up] >= 0]
        step += 1
    if collect is None or not pairs:
        empty = np.empty(0, dtype=np.int64)
        return PathSums(sums, reached, empty, empty, empty)
    return PathSums(
        sums, reached, np.concatenate(pairs), np.concatenate(steps), np.concatenate(entries)
    )
