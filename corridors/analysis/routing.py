"""Routes between two places: the fastest, cheapest, shortest or best by generalized cost.

:func:`route` searches the expanded routing graph (:mod:`corridors.graph.routing_graph`), so
every border crossing, gauge change and transfer on the way is charged, and reports the result as a
:class:`Route` in physical terms: legs over links, crossings and transfers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from corridors.engine import Reduced
from corridors.errors import NoRouteError
from corridors.graph.constraints import (
    Constraints,
    as_names,
    resolve_constraints,
    whole_number,
)
from corridors.graph.layers import END, START, layer_mode
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.graph.search import simple_paths
from corridors.network.model import Network
from corridors.network.sea import PASSAGES

__all__ = ["MAX_ALTERNATIVES", "Route", "route"]

LEG_COLUMNS = [
    "from",
    "to",
    "kind",
    "mode",
    "service",
    "element",
    "km",
    "hours",
    "cost_usd",
    "cum_km",
    "cum_hours",
    "cum_cost_usd",
    "countries",
    "passages",
    "basis",
]
# How much of a route (by km) an alternative may share with a better one.
MAX_SHARED_KM = 0.8
# At most this many alternatives: each costs a few searches per element of the routes found.
MAX_ALTERNATIVES = 10


@dataclass(frozen=True, eq=False)
class Route:
    """A route between two places, leg by leg.

    Attributes
    ----------
    origin, destination : str
        Place ids.
    objective : str
        What was minimised: time, cost, generalized or distance.
    legs : pandas.DataFrame
        One row per leg: from, to, kind (line_haul, crossing, gauge_change, transfer, port,
        wait), mode, service (the train, truck or ship that carries the cargo, or is waited
        for), element (link, crossing or transfer id), km, hours, cost_usd, their cumulative
        sums, the countries of the leg, the sea passages a sea leg uses (``;``-separated), and
        basis (the data cell, ``table:key:column``, its hours come from).
    total : dict
        km, hours, days, cost_usd and generalized for the whole route.
    crossings : list of str
        The border stations passed, in order (two per crossing).
    alternatives : list of Route
        Materially different routes, best first (when asked for).
    notes : list of str
        What a reader should know: fewer alternatives than asked, the other ways round a
        passage that was avoided.
    """

    origin: str
    destination: str
    objective: str
    legs: pd.DataFrame
    total: dict
    crossings: list[str]
    network: Network = field(repr=False)
    alternatives: list[Route] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def crossing_ids(self) -> list[str]:
        """Ids of the crossings used, in order."""
        return list(self.legs.loc[self.legs.kind == "crossing", "element"])

    @property
    def passages(self) -> list[str]:
        """The sea passages used, in order (searoute's names: malacca, suez …)."""
        seen: list[str] = []
        for cell in self.legs["passages"]:
            seen += [p for p in cell.split(";") if p and p not in seen]
        return seen

    @property
    def places(self) -> list[str]:
        """The places passed, in order, without repeats."""
        seq = [self.origin, *self.legs["to"]]
        return [p for i, p in enumerate(seq) if i == 0 or p != seq[i - 1]]

    def to_dict(self) -> dict:
        """A JSON-ready dict: origin, destination, objective, total, crossings, legs and
        alternatives."""
        legs = [
            {
                "from": r["from"],
                "to": r["to"],
                "kind": r["kind"],
                "mode": r["mode"],
                "service": r["service"],
                "element": r["element"],
                "km": round(r["km"], 1),
                "hours": round(r["hours"], 2),
                "cost_usd": round(r["cost_usd"], 2),
                "passages": [p for p in r["passages"].split(";") if p],
                "basis": r["basis"],
            }
            for r in self.legs.to_dict("records")
        ]
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "total": {k: round(v, 2) for k, v in self.total.items()},
            "crossings": self.crossings,
            "passages": self.passages,
            "legs": legs,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "notes": self.notes,
        }

    def to_gdf(self) -> gpd.GeoDataFrame:
        """The legs with their geometry (EPSG:4326); transfers are points at their place."""
        net = self.network
        shapes = {
            **net.links.geometry.to_dict(),
            **net.crossings.geometry.to_dict(),
            **net.sea_variants.geometry.to_dict(),
        }
        geometry = [
            shapes.get(r["element"], net.places.geometry[r["to"]])
            for r in self.legs.to_dict("records")
        ]
        return gpd.GeoDataFrame(self.legs.copy(), geometry=geometry, crs="EPSG:4326")


