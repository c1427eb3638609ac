"""Brandes' betweenness on a reduced graph, compiled with numba.

The kernel (:func:`corridors.engine.kernels.brandes`) is networkx's own algorithm
(``_single_source_dijkstra_path_basic`` and the subset accumulation) step for step: the
same heap order, ties where two path lengths are exactly equal, the same shortest-path
counts. So it gives networkx's values, to rounding, on the same graph, many times faster.
Scipy's Dijkstra cannot serve here: it keeps one predecessor per node and loses the ties.
Where edges weigh zero, which of two equally short paths are counted depends, in networkx
too, on the order the search meets the edges; the kernel meets them in CSR order.
"""

from __future__ import annotations

import numpy as np

from corridors.engine.compiled import Reduced

__all__ = ["Betweenness", "betweenness"]


class Betweenness:
    """Per node and per entry of the reduced graph, the (source, target) pairs whose
    shortest paths pass, ties shared by path counts; ``reached`` counts each source's
    targets."""

    def __init__(self, nodes: np.ndarray, entries: np.ndarray, reached: np.ndarray):
        self.nodes, self.entries, self.reached = nodes, entries, reached


def betweenness(
    reduced: Reduced,
    sources,
    targets=None,
    skip=None,
    *,
    source_group=None,
    target_group=None,
    within: bool = True,
) -> Betweenness:
    """Betweenness of nodes and edges, counted over the pairs from ``sources`` to
    ``targets`` (every node when None), not normalised.

    Parameters
    ----------
    reduced : Reduced
    sources, targets : sequence of int
        Node indices.
    skip : sequence of int, optional
        For each source, a target not to count in ``reached`` (-1 for none).
    source_group, target_group : sequence of int, optional
        A group (a country, say) for each source and each target: only the pairs of one
        group are counted when ``within``, only those of two different groups otherwise.
        One call then does the work of one call per group.

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
    group = np.zeros(reduced.n, dtype=np.int64)
    if targets is not None:
        group[:] = -1
        targets = np.asarray(targets, dtype=np.int64)
        group[targets] = 0 if target_group is None else np.asarray(target_group)
    elif target_group is not None:
        group[:] = np.asarray(target_group)
    if source_group is None:
        source_group = np.zeros(len(sources), dtype=np.int64)
    skip = np.full(len(sources), -1, dtype=np.int64) if skip is None else np.asarray(skip)
    nodes = np.zeros(reduced.n)
    entries = np.zeros(len(reduced.edge))
    reached = np.zeros(len(sources), dtype=np.int64)
    if len(sources):
        from corridors.engine.kernels import brandes

        brandes(
            reduced.indptr.astype(np.int64),
            reduced.head.astype(np.int64),
            reduced.weight.astype(np.float64),
            sources,
            np.asarray(source_group, dtype=np.int64),
            group,
            within,
            skip.astype(np.int64),
            nodes,
            entries,
            reached,
        )
    return Betweenness(nodes, entries, reached)
