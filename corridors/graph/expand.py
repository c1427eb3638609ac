"""Expanding the physical network into the routing graph and compiling it for the engine.

Every link gives an edge per layer it runs on, every crossing an edge between the layers
of its two stations, every transfer, gauge change and change of service an edge at its
place; each edge carries the charges of :mod:`corridors.graph.costs` as its steps.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from corridors.collector import collector_paused
from corridors.engine import Engine
from corridors.graph.costs import (
    Charge,
    crossing_charges,
    line_haul,
    passage_charge,
    service_wait,
    transfer_charge,
)
from corridors.graph.layers import (
    END,
    START,
    layer_gauge,
    layer_leg,
    layer_mode,
    layer_service,
    layers_of,
)
from corridors.network.model import Network

__all__ = ["VALUES", "compile_network"]

# what each edge carries for the engine: hours, km, USD and P90 - P50 hours (spread)
VALUES = ("hours", "km", "cost_usd", "spread_hours")


class _Edges:
    """The expanded graph as it is built: its nodes and its edges (tail, head, key,
    attributes), each (tail, head, key) once, the last one given kept (as networkx would).

    Edges with the same key and attributes (a link's both ways on every layer) share one
    attribute dict, which nothing changes after the build."""

    def __init__(self) -> None:
        self.nodes: set = set()
        self.edges: dict[tuple, dict] = {}

    def add_edge(self, u, v, attrs: dict) -> None:
        """Add u -> v with ``attrs``, which hold the edge's ``key``."""
        self.nodes.update((u, v))
        self.edges[(u, v, attrs["key"])] = attrs


def compile_network(network: Network) -> Engine:
    """Build the expanded graph of ``network`` and compile it for the engine.

    The cyclic garbage collector is paused meanwhile (:mod:`corridors.collector`)."""
    with collector_paused():
        return _expanded(network)


def _expanded(network: Network) -> Engine:
    G = _Edges()
    # rows by key, made once: a pandas lookup per edge would cost more than the graph
    rates = _rows(network.mode_params.set_index(["mode", "cost_class"]))
    services = _rows(network.services.set_index("id", drop=False))
    passages = _rows(network.passages.set_index("id", drop=False))
    kept = float(network.parameters.loc["subsidy_kept", "value"])
    for link in _records(network.links):
        _add_link(G, link, rates, services, passages, kept)
    for variant in _records(network.sea_variants):
        _add_link(G, variant, rates, services, passages, kept)
    layers = _layers_by_place(G)
    region = network.countries.set_index("iso3")["region"]
    for crossing in _records(network.crossings):
        _add_crossing(G, crossing, layers, rates, services, region, kept)
    _add_transfers(G, network.transfers, _layers_by_place(G), services)
    sea_ports = set(network.places.index[network.places.kind == "sea_port"])
    _add_access(G, services, sea_ports)
    return _compile(G)


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame``, sorted by its index, as dicts of plain Python values (what
    ``to_dict("records")`` gives, several times faster)."""
    frame = frame.sort_index()
    names = list(frame.columns)
    columns = [frame[c].tolist() for c in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _compile(G: _Edges) -> Engine:
    """The routing graph's edges as arrays, sorted by (tail, head, key), with their tags."""
    nodes = sorted(G.nodes, key=repr)
    index = {node: i for i, node in enumerate(nodes)}
    rows = sorted((index[u], index[v], key, data) for (u, v, key), data in G.edges.items())
    tail = np.array([r[0] for r in rows], dtype=np.int32)
    head = np.array([r[1] for r in rows], dtype=np.int32)
    data = [r[3] for r in rows]
    places = sorted({place for place, _ in nodes})
    code = {place: i for i, place in enumerate(places)}
    return Engine(
        nodes,
        tail,
        head,
        {m: np.array([d[m] for d in data], dtype=float) for m in VALUES},
        tags=_tags(data, [layer_service(layer) for _, layer in nodes], tail, head),
        node_place=np.array([code[place] for place, _ in nodes], dtype=np.int32),
        data=data,
        _index=index,
    )


def _tags(data: list[dict], node_service: list[str], tail, head) -> dict:
    """Each tag's edges, ascending, the tags sorted (as the compiled cache has them): those
    of each attribute dict (shared by a link's edges) made once, and each edge's services,
    those of its two ends."""
    by_data: dict[int, list[int]] = {}
    for i, attrs in enumerate(data):
        by_data.setdefault(id(attrs), []).append(i)
    found: dict[tuple[str, str], list[int]] = {}
    for edges in by_data.values():
        for tag in _attribute_tags(data[edges[0]]):
            found.setdefault(tag, []).extend(edges)
    tags = {tag: np.sort(np.array(edges, dtype=np.int64)) for tag, edges in found.items()}
    services = sorted(set(node_service) - {""})
    code = {service: i for i, service in enumerate(services)}
    node_code = np.array([code.get(s, -1) for s in node_service], dtype=np.int64)
    ends = (node_code[tail], node_code[head])
    for i, service in enumerate(services):
        edges = np.flatnonzero((ends[0] == i) | (ends[1] == i))
        if edges.size:
            tags["service", service] = edges.astype(np.int64)
    return dict(sorted(tags.items()))


def _attribute_tags(data: dict) -> list[tuple[str, str]]:
    """The tags an edge's attributes give it (its layers' services apart)."""
    found = [
        ("status", data["status"]),
        ("element", data["element"]),
        ("kind", data["element_kind"]),
    ]
    for attribute, kind in (
        ("modes", "mode"),
        ("places", "place"),
        ("countries", "country"),
        ("passages", "passage"),
    ):
        found += [(kind, value) for value in data[attribute]]
    return found


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


def _scoped(layer: str, services) -> str:
    service = layer_service(layer)
    return str(services[service]["scope"] or "") if service else ""


def _edge(
    key: str,
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
        "key": key,
        "element": element,
        "element_kind": kind,
        "steps": tuple(steps),
        "km": sum(s.km for s in steps),
        "hours": sum(s.hours for s in steps),
        "cost_usd": sum(s.cost_usd for s in steps),
        "spread_hours": sum(s.spread_hours for s in steps if s.sd_hours),
        "modes": frozenset(mode_set),
        "status": status,
        "places": frozenset(places),
        "countries": frozenset(countries),
        "passages": frozenset(passages),
    }


def _add_link(G: _Edges, link: dict, rates, services, passages, kept: float) -> None:
    rate = rates[(link["mode"], link["cost_class"])]
    transits = [passage_charge(passages[p]) for p in link.get("passages") or () if p in passages]
    ends = (link["from"], link["to"])
    for service in link["service"]:
        charge = line_haul(link["km"], services[service], rate, kept)
        copies = ["@out", "@in"] if services[service]["scope"] else [""]
        edge = _edge(  # the same both ways and on every layer
            f"{link['id']}/{service}",
            link["id"],
            "link",
            [charge, *transits],
            mode_set={link["mode"]},
            status=link["status"],
            places=ends,
            countries=link["countries"],
            passages=link.get("passages") or (),
        )
        for base in layers_of(link["mode"], link["gauge"], [service]):
            for layer in (base + c for c in copies):
                for a, b in (ends, ends[::-1]):
                    G.add_edge((a, layer), (b, layer), edge)


def _layers_by_place(G: _Edges) -> dict[str, list[str]]:
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


def _add_crossing(G, crossing: dict, layers, rates, services, region, kept: float) -> None:
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
            steps = [*service_wait(ferry), *steps, line_haul(crossing["km"], ferry, rate, kept)]
        departing = crossing["countries"][0 if outbound else 1]
        for lu in sides[u]:
            haul = []
            if ferry is None and crossing["km"]:
                rate = rates[(mode, region[departing])]
                haul = [line_haul(crossing["km"], services[layer_service(lu)], rate, kept)]
            for lv in sides[v]:
                if layer_leg(lv) == "out":
                    continue  # a scoped train that crossed is on the second part of its trip
                fixed = _fixed_schedule(services, lu, lv, crossing)
                if fixed is None:
                    continue  # a fixed-schedule train crosses only where its border time is known
                charged = (
                    crossing_charges(crossing, outbound=outbound, processing=True)
                    if fixed
                    else steps
                )
                riding = f"{mode}/{ferry.name}" if ferry is not None else lu
                edge = _edge(
                    f"{crossing['id']}/{lu}>{lv}",
                    crossing["id"],
                    "crossing",
                    [*charged, *haul, *_boarding(services, riding, lv)],
                    mode_set={mode, join},
                    status=crossing["status"],
                    places=(a, b),
                    countries=crossing["countries"],
                )
                G.add_edge((u, lu), (v, lv), edge)


def _fixed_schedule(services, lu: str, lv: str, crossing) -> bool | None:
    """Whether a crossing from layer lu to lv is a fixed-schedule train's (charged the
    border's processing time), False for any other, and None where it cannot be: a
    fixed-schedule train changes to or from another service, or meets a crossing with no
    published processing time."""
    fixed = [
        bool(services[s]["border"]) if s else False for s in (layer_service(lu), layer_service(lv))
    ]
    if fixed[0] != fixed[1]:
        return None
    if fixed[0] and pd.isna(crossing.get("processing_hours_out", np.nan)):
        return None
    return fixed[0]


def _add_transfers(G: _Edges, transfers: pd.DataFrame, layers, services) -> None:
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
                element = f"transfer:{place}:{l1}>{l2}"
                edge = _edge(
                    element,
                    element,
                    "transfer",
                    steps,
                    mode_set={m1, m2},
                    status="operational",
                    places=(place,),
                    countries=(),
                )
                G.add_edge((place, l1), (place, l2), edge)


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
    if m1 == m2 != "sea" and layer_gauge(l1) == layer_gauge(l2):
        return []  # a change of train or truck only: the wait is all
    rule = rules.get((place, m1, m2))
    if rule is None and m1 != m2:
        rule = rules.get(("*", m1, m2))
    # a change of ship (a feeder to a mainline service) needs a sea/sea rule, at a hub
    if rule is None:
        return None
    return [transfer_charge(rule, m1, m2)]


def _add_access(G: _Edges, services, sea_ports: set[str]) -> None:
    """Free edges from a place's start node to its layers and from them to its end node.

    A trip on a scoped service starts on its first part and ends on its second: a China-Europe
    train cannot carry a domestic trip, and a rail-sea train ends its first part at a port (or
    starts its second there).
    """
    free = _edge(
        "access", "", "access", [], mode_set=set(), status="operational", places=(), countries=()
    )
    access = {}  # one attribute dict per place
    for place, layer in sorted(G.nodes):
        scope, leg, port = _scoped(layer, services), layer_leg(layer), place in sea_ports
        boards = not scope or (leg == "out") != (scope == "port" and port)
        alights = not scope or leg == "in" or (scope == "port" and port)
        for u, v, ok in (
            ((place, START), (place, layer), boards),
            ((place, layer), (place, END), alights),
        ):
            if ok:
                if place not in access:
                    access[place] = {**free, "element": f"access:{place}"}
                G.add_edge(u, v, access[place])