def route(
    network: Network,
    origin: str,
    destination: str,
    *,
    by: str = "time",
    via: Sequence[str] = (),
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    alternatives: int = 0,
    scenario: Callable[[Network], Network] | None = None,
    statuses: Iterable[str] = ("operational",),
    month: int | None = None,
) -> Route:
    """The best route from ``origin`` to ``destination``.

    Parameters
    ----------
    network : Network
    origin, destination : str
        Place names (ids, English or Chinese names, aliases).
    by : {"time", "cost", "generalized", "distance"}
        What to minimise. Generalized cost is USD + value of time x hours.
    via : sequence of str
        Places the route must pass, in this order (e.g. force the exit by Erenhot).
    avoid : iterable of str
        Places, countries (ISO3 or name), sea passages ("Malacca", "Suez" …), link or
        crossing ids the route must not use.
    modes : iterable of str, optional
        Allowed modes (rail, road, sea, inland_water); all when omitted.
    alternatives : int
        How many materially different routes to add (other border crossings or corridors).
    scenario : callable, optional
        A function Network -> Network applied before routing.
    statuses : iterable of str
        Link statuses that may be used; ``("operational",)`` unless a scenario opens more.
    month : int, optional
        1-12: close the crossings that are seasonally closed that month (Khunjerab in winter).

    Returns
    -------
    Route

    Raises
    ------
    UnknownPlaceError
        A place, country or passage name that matches nothing.
    NoRouteError
        No route; the message names the constraint that cut every path.
    ValueError
        An unknown objective or mode, or origin equal to destination.

    Examples
    --------
    >>> from corridors import load_network
    >>> r = route(load_network(), "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    >>> r.crossings
    ['alashankou', 'dostyk', 'brest', 'malaszewicze']
    >>> 10000 < r.total["km"] < 12000  # published: 11,179 km
    True
    """
    if scenario is not None:
        network = scenario(network)
    check_objective(by)
    alternatives = whole_number(alternatives, "alternatives", 0, MAX_ALTERNATIVES)
    stops = [network.resolve(p) for p in (origin, *as_names(via, "via"), destination)]
    if stops[0] == stops[-1]:
        msg = f"origin and destination are the same place ({stops[0]})"
        raise ValueError(msg)
    constraints = resolve_constraints(
        network, stops, avoid, modes, statuses, month, trip=(stops[0], stops[-1])
    )
    graph = routing_graph(network)
    best = _search(graph, network, stops, by, constraints)
    if best is None:
        raise NoRouteError(_explain(graph, network, stops, by, constraints))
    notes = _passage_notes(graph, best, constraints)
    found = []
    if alternatives:
        found = _alternatives(graph, network, stops, by, constraints, best, alternatives)
        if len(found) < alternatives:
            notes.append(
                f"asked for {alternatives} alternatives, found {len(found)}: no other route "
                "differs materially (other crossings, ports, sea passages or most land km)"
            )
    return Route(**{**best.__dict__, "alternatives": found, "notes": notes})


@functools.lru_cache(maxsize=8)
def _lookups(network: Network) -> tuple[dict[str, str], dict[str, str]]:
    """The mode of each service and the country of each place."""
    services = network.services
    service_mode = dict(zip(services["id"], services["mode"], strict=True))
    return service_mode, network.places.iso3.to_dict()


def _search(graph: RoutingGraph, network, stops, by, constraints) -> Route | None:
    """The best route through the stops in order, never passing a place twice.

    A via stop that is a border station means crossing the border there: the route takes
    one of that station's crossings (in either direction) right before or after it.
    """
    reduced = graph.reduced(by, constraints)
    if any(graph.node(stop, START) is None for stop in stops):
        return None  # a place with no links at all
    found = [
        _search_itinerary(graph, reduced, itinerary, crossing_steps)
        for itinerary, crossing_steps in _itineraries(network, stops)
    ]
    found = [f for f in found if f is not None]
    if not found:
        return None
    _, path = min(found)
    return _as_route(graph, network, reduced, path, by)


