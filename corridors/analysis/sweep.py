"""An all-pairs sanity sweep: every place pair routed by time and by generalized cost, and
the routes a planner would not believe flagged, rule by rule.

The calibration cases say how well the model matches the routes someone published; the
sweep looks at every other route. It does not call :func:`~corridors.analysis.routing.route`
for each pair: the skim machinery (:func:`corridors.analysis.skim.best_paths`) finds every
pair's best path in one many-source search per objective and lists the place-changing steps
of each, which is all the rules read. Only the few routes that come back to a country are
routed one by one, to say whether any other way exists.

The rules (:data:`RULES`), on the path of each pair. A *border crossing* is one of
``crossings.csv`` (the Caspian rail ferry included): an open border inside a customs union or
Schengen (Kazakhstan-Russia, Poland-Germany) is none, as in the model. *Overland* means off
the sea legs.

``reenters_country``
    A trip between two countries that leaves a country and later comes back into it (by any
    step between two places of different countries, open borders and sea legs included).
``domestic_leaves``
    A trip that begins and ends in one country and passes a place in another.
``extra_crossings``
    An overland stretch of the route (from the origin, or the port a sea leg ends at, to the
    next sea leg or the destination) that uses more than :data:`SPARE_CROSSINGS` border
    crossing more than the shortest overland path (by km, as route() finds it) between the
    stretch's two ends. One more is a choice of corridor that time or cost can justify
    (Erenhot through Mongolia rather than Alashankou into Kazakhstan, on the way to Russia);
    two more is a route going round the direct corridor rather than along it (Chengdu-Gwadar
    out at Horgos and back at Torugart: three against Khunjerab's one).
``truck_beside_rail``
    A run of road steps (road links and road crossings, with their dwell) between two places
    that takes longer than the fastest railway between the same two places (rail links, rail
    crossings, gauge changes and waits, with the services a trip between them may ride and
    the sweep's statuses, as the router charges them; no transfer at either end).
``slower_than_walking``
    A line haul slower than :data:`WALKING_KMH` (its km over its hours).
``faster_than_service``
    A line haul that covers the straight (geodesic) line between its two places, less
    :data:`COORDINATE_KM`, at more than its service's ``speed_kmh``, or covers ground in no
    time: its km fall short of the ground it crosses.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridors.analysis.routing import route
from corridors.analysis.routing.legs import reentries
from corridors.analysis.skim import MAX_PAIRS, best_paths
from corridors.collector import collector_paused
from corridors.graph.constraints import Constraints, as_names, resolve_constraints
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.network.geodesy import geodesic_km
from corridors.network.model import Network, check_network

__all__ = [
    "COORDINATE_KM",
    "OBJECTIVES",
    "RULES",
    "SPARE_CROSSINGS",
    "WALKING_KMH",
    "Sweep",
    "sweep",
]

RULES = {
    "reenters_country": "leaves a country and comes back into it",
    "domestic_leaves": "a trip within one country that passes through another",
    "extra_crossings": "two or more border crossings more than the shortest way over land",
    "truck_beside_rail": "trucks between two places the railway joins faster",
    "slower_than_walking": "a line haul slower than walking pace",
    "faster_than_service": "a line haul faster over the ground than its service runs",
}
OBJECTIVES = ("time", "generalized")
WALKING_KMH = 5.0  # walking pace
SPARE_CROSSINGS = 1  # crossings an overland stretch may use beyond the direct way's
COORDINATE_KM = 5.0  # how far a place's coordinate may lie from where its lines end
COLUMNS = ["origin", "destination", "by", "rule", "detail"]


@dataclass(frozen=True, eq=False)
class Sweep:
    """What :func:`sweep` found.

    Attributes
    ----------
    pairs : int
        Ordered pairs of different places swept (each routed by every objective).
    unreachable : pandas.DataFrame
        The pairs with no route at all (origin, destination, by): nothing to check.
    flagged : pandas.DataFrame
        One row per route and rule broken: origin, destination (place ids), by (the
        objective), rule (a key of :data:`RULES`) and detail (what is wrong, by place name).
    """

    pairs: int
    unreachable: pd.DataFrame
    flagged: pd.DataFrame

    def to_dict(self) -> dict:
        """``{"pairs": N, "flagged": [{"origin", "destination", "by", "rule", "detail"}]}``."""
        return {"pairs": self.pairs, "flagged": self.flagged[COLUMNS].to_dict("records")}


def sweep(
    network: Network,
    *,
    places: Iterable[str] | None = None,
    by: Iterable[str] = OBJECTIVES,
    statuses: Iterable[str] = ("operational",),
    month: int | None = None,
) -> Sweep:
    """Route every pair of ``places`` by each objective and flag what breaks a rule.

    Parameters
    ----------
    network : Network
    places : iterable of str, optional
        Place names; every place of the network when omitted.
    by : iterable of str
        Objectives (``time``, ``cost``, ``generalized``, ``distance``); time and
        generalized cost by default.
    statuses, month :
        As for :func:`corridors.analysis.routing.route`.

    Returns
    -------
    Sweep

    Raises
    ------
    TypeError
        ``network`` is no Network, or a name is no str.
    ValueError
        Fewer than two places, or more pairs than ``MAX_PAIRS`` (250,000: about 500
        places); no objective or an unknown one; an unknown status or a month outside 1-12.
    UnknownPlaceError
        A place name that matches nothing.

    Examples
    --------
    >>> from corridors import load_network
    >>> found = sweep(load_network(), places=["Chengdu", "Gwadar", "Kashgar"])
    >>> found.pairs, len(found.flagged)
    (6, 0)
    """
    check_network(network)
    objectives = list(dict.fromkeys(as_names(by, "by")))
    if not objectives:
        msg = "by must name at least one objective (time, cost, generalized or distance)"
        raise ValueError(msg)
    for objective in objectives:
        check_objective(objective)
    names = list(network.places.index) if places is None else as_names(places, "places")
    ids = list(dict.fromkeys(network.resolve(name) for name in names))
    if len(ids) < 2:
        msg = f"a sweep needs at least two places ({len(ids)} given)"
        raise ValueError(msg)
    if len(ids) * (len(ids) - 1) > MAX_PAIRS:
        msg = (
            f"a sweep of {len(ids):,} places is {len(ids) * (len(ids) - 1):,} pairs, more than "
            f"the {MAX_PAIRS:,} a sweep routes at once; sweep fewer places (places=...)"
        )
        raise ValueError(msg)
    constraints = resolve_constraints(network, ids, statuses=statuses, month=month)
    graph = routing_graph(network)
    grid = np.array(ids, dtype=object)
    origins, dests = np.repeat(grid, len(ids)), np.tile(grid, len(ids))
    apart = origins != dests
    origins, dests = origins[apart], dests[apart]
    context = _Context(network, graph, constraints, origins, dests, month)
    rows: list[dict] = []
    missing = []
    with collector_paused():
        for objective in objectives:
            found, unreached = _check(context, objective)
            rows += found
            missing += [_flag(context, i, objective, "", "") for i in unreached.tolist()]
    flagged = pd.DataFrame(rows, columns=COLUMNS)
    # by rule, then objective (as given), then pair
    rank = flagged.rule.map({rule: i for i, rule in enumerate(RULES)})
    turn = flagged.by.map({objective: i for i, objective in enumerate(objectives)})
    keys = ["rank", "turn", "origin", "destination"]
    flagged = flagged.assign(rank=rank, turn=turn).sort_values(keys)[COLUMNS]
    unreachable = pd.DataFrame(missing, columns=COLUMNS)[["origin", "destination", "by"]]
    return Sweep(len(origins), unreachable, flagged.reset_index(drop=True))


@dataclass(frozen=True, eq=False)
class _Context:
    network: Network
    graph: RoutingGraph
    constraints: Constraints
    origins: np.ndarray
    dests: np.ndarray
    month: int | None = None

    @functools.cached_property
    def names(self) -> dict[str, str]:
        return self.network.places.name_en.to_dict()

    def country_name(self, iso3: str) -> str:
        return self._countries.get(iso3, iso3)

    @functools.cached_property
    def _countries(self) -> dict[str, str]:
        return self.network.countries.set_index("iso3").name_en.to_dict()


@dataclass(frozen=True, eq=False)
class _Steps:
    """The place-changing steps of every reached pair's path, in path order."""

    pair: np.ndarray  # index into the context's origins and dests
    edge: np.ndarray  # engine edge
    tail: np.ndarray  # place codes
    head: np.ndarray
    tail_country: np.ndarray
    head_country: np.ndarray
    hours: np.ndarray
    km: np.ndarray


