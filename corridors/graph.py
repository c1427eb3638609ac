"""The expanded routing graph: one node per (place, layer), charged edges between them.

A layer is a mode, with rail split by gauge (``rail:1435``, ``rail:1520`` …), so a change of
mode or gauge is an edge that can be charged (:mod:`corridors.costs`). Each place also has a
start node ``(place, "@from")`` and an end node ``(place, "@to")`` joined to its layers at no
cost, so a route may begin and end in any mode but never changes mode for free on the way.

Users never see this graph: routes are reported in physical terms by :mod:`corridors.routing`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from corridors.costs import Charge, crossing_charges, generalized, line_haul, transfer_charge
from corridors.network import Network

__all__ = ["OBJECTIVES", "Constraints", "RoutingGraph", "routing_graph"]

OBJECTIVES = ("time", "cost", "generalized", "distance")
START, END = "@from", "@to"


@dataclass(frozen=True)
class Constraints:
    """What a route may use. Empty sets mean no restriction; ``modes=None`` allows all."""

    statuses: frozenset[str] = frozenset({"operational"})
    modes: frozenset[str] | None = None
    places: frozenset[str] = frozenset()
    elements: frozenset[str] = frozenset()  # link and crossing ids
    countries: frozenset[str] = frozenset()
    passages: frozenset[str] = frozenset()
    closed_for_season: frozenset[str] = frozenset()  # crossing ids closed in the month asked

    def allows(self, edge: dict) -> bool:
        """Whether an edge of the routing graph may be used."""
        if edge["status"] not in self.statuses:
            return False
        if self.modes is not None and not edge["modes"] <= self.modes:
            return False
        if edge["places"] & self.places or edge["countries"] & self.countries:
            return False
        if edge["element"] in self.elements or edge["element"] in self.closed_for_season:
            return False
        return not (edge["passages"] & self.passages) and edge["closed"] <= self.passages


@dataclass(eq=False)
class RoutingGraph:
    """The expanded graph of a network, and its value of time (USD per FEU-hour)."""

    G: nx.MultiDiGraph
    value_of_time: float
    _csr: dict = field(default_factory=dict, repr=False)

    def edge_cost(self, by: str) -> Callable[[dict], float]:
        """The objective value of one edge."""
        if by == "time":
            return lambda e: e["hours"]
        if by == "cost":
            return lambda e: e["cost_usd"]
        if by == "distance":
            return lambda e: e["km"]
        vot = self.value_of_time
        return lambda e: generalized(e["cost_usd"], e["hours"], vot)

    def best_edge(self, u, v, by: str, constraints: Constraints) -> dict:
        """The allowed edge u->v that the objective prefers (ties: smallest key)."""
        return self.simple(by, constraints)[u][v]["edge"]

    def simple(self, by: str, constraints: Constraints) -> nx.DiGraph:
        """The graph reduced to its allowed edges, one per node pair: the cheapest for ``by``.

        Each edge keeps its objective value as ``w`` and the chosen edge as ``edge``. Built
        once per objective and constraints, then cached.
        """
        cache_key = ("simple", by, constraints)
        if cache_key not in self._csr:
            cost = self.edge_cost(by)
            reduced = nx.DiGraph()
            reduced.add_nodes_from(self.G.nodes)
            for u, v, key, edge in self.G.edges(keys=True, data=True):
                if not constraints.allows(edge):
                    continue
                w = cost(edge)
                old = reduced.get_edge_data(u, v)
                if old is None or (w, key) < (old["w"], old["key"]):
                    reduced.add_edge(u, v, w=w, key=key, edge=edge)
            self._csr[cache_key] = reduced
        return self._csr[cache_key]

    def compiled(self, by: str, constraints: Constraints) -> tuple[csr_matrix, list, dict]:
        """The graph as a CSR matrix for scipy.sparse.csgraph, with its node list and index.

        Parallel edges keep their cheapest allowed member. Weights get 1e-9 added so that
        zero-cost edges stay edges in the sparse matrix.
        """
        cache_key = ("csr", by, constraints)
        if cache_key not in self._csr:
            reduced = self.simple(by, constraints)
            nodes = sorted(reduced.nodes, key=repr)
            index = {node: i for i, node in enumerate(nodes)}
            edges = list(reduced.edges(data="w"))
            rows = [index[u] for u, _, _ in edges]
            cols = [index[v] for _, v, _ in edges]
            data = np.array([w for _, _, w in edges], dtype=float) + 1e-9
            matrix = csr_matrix((data, (rows, cols)), shape=(len(nodes), len(nodes)))
            self._csr[cache_key] = (matrix, nodes, index)
        return self._csr[cache_key]


def routing_graph(network: Network) -> RoutingGraph:
    """The routing graph of ``network`` (built once per network and cached)."""
    return _cached_graph(network)


@functools.lru_cache(maxsize=8)
def _cached_graph(network: Network) -> RoutingGraph:
    G = nx.MultiDiGraph()
    params = network.mode_params.set_index(["mode", "cost_class"])
    for link in network.links.sort_index().to_dict("records"):
        _add_link(G, link, params)
    for _, variant in network.sea_variants.sort_index().iterrows():
        _add_link(G, variant.to_dict(), params)
    region = network.countries.set_index("iso3")["region"]
    for crossing in network.crossings.sort_index().to_dict("records"):
        _add_crossing(G, pd.Series(crossing), params, region)
    _add_transfers(G, network.transfers)
    _add_access(G)
    vot = float(network.parameters.loc["value_of_time", "value"])
    return RoutingGraph(G, vot)


def layers_of(mode: str, gauges: Iterable[int] = ()) -> list[str]:
    """The layers a link of ``mode`` runs on.

    Examples
    --------
    >>> layers_of("rail", [1000, 1435])
    ['rail:1000', 'rail:1435']
    >>> layers_of("sea")
    ['sea']
    """
    return [f"rail:{int(g)}" for g in gauges] if mode == "rail" else [mode]


def _mode(layer: str) -> str:
    return layer.split(":")[0]


def _edge(
    element: str,
    kind: str,
    steps: list[Charge],
    *,
    mode_set: set[str],
    status: str,
    places: Iterable[str],
    countries: Iterable[str],
    passages=(),
    closed=(),
) -> dict:
    return {
        "element": element,
        "element_kind": kind,
        "steps": tuple(steps),
        "km": sum(s.km for s in steps),
        "hours": sum(s.hours for s in steps),
        "cost_usd": sum(s.cost_usd for s in steps),
        "modes": frozenset(mode_set),
        "status": status,
        "places": frozenset(places),
        "countries": frozenset(countries),
        "passages": frozenset(passages),
        "closed": frozenset(closed),
    }


def _add_link(G: nx.MultiDiGraph, link: dict, params: pd.DataFrame) -> None:
    charge = line_haul(link["km"], link["mode"], link["cost_class"], params)
    for layer in layers_of(link["mode"], link["gauge"]):
        for a, b in ((link["from"], link["to"]), (link["to"], link["from"])):
            edge = _edge(
                link["id"],
                "link",
                [charge],
                mode_set={link["mode"]},
                status=link["status"],
                places=(a, b),
                countries=link["countries"],
                passages=link.get("passages") or (),
                closed=link.get("closed") or (),
            )
            G.add_edge((a, layer), (b, layer), key=link["id"], **edge)


def _add_crossing(G, crossing: pd.Series, params, region) -> None:
    a, b = crossing["from"], crossing["to"]
    la = layers_of(crossing["mode"], [crossing["gauge_from"]])[0]
    lb = layers_of(crossing["mode"], [crossing["gauge_to"]])[0]
    for outbound, (u, v) in ((True, ((a, la), (b, lb))), (False, ((b, lb), (a, la)))):
        departing = crossing["countries"][0 if outbound else 1]
        cost_class = "sea" if crossing["mode"] == "sea" else region[departing]
        steps = crossing_charges(crossing, outbound=outbound, params=params, cost_class=cost_class)
        edge = _edge(
            crossing["id"],
            "crossing",
            steps,
            mode_set={crossing["mode"]},
            status=crossing["status"],
            places=(a, b),
            countries=crossing["countries"],
        )
        G.add_edge(u, v, key=crossing["id"], **edge)


def _add_transfers(G: nx.MultiDiGraph, transfers: pd.DataFrame) -> None:
    rules: dict[tuple[str, str, str], dict] = {}
    for row in transfers.to_dict("records"):
        for m1, m2 in ((row["from_mode"], row["to_mode"]), (row["to_mode"], row["from_mode"])):
            rules.setdefault((row["place"], m1, m2), row)
    layers: dict[str, set[str]] = {}
    for place, layer in G.nodes:
        layers.setdefault(place, set()).add(layer)
    for place in sorted(layers):
        for l1 in sorted(layers[place]):
            for l2 in sorted(layers[place]):
                m1, m2 = _mode(l1), _mode(l2)
                if l1 == l2:
                    continue
                rule = rules.get((place, m1, m2))
                if rule is None and m1 != m2:
                    rule = rules.get(("*", m1, m2))
                if rule is None:
                    continue
                step = transfer_charge(pd.Series(rule), m1, m2)
                edge = _edge(
                    f"transfer:{place}:{l1}>{l2}",
                    "transfer",
                    [step],
                    mode_set={m1, m2},
                    status="operational",
                    places=(place,),
                    countries=(),
                )
                G.add_edge((place, l1), (place, l2), key=edge["element"], **edge)


def _add_access(G: nx.MultiDiGraph) -> None:
    for place, layer in sorted(G.nodes):
        for u, v in (((place, START), (place, layer)), ((place, layer), (place, END))):
            edge = _edge(
                f"access:{place}",
                "access",
                [],
                mode_set=set(),
                status="operational",
                places=(),
                countries=(),
            )
            G.add_edge(u, v, key="access", **edge)