def _itineraries(network: Network, stops: list[str]) -> list[tuple[list[str], set[int]]]:
    """The stop sequences to try, each with the steps that must be a border crossing.

    Examples
    --------
    >>> from corridors import load_network
    >>> for stops, crossing_steps in _itineraries(load_network(), ["xian", "erenhot", "hamburg"]):
    ...     print(stops, crossing_steps)
    ['xian', 'erenhot', 'zamyn_uud', 'hamburg'] {2}
    ['xian', 'zamyn_uud', 'erenhot', 'hamburg'] {2}
    """
    options: list[list[list[str]]] = [[[stops[0]]]]
    for i, stop in enumerate(stops[1:-1], start=1):
        partners = _crossing_partners(network, stop) - {stops[i - 1], stops[i + 1]}
        if network.places.kind[stop] != "border_station" or not partners:
            options.append([[stop]])
            continue
        options.append([seq for p in sorted(partners) for seq in ([stop, p], [p, stop])])
    options.append([[stops[-1]]])
    out = []
    for combination in itertools.product(*options):
        itinerary, crossing_steps = [], set()
        for piece in combination:
            if len(piece) == 2:
                crossing_steps.add(len(itinerary) + 1)
            itinerary.extend(piece)
        out.append((itinerary, crossing_steps))
    return out


def _crossing_partners(network: Network, station: str) -> set[str]:
    crossings = network.crossings
    return set(crossings.loc[crossings["from"] == station, "to"]) | set(
        crossings.loc[crossings["to"] == station, "from"]
    )


def _search_itinerary(graph: RoutingGraph, reduced: Reduced, stops, crossing_steps):
    """(cost, path of node indices) of the best path through ``stops``, or None.

    Between stops the path avoids every place it has already passed; a step in
    ``crossing_steps`` is one border-crossing edge.
    """
    place = graph.engine.node_place
    start = graph.node(stops[0], START)
    frontier = {start: (0.0, [start])}
    for i, stop in enumerate(stops[1:], start=1):
        if i == len(stops) - 1:
            targets = [graph.node(stop, END)]
        else:
            targets = reduced.head[reduced.out_entries(graph.node(stop, START))].tolist()
        best: dict = {}
        for source, (cost, path) in sorted(frontier.items()):
            used = set(place[path].tolist()) - {int(place[source])}
            if i in crossing_steps:
                found = _crossing_step(graph, reduced, source, stop, used)
            else:
                found = simple_paths(graph, reduced, source, targets, used)
            for target, (length, tail) in found.items():
                if target not in best or cost + length < best[target][0]:
                    best[target] = (cost + length, path + tail[1:])
        if not best:
            return None
        frontier = best
    return frontier.get(graph.node(stops[-1], END))


def _crossing_step(graph: RoutingGraph, reduced: Reduced, source: int, station: str, used):
    """The crossing edges from ``source`` to a layer of ``station``."""
    found = {}
    code = graph.places.index(station)
    if code in used:
        return found
    for entry in reduced.out_entries(source):
        v = int(reduced.head[entry])
        if graph.engine.node_place[v] == code and (
            graph.edge(reduced, entry)["element_kind"] == "crossing"
        ):
            found[v] = (float(reduced.weight[entry]), [source, v])
    return found