def _check(context: _Context, by: str) -> tuple[list[dict], np.ndarray]:
    """The flags of one objective, and the pairs it could not route."""
    graph = context.graph
    parts, unreached = [], []
    for picked, paths in best_paths(
        context.network, graph, context.constraints, by, context.origins, context.dests
    ):
        unreached.append(picked[np.isnan(paths.sums[:, 0])])
        order = np.lexsort((-paths.step, paths.pair))
        entry = paths.entry[order]
        tail, head = paths.reduced.tail[entry], paths.reduced.head[entry]
        edge = paths.reduced.edge[entry]
        parts.append(
            (
                picked[paths.pair[order]],
                edge,
                graph.engine.node_place[tail],
                graph.engine.node_place[head],
                graph.node_country[tail],
                graph.node_country[head],
                graph.engine.values["hours"][edge],
                graph.engine.values["km"][edge],
            )
        )
    steps = _Steps(*(np.concatenate(column) for column in zip(*parts, strict=True)))
    order = np.argsort(steps.pair, kind="stable")
    steps = _Steps(*(getattr(steps, f)[order] for f in _Steps.__dataclass_fields__))
    rows = [
        *_reentries(context, steps, by),
        *_extra_crossings(context, steps, by),
        *_trucks(context, steps, by),
        *_speeds(context, steps, by),
    ]
    return rows, np.sort(np.concatenate(unreached))


