"""The physical network as a networkx graph, each edge timed and costed as the routing
graph charges its fastest way over it.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.graph.routing_graph import routing_graph
from corridors.network.model import CRS, Network, check_network

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["fastest_edges", "to_networkx"]


def to_networkx(network: Network) -> nx.MultiDiGraph:
    """The physical network as a directed multigraph.

    Nodes are place ids (``x``/``y`` are lon/lat); every link gives an edge each way
    keyed by link id; every crossing gives an edge each way, keyed by crossing id, with
    the dwell hours of that direction. Every edge carries ``hours`` and ``cost_usd`` of
    the fastest way over it in the routing graph (a link's fastest service, a crossing's
    dwell, handling and haul). ``G.graph["crs"]`` is ``"EPSG:4326"``.

    Examples
    --------
    >>> from corridors import load_network
    >>> G = to_networkx(load_network())
    >>> G.graph["crs"]
    'EPSG:4326'
    >>> G.edges["alashankou", "dostyk", "alashankou-dostyk"]["kind"]
    'crossing'
    >>> round(G.edges["chongqing", "chengdu", "chongqing-chengdu-rail"]["hours"], 1)
    11.0
    """
    import networkx as nx

    check_network(network)
    fastest = fastest_edges(network)
    G = nx.MultiDiGraph(crs=CRS, created_with=f"corridors {version('corridors')}")
    for row in network.places.sort_index().itertuples():
        G.add_node(
            row.Index,
            x=row.lon,
            y=row.lat,
            name_en=row.name_en,
            name_zh=row.name_zh,
            kind=row.kind,
            iso3=row.iso3,
        )
    for link in network.links.sort_index().to_dict("records"):
        attrs = {
            "kind": "link",
            "mode": link["mode"],
            "km": link["km"],
            "status": link["status"],
            "gauge": ";".join(str(g) for g in link["gauge"]),
            "cost_class": link["cost_class"],
            "passages": ";".join(link["passages"]),
        }
        for a, b in ((link["from"], link["to"]), (link["to"], link["from"])):
            G.add_edge(a, b, key=link["id"], **attrs, **fastest.get((link["id"], a, b), {}))
    for crossing in network.crossings.sort_index().to_dict("records"):
        attrs = {
            "kind": "crossing",
            "mode": crossing["mode"],
            "km": crossing["km"],
            "status": crossing["status"],
        }
        for a, b, dwell in (
            (crossing["from"], crossing["to"], crossing["dwell_hours_out"]),
            (crossing["to"], crossing["from"], crossing["dwell_hours_in"]),
        ):
            timed = fastest.get((crossing["id"], a, b), {})
            G.add_edge(a, b, key=crossing["id"], dwell_hours=dwell, **attrs, **timed)
    return G


def fastest_edges(network: Network) -> dict[tuple[str, str, str], dict[str, float]]:
    """(element, from, to) -> hours and cost_usd of its fastest routing-graph edge."""
    graph = routing_graph(network)
    engine = graph.engine
    place = np.array(graph.places, dtype=object)[engine.node_place]
    edges = pd.DataFrame(
        {
            "element": graph.elements,
            "a": place[engine.tail],
            "b": place[engine.head],
            "hours": engine.values["hours"],
            "cost_usd": engine.values["cost_usd"],
        }
    )
    edges = edges[edges.a != edges.b].sort_values(["hours", "cost_usd"], kind="stable")
    first = edges.drop_duplicates(["element", "a", "b"])
    return {
        (e, a, b): {"hours": float(h), "cost_usd": float(c)}
        for e, a, b, h, c in first.itertuples(index=False)
    }
