"""A route in physical terms: a path of the routing graph reported as legs over links,
crossings, transfers and waits, each with its service and the data cell its hours come from."""

from __future__ import annotations

import functools
import itertools
import math
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corridors.engine import Reduced
from corridors.graph.costs import generalized, quantiles
from corridors.graph.layers import layer_mode
from corridors.graph.routing_graph import RoutingGraph
from corridors.network.model import CRS, Network

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["LEG_COLUMNS", "Route", "as_route", "reentries", "sea_edges"]

NUMBERS = ("km", "hours", "hours_p50", "hours_p90", "cost_usd")  # float columns of the legs


LEG_COLUMNS = [
    "from",
    "to",
    "kind",
    "mode",
    "service",
    "element",
    "km",
    "hours",
    "hours_p50",
    "hours_p90",
    "cost_usd",
    "cum_km",
    "cum_hours",
    "cum_cost_usd",
    "countries",
    "passages",
    "basis",
]

STEP_COLUMNS = [c for c in LEG_COLUMNS if not c.startswith("cum_")]  # what a step gives


@dataclass(frozen=True, eq=False)
class Route:
    """A route between two places, leg by leg.

    Attributes
    ----------
    origin, destination : str
        Place ids.
    objective : str
        What was minimised: time, cost, generalized or distance.
    steps : list of tuple
        The legs as rows, one value per column of :data:`STEP_COLUMNS`.
    columns : dict of str to numpy.ndarray
        The legs' table as typed arrays, one per column of :data:`LEG_COLUMNS` (floats, or
        objects for the labels), built from ``steps`` on first use; ``legs`` is built from
        it.
    legs : pandas.DataFrame
        The same as a table, built on first use; one row per leg: from, to, kind
        (line_haul, crossing, gauge_change, transfer, port, wait), mode, service (the
        train, truck or ship that carries the cargo, or is waited for), element (link,
        crossing or transfer id), km, hours (the mean), hours_p50 and hours_p90 (NaN where
        no spread is known), cost_usd, the cumulative sums of km, hours and cost, the
        countries of the leg, the sea passages a sea leg uses (``;``-separated), and basis
        (the data cell, ``table:key:column``, its hours come from).
    total : dict
        km, hours (the mean), days, hours_p50 and hours_p90 (None where no part of the route
        has a known spread; the parts' quantiles add up, see :mod:`corridors.graph.costs`),
        cost_usd, reliability_usd (the value of reliability x (P90 - P50)) and generalized
        (cost + time + reliability) for the whole route.
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
    steps: list[tuple] = field(repr=False)
    total: dict
    crossings: list[str]
    network: Network = field(repr=False)
    alternatives: list[Route] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """The legs' columns as typed arrays, with the running totals (see the class's
        attributes); pandas takes them as they are when the table is asked for."""
        cells = list(zip(*self.steps, strict=True)) or [()] * len(STEP_COLUMNS)
        arrays = {}
        for name, values in zip(STEP_COLUMNS, cells, strict=True):
            if name == "countries":  # tuples in the steps, shared by the routes on an edge
                values = [list(countries) for countries in values]
            kind = float if name in NUMBERS else object  # object: a cell may hold a list
            arrays[name] = np.fromiter(values, dtype=kind, count=len(values))
        for name in ("km", "hours", "cost_usd"):
            arrays[f"cum_{name}"] = np.cumsum(arrays[name])
        return arrays

    @functools.cached_property
    def legs(self) -> pd.DataFrame:
        """The legs' table (see the class's attributes), built from ``columns`` once."""
        import pandas as pd  # a route read for its totals or crossings needs no table

        return pd.DataFrame({c: self.columns[c] for c in LEG_COLUMNS}, copy=False)

    @property
    def crossing_ids(self) -> list[str]:
        """Ids of the crossings used, in order."""
        return self.column("element", kind="crossing")

    @property
    def passages(self) -> list[str]:
        """The sea passages used, in order (searoute's names: malacca, suez …)."""
        seen: list[str] = []
        for cell in self.columns["passages"]:
            seen += [p for p in cell.split(";") if p and p not in seen]
        return seen

    @property
    def places(self) -> list[str]:
        """The places passed, in order, without repeats."""
        places = [self.origin]
        for step in self.steps:
            if step[TO] != places[-1]:
                places.append(step[TO])
        return places

    def column(self, name: str, *, kind: str | None = None) -> list:
        """One column of the legs as a list, only the legs of ``kind`` where given.

        Examples
        --------
        >>> from corridors import load_network, route
        >>> route(load_network(), "Kunming", "Vientiane").column("to", kind="crossing")
        ['boten']
        """
        values = self.columns[name].tolist()
        if kind is None:
            return values
        return [v for v, k in zip(values, self.columns["kind"].tolist(), strict=True) if k == kind]

    def records(self) -> list[dict]:
        """The legs as one dict per leg, keyed by :data:`LEG_COLUMNS`."""
        cells = zip(*(self.columns[c].tolist() for c in LEG_COLUMNS), strict=True)
        return [dict(zip(LEG_COLUMNS, row, strict=True)) for row in cells]

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
                **{q: _rounded(r[q]) for q in ("hours_p50", "hours_p90")},
                "cost_usd": round(r["cost_usd"], 2),
                "passages": [p for p in r["passages"].split(";") if p],
                "basis": r["basis"],
            }
            for r in self.records()
        ]
        return {
            "origin": self.origin,
            "destination": self.destination,
            "objective": self.objective,
            "total": {k: _rounded(v) for k, v in self.total.items()},
            "crossings": self.crossings,
            "passages": self.passages,
            "legs": legs,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "notes": self.notes,
        }

    def to_gdf(self) -> gpd.GeoDataFrame:
        """The legs with their geometry (EPSG:4326); transfers are points at their place."""
        import geopandas as gpd  # only maps and GIS files need it

        net = self.network
        shapes = {
            **net.shapes["links"].to_dict(),
            **net.shapes["crossings"].to_dict(),
            **net.shapes["sea_variants"].to_dict(),
        }
        geometry = [
            shapes.get(r["element"], net.shapes["places"][r["to"]]) for r in self.records()
        ]
        return gpd.GeoDataFrame(self.legs.copy(), geometry=geometry, crs=CRS)


