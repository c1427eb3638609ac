"""A directed graph compiled to edge arrays, and its reductions to CSR matrices.

An :class:`Engine` holds one row per edge (tail, head, named float values) and an index of
tags (``("country", "KAZ")`` -> the edges that carry it), so a set of constraints is a
boolean mask over the edges. :meth:`Engine.reduce` keeps the allowed edges, the cheapest of
each node pair for a weight, as a CSR matrix for ``scipy.sparse.csgraph`` and the kernels of
:mod:`corridors.engine.brandes`. Graphs built elsewhere (OpenStreetMap, a user's own) come
in through :func:`compile_graph`.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import networkx as nx
    from scipy.sparse import csr_matrix

__all__ = ["Engine", "Reduced", "cheapest", "compile_arrays", "compile_graph"]

NO_EDGES = np.empty(0, dtype=np.int64)
NO_NODE = -9999  # scipy's predecessor of a source or an unreached node


@dataclass(eq=False)
class Engine:
    """A directed graph as edge arrays.

    Attributes
    ----------
    nodes : sequence
        The label of each node index.
    tail, head : numpy.ndarray
        Node indices of each edge (int32).
    values : dict of str to numpy.ndarray
        Float values of each edge (``hours``, ``km`` …, or the weight of a compiled graph).
    tags : dict
        ``(kind, value)`` -> indices of the edges that carry it, for masks.
    node_place : numpy.ndarray, optional
        For graphs with several nodes per place (the routing graph): each node's place
        index, so paths that come back to a place can be found.
    data : list of dict, optional
        The source graph's attributes of each edge, for reports.
    """

    nodes: Sequence[Hashable]
    tail: np.ndarray
    head: np.ndarray
    values: dict[str, np.ndarray]
    tags: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    node_place: np.ndarray | None = None
    data: list[dict] | None = None
    _index: dict | None = field(default=None, repr=False)
    _tag_values: dict = field(default_factory=dict, repr=False)
    _pair_order: np.ndarray | None = field(default=None, repr=False)
    _reductions: int = field(default=0, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def index(self) -> dict:
        """Node label -> node index (built on first use)."""
        if self._index is None:
            self._index = {node: i for i, node in enumerate(self.nodes)}
        return self._index

    def tag_values(self, kind: str) -> frozenset[str]:
        """The values of the tags of one kind (``mode``: rail, road …)."""
        if kind not in self._tag_values:
            self._tag_values[kind] = frozenset(v for k, v in self.tags if k == kind)
        return self._tag_values[kind]

    def mask(self, barred: Iterable[tuple[str, str]]) -> np.ndarray:
        """The edges that carry none of the ``barred`` tags."""
        keep = np.ones(len(self.tail), dtype=bool)
        for tag in barred:
            keep[self.tags.get(tag, NO_EDGES)] = False
        return keep

    def reduce(self, weight: np.ndarray, keep: np.ndarray | None = None) -> Reduced:
        """The kept edges with their ``weight``, one per node pair: the cheapest, ties going
        to the first in edge order.

        Raises
        ------
        ValueError
            A kept edge with a negative or non-finite weight.
        """
        every = keep is None
        chosen = np.arange(len(self.tail), dtype=np.int32)
        if not every:
            chosen = chosen[keep]
        w = weight if every else weight[chosen]
        bad = ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            first = int(chosen[np.argmax(bad)])
            label = self.data[first].get("element", first) if self.data else first
            msg = f"edge {label} has a weight of {w[np.argmax(bad)]}: it cannot be routed"
            raise ValueError(msg)
        self._reductions += 1
        if self._reductions == 1:  # one sort; a graph reduced once (compiled) keeps nothing
            tail = self.tail if every else self.tail[chosen]
            head = self.head if every else self.head[chosen]
            return cheapest(self.n, tail, head, w, chosen)
        if self._pair_order is None:  # by (tail, head), then edge order: kept from now on
            self._pair_order = np.lexsort((self.head, self.tail))
        order = self._pair_order if every else self._pair_order[keep[self._pair_order]]
        edges = np.arange(len(self.tail), dtype=np.int32)
        return cheapest(self.n, self.tail, self.head, weight, edges, order=order)

    @property
    def nbytes(self) -> int:
        """Memory held by the edge arrays (not the labels or tags), the order kept for
        reductions included."""
        arrays = [self.tail, self.head, *self.values.values()]
        if self._pair_order is not None:
            arrays.append(self._pair_order)
        return sum(a.nbytes for a in arrays)

    def to_networkx(self, names: Sequence[str] | None = None) -> nx.MultiDiGraph:
        """The graph as a networkx multigraph: one edge per row, keyed by its row, with its
        values (or only those ``names``) as attributes."""
        import networkx as nx

        G = nx.MultiDiGraph()
        G.add_nodes_from(self.nodes)
        wanted = list(self.values) if names is None else list(names)
        columns = [self.values[name].tolist() for name in wanted]
        for i, (u, v) in enumerate(zip(self.tail.tolist(), self.head.tolist(), strict=True)):
            attrs = {name: column[i] for name, column in zip(wanted, columns, strict=True)}
            G.add_edge(self.nodes[u], self.nodes[v], key=i, **attrs)
        return G


@dataclass(frozen=True, eq=False)
class Reduced:
    """A graph with at most one edge per node pair, in CSR layout: the entries of node u are
    ``indptr[u]:indptr[u + 1]``, sorted by head. ``edge`` gives, for each entry, the row of
    the :class:`Engine` it came from."""

    n: int
    indptr: np.ndarray
    head: np.ndarray
    weight: np.ndarray
    edge: np.ndarray

    @functools.cached_property
    def tail(self) -> np.ndarray:
        """The tail node of each entry."""
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.indptr))

    @functools.cached_property
    def matrix(self) -> csr_matrix:
        """The CSR matrix (zero weights kept as explicit entries: they are edges); made once."""
        from scipy.sparse import csr_matrix  # not imported by a command that routes once

        return csr_matrix((self.weight, self.head, self.indptr), shape=(self.n, self.n))

    def submatrix(self, keep: np.ndarray) -> csr_matrix:
        """The CSR matrix of the entries where ``keep`` is true."""
        from scipy.sparse import csr_matrix

        indptr = np.zeros(self.n + 1, dtype=np.int32)
        np.cumsum(np.bincount(self.tail[keep], minlength=self.n), out=indptr[1:])
        return csr_matrix((self.weight[keep], self.head[keep], indptr), shape=(self.n, self.n))

    @functools.cached_property
    def _keys(self) -> np.ndarray:
        """tail * n + head of each entry: sorted, as the entries are."""
        return self.tail.astype(np.int64) * self.n + self.head

    def positions(self, tails, heads) -> np.ndarray:
        """The entry of each edge tails[i] -> heads[i] (which must exist)."""
        return np.searchsorted(self._keys, np.asarray(tails, dtype=np.int64) * self.n + heads)

    def out_entries(self, node: int) -> np.ndarray:
        """The entries that leave ``node``."""
        return np.arange(self.indptr[node], self.indptr[node + 1])

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return sum(a.nbytes for a in (self.indptr, self.head, self.weight, self.edge))


def cheapest(n: int, tail, head, weight, edge, order=None) -> Reduced:
    """The edges tail[i] -> head[i] on n nodes as a :class:`Reduced` graph, keeping the
    cheapest of each node pair, ties going to the first; ``edge`` labels each. ``order``,
    when given, lists the edges to take, sorted by (tail, head) and then their own order (a
    stable sort, which it saves at the cost of more arrays meanwhile).

    Examples
    --------
    >>> import numpy as np
    >>> r = cheapest(2, np.array([0, 0, 1]), np.array([1, 1, 0]), np.array([2.0, 1.0, 3.0]),
    ...              np.array([10, 11, 12]))
    >>> r.indptr.tolist(), r.weight.tolist(), r.edge.tolist()
    ([0, 1, 2], [1.0, 3.0], [11, 12])
    """
    if order is None:  # one sort, by (tail, head, weight): the first of each pair
        order = np.lexsort((weight, head, tail))
        pick = order[np.flatnonzero(_pair_starts(tail[order], head[order]))]
    else:
        pick = order[_first_lowest(tail[order], head[order], weight[order])]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(tail[pick], minlength=n), out=indptr[1:])
    return Reduced(n, indptr, head[pick].astype(np.int32, copy=False), weight[pick], edge[pick])


def _first_lowest(tail, head, weight) -> np.ndarray:
    """In edges sorted by (tail, head), the first of each pair's lowest weight."""
    if not len(tail):
        return np.zeros(0, dtype=np.int64)
    new = _pair_starts(tail, head)
    starts = np.flatnonzero(new)
    lowest = np.minimum.reduceat(weight, starts)
    at_lowest = np.flatnonzero(weight == np.repeat(lowest, np.diff(starts, append=len(tail))))
    group = np.cumsum(new)[at_lowest]
    return at_lowest[np.r_[True, group[1:] != group[:-1]]]


