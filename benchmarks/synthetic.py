"""A synthetic road/rail-like graph for the benchmarks: a square grid with 30% of its
segments removed (mean degree about 2.8), nodes jittered, edge lengths in km."""

from __future__ import annotations

import networkx as nx
import numpy as np


def grid_network(nodes: int, seed: int = 0) -> nx.Graph:
    """An undirected graph of about ``nodes`` nodes with ``length`` and ``minutes`` on its
    edges (the largest connected component of the thinned grid)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(nodes / 0.93)))
    index = np.arange(side * side).reshape(side, side)
    xy = np.stack(np.divmod(np.arange(side * side), side), axis=1) + rng.uniform(
        -0.3, 0.3, (side * side, 2)
    )
    u = np.concatenate([index[:, :-1].ravel(), index[:-1, :].ravel()])
    v = np.concatenate([index[:, 1:].ravel(), index[1:, :].ravel()])
    kept = rng.random(len(u)) < 0.7
    u, v = u[kept], v[kept]
    length = np.hypot(*(xy[u] - xy[v]).T) * 1.5  # km
    minutes = length / rng.choice([60.0, 80.0, 100.0], len(u)) * 60
    G = nx.Graph()
    G.add_edges_from(
        (a, b, {"length": la, "minutes": mi})
        for a, b, la, mi in zip(
            u.tolist(), v.tolist(), length.tolist(), minutes.tolist(), strict=True
        )
    )
    largest = max(nx.connected_components(G), key=len)
    return G.subgraph(sorted(largest)).copy()