@functools.lru_cache(maxsize=8)
def _lookups(network: Network) -> tuple[dict[str, str], dict[str, str]]:
    """The mode of each service and the country of each place."""
    services = network.services
    service_mode = dict(zip(services["id"], services["mode"], strict=True))
    return service_mode, network.place_country


def as_route(graph, network, reduced: Reduced, path: list[int], by: str) -> Route:
    """The route along ``path`` (nodes of ``reduced``), leg by leg."""
    rows_of = _ROWS.setdefault(graph, {})
    steps: list[tuple] = []
    for edge in reduced.edge[reduced.positions(path[:-1], path[1:])].tolist():
        rows = rows_of.get(edge)
        if rows is None:
            rows = rows_of[edge] = _rows(graph, network, edge)
        steps += rows
    km, total_hours, cost, p50, p90 = _route_totals(steps)
    spread = 0.0 if p50 is None else p90 - p50
    total = {
        "km": km,
        "hours": total_hours,
        "days": total_hours / 24,
        "hours_p50": p50,
        "hours_p90": p90,
        "cost_usd": cost,
        "reliability_usd": graph.value_of_reliability * spread,
        "generalized": generalized(
            cost, total_hours, graph.value_of_time, spread, graph.value_of_reliability
        ),
    }
    stations = [s[end] for s in steps if s[KIND] == "crossing" for end in (FROM, TO)]
    nodes = graph.engine.nodes
    origin, destination = nodes[path[0]][0], nodes[path[-1]][0]
    return Route(origin, destination, by, steps, total, stations, network)