def _pair_starts(tail, head) -> np.ndarray:
    """Where, in edges sorted by (tail, head), each node pair's run begins."""
    new = np.ones(len(tail), dtype=bool)
    new[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    return new


def compile_graph(G: nx.Graph, weight: str = "weight") -> tuple[Engine, Reduced]:
    """Compile a networkx graph with a numeric edge attribute for the engine.

    This is how graphs not built from ``data/`` (an OpenStreetMap network from osmnx, a
    user's own) reach the skims and centrality kernels. An undirected graph gives an edge
    each way; parallel edges keep the cheapest.

    Parameters
    ----------
    G : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
    weight : str
        The edge attribute to minimise.

    Returns
    -------
    Engine, Reduced
        The edge arrays (values ``{weight: ...}``) and their reduction on ``weight``.

    Raises
    ------
    ValueError
        An edge without ``weight``, or with a negative or non-finite one.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", length=2.0)
    >>> engine, reduced = compile_graph(G, weight="length")
    >>> engine.n, len(reduced.edge), float(reduced.matrix[0, 1])
    (2, 2, 2.0)
    """
    nodes = list(G.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    tails, heads, weights = [], [], []
    for u, v, value in G.edges(data=weight):
        if value is None:
            msg = f"edge {u!r} -> {v!r} has no {weight!r} attribute"
            raise ValueError(msg)
        if not 0 <= value < np.inf:
            msg = f"edge {u!r} -> {v!r} has a {weight} of {value}: it cannot be routed"
            raise ValueError(msg)
        tails.append(index[u])
        heads.append(index[v])
        weights.append(value)
    return compile_arrays(
        tails, heads, weights, nodes=nodes, directed=G.is_directed(), name=weight
    )


def compile_arrays(
    tail,
    head,
    weights,
    *,
    nodes: Sequence | None = None,
    directed: bool = True,
    name: str = "weight",
) -> tuple[Engine, Reduced]:
    """Compile an edge list for the engine: no networkx graph needed.

    Parameters
    ----------
    tail, head : array-like of int
        Each edge's end nodes, as indices 0 .. n-1.
    weights : array-like of float
        Each edge's cost to minimise: finite and not negative.
    nodes : sequence, optional
        The node names (``range(n)`` when omitted, n one more than the largest index).
    directed : bool
        False gives each edge both ways.
    name : str
        The name of the weight in ``engine.values``.

    Returns
    -------
    Engine, Reduced
        As :func:`compile_graph`; parallel edges keep the cheapest.

    Raises
    ------
    ValueError
        Arrays of different lengths, an index out of range, or a weight negative or not
        finite, naming the first such edge.

    Examples
    --------
    >>> engine, reduced = compile_arrays([0, 1], [1, 2], [2.0, 3.5], directed=False)
    >>> engine.n, len(reduced.edge), float(reduced.matrix[2, 1])
    (3, 4, 3.5)
    >>> compile_arrays([0], [5], [1.0], nodes=["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: edge 0: head 5 is not a node index 0..1
    """
    tail, head = np.asarray(tail), np.asarray(head)
    weights = np.asarray(weights, dtype=float)
    if not (tail.ndim == head.ndim == weights.ndim == 1) or not (
        len(tail) == len(head) == len(weights)
    ):
        msg = (
            f"tail, head and weights must be 1-d and of one length, not {tail.shape}, "
            f"{head.shape} and {weights.shape}"
        )
        raise ValueError(msg)
    n = (
        len(nodes)
        if nodes is not None
        else int(max(tail.max(initial=-1), head.max(initial=-1))) + 1
    )
    for label, ends in (("tail", tail), ("head", head)):
        if len(ends) and (
            not np.issubdtype(ends.dtype, np.integer) or ends.min() < 0 or ends.max() >= n
        ):
            bad = int(np.flatnonzero(~np.isin(ends, np.arange(n)))[0])
            msg = f"edge {bad}: {label} {ends[bad]} is not a node index 0..{n - 1}"
            raise ValueError(msg)
    wrong = np.flatnonzero(~((weights >= 0) & np.isfinite(weights)))
    if wrong.size:
        bad = int(wrong[0])
        msg = f"edge {bad}: {name} {weights[bad]} cannot be routed (negative or not finite)"
        raise ValueError(msg)
    tail, head = tail.astype(np.int32), head.astype(np.int32)
    if not directed:  # each edge both ways, one after the other
        tail, head = np.column_stack([tail, head]).ravel(), np.column_stack([head, tail]).ravel()
        weights = np.repeat(weights, 2)
    labels = list(nodes) if nodes is not None else range(n)
    engine = Engine(labels, tail, head, {name: weights})
    del tail, head, weights  # only the engine's arrays stay while it is reduced
    return engine, engine.reduce(engine.values[name])
