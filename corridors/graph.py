"""The expanded routing graph: one node per (place, layer), charged edges between them.

A layer is a mode and the service that runs on it, with rail split by gauge
(``rail:1435/china_europe``, ``rail:1520/rail_1520``, ``sea/liner`` …), so a change of mode,
gauge or service is an edge that can be charged (:mod:`corridors.costs`). Each place also has a
start node ``(place, "@from")`` and an end node ``(place, "@to")`` joined to its layers at no
cost, so a route may begin and end in any mode but never changes mode for free on the way.

Users never see this graph: routes are reported in physical terms by :mod:`corridors.routing`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.costs import (
    Charge,
    crossing_charges,
    generalized,
    line_haul,
    passage_charge,
    service_wait,
    transfer_charge,
)
from corridors.engine import Engine, Reduced
from corridors.network import Network

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "OBJECTIVES",
    "Constraints",
    "RoutingGraph",
    "check_objective",
    "layer_gauge",
    "layer_leg",
    "layer_mode",
    "layer_service",
    "layers_of",
    "routing_graph",
]

OBJECTIVES = ("time", "cost", "generalized", "distance")


def check_objective(by: str) -> None:
    """Raise ValueError for an objective other than those of :data:`OBJECTIVES`."""
    if by not in OBJECTIVES:
        msg = f"unknown objective {by!r}; use one of {', '.join(OBJECTIVES)}"
        raise ValueError(msg)


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
    services: frozenset[str] = frozenset()  # services that may not carry this trip

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
        return not edge["passages"] & self.passages


# Reduced graphs kept per routing graph (one per objective and constraint set), oldest dropped.
CACHE_SIZE = 32


@dataclass(eq=False)
class RoutingGraph:
    """The expanded graph of a network, compiled for the engine, and its value of time
    (USD per FEU-hour).

    ``engine`` holds the edges as arrays, in the order of their nodes (sorted) and keys,
    with tags for every constraint; :meth:`to_networkx` gives the same graph as networkx.
    """

    engine: Engine
    value_of_time: float
    places: list[str] = field(init=False, repr=False)
    elements: np.ndarray = field(init=False, repr=False)
    _reduced: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        self.places = sorted({place for place, _ in self.engine.nodes})
        self.elements = np.empty(len(self.engine.tail), dtype=object)
        for (kind, value), edges in self.engine.tags.items():
            if kind == "element":
                self.elements[edges] = value

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
        return generalized(values["cost_usd"], values["hours"], self.value_of_time)

    def reduced(self, by: str, constraints: Constraints) -> Reduced:
        """The allowed edges, the cheapest of each node pair for ``by``, in CSR layout.

        Made once per objective and constraints, then cached (the last ``CACHE_SIZE`` kept).
        """
        key = (by, constraints)
        if key in self._reduced:
            self._reduced.move_to_end(key)
            return self._reduced[key]
        keep = self.engine.mask(_barred_tags(self.engine, constraints))
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


def _compile(G: nx.MultiDiGraph) -> Engine:
    """The routing graph's edges as arrays, sorted by (tail, head, key), with their tags."""
    nodes = sorted(G.nodes, key=repr)
    index = {node: i for i, node in enumerate(nodes)}
    rows = sorted(
        (
            (index[u], index[v], key, {"key": key, **data})
            for u, v, key, data in G.edges(keys=True, data=True)
        ),
        key=lambda row: row[:3],
    )
    tags: dict[tuple[str, str], list[int]] = {}
    for i, (u, v, _, data) in enumerate(rows):
        services = {layer_service(nodes[u][1]), layer_service(nodes[v][1])} - {""}
        for tag in [
            ("status", data["status"]),
            ("element", data["element"]),
            ("kind", data["element_kind"]),
            *(("mode", m) for m in data["modes"]),
            *(("place", p) for p in data["places"]),
            *(("country", c) for c in data["countries"]),
            *(("passage", p) for p in data["passages"]),
            *(("service", s) for s in services),
        ]:
            tags.setdefault(tag, []).append(i)
    places = sorted({place for place, _ in nodes})
    code = {place: i for i, place in enumerate(places)}
    return Engine(
        nodes,
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int32),
        {m: np.array([r[3][m] for r in rows], dtype=float) for m in ("hours", "km", "cost_usd")},
        tags={tag: np.array(edges, dtype=np.int64) for tag, edges in tags.items()},
        node_place=np.array([code[place] for place, _ in nodes], dtype=np.int32),
        data=[r[3] for r in rows],
        _index=index,
    )


