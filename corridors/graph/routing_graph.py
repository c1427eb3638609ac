"""The expanded routing graph: one node per (place, layer), charged edges between them.

A layer is a mode and the service that runs on it, with rail split by gauge
(``rail:1435/china_europe``, ``rail:1520/rail_1520``, ``sea/liner`` …), so a change of mode,
gauge or service is an edge that can be charged (:mod:`corridors.graph.costs`). Each place
also has a start node ``(place, "@from")`` and an end node ``(place, "@to")`` joined to its
layers at no cost, so a route may begin and end in any mode but never changes mode for free
on the way. The graph is built by :mod:`corridors.graph.expand`.

Users never see this graph: routes are reported in physical terms by
:mod:`corridors.analysis.routing`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corridors.engine import Engine, Reduced
from corridors.graph.constraints import Constraints, barred_tags
from corridors.graph.costs import generalized
from corridors.graph.expand import VALUES, compile_network
from corridors.network.model import Network

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CACHE_SIZE", "OBJECTIVES", "RoutingGraph", "check_objective", "routing_graph"]

OBJECTIVES = ("time", "cost", "generalized", "distance")


def check_objective(by: str) -> None:
    """Raise ValueError for an objective other than those of :data:`OBJECTIVES`."""
    if by not in OBJECTIVES:
        msg = f"unknown objective {by!r}; use one of {', '.join(OBJECTIVES)}"
        raise ValueError(msg)


# Reduced graphs kept per routing graph (one per objective and constraint set), oldest dropped.
CACHE_SIZE = 32


@dataclass(eq=False)
class RoutingGraph:
    """The expanded graph of a network, compiled for the engine, its values of time and of
    reliability (USD per FEU-hour, and per hour of P90 - P50) and the country (ISO3) of each
    place.

    ``engine`` holds the edges as arrays, in the order of their nodes (sorted) and keys,
    with tags for every constraint; :meth:`to_networkx` gives the same graph as networkx.
    ``countries`` lists the countries of the places, ``node_country`` gives each node's
    country as an index into it (so a path that comes back to a country can be found).
    ``elements`` names the element (link, crossing, transfer …) of each edge, and
    ``element_code`` numbers it.
    """

    engine: Engine
    value_of_time: float
    place_iso3: dict[str, str] = field(default_factory=dict, repr=False)
    places: list[str] = field(init=False, repr=False)
    elements: np.ndarray = field(init=False, repr=False)
    element_code: np.ndarray = field(init=False, repr=False)
    countries: list[str] = field(init=False, repr=False)
    node_country: np.ndarray = field(init=False, repr=False)
    value_of_reliability: float = 0.0
    _reduced: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        self.places = sorted({place for place, _ in self.engine.nodes})
        iso3 = [self.place_iso3.get(place, "") for place in self.places]
        self.countries = sorted(set(iso3))
        code = {country: i for i, country in enumerate(self.countries)}
        by_place = np.array([code[c] for c in iso3], dtype=np.int32)
        self.node_country = by_place[self.engine.node_place]
        self.elements = np.empty(len(self.engine.tail), dtype=object)
        self.element_code = np.empty(len(self.engine.tail), dtype=np.int64)
        named = (item for item in self.engine.tags.items() if item[0][0] == "element")
        for code, ((_, value), edges) in enumerate(named):
            self.elements[edges] = value
            self.element_code[edges] = code

    def to_networkx(self) -> nx.MultiDiGraph:
        """The routing graph as networkx: nodes (place, layer), every edge's attributes."""
        import networkx as nx

        G = nx.MultiDiGraph()
        G.add_nodes_from(self.engine.nodes)
        nodes, data = self.engine.nodes, self.engine.data
        for i, (u, v) in enumerate(zip(self.engine.tail, self.engine.head, strict=True)):
            edge = data[i]
            G.add_edge(nodes[u], nodes[v], key=edge["key"], **edge)
        return G

    def weight(self, by: str) -> np.ndarray:
        """The objective value of every edge of the engine."""
        values = self.engine.values
        if by == "time":
            return values["hours"]
        if by == "cost":
            return values["cost_usd"]
        if by == "distance":
            return values["km"]
        return self.generalized(np.stack([values[m] for m in VALUES], axis=-1))

    def generalized(self, sums: np.ndarray) -> np.ndarray:
        """Generalized cost from sums of :data:`~corridors.graph.expand.VALUES` (hours, km,
        USD, spread) along the last axis: USD + value of time x hours + value of reliability x
        (P90 - P50) hours."""
        hours, _, usd, spread = np.moveaxis(sums, -1, 0)
        return generalized(usd, hours, self.value_of_time, spread, self.value_of_reliability)

    def reduced(self, by: str, constraints: Constraints) -> Reduced:
        """The allowed edges, the cheapest of each node pair for ``by``, in CSR layout.

        Made once per objective and constraints, then cached (the last ``CACHE_SIZE`` kept).
        """
        key = (by, constraints)
        if key in self._reduced:
            self._reduced.move_to_end(key)
            return self._reduced[key]
        keep = self.engine.mask(barred_tags(self.engine, constraints))
        value = self.engine.reduce(self.weight(by), keep)
        self._reduced[key] = value
        while len(self._reduced) > CACHE_SIZE:
            self._reduced.popitem(last=False)
        return value

    def edge(self, reduced: Reduced, entry: int) -> dict:
        """The attributes (element, steps, hours …) of one entry of a reduced graph."""
        return self.engine.data[reduced.edge[entry]]

    def node(self, place: str, layer: str) -> int | None:
        """The engine index of a node, None if the graph has no such node."""
        return self.engine.index.get((place, layer))


def routing_graph(network: Network) -> RoutingGraph:
    """The routing graph of ``network``: read from the compiled cache that ``corridors
    build`` writes when it is current (:mod:`corridors.graph.cache`), else built; once per network.
    """
    return _cached_graph(network)


@functools.lru_cache(maxsize=16)  # an assessment's base and its 8 scenarios, with room
def _cached_graph(network: Network) -> RoutingGraph:
    from corridors.graph.cache import read_cache

    values = network.parameters["value"]
    vot = float(values["value_of_time"])
    engine = read_cache(network)
    iso3 = network.place_country
    compiled = engine if engine is not None else compile_network(network)
    return RoutingGraph(compiled, vot, iso3, vot * float(values["reliability_ratio"]))
