"""Brandes' betweenness on a reduced graph, compiled with numba.

The kernel is networkx's own algorithm (``_single_source_dijkstra_path_basic`` and the
subset accumulation) step for step: the same heap order, ties where two path lengths are
exactly equal, the same shortest-path counts. So it gives networkx's values, to rounding,
on the same graph, many times faster. Scipy's Dijkstra cannot serve here: it keeps one
predecessor per node and loses the ties.
"""

from __future__ import annotations

import heapq

import numba
import numpy as np

from corridors.engine.compiled import Reduced

__all__ = ["Betweenness", "betweenness"]


class Betweenness:
    """Per node and per entry of the reduced graph, the (source, target) pairs whose
    shortest paths pass, ties shared by path counts; ``reached`` counts each source's
    targets."""

    def __init__(self, nodes: np.ndarray, entries: np.ndarray, reached: np.ndarray):
        self.nodes, self.entries, self.reached = nodes, entries, reached


def betweenness(reduced: Reduced, sources, targets=None, skip=None) -> Betweenness:
    """Betweenness of nodes and edges, counted over the pairs from ``sources`` to
    ``targets`` (every node when None), not normalised.

    Parameters
    ----------
    reduced : Reduced
    sources, targets : sequence of int
        Node indices.
    skip : sequence of int, optional
        For each source, a target not to count in ``reached`` (-1 for none).

    Examples
    --------
    >>> import networkx as nx
    >>> from corridors.engine import compile_graph
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("s", "a", 1), ("s", "b", 1), ("a", "t", 1),
    ...                            ("b", "t", 1)])
    >>> _, reduced = compile_graph(G)
    >>> found = betweenness(reduced, [0])
    >>> found.nodes.tolist(), found.entries.tolist()
    ([0.0, 0.5, 0.5, 0.0], [1.5, 1.5, 0.5, 0.5])
    """
    sources = np.asarray(sources, dtype=np.int64)
    is_target = np.ones(reduced.n, dtype=np.bool_)
    if targets is not None:
        is_target[:] = False
        is_target[np.asarray(targets, dtype=np.int64)] = True
    skip = np.full(len(sources), -1, dtype=np.int64) if skip is None else np.asarray(skip)
    nodes = np.zeros(reduced.n)
    entries = np.zeros(len(reduced.edge))
    reached = np.zeros(len(sources), dtype=np.int64)
    if len(sources):
        _brandes(
            reduced.indptr.astype(np.int64),
            reduced.head.astype(np.int64),
            reduced.weight.astype(np.float64),
            sources,
            is_target,
            skip.astype(np.int64),
            nodes,
            entries,
            reached,
        )
    return Betweenness(nodes, entries, reached)


@numba.njit(cache=True)
def _brandes(indptr, indices, data, sources, is_target, skip, nodes, entries, reached):
    n = indptr.size - 1
    tail_of = np.empty(indices.size, np.int64)
    for u in range(n):
        tail_of[indptr[u] : indptr[u + 1]] = u
    sigma = np.zeros(n)
    seen = np.full(n, np.inf)
    done = np.zeros(n, np.bool_)
    delta = np.zeros(n)
    order = np.empty(n, np.int64)
    # predecessor lists as linked lists in a pool: each edge is relaxed once per source
    first = np.full(n, -1, np.int64)
    following = np.empty(indices.size, np.int64)
    via = np.empty(indices.size, np.int64)
    for i in range(sources.size):
        s = sources[i]
        sigma[:] = 0.0
        seen[:] = np.inf
        done[:] = False
        delta[:] = 0.0
        first[:] = -1
        pool = 0
        count = 0
        found = 0
        sigma[s] = 1.0
        seen[s] = 0.0
        heap = [(0.0, 0, s, s)]
        while len(heap) > 0:
            dist, _, pred, v = heapq.heappop(heap)
            if done[v]:
                continue
            sigma[v] += sigma[pred]
            order[found] = v
            found += 1
            done[v] = True
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                vw = dist + data[k]
                if not done[w] and vw < seen[w]:
                    seen[w] = vw
                    count += 1
                    heapq.heappush(heap, (vw, count, v, w))
                    sigma[w] = 0.0
                    via[pool] = k
                    following[pool] = -1
                    first[w] = pool
                    pool += 1
                elif vw == seen[w]:
                    sigma[w] += sigma[v]
                    via[pool] = k
                    following[pool] = first[w]
                    first[w] = pool
                    pool += 1
        for j in range(found - 1, -1, -1):
            w = order[j]
            counted = is_target[w] and w != s
            coeff = ((1.0 if counted else 0.0) + delta[w]) / sigma[w]
            p = first[w]
            while p >= 0:
                k = via[p]
                c = sigma[tail_of[k]] * coeff
                entries[k] += c
                delta[tail_of[k]] += c
                p = following[p]
            if w != s:
                nodes[w] += delta[w]
            if counted and w != skip[i]:
                reached[i] += 1
