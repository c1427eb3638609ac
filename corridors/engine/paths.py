"""Shortest paths on a reduced graph, and totals along them from the predecessor trees.

The searches are ``scipy.sparse.csgraph.dijkstra``; the totals walk every requested path
from its target up the predecessor tree in a compiled (numba) loop. Paths under route()'s
rules (:func:`rule_paths`) are searched pair by pair by the compiled search of
:mod:`corridors.engine.dijkstra`, which keeps scipy's paths. A command that routes once
searches in Python instead (:func:`searches_in_python`), in scipy's order too.
"""

from __future__ import annotations

import contextlib
import heapq
import math
from collections.abc import Iterator

import numpy as np

from corridors.engine.compiled import NO_NODE, Reduced
from corridors.engine.contract import contract

__all__ = [
    "PathSums",
    "every_node_sums",
    "path_sums",
    "paths_to",
    "rule_paths",
    "searches_in_python",
    "shortest_paths",
    "skim_matrix",
]

_in_python = False  # set by searches_in_python()

# Collected entries per path that path_sums() makes room for before its walk; it walks
# again with the exact room when there are more (a skim's route between two countries
# changes place about 9 times on the default network, within one about 4).
FOUND_PER_PATH = 12


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
    indices = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    if not len(indices):
        empty = np.empty((0, reduced.n))
        return empty, empty.astype(np.int32)
    if _in_python:
        found = [_heap_search(reduced, int(source), keep) for source in indices]
        dist, pred = zip(*found, strict=True)
        return np.array(dist), np.array(pred, dtype=np.int32)
    from scipy.sparse.csgraph import dijkstra

    matrix = reduced.matrix if keep is None or keep.all() else reduced.submatrix(keep)
    dist, pred = dijkstra(matrix, indices=indices, return_predecessors=True)
    return np.atleast_2d(dist), np.atleast_2d(pred)