def _as_route(graph, network, reduced: Reduced, path: list[int], by: str) -> Route:
    service_mode, iso3 = _lookups(network)
    nodes = graph.engine.nodes
    columns: dict[str, list] = {c: [] for c in LEG_COLUMNS if not c.startswith("cum_")}
    for entry, u, v in zip(
        reduced.positions(path[:-1], path[1:]), path[:-1], path[1:], strict=True
    ):
        edge = graph.edge(reduced, entry)
        if edge["element_kind"] == "access":
            continue
        (a, layer_a), (b, layer_b) = nodes[u], nodes[v]
        countries = sorted(edge["countries"] or {iso3[a]})
        for step in edge["steps"]:
            for column, value in (
                ("from", a),
                ("to", b),
                ("kind", step.kind),
                ("mode", service_mode.get(step.service) or _leg_mode(edge, layer_a, layer_b)),
                ("service", step.service),
                ("element", edge["element"]),
                ("km", step.km),
                ("hours", step.hours),
                ("cost_usd", step.cost_usd),
                ("countries", countries),
                (
                    "passages",
                    ";".join(sorted(edge["passages"])) if step.kind == "line_haul" else "",
                ),
                ("basis", step.basis),
            ):
                columns[column].append(value)
    for column in ("km", "hours", "cost_usd"):
        columns[f"cum_{column}"] = np.cumsum(columns[column], dtype=float).tolist()
    legs = pd.DataFrame({c: columns[c] for c in LEG_COLUMNS})
    hours, cost = float(sum(columns["hours"])), float(sum(columns["cost_usd"]))
    total = {
        "km": float(sum(columns["km"])),
        "hours": hours,
        "days": hours / 24,
        "cost_usd": cost,
        "generalized": cost + graph.value_of_time * hours,
    }
    crossed = legs[legs.kind == "crossing"]
    stations = [p for a, b in zip(crossed["from"], crossed["to"], strict=True) for p in (a, b)]
    return Route(nodes[path[0]][0], nodes[path[-1]][0], by, legs, total, stations, network)


def _passage_notes(graph: RoutingGraph, r: Route, constraints: Constraints) -> list[str]:
    """For each sea leg re-routed round an avoided passage, the other ways round it."""
    if not constraints.passages:
        return []
    notes = []
    sea = r.legs[(r.legs.kind == "line_haul") & (r.legs["mode"] == "sea")]
    for leg in sea.to_dict("records"):
        options = {}
        for edge in _sea_edges(graph, leg["from"], leg["to"]):
            if constraints.allows(edge):
                label = (
                    " and ".join(PASSAGES[p][0] for p in sorted(edge["passages"])) or "open sea"
                )
                options[label] = min(options.get(label, np.inf), edge["hours"])
        if len(options) > 1:
            listed = ", ".join(
                f"via {k} {h / 24:.1f} days"
                for k, h in sorted(options.items(), key=lambda o: o[1])
            )
            avoided = ", ".join(PASSAGES[p][0] for p in sorted(constraints.passages))
            notes.append(f"{leg['from']}-{leg['to']} at sea without {avoided}: {listed}")
    return notes


def _sea_edges(graph: RoutingGraph, a: str, b: str):
    """The sea links (open leg and variants) from a to b."""
    engine = graph.engine
    tags = engine.tags
    edges = np.intersect1d(tags.get(("mode", "sea"), []), tags.get(("kind", "link"), []))
    place = engine.node_place
    ends = (place[engine.tail[edges]], place[engine.head[edges]])
    there = (ends[0] == graph.places.index(a)) & (ends[1] == graph.places.index(b))
    for edge in edges[there]:
        yield engine.data[edge]


def _leg_mode(edge: dict, layer_u: str, layer_v: str) -> str:
    if edge["element_kind"] == "transfer":
        return f"{layer_mode(layer_u)}>{layer_mode(layer_v)}"
    return layer_mode(layer_u)


def _alternatives(graph, network, stops, by, constraints, best, k) -> list[Route]:
    """Up to k routes that differ materially from the best and from each other.

    Each route found is extended by closing, one at a time, the crossings, line-haul links and
    sea passages it uses (on top of what was closed to find it); a candidate counts if it
    passes no place twice and differs materially (:func:`_differs`) from every route chosen.
    The searches grow with k times the elements of one route, never with their product.
    """
    chosen = [best]
    tried: set[frozenset] = set()
    frontier: list[tuple[frozenset[str], Route]] = [(frozenset(), best)]
    while frontier and len(chosen) <= k:
        candidates = []
        for closed, base in frontier:
            for element in _closable([base]):
                blocked = closed | {element}
                if blocked in tried:
                    continue
                tried.add(blocked)
                found = _search(graph, network, stops, by, _closing(constraints, blocked))
                if found is not None:
                    candidates.append((found.total[_total_key(by)], sorted(blocked), found))
        candidates.sort(key=lambda c: (c[0], c[1]))
        frontier = []
        for _, blocked, found in candidates:
            if len(chosen) > k:
                break
            if _revisits(found):
                continue  # doubling back through a place is no real alternative
            if all(_differs(found, other) for other in chosen):
                chosen.append(found)
                frontier.append((frozenset(blocked), found))
    return chosen[1:]