def _barred_tags(engine: Engine, constraints: Constraints) -> list[tuple[str, str]]:
    """The tags of the edges ``constraints`` bar (see :meth:`Constraints.allows`)."""
    c = constraints
    present = {
        kind: {value for k, value in engine.tags if k == kind} for kind in ("status", "mode")
    }
    barred = [("status", s) for s in present["status"] - c.statuses]
    if c.modes is not None:
        barred += [("mode", m) for m in present["mode"] - c.modes]
    barred += [("place", p) for p in c.places] + [("country", x) for x in c.countries]
    barred += [("element", e) for e in c.elements | c.closed_for_season]
    barred += [("passage", p) for p in c.passages] + [("service", s) for s in c.services]
    return sorted(barred)


def routing_graph(network: Network) -> RoutingGraph:
    """The routing graph of ``network``: read from the compiled cache that ``corridors
    build`` writes when it is current (:mod:`corridors.cache`), else built; once per network.
    """
    return _cached_graph(network)


@functools.lru_cache(maxsize=8)
def _cached_graph(network: Network) -> RoutingGraph:
    from corridors.cache import read_cache

    vot = float(network.parameters.loc["value_of_time", "value"])
    engine = read_cache(network)
    return RoutingGraph(engine if engine is not None else compile_network(network), vot)


def compile_network(network: Network) -> Engine:
    """Build the expanded graph of ``network`` and compile it for the engine."""
    import networkx as nx

    G = nx.MultiDiGraph()
    # rows by key, made once: a pandas lookup per edge would cost more than the graph
    rates = _rows(network.mode_params.set_index(["mode", "cost_class"]))
    services = _rows(network.services.set_index("id", drop=False))
    passages = _rows(network.passages.set_index("id", drop=False))
    for link in network.links.sort_index().to_dict("records"):
        _add_link(G, link, rates, services, passages)
    for variant in network.sea_variants.sort_index().to_dict("records"):
        _add_link(G, variant, rates, services, passages)
    layers = _layers_by_place(G)
    region = network.countries.set_index("iso3")["region"]
    for crossing in network.crossings.sort_index().to_dict("records"):
        _add_crossing(G, pd.Series(crossing), layers, rates, services, region)
    _add_transfers(G, network.transfers, _layers_by_place(G), services)
    sea_ports = set(network.places.index[network.places.kind == "sea_port"])
    _add_access(G, services, sea_ports)
    return _compile(G)


class _Row(dict):
    """A table row as a dict that, like a pandas row, knows its index label as ``name``."""

    def __init__(self, name, values: dict):
        super().__init__(values)
        self.name = name


def _rows(frame: pd.DataFrame) -> dict:
    """Each row of ``frame`` by its index label."""
    return {
        key: _Row(key, row) for key, row in zip(frame.index, frame.to_dict("records"), strict=True)
    }


def layers_of(mode: str, gauges: Iterable[int] = (), services: Iterable[str] = ("",)) -> list[str]:
    """The layers a link of ``mode`` runs on: one per gauge and service.

    Examples
    --------
    >>> layers_of("rail", [1000, 1435], ["metre_gauge_sea"])
    ['rail:1000/metre_gauge_sea', 'rail:1435/metre_gauge_sea']
    >>> layers_of("sea", services=["liner"])
    ['sea/liner']
    """
    bases = [f"rail:{int(g)}" for g in gauges] if mode == "rail" else [mode]
    return [f"{base}/{service}" if service else base for base in bases for service in services]


def layer_mode(layer: str) -> str:
    """The mode of a layer (``rail:1435/china_europe`` -> ``rail``)."""
    return layer.split("/")[0].split(":")[0]


def layer_gauge(layer: str) -> int | None:
    """The rail gauge of a layer, None for other modes."""
    base = layer.split("/")[0]
    return int(base.split(":")[1]) if ":" in base else None


def layer_service(layer: str) -> str:
    """The service of a layer (``rail:1435/china_europe@out`` -> ``china_europe``)."""
    return layer.split("/")[1].split("@")[0] if "/" in layer else ""