FROM, TO, KIND = (STEP_COLUMNS.index(c) for c in ("from", "to", "kind"))
KM, HOURS, P50, P90, COST = (STEP_COLUMNS.index(c) for c in NUMBERS)

# The legs of each edge of a routing graph (of one network), made when a route first takes it.
_ROWS: weakref.WeakKeyDictionary[RoutingGraph, dict[int, list[tuple]]] = (
    weakref.WeakKeyDictionary()
)


def _rows(graph: RoutingGraph, network: Network, edge: int) -> list[tuple]:
    """The legs (rows of :data:`STEP_COLUMNS`) of one edge of the engine, one per step."""
    service_mode, iso3 = _lookups(network)
    engine = graph.engine
    data = engine.data[edge]
    if data["element_kind"] == "access":
        return []
    (a, layer_a), (b, layer_b) = engine.nodes[engine.tail[edge]], engine.nodes[engine.head[edge]]
    countries = tuple(sorted(data["countries"] or {iso3[a]}))
    passages = ";".join(sorted(data["passages"]))
    return [
        (
            a,
            b,
            step.kind,
            service_mode.get(step.service) or _leg_mode(data, layer_a, layer_b),
            step.service,
            data["element"],
            step.km,
            step.hours,
            *_known(step),
            step.cost_usd,
            countries,
            passages if step.kind == "line_haul" else "",
            step.basis,
        )
        for step in data["steps"]
    ]


def reentries(r: Route) -> list[tuple[str, str, str]]:
    """(country, place left from, place come back to) for each time a route enters a
    country it has left before, in order.

    Examples
    --------
    >>> from corridors import load_network, route
    >>> reentries(route(load_network(), "Chengdu", "Gwadar"))
    []
    """
    _, iso3 = _lookups(r.network)
    places = r.places
    found, exits = [], {}
    for a, b in itertools.pairwise(places):
        if iso3[a] != iso3[b]:
            exits.setdefault(iso3[a], a)
            if iso3[b] in exits:
                found.append((iso3[b], exits[iso3[b]], b))
    return found


def sea_edges(graph: RoutingGraph, a: str, b: str):
    """The sea links (open leg and variants) from a to b."""
    engine = graph.engine
    tags = engine.tags
    edges = np.intersect1d(tags.get(("mode", "sea"), []), tags.get(("kind", "link"), []))
    place = engine.node_place
    ends = (place[engine.tail[edges]], place[engine.head[edges]])
    there = (ends[0] == graph.places.index(a)) & (ends[1] == graph.places.index(b))
    for edge in edges[there]:
        yield engine.data[edge]


def _known(step) -> tuple[float, float]:
    """A step's P50 and P90 hours, NaN where no spread is known."""
    return quantiles(step.hours, step.sd_hours) if step.sd_hours > 0 else (np.nan, np.nan)


def _route_totals(steps: list[tuple]) -> tuple[float, float, float, float | None, float | None]:
    """km, hours, USD, P50 and P90 hours of a route from its legs, added in order. The
    quantiles add up (fully correlated delays), the legs of no known spread (NaN) at their
    mean; they are None where no leg has a known spread."""
    km = hours = cost = p50 = p90 = 0.0
    known = False
    for step in steps:
        km += step[KM]
        hours += step[HOURS]
        cost += step[COST]
        if math.isnan(step[P50]):
            p50 += step[HOURS]
            p90 += step[HOURS]
        else:
            known = True
            p50 += step[P50]
            p90 += step[P90]
    return km, hours, cost, (p50 if known else None), (p90 if known else None)


def _rounded(value: float | None) -> float | None:
    """``value`` to 2 decimals, None for None or NaN (JSON null)."""
    return None if value is None or np.isnan(value) else round(float(value), 2)


def _leg_mode(edge: dict, layer_u: str, layer_v: str) -> str:
    if edge["element_kind"] == "transfer":
        return f"{layer_mode(layer_u)}>{layer_mode(layer_v)}"
    return layer_mode(layer_u)
