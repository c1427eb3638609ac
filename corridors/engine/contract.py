"""A graph contracted to the nodes a skim asks for: dead ends go, and each chain of nodes with
two neighbours becomes one edge, so a search visits far fewer nodes.

Distances between the nodes kept are those of the whole graph; any other total along a path
is the sum of its chains' totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridors.engine.compiled import Reduced, cheapest

__all__ = ["Contracted", "contract"]


@dataclass(frozen=True, eq=False)
class Contracted:
    """A :class:`Reduced` graph on some nodes of a larger one.

    Attributes
    ----------
    reduced : Reduced
        The contracted graph; its ``edge`` gives each entry's chain.
    nodes : numpy.ndarray
        The node of the larger graph for each node here (ascending).
    bounds, members : numpy.ndarray
        The entries of the larger graph along chain i, in path order:
        ``members[bounds[i]:bounds[i + 1]]``.
    """

    reduced: Reduced
    nodes: np.ndarray
    bounds: np.ndarray
    members: np.ndarray

    def where(self, nodes) -> np.ndarray:
        """The index here of each of ``nodes`` (of the larger graph), which must be kept."""
        nodes = np.asarray(nodes, dtype=np.int64)
        found = np.searchsorted(self.nodes, nodes).clip(max=len(self.nodes) - 1)
        if len(nodes) and not (self.nodes[found] == nodes).all():
            msg = f"node {nodes[self.nodes[found] != nodes][0]} was contracted away"
            raise KeyError(msg)
        return found

    def totals(self, values: np.ndarray) -> np.ndarray:
        """(k, entries) ``values`` of the larger graph's entries summed along each entry's
        chain."""
        values = np.asarray(values, dtype=np.float64)
        if not len(self.members):
            return np.zeros((len(values), 0))
        by_chain = np.add.reduceat(values[:, self.members], self.bounds[:-1], axis=1)
        return by_chain[:, self.reduced.edge]


def contract(reduced: Reduced, keep) -> Contracted:
    """The graph of ``reduced`` with every node outside ``keep`` that lies on no path between
    two others removed, and every chain of nodes with two neighbours each made one edge.

    Parameters
    ----------
    reduced : Reduced
    keep : array-like of int
        Nodes that must stay (the sources and targets of a skim).

    Returns
    -------
    Contracted
        Two parallel chains keep the cheaper, ties going to the first found.

    Examples
    --------
    A line 0 - 1 - 2 - 3 with a dead end 4 hanging from 1: keeping 0 and 3 leaves one edge
    each way, of the line's length.

    >>> from corridors.engine import compile_arrays
    >>> _, reduced = compile_arrays([0, 1, 2, 1], [1, 2, 3, 4], [1.0, 2.0, 4.0, 8.0],
    ...                             directed=False)
    >>> small = contract(reduced, [0, 3])
    >>> small.nodes.tolist(), small.reduced.weight.tolist()
    ([0, 3], [7.0, 7.0])
    """
    from corridors.engine.kernels import chains, prune

    n = reduced.n
    terminal = np.zeros(n, dtype=np.bool_)
    terminal[np.asarray(keep, dtype=np.int64)] = True
    uptr, neighbours = _neighbours(reduced)
    alive, count = prune(uptr, neighbours, terminal)
    kept = alive & (terminal | (count != 2))
    indptr, heads = reduced.indptr.astype(np.int64), reduced.head.astype(np.int64)
    ends = np.empty((2, len(heads)), dtype=np.int64)
    members = np.empty(len(heads), dtype=np.int64)
    bounds = np.zeros(len(heads) + 1, dtype=np.int64)
    found = chains(indptr, heads, uptr, neighbours, alive, kept, ends, members, bounds)
    bounds = bounds[: found + 1]
    members = members[: bounds[-1]]
    weight = np.add.reduceat(reduced.weight[members], bounds[:-1]) if found else np.zeros(0)
    nodes = np.flatnonzero(kept)
    renumber = np.cumsum(kept) - 1
    tail, head = renumber[ends[0, :found]], renumber[ends[1, :found]]
    small = cheapest(len(nodes), tail, head, weight, np.arange(found, dtype=np.int32))
    return Contracted(small, nodes, bounds, members)


def _neighbours(reduced: Reduced) -> tuple[np.ndarray, np.ndarray]:
    """Each node's distinct neighbours, either way, self excluded, in CSR layout."""
    n = reduced.n
    a = np.concatenate([reduced.tail, reduced.head]).astype(np.int64)
    b = np.concatenate([reduced.head, reduced.tail]).astype(np.int64)
    pairs = np.unique(a[a != b] * n + b[a != b])
    uptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs // n, minlength=n), out=uptr[1:])
    return uptr, pairs % n