def layer_leg(layer: str) -> str:
    """For a scoped service, which part of the trip a layer is: ``out`` before the border
    or port, ``in`` after it; empty for other services."""
    return layer.split("@")[1] if "@" in layer else ""


def _scoped(layer: str, services) -> str:
    service = layer_service(layer)
    return str(services[service]["scope"] or "") if service else ""


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
    }


def _add_link(G: nx.MultiDiGraph, link: dict, rates, services, passages) -> None:
    rate = rates[(link["mode"], link["cost_class"])]
    transits = [passage_charge(passages[p]) for p in link.get("passages") or () if p in passages]
    for service in link["service"]:
        charge = line_haul(link["km"], services[service], rate)
        copies = ["@out", "@in"] if services[service]["scope"] else [""]
        for layer in [
            base + c for base in layers_of(link["mode"], link["gauge"], [service]) for c in copies
        ]:
            for a, b in ((link["from"], link["to"]), (link["to"], link["from"])):
                edge = _edge(
                    link["id"],
                    "link",
                    [charge, *transits],
                    mode_set={link["mode"]},
                    status=link["status"],
                    places=(a, b),
                    countries=link["countries"],
                    passages=link.get("passages") or (),
                )
                G.add_edge((a, layer), (b, layer), key=f"{link['id']}/{service}", **edge)


