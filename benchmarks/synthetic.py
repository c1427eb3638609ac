"""A synthetic road/rail-like graph for the benchmarks: a square grid with 30% of its
segments removed (mean degree about 2.8), nodes jittered, edge lengths in km."""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def grid_arrays(nodes: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The graph of :func:`grid_network` as arrays: ``x``, ``y`` of each node and ``u``,
    ``v``, ``length``, ``minutes`` of each undirected edge, nodes renumbered 0..n-1 in their
    grid order (the largest connected component only)."""
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
    adjacency = coo_matrix((np.ones(len(u)), (u, v)), shape=(side * side, side * side))
    _, labels = connected_components(adjacency, directed=False)
    largest = np.argmax(np.bincount(labels))
    inside = labels == largest
    number = np.cumsum(inside) - 1
    edges = inside[u]  # both ends of an edge share its component
    return {
        "x": xy[inside, 0],
        "y": xy[inside, 1],
        "u": number[u[edges]],
        "v": number[v[edges]],
        "length": length[edges],
        "minutes": minutes[edges],
    }


def grid_network(nodes: int, seed: int = 0) -> nx.Graph:
    """An undirected graph of about ``nodes`` nodes with ``length`` and ``minutes`` on its
    edges (the largest connected component of the thinned grid)."""
    a = grid_arrays(nodes, seed)
    G = nx.Graph()
    G.add_nodes_from(
        (i, {"x": float(x), "y": float(y)})
        for i, (x, y) in enumerate(zip(a["x"], a["y"], strict=True))
    )
    G.add_edges_from(
        (p, q, {"length": la, "minutes": mi})
        for p, q, la, mi in zip(
            a["u"].tolist(),
            a["v"].tolist(),
            a["length"].tolist(),
            a["minutes"].tolist(),
            strict=True,
        )
    )
    return G


def write_osm(G: nx.Graph, path, degrees_per_unit: float = 0.01) -> None:
    """Write ``G`` as an OSM XML extract of railway=rail ways, one way per edge, nodes at
    lon/lat ``x``/``y`` times ``degrees_per_unit`` from (60 E, 40 N)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n')
        for node, data in G.nodes(data=True):
            lon = 60 + data["x"] * degrees_per_unit
            lat = 40 + data["y"] * degrees_per_unit
            out.write(f'<node id="{node + 1}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        for i, (u, v) in enumerate(G.edges, start=1):
            out.write(
                f'<way id="{i}" version="1"><nd ref="{u + 1}"/><nd ref="{v + 1}"/>'
                '<tag k="railway" v="rail"/><tag k="usage" v="main"/></way>\n'
            )
        out.write("</osm>\n")