def paths_to(
    reduced: Reduced, source: int, targets, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distances and predecessors from ``source`` on the entries ``keep``, exact for the
    ``targets`` and every node on their paths: the compiled search of
    :mod:`corridors.engine.dijkstra`, which stops once every target is finished and keeps
    scipy's path where paths tie (within :func:`searches_in_python`, a Python search of the
    whole graph). Unreached targets have an infinite distance.

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> G = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (0, 2, {"w": 5.0})])
    >>> _, reduced = compile_graph(G, weight="w")
    >>> dist, pred = paths_to(reduced, 0, [2])
    >>> float(dist[2]), pred.tolist()
    (3.0, [-9999, 0, 1])
    """
    if _in_python:
        dist, pred = _heap_search(reduced, int(source), keep)
        return np.array(dist), np.array(pred, dtype=np.int64)
    from corridors.engine.dijkstra import search

    n = reduced.n
    dist, pred = np.full(n, np.inf), np.full(n, NO_NODE, dtype=np.int64)
    every = np.ones(len(reduced.head), dtype=np.bool_) if keep is None else keep
    wanted = np.asarray(targets, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    search(reduced.indptr, reduced.head, reduced.weight, every, source, wanted, dist, pred, via)
    return dist, pred


@contextlib.contextmanager
def searches_in_python() -> Iterator[None]:
    """Within it, :func:`shortest_paths` and :func:`paths_to` search in Python (a heap, in
    scipy's order, so with scipy's paths and predecessors), importing neither scipy's graph
    routines nor numba: for a command that routes once, whose process would spend more
    importing them (about 0.14 s and 0.3 s) than searching (a few ms on the default
    network).

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> _, reduced = compile_graph(nx.DiGraph([(0, 1, {"w": 1.0})]), weight="w")
    >>> with searches_in_python():
    ...     shortest_paths(reduced, [0])[1].tolist()
    [[-9999, 0]]
    """
    global _in_python
    before, _in_python = _in_python, True
    try:
        yield
    finally:
        _in_python = before


def _heap_search(reduced: Reduced, source: int, keep) -> tuple[list[float], list[int]]:
    """Distances and predecessors from ``source`` as scipy (1.14 on) finds them: a heap of
    (distance, -node), so of two nodes at the same distance the higher finishes first, and
    a node keeps the first predecessor that reached it at its final distance."""
    indptr, heads, weights = (a.tolist() for a in (reduced.indptr, reduced.head, reduced.weight))
    allowed = None if keep is None else keep.tolist()
    dist, pred = [math.inf] * reduced.n, [NO_NODE] * reduced.n
    dist[source] = 0.0
    heap = [(0.0, -source)]
    while heap:
        d, v = heapq.heappop(heap)
        v = -v
        if d > dist[v]:
            continue  # stale: v was finished nearer
        for k in range(indptr[v], indptr[v + 1]):
            if allowed is None or allowed[k]:
                w, new = heads[k], d + weights[k]
                if new < dist[w]:
                    dist[w], pred[w] = new, v
                    heapq.heappush(heap, (new, -w))
    return dist, pred


class PathSums:
    """What :func:`path_sums` found: per pair, the sums and whether it is reachable, and
    the collected entries as parallel arrays (pair, step from the end, entry)."""

    def __init__(self, sums, reached, pair, step, entry):
        self.sums, self.reached = sums, reached
        self.pair, self.step, self.entry = pair, step, entry

    def repeating(self, label, end, use=None) -> np.ndarray:
        """The pairs (ascending) two of whose collected entries hold the same ``label``
        (one per collected entry), or one holds the pair's ``end`` label (one per pair);
        only the entries where ``use`` is true count. Each pair's entries lie together, as
        :func:`path_sums` and :func:`rule_paths` collect them."""
        from corridors.engine.kernels import repeats

        if use is None:
            use = np.ones(len(self.pair), dtype=np.bool_)
        found = repeats(self.pair, label, use, end, len(self.sums))
        return np.flatnonzero(found)

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
    targets = np.asarray(targets, dtype=np.int64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    reached = np.isfinite(dist[rows, targets])
    if collect is None and len(targets) * 4 > pred.size:
        # most of every tree is asked for: one pass per tree beats walking each path
        sums = _tree_totals(reduced, pred, values)[rows, :, targets]
        sums[~reached] = np.nan
        empty = np.empty(0, dtype=np.int64)
        return PathSums(sums, reached, empty, empty, empty)
    indptr, indices = reduced.indptr.astype(np.int64), reduced.head.astype(np.int64)
    sums = np.zeros((len(targets), len(values)))
    wanted = np.zeros(len(reduced.edge), dtype=np.bool_) if collect is None else collect
    from corridors.engine.kernels import walk

    # room for a few collected entries per path: walked again only when they are more
    found = np.empty((3, FOUND_PER_PATH * len(targets) if collect is not None else 0), np.int64)
    counted = walk(indptr, indices, pred, rows, targets, values, wanted, sums, found)
    if counted > found.shape[1]:
        found = np.empty((3, counted), dtype=np.int64)
        sums[:] = 0.0
        walk(indptr, indices, pred, rows, targets, values, wanted, sums, found)
    sums[~reached] = np.nan
    found = found[:, :counted]
    return PathSums(sums, reached, found[0], found[1], found[2])


def rule_paths(
    reduced: Reduced,
    sources: np.ndarray,
    targets: np.ndarray,
    *,
    place: np.ndarray,
    country: np.ndarray,
    element: np.ndarray,
    narrowed: np.ndarray,
    reenter: bool,
    retries: int,
    values: np.ndarray,
    collect: np.ndarray,
) -> PathSums:
    """Sum ``values`` along the best path of every pair (sources[i] -> targets[i]) that
    passes no ``place`` twice and enters no ``country`` it has left, or, where none does
    and ``reenter``, the best that passes no place twice.

    As :func:`corridors.graph.search.simple_paths` finds it (:func:`corridors.engine.
    dijkstra.rule_path`): each time a path breaks a rule, the entries that bring it back are
    barred and the pair searched again, at most ``retries`` times.

    Parameters
    ----------
    reduced : Reduced
    sources, targets : numpy.ndarray
        The pairs' end nodes.
    place, country : numpy.ndarray
        Integer labels of each node.
    element : numpy.ndarray
        An integer label of each entry: the entries of one element between the same two
        places are barred together.
    narrowed : numpy.ndarray of bool
        Pairs whose plain best path is known to come back to a country.
    reenter : bool
    retries : int
    values : numpy.ndarray
        (k, entries) values to sum.
    collect : numpy.ndarray of bool
        Entries to report when a path uses them.

    Returns
    -------
    PathSums
        sums NaN where a pair has no path; the collected entries as in :func:`path_sums`.

    Examples
    --------
    >>> from corridors.engine import compile_arrays
    >>> _, reduced = compile_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0])
    >>> found = rule_paths(
    ...     reduced, np.array([0]), np.array([2]), place=np.arange(3),
    ...     country=np.array([0, 1, 0]), element=np.arange(3), narrowed=np.array([False]),
    ...     reenter=True, retries=30, values=reduced.weight[None, :],
    ...     collect=np.ones(3, dtype=bool))
    >>> found.sums.tolist()  # not 2.0: 0 -> 1 -> 2 would come back to country 0
    [[5.0]]
    """
    from corridors.engine.dijkstra import rule_paths as search_pairs

    labels = (reduced.indptr, reduced.head, reduced.weight, reduced.tail, place, country, element)
    graph = tuple(a.astype(np.int64) if a.dtype.kind in "iu" else a for a in labels)
    no_country_left = np.zeros(int(country.max(initial=0)) + 1, dtype=np.bool_)
    sums, found = search_pairs(
        graph,
        np.asarray(sources, dtype=np.int64),
        np.asarray(targets, dtype=np.int64),
        np.asarray(narrowed, dtype=np.bool_),
        reenter,
        no_country_left,
        retries,
        np.ascontiguousarray(values, dtype=np.float64),
        np.asarray(collect, dtype=np.bool_),
    )
    return PathSums(sums, ~np.isnan(sums[:, 0]), found[0], found[1], found[2])


def every_node_sums(reduced: Reduced, pred: np.ndarray, values: np.ndarray, sources) -> np.ndarray:
    """Sum ``values`` along the shortest path from each source to every node: one pass per
    predecessor tree, and no (source, target) pair spelled out. It needs no distances, so
    a caller may drop them after the search: the memory it adds is then its result less
    theirs.

    Parameters
    ----------
    reduced : Reduced
    pred : numpy.ndarray
        Predecessors from :func:`shortest_paths` (one row per source).
    values : numpy.ndarray
        (k, entries) values to sum.
    sources : sequence of int
        The source of each row of ``pred``.

    Returns
    -------
    numpy.ndarray
        (sources, k, nodes) sums, NaN where a node is not reached, 0 at the source.

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> G = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (3, 0, {"w": 1.0})])
    >>> _, reduced = compile_graph(G, weight="w")
    >>> _, pred = shortest_paths(reduced, [0])
    >>> every_node_sums(reduced, pred, reduced.weight[None, :], [0]).tolist()
    [[[0.0, 1.0, 3.0, nan]]]
    """
    out = _tree_totals(reduced, pred, values)
    for row, source in enumerate(np.asarray(sources).tolist()):
        unreached = pred[row] < 0
        unreached[source] = False
        out[row][:, unreached] = np.nan
    return out


def skim_matrix(reduced: Reduced, sources, targets, values: np.ndarray) -> np.ndarray:
    """Sum ``values`` along the shortest path of every (source, target) pair, searching a
    graph contracted to the sources and targets (:func:`~corridors.engine.contract.contract`):
    dead ends dropped and chains of two-neighbour nodes made single edges. On a road network
    that is about half the nodes. Paths that tie may be broken differently from a search on
    the whole graph, so only totals of the weight itself are certain to equal
    :func:`path_sums`'.

    Parameters
    ----------
    reduced : Reduced
    sources, targets : sequence of int
        Node indices.
    values : numpy.ndarray
        (k, entries) values to sum, e.g. ``reduced.weight[None, :]``.

    Returns
    -------
    numpy.ndarray
        (sources, k, targets) sums, NaN where a target is not reached, 0 at the source.

    Examples
    --------
    >>> from corridors.engine import compile_arrays
    >>> _, reduced = compile_arrays([0, 1, 2, 1], [1, 2, 3, 4], [1.0, 2.0, 4.0, 8.0],
    ...                             directed=False)
    >>> skim_matrix(reduced, [0, 3], [0, 3, 4], reduced.weight[None, :]).tolist()
    [[[0.0, 7.0, 9.0]], [[7.0, 0.0, 14.0]]]
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    small = contract(reduced, np.concatenate([sources, targets]))
    starts, ends = small.where(sources), small.where(targets)
    dist, pred = shortest_paths(small.reduced, starts)
    rows = np.repeat(np.arange(len(starts)), len(ends))
    found = path_sums(
        small.reduced, dist, pred, rows, np.tile(ends, len(starts)), small.totals(values)
    )
    return found.sums.reshape(len(starts), len(ends), -1).transpose(0, 2, 1)


def _tree_totals(reduced: Reduced, pred: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(rows, k, nodes) sums along the predecessor trees; 0 where a node has no path."""
    from corridors.engine.kernels import tree_sums

    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.zeros((pred.shape[0], len(values), pred.shape[1]))
    indptr, indices = reduced.indptr.astype(np.int64), reduced.head.astype(np.int64)
    tree_sums(indptr, indices, pred, values, out)
    return out