def _layers_by_place(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    layers: dict[str, set[str]] = {}
    for place, layer in G.nodes:
        layers.setdefault(place, set()).add(layer)
    return {place: sorted(found) for place, found in layers.items()}


def _boarding(services, from_layer: str, to_layer: str) -> list[Charge]:
    """The wait for the service of ``to_layer`` when it is not the one already riding."""
    before, after = layer_service(from_layer), layer_service(to_layer)
    if not after or (before and services[before]["group"] == services[after]["group"]):
        return []
    return service_wait(services[after])


def _crossing_layers(layers: list[str], mode: str, gauge) -> list[str]:
    """The layers of a border station a crossing of ``mode`` (and gauge) joins."""
    wanted = None if mode != "rail" or pd.isna(gauge) else int(gauge)
    return [
        layer
        for layer in layers
        if layer_mode(layer) == mode and (wanted is None or layer_gauge(layer) == wanted)
    ]


def _relayer(layer: str, gauge) -> str:
    """The same service on another gauge (a train that runs on across a border)."""
    if pd.isna(gauge) or layer_gauge(layer) is None:
        return layer
    return layers_of(layer_mode(layer), [int(gauge)], [layer_service(layer)])[0]


def _add_crossing(G, crossing: pd.Series, layers, rates, services, region) -> None:
    """Crossing edges between every pair of layers the two stations offer for it.

    The km between the two stations are hauled by the departing service at the departing
    country's rate. A crossing with a ``service`` (the Caspian rail ferry) carries the cargo
    itself: the wait for a departure and the haul over its km are charged on top of the
    dwell, and it joins the rail layers of the gauge given at each end.
    """
    a, b, mode = crossing["from"], crossing["to"], crossing["mode"]
    ferry = services[crossing["service"]] if crossing.get("service") else None
    join = "rail" if ferry is not None and not pd.isna(crossing["gauge_from"]) else mode
    sides = {
        a: _crossing_layers(layers.get(a, []), join, crossing["gauge_from"]),
        b: _crossing_layers(layers.get(b, []), join, crossing["gauge_to"]),
    }
    for here, there, gauge in ((a, b, crossing["gauge_from"]), (b, a, crossing["gauge_to"])):
        if not sides[here]:  # a station served only across the border: its trains run on
            sides[here] = [_relayer(layer, gauge) for layer in sides[there]]
    for outbound, (u, v) in ((True, (a, b)), (False, (b, a))):
        steps = crossing_charges(crossing, outbound=outbound)
        if ferry is not None:
            rate = rates[(ferry["mode"], "sea")]
            steps = [*service_wait(ferry), *steps, line_haul(crossing["km"], ferry, rate)]
        departing = crossing["countries"][0 if outbound else 1]
        for lu in sides[u]:
            haul = []
            if ferry is None and crossing["km"]:
                rate = rates[(mode, region[departing])]
                haul = [line_haul(crossing["km"], services[layer_service(lu)], rate)]
            for lv in sides[v]:
                if layer_leg(lv) == "out":
                    continue  # a scoped train that crossed is on the second part of its trip
                riding = f"{mode}/{ferry.name}" if ferry is not None else lu
                edge = _edge(
                    crossing["id"],
                    "crossing",
                    [*steps, *haul, *_boarding(services, riding, lv)],
                    mode_set={mode, join},
                    status=crossing["status"],
                    places=(a, b),
                    countries=crossing["countries"],
                )
                G.add_edge((u, lu), (v, lv), key=f"{crossing['id']}/{lu}>{lv}", **edge)


def _add_transfers(G: nx.MultiDiGraph, transfers: pd.DataFrame, layers, services) -> None:
    """Edges between the layers of one place: mode or gauge changes and service changes."""
    rules: dict[tuple[str, str, str], dict] = {}
    for row in transfers.to_dict("records"):
        for m1, m2 in ((row["from_mode"], row["to_mode"]), (row["to_mode"], row["from_mode"])):
            rules.setdefault((row["place"], m1, m2), row)
    for place in sorted(layers):
        for l1 in layers[place]:
            for l2 in layers[place]:
                if (
                    l1 == l2
                    or _stays_aboard(services, l1, l2)
                    or not _scope_allows(services, l1, l2)
                ):
                    continue
                steps = _change_steps(place, l1, l2, rules)
                if steps is None:
                    continue
                steps += _boarding(services, l1, l2)
                m1, m2 = layer_mode(l1), layer_mode(l2)
                edge = _edge(
                    f"transfer:{place}:{l1}>{l2}",
                    "transfer",
                    steps,
                    mode_set={m1, m2},
                    status="operational",
                    places=(place,),
                    countries=(),
                )
                G.add_edge((place, l1), (place, l2), key=edge["element"], **edge)


def _stays_aboard(services, l1: str, l2: str) -> bool:
    """Whether a change l1 -> l2 is barred: cargo on a through service (a China-Europe or
    rail-sea train) changes to or from another service of the same mode only at a border."""
    if layer_mode(l1) != layer_mode(l2):
        return False
    return any(bool(services[s]["through"]) for s in (layer_service(l1), layer_service(l2)) if s)


def _scope_allows(services, l1: str, l2: str) -> bool:
    """Changes to and from scoped services: a port-scoped (rail-sea) train hands over to the
    sea at the end of its first part and takes over from it at the start of its second; a
    border-scoped (China-Europe) train changes only at a border."""
    scope1, scope2 = _scoped(l1, services), _scoped(l2, services)
    if "border" in (scope1, scope2):
        return False
    if scope1 == "port":
        return layer_leg(l1) == "out" and layer_mode(l2) == "sea"
    if scope2 == "port":
        return layer_leg(l2) == "in" and layer_mode(l1) == "sea"
    return True


def _change_steps(place: str, l1: str, l2: str, rules: dict) -> list[Charge] | None:
    """The handling steps of a change from layer l1 to l2 at a place, None if impossible."""
    m1, m2 = layer_mode(l1), layer_mode(l2)
    if m1 == m2 and layer_gauge(l1) == layer_gauge(l2):
        # a change of train or truck only: the wait is all; sea legs run port to port, so
        # there is no free transshipment between ships
        return None if m1 == "sea" else []
    rule = rules.get((place, m1, m2))
    if rule is None and m1 != m2:
        rule = rules.get(("*", m1, m2))
    if rule is None:
        return None
    return [transfer_charge(pd.Series(rule), m1, m2)]


def _add_access(G: nx.MultiDiGraph, services, sea_ports: set[str]) -> None:
    """Free edges from a place's start node to its layers and from them to its end node.

    A trip on a scoped service starts on its first part and ends on its second: a China-Europe
    train cannot carry a domestic trip, and a rail-sea train ends its first part at a port (or
    starts its second there).
    """
    for place, layer in sorted(G.nodes):
        scope, leg, port = _scoped(layer, services), layer_leg(layer), place in sea_ports
        boards = not scope or (leg == "out") != (scope == "port" and port)
        alights = not scope or leg == "in" or (scope == "port" and port)
        for u, v, ok in (
            ((place, START), (place, layer), boards),
            ((place, layer), (place, END), alights),
        ):
            if not ok:
                continue
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