def _flag(context: _Context, pair: int, by: str, rule: str, detail: str) -> dict:
    return {
        "origin": context.origins[pair],
        "destination": context.dests[pair],
        "by": by,
        "rule": rule,
        "detail": detail,
    }


def _reentries(context: _Context, steps: _Steps, by: str) -> list[dict]:
    """reenters_country and domestic_leaves."""
    graph, names = context.graph, context.names
    crosses = steps.tail_country != steps.head_country
    if not crosses.any():
        return []
    # a path comes back to a country when it leaves one twice, or leaves its last country
    pair, left = steps.pair[crosses], steps.tail_country[crosses]
    last = np.r_[steps.pair[1:] != steps.pair[:-1], True]
    ended = np.zeros(len(context.origins), dtype=np.int64) - 1
    ended[steps.pair[last]] = steps.head_country[last]
    count = len(graph.countries)
    keys = np.concatenate([pair * count + left, np.unique(pair) * count + ended[np.unique(pair)]])
    unique, times = np.unique(keys, return_counts=True)
    turning = np.unique(unique[times > 1] // count)
    country = {code: graph.place_iso3[p] for code, p in enumerate(graph.places)}
    iso3 = graph.place_iso3
    rows = []
    for i in turning.tolist():
        at = slice(*np.searchsorted(steps.pair, [i, i + 1]))
        places = [int(steps.tail[at][0]), *steps.head[at].tolist()]
        origin, dest = context.origins[i], context.dests[i]
        note = _closer_look(context, i, by)
        if iso3[origin] == iso3[dest]:
            abroad = dict.fromkeys(country[p] for p in places if country[p] != iso3[origin])
            detail = (
                f"{names[origin]} to {names[dest]}, both in {context.country_name(iso3[origin])}, "
                f"passes through {', '.join(context.country_name(c) for c in abroad)}{note}"
            )
            rows.append(_flag(context, i, by, "domestic_leaves", detail))
            continue
        exits: dict[str, str] = {}
        for a, b in itertools.pairwise(places):
            ca, cb = country[a], country[b]
            if ca != cb:
                exits.setdefault(ca, graph.places[a])
                if cb in exits:
                    detail = (
                        f"leaves {context.country_name(cb)} at {names[exits[cb]]} and comes "
                        f"back at {names[graph.places[b]]}{note}"
                    )
                    rows.append(_flag(context, i, by, "reenters_country", detail))
                    break
    return rows


def _closer_look(context: _Context, pair: int, by: str) -> str:
    """What route() says of a route that comes back to a country: whether it found another
    way (the sweep and route() search alike, so this is the same route)."""
    constraints = context.constraints
    r = route(
        context.network,
        context.origins[pair],
        context.dests[pair],
        by=by,
        statuses=constraints.statuses,
        month=context.month,
    )
    return "; route(): no other way found" if reentries(r) else ""


def _extra_crossings(context: _Context, steps: _Steps, by: str) -> list[dict]:
    """extra_crossings: each overland stretch against the direct way between its ends."""
    graph = context.graph
    sea = _sea_links(graph)[steps.edge]
    first = np.r_[True, steps.pair[1:] != steps.pair[:-1]]
    # a stretch starts at a pair's first step and after each sea leg
    stretch = np.cumsum(first | np.r_[False, sea[:-1]]) - 1
    land = ~sea
    if not land.any():
        return []
    stretch, pair = stretch[land], steps.pair[land]
    crossing = _crossing_edges(graph)[steps.edge[land]]
    _, begin, inverse = np.unique(stretch, return_index=True, return_inverse=True)
    crossed = np.bincount(inverse, weights=crossing)
    end = np.r_[begin[1:], len(stretch)] - 1
    a, b = steps.tail[land][begin], steps.head[land][end]
    direct = _direct_crossings(context, a, b)
    over = np.flatnonzero(crossed > direct + SPARE_CROSSINGS)
    names, places = context.names, graph.places
    rows = []
    for i in over.tolist():
        detail = (
            f"{names[places[a[i]]]} to {names[places[b[i]]]} uses {int(crossed[i])} border "
            f"crossings where the shortest way over land uses {int(direct[i])}"
        )
        rows.append(_flag(context, int(pair[begin[i]]), by, "extra_crossings", detail))
    return rows


def _sea_links(graph: RoutingGraph) -> np.ndarray:
    """Whether each engine edge is a sea leg (a link at sea, not the Caspian ferry crossing)."""
    return _has(graph, ("mode", "sea")) & _has(graph, ("kind", "link"))


def _has(graph: RoutingGraph, tag: tuple[str, str]) -> np.ndarray:
    """Whether each engine edge carries ``tag`` (the engine's mask of it, inverted)."""
    return ~graph.engine.mask([tag])


def _crossing_edges(graph: RoutingGraph) -> np.ndarray:
    """Whether each engine edge is a border crossing (of crossings.csv)."""
    return _has(graph, ("kind", "crossing"))


def _direct_crossings(context: _Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The crossings of the shortest path over land (by km, off the sea legs, as route()
    finds it) from place a[i] to place b[i]; inf where there is none."""
    graph, network = context.graph, context.network
    sea_legs = {*network.links.index[network.links["mode"] == "sea"], *network.sea_variants.index}
    overland = replace(context.constraints, elements=context.constraints.elements | sea_legs)
    return _per_pair(context, a, b, overland, "distance", _crossing_edges(graph))[1]


def _per_pair(context: _Context, a, b, constraints, by: str, counted: np.ndarray):
    """For the best path (by ``by``) from each place a[i] to place b[i] that comes back to
    no country: its hours, and how many of its place-changing steps are ``counted`` engine
    edges (inf where there is no such path)."""
    places = np.array(context.graph.places, dtype=object)
    count = len(places)
    unique, inverse = np.unique(a.astype(np.int64) * count + b, return_inverse=True)
    starts, ends = places[unique // count], places[unique % count]
    hours, total = np.full(len(unique), np.inf), np.full(len(unique), np.inf)
    for picked, paths in best_paths(
        context.network, context.graph, constraints, by, starts, ends, reenter=False
    ):
        edges = paths.reduced.edge[paths.entry]
        found = np.bincount(paths.pair, weights=counted[edges], minlength=len(picked))
        hours[picked] = np.nan_to_num(paths.sums[:, 0], nan=np.inf)
        total[picked] = np.where(np.isfinite(hours[picked]), found, np.inf)
    return hours[inverse], total[inverse]


def _trucks(context: _Context, steps: _Steps, by: str) -> list[dict]:
    """truck_beside_rail: each run of road steps against the railway between its ends."""
    road = _road_steps(context.graph)[steps.edge]
    if not road.any():
        return []
    first = np.r_[True, steps.pair[1:] != steps.pair[:-1]]
    starts = road & (first | ~np.r_[False, road[:-1]])
    run = np.cumsum(starts) - 1
    run, pair = run[road], steps.pair[road]
    hours = np.bincount(run, weights=steps.hours[road])
    km = np.bincount(run, weights=steps.km[road])
    _, begin = np.unique(run, return_index=True)
    end = np.r_[begin[1:], len(run)] - 1
    a, b = steps.tail[road][begin], steps.head[road][end]
    rail = _rail_hours(context, a, b)
    slower = np.flatnonzero(rail < hours - 1e-9)
    names, places = context.names, context.graph.places
    rows = []
    for i in slower.tolist():
        detail = (
            f"trucks {names[places[a[i]]]} to {names[places[b[i]]]} ({km[i]:,.0f} km) in "
            f"{hours[i]:.1f} h where the railway takes {rail[i]:.1f} h"
        )
        rows.append(_flag(context, int(pair[begin[i]]), by, "truck_beside_rail", detail))
    return rows


def _road_steps(graph: RoutingGraph) -> np.ndarray:
    """Whether each engine edge is a road link or road crossing (by road alone)."""
    others = [("mode", mode) for mode in graph.engine.tag_values("mode") - {"road"}]
    return _has(graph, ("mode", "road")) & graph.engine.mask(others)


def _rail_hours(context: _Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hours of the fastest railway from place a[i] to place b[i] (inf where none), with the
    services the trip between them may ride."""
    rail = replace(context.constraints, modes=frozenset({"rail"}))
    return _per_pair(context, a, b, rail, "time", _road_steps(context.graph))[0]


def _speeds(context: _Context, steps: _Steps, by: str) -> list[dict]:
    """slower_than_walking and faster_than_service, for each line haul of each edge used."""
    graph, network = context.graph, context.network
    speed = network.services.set_index("id").speed_kmh.to_dict()
    names = context.names
    broken: dict[int, list[tuple[str, str]]] = {}
    for edge in np.unique(steps.edge).tolist():
        data = graph.engine.data[edge]
        a = graph.places[graph.engine.node_place[graph.engine.tail[edge]]]
        b = graph.places[graph.engine.node_place[graph.engine.head[edge]]]
        ground = _ground_km(network, a, b)
        for step in data["steps"]:
            if step.kind != "line_haul" or (step.km <= 0 and ground <= COORDINATE_KM):
                continue
            what = f"{names[a]} to {names[b]} by {step.service or data['element']}"
            if step.hours <= 0:
                broken.setdefault(edge, []).append(
                    ("faster_than_service", f"{what}: {step.km:,.1f} km in no time")
                )
                continue
            if step.km / step.hours < WALKING_KMH:
                detail = f"{what}: {step.km / step.hours:.1f} km/h over {step.km:,.0f} km"
                broken.setdefault(edge, []).append(("slower_than_walking", detail))
            limit = speed.get(step.service, np.inf)
            if (ground - COORDINATE_KM) / step.hours > limit:
                detail = (
                    f"{what}: {ground:,.0f} km of ground in {step.hours:.1f} h, "
                    f"{ground / step.hours:.1f} km/h against its {limit:g} km/h"
                )
                broken.setdefault(edge, []).append(("faster_than_service", detail))
    rows = []
    if not broken:
        return rows
    for i in np.flatnonzero(np.isin(steps.edge, list(broken))).tolist():
        for rule, detail in broken[int(steps.edge[i])]:
            rows.append(_flag(context, int(steps.pair[i]), by, rule, detail))
    return rows


def _ground_km(network: Network, a: str, b: str) -> float:
    """The geodesic km between two places."""
    if a == b:
        return 0.0
    pa, pb = network.places.loc[a], network.places.loc[b]
    return geodesic_km(pa.lon, pa.lat, pb.lon, pb.lat)