def _total_key(by: str) -> str:
    return {"time": "hours", "cost": "cost_usd", "distance": "km"}.get(by, "generalized")


def _closable(routes: list[Route]) -> list[str]:
    """Crossing and link ids, and ``passage:<name>`` for the sea passages, the routes use."""
    elements = set()
    for r in routes:
        used = r.legs[r.legs.kind.isin(["crossing", "line_haul"])]
        elements |= set(used["element"]) | {f"passage:{p}" for p in _passages(r)}
    return sorted(elements)


def _closing(constraints: Constraints, blocked: frozenset[str]) -> Constraints:
    passages = {b.removeprefix("passage:") for b in blocked if b.startswith("passage:")}
    elements = {b for b in blocked if not b.startswith("passage:")}
    return Constraints(
        **{
            **constraints.__dict__,
            "elements": constraints.elements | elements,
            "passages": constraints.passages | passages,
        }
    )


def _revisits(r: Route) -> bool:
    return len(set(r.places)) < len(r.places)


def _differs(a: Route, b: Route) -> bool:
    """Material difference: other crossings, other ports, other sea passages, or land legs
    that share at most 80% of their km."""
    if set(a.crossing_ids) != set(b.crossing_ids) or _ports(a) != _ports(b):
        return True
    if _passages(a) != _passages(b):
        return True
    km_a, km_b = _land_km(a), _land_km(b)
    if min(km_a.sum(), km_b.sum()) == 0:
        return False  # at sea only, so ports and passages decide
    shared = km_a[km_a.index.isin(km_b.index)].sum()
    return shared <= MAX_SHARED_KM * min(km_a.sum(), km_b.sum())


def _ports(r: Route) -> set[str]:
    return set(r.legs.loc[r.legs.kind == "port", "to"])


def _passages(r: Route) -> set[str]:
    """The sea passages a route uses (open-sea legs and one-passage-closed variants)."""
    net = r.network
    by_leg = {**net.links["passages"].to_dict(), **net.sea_variants["passages"].to_dict()}
    return {p for e in r.legs.element for p in (by_leg.get(e) or [])}


def _land_km(r: Route) -> pd.Series:
    land = r.legs[(r.legs.kind == "line_haul") & (r.legs["mode"] != "sea")]
    return land.groupby("element")["km"].sum()


def _explain(graph, network, stops, by, constraints) -> str:
    """Say which constraint cut every path, by lifting them one at a time."""
    names = " -> ".join(stops)
    base = f"no route {names}"
    relaxations = [
        (
            "the avoid list",
            {
                "places": frozenset(),
                "elements": frozenset(),
                "countries": frozenset(),
                "passages": frozenset(),
            },
        ),
        (f"the modes ({', '.join(sorted(constraints.modes or []))})", {"modes": None}),
        (
            "operational links only",
            {"statuses": frozenset({"operational", "planned", "under_construction"})},
        ),
        ("the seasonal closures of the month", {"closed_for_season": frozenset()}),
    ]
    culprits = []
    for label, change in relaxations:
        relaxed = Constraints(**{**constraints.__dict__, **change})
        if relaxed != constraints and _search(graph, network, stops, by, relaxed) is not None:
            detail = (
                _which_avoid(graph, network, stops, by, constraints)
                if (label == "the avoid list")
                else ""
            )
            culprits.append(f"{label}{detail}")
    if culprits:
        if len(culprits) == 1:
            return f"{base}: {culprits[0]} cuts every path; lifting it finds a route"
        return f"{base}: {' and '.join(culprits)} each cut every path; lifting any finds a route"
    for a, b in itertools.pairwise(stops):
        if _search(graph, network, [a, b], by, constraints) is None:
            return f"{base}: nothing connects {a} to {b} under these constraints"
    return f"{base}: the stops cannot be passed in this order"


def _which_avoid(graph, network, stops, by, constraints) -> str:
    culprits = []
    for kind in ("places", "elements", "countries", "passages"):
        for item in sorted(getattr(constraints, kind)):
            lifted = Constraints(
                **{**constraints.__dict__, kind: getattr(constraints, kind) - {item}}
            )
            if _search(graph, network, stops, by, lifted) is not None:
                culprits.append(item)
    return f" ({', '.join(culprits)})" if culprits else ""
