"""Choice sets: for every OD pair, the distinct routes a shipper could choose between.

A pair's alternatives are the best routes (by generalized cost) under a list of variants of
its constraints, each closing what the others use:

- ``best``: no more than the trip's own constraints;
- ``land:<place>``: leaving the origin's country only over the crossings at that border place
  (each China-Europe exit port, Ruili, Mohan, Khunjerab ...), and through none of its sea
  ports; ``land:<place>:<mode>``: over its crossings of one mode, where it has several (a
  road and a railway);
- ``land:<place>:south``: the same, avoiding Russia and Belarus (the Middle Corridor over the
  Caspian, or the southern routes through Iran and Turkey where they exist);
- ``land:<place>:round:<crossing>``: the same, for the pairs whose route takes a
  capacity-bound crossing abroad, without that crossing (Grodno-Kuźnica when Brest
  queues);
- ``sea``: no land crossing out of the origin's country (the sea, then perhaps rail across
  a border abroad); ``sea:direct``: no land crossing anywhere; ``sea:road``: nor rail, so
  to the port by truck or barge; ``sea:river``: nor a road of any length in the origin's
  country, so by barge (the Yangtze to Shanghai, the Xijiang to Guangzhou, the Pinglu Canal
  to Qinzhou); ``sea:<canal>``: no Suez or Panama Canal (the Cape or Cape Horn instead);
- ``sea:<port>``: sea from that port of the origin's country only, then no land crossing
  (rail to the Beibu Gulf, the Yangtze to Shanghai ...).

Variants that find the same route are one alternative: routes are told apart by their main
mode, gateway (the last place in the origin's country), crossings and sea passages, and the
cheapest of a kind is kept. A route costing more than ``choice_max_cost_ratio`` times the
pair's best is dropped: no shipper weighs it.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridors.analysis.choice import customs_railways
from corridors.analysis.flows import (
    Moves,
    main_modes,
    rail_to_sea_ports,
    route_crossings,
    route_gateways,
    routed,
    sea_legs,
    trip_constraints,
)
from corridors.collector import collector_paused
from corridors.graph.constraints import Constraints
from corridors.graph.expand import VALUES
from corridors.graph.routing_graph import RoutingGraph, routing_graph
from corridors.network.model import Network, check_network
from corridors.network.schema import MODES

__all__ = ["ChoiceSet", "choice_set", "cost_ceiling"]

SOUTH_AVOIDS = frozenset({"RUS", "BLR"})  # the Northern Corridor's countries
BY_ROAD = ("road", "sea", "inland_water")  # to the port by truck or barge
CANALS = ("suez", "panama")
FIELDS = ("pair", "tail", "head", "edge")  # of Moves


@dataclass(frozen=True)
class ChoiceSet:
    """The alternatives of every pair of a demand table.

    Attributes
    ----------
    demand : pandas.DataFrame
        The pairs (origin, destination, feu_per_year and the demand's other columns), indexed
        0..n-1.
    alternatives : pandas.DataFrame
        One row per alternative: pair (row of ``demand``), variant (the first that found it),
        main_mode, sea_leg, rail_to_sea (the port a train brings it to a ship, or empty),
        gateway, crossings (tuple of ids), passages (tuple), hours, km, cost_usd,
        generalized (at the network's value of time, with no queues).
    moves : Moves
        The links and crossings of every alternative, ``moves.pair`` indexing its rows.
    graph : RoutingGraph
        The graph they were found on.
    constraints : Constraints
        The trips' own constraints (what ``avoid``, ``modes`` and ``statuses`` allow).
    """

    demand: pd.DataFrame
    alternatives: pd.DataFrame
    moves: Moves
    graph: RoutingGraph
    constraints: Constraints

    def routes(self, flow: np.ndarray) -> pd.DataFrame:
        """The demand row of every alternative's pair, with its main_mode, sea_leg, gateway
        and crossings, carrying ``flow`` FEU a year: what the flows' shares are counted on."""
        alts = self.alternatives
        rows = self.demand.iloc[alts.pair.to_numpy()].reset_index(drop=True)
        return rows.assign(
            main_mode=alts.main_mode.to_numpy(),
            sea_leg=alts.sea_leg.to_numpy(),
            gateway=alts.gateway.to_numpy(),
            crossings=alts.crossings.to_numpy(),
            feu_per_year=flow,
        )

    def unserved(self, network: Network) -> pd.DataFrame:
        """The pairs with no alternative: origin, destination, feu_per_year and the reason
        (:func:`corridors.analysis.routing.explain.why_no_route`)."""
        from corridors.analysis.routing.explain import why_no_route

        lost = self.demand.drop(index=np.unique(self.alternatives.pair))
        reasons = [
            why_no_route(self.graph, network, [o, d], "generalized", self.constraints)
            for o, d in zip(lost.origin, lost.destination, strict=True)
        ]
        return lost[["origin", "destination", "feu_per_year"]].assign(reason=reasons)

    @property
    def sums(self) -> np.ndarray:
        """Hours, km, USD and spread of each alternative (the columns :func:`routed` gives)."""
        return self.alternatives[list(VALUES)].to_numpy(dtype=float)


def choice_set(
    network: Network,
    demand: pd.DataFrame,
    *,
    avoid=(),
    modes=None,
    statuses=("operational",),
    ceiling: np.ndarray | None = None,
) -> ChoiceSet:
    """The alternatives of every pair of ``demand`` (a checked demand table, as
    :func:`corridors.analysis.demand.od_or_gravity` gives), found by generalized cost.

    ``ceiling``, per pair, the generalized cost above which a route is dropped; by default
    ``choice_max_cost_ratio`` times the pair's best. An appraisal passes the base network's
    (:func:`cost_ceiling`), so that a project which cheapens the best route does not also
    take the dearer ones out of the choice, and with them some of the surplus.

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [100.0]})
    >>> found = choice_set(net, demand).alternatives
    >>> sorted(set(found.main_mode))  # a truck to Kyrgyzstan: road; a truck to Qinzhou: sea
    ['rail', 'rail_sea', 'road', 'sea']
    >>> {"alashankou", "horgos", "erenhot", "manzhouli"} <= set(found.gateway)
    True
    """
    check_network(network)
    with collector_paused():  # tens of thousands of small tuples: no full collection
        demand = demand.reset_index(drop=True)
        first, row_pair = _first_rows(demand)
        if ceiling is not None:
            ceiling = np.asarray(ceiling, dtype=float)[first]
        found = _choice_set(network, demand.iloc[first], avoid, modes, statuses, ceiling)
        return found if len(first) == len(demand) else _for_rows(found, demand, row_pair)


def cost_ceiling(network: Network, alternatives: ChoiceSet) -> np.ndarray:
    """Per pair, the most generalized cost a route may have to be weighed beside the
    ``alternatives`` found on ``network``: ``choice_max_cost_ratio`` times the pair's best
    (infinite where it has none)."""
    ratio = float(network.parameters.loc["choice_max_cost_ratio", "value"])
    best = alternatives.alternatives.groupby("pair").generalized.min()
    best = best.reindex(range(len(alternatives.demand)), fill_value=np.inf)
    return best.to_numpy(dtype=float) * ratio


def _first_rows(demand: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each origin-destination pair of ``demand`` (its classes share one
    choice set), and per row the number of its pair among those."""
    codes = demand.groupby(["origin", "destination"], sort=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    return first, codes


def _for_rows(found: ChoiceSet, demand: pd.DataFrame, row_pair: np.ndarray) -> ChoiceSet:
    """The choice set ``found`` for the first row of each pair given to every row of
    ``demand`` (``row_pair`` its pair): the same alternatives, and their moves, once per row."""
    alts, moves = found.alternatives, found.moves
    per_pair = np.bincount(alts.pair, minlength=len(found.demand))
    take = _runs(per_pair, row_pair)
    pair = np.repeat(np.arange(len(row_pair)), per_pair[row_pair])
    per_alt = np.bincount(moves.pair, minlength=len(alts))
    steps = _runs(per_alt, take)
    moved = Moves(
        pair=np.repeat(np.arange(len(take)), per_alt[take]),
        **{f: getattr(moves, f)[steps] for f in FIELDS[1:]},
    )
    alternatives = alts.iloc[take].assign(pair=pair).reset_index(drop=True)
    return replace(found, demand=demand, alternatives=alternatives, moves=moved)


def _runs(counts: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """The rows of the runs ``picks`` of a table sorted into runs of ``counts`` rows, one
    run after another."""
    starts = np.cumsum(counts) - counts
    sizes = counts[picks]
    ends = np.cumsum(sizes)
    return np.repeat(starts[picks] - (ends - sizes), sizes) + np.arange(
        ends[-1] if len(ends) else 0
    )


def _choice_set(network, demand, avoid, modes, statuses, ceiling) -> ChoiceSet:
    demand = demand.reset_index(drop=True)
    graph = routing_graph(network)
    base = trip_constraints(network, demand, avoid, modes, statuses)
    stops = frozenset(demand.origin) | frozenset(demand.destination)
    parts, sums, moves, offset = [], [], [], 0
    queue = deque(_variants(network, demand, base, stops))
    while queue:
        variant, constraints, picked = queue.popleft()
        part = demand.loc[picked].reset_index(drop=True)
        found, move = routed(network, graph, constraints, "generalized", part)
        parts.append(pd.DataFrame({"pair": picked, "variant": variant, "origin": part.origin}))
        sums.append(found)
        moves.append(replace(move, pair=move.pair + offset))
        offset += len(part)
        if variant.startswith("land:"):
            taken = route_crossings(graph, move, len(picked))
            if ":round:" not in variant:
                home = network.places.iso3[demand.origin[picked[0]]]
                queue.extend(
                    _round_bottlenecks(network, home, variant, constraints, picked, taken)
                )
            if not variant.endswith(":truck"):
                queue.extend(_by_truck(network, variant, constraints, picked, taken))
    every = Moves(*(np.concatenate([getattr(m, f) for m in moves]) for f in FIELDS))
    table = _described(network, graph, pd.concat(parts, ignore_index=True), np.vstack(sums), every)
    keep = np.flatnonzero(table.hours.notna().to_numpy())
    if ceiling is None:
        ratio = float(network.parameters.loc["choice_max_cost_ratio", "value"])
        best = table.iloc[keep].groupby("pair").generalized.transform("min")
        ceiling = np.full(len(demand), np.inf)
        ceiling[table.pair.iloc[keep]] = best.to_numpy() * ratio
    kept = _distinct(table.iloc[keep], np.asarray(ceiling, dtype=float))
    return ChoiceSet(demand, *_renumbered(table, every, kept), graph, base)


def _variants(network: Network, demand: pd.DataFrame, base: Constraints, stops: frozenset):
    """(name, constraints, demand rows) of every variant, country of origin by country."""
    iso3 = network.places.iso3
    home = demand.origin.map(iso3)
    yield "best", base, demand.index.to_numpy()
    crossings = network.crossings
    land_crossings = frozenset(crossings.index[crossings["mode"] != "sea"])
    for country in sorted(set(home)):
        picked = demand.index[home == country].to_numpy()
        ends = {"from": crossings["from"].map(iso3), "to": crossings["to"].map(iso3)}
        out = crossings.index[(ends["from"] == country) | (ends["to"] == country)]
        border = {
            p: crossings.index[(crossings["from"] == p) | (crossings["to"] == p)]
            for p in sorted(set(crossings.loc[out, "from"]) | set(crossings.loc[out, "to"]))
            if iso3[p] == country
        }
        places = network.places
        ports = sorted(places.index[(places.kind == "sea_port") & (places.iso3 == country)])
        by_land = base.places | (frozenset(ports) - stops)  # no ship from a home port
        for place, own in border.items():
            for name, only in _by_mode(place, own, crossings["mode"]):
                closed = base.elements | frozenset(out.difference(only))
                land = replace(base, elements=closed, places=by_land)
                yield f"land:{name}", land, picked
                south = replace(land, countries=land.countries | (SOUTH_AVOIDS - {country}))
                yield f"land:{name}:south", south, picked
        sea = replace(base, elements=base.elements | frozenset(out))
        yield "sea", sea, picked
        sea = replace(base, elements=base.elements | land_crossings)
        yield "sea:direct", sea, picked
        by_road = replace(sea, modes=frozenset(BY_ROAD).intersection(base.modes or MODES))
        yield "sea:road", by_road, picked
        roads = _home_roads(network, country)
        yield "sea:river", replace(by_road, elements=by_road.elements | roads), picked
        for canal in CANALS:
            yield f"sea:{canal}", replace(sea, passages=sea.passages | {canal}), picked
        for port in ports:
            others = frozenset(ports) - {port} - stops
            yield f"sea:{port}", replace(sea, places=sea.places | others), picked


def _home_roads(network: Network, country: str) -> frozenset[str]:
    """The road links of some length within ``country``: closed, they leave a hub its barges
    (a 0 km road to its own river port stays open)."""
    links, iso3 = network.links, network.places.iso3
    home = links["from"].map(iso3).eq(country) & links["to"].map(iso3).eq(country)
    return frozenset(links.index[home & links["mode"].eq("road") & (links.km > 0)])


def _round_bottlenecks(network: Network, home: str, variant: str, constraints, picked, taken):
    """Variants of a land variant (``picked`` the rows of origin country ``home``, ``taken``
    the crossings of their routes) that go round each capacity-bound crossing abroad those
    routes take, for the pairs that took it (``<variant>:round:<crossing>``): Kuźnica where
    Brest queues."""
    takers: dict[str, list[int]] = {}  # crossing -> the routes that take it
    for i, used in enumerate(taken):
        for crossing in dict.fromkeys(used):
            takers.setdefault(crossing, []).append(i)
    for crossing, ends in _bottlenecks(network):
        using = takers.get(crossing, [])
        if using and home not in ends:
            closed = replace(constraints, elements=constraints.elements | {crossing})
            yield f"{variant}:round:{crossing}", closed, picked[using]


@functools.lru_cache(maxsize=8)
def _bottlenecks(network: Network) -> list[tuple[str, frozenset[str]]]:
    """The crossings that publish a capacity, each with the countries of its two ends."""
    crossings, iso3 = network.crossings, network.place_country
    bound = crossings[crossings.capacity_per_day.notna()]
    ends = zip(bound.index, bound["from"].tolist(), bound["to"].tolist(), strict=True)
    return [(c, frozenset((iso3[a], iso3[b]))) for c, a, b in ends]


def _by_truck(network: Network, variant: str, constraints, picked, taken):
    """The land variant ``variant`` without a train across a customs border
    (:func:`corridors.analysis.choice.customs_railways`), for the pairs (``picked`` the demand
    rows, ``taken`` the crossings of their routes) whose route leaves by road (its first
    crossing) and then takes one (``<variant>:truck``): a railway beyond a road crossing
    (Kashgar-Andijan beyond Torugart) adds the truck's way on to the choice instead of
    replacing it, the rail constant making the train the dearer choice for most goods."""
    railways, mode = customs_railways(network), network.crossings["mode"].to_dict()
    using = [
        i
        for i, ids in enumerate(taken)
        if ids and mode[ids[0]] == "road" and not railways.isdisjoint(ids)
    ]
    if using:
        closed = replace(constraints, elements=constraints.elements | railways)
        yield f"{variant}:truck", closed, picked[using]


def _by_mode(place: str, own: pd.Index, mode: pd.Series):
    """(name, crossings) of a border place's land variants: all its crossings, and where
    they are of more than one mode, those of each mode alone (``<place>:<mode>``), so that a
    new railway beside a road crossing adds a rail alternative instead of replacing the
    road one (the mode's constant can make the dearer route the better choice)."""
    yield place, own
    modes = sorted(set(mode[own]))
    if len(modes) > 1:
        for each in modes:
            yield f"{place}:{each}", own[mode[own] == each]


def _described(network, graph, routes: pd.DataFrame, sums, moves: Moves) -> pd.DataFrame:
    """One row per route (pair, variant and origin in ``routes``): its kind and totals."""
    count = len(routes)
    origins = routes.origin.to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "pair": routes.pair.to_numpy(),
            "variant": routes.variant.to_numpy(),
            "main_mode": main_modes(network, graph, moves, origins),
            "sea_leg": sea_legs(graph, moves, count),
            "rail_to_sea": rail_to_sea_ports(graph, moves, count),
            "gateway": route_gateways(network, graph, moves, origins),
            "crossings": [tuple(c) for c in route_crossings(graph, moves, count)],
            "passages": _passages(graph, moves, count),
            "hours": sums[:, 0],
            "km": sums[:, 1],
            "cost_usd": sums[:, 2],
            "spread_hours": sums[:, 3],
            "generalized": graph.generalized(sums),
        }
    )


def _passages(graph: RoutingGraph, moves: Moves, pairs: int) -> list[tuple[str, ...]]:
    """The sea passages of each pair's route, sorted."""
    engine = graph.engine
    names = sorted(engine.tag_values("passage"))
    if len(names) > 62:
        msg = f"{len(names)} sea passages: a route's passages are a 63-bit mask here"
        raise ValueError(msg)
    bit = np.zeros(len(engine.tail), dtype=np.int64)  # each edge's passages, one bit each
    for j, name in enumerate(names):
        bit[engine.tags["passage", name]] |= 1 << j
    on = bit[moves.edge]
    hit = np.flatnonzero(on)
    by_pair = np.zeros(pairs, dtype=np.int64)
    np.bitwise_or.at(by_pair, moves.pair[hit], on[hit])
    spelled = {
        b: tuple(n for j, n in enumerate(names) if b >> j & 1) for b in set(by_pair.tolist())
    }
    return [spelled[b] for b in by_pair.tolist()]


def _distinct(table: pd.DataFrame, ceiling: np.ndarray) -> np.ndarray:
    """Rows of ``table`` to keep: the cheapest of each kind of route per pair, costing no
    more than the pair's ``ceiling``, in pair and cost order."""
    key = ["pair", "main_mode", "gateway", "crossings", "passages"]
    ordered = table.sort_values(["pair", "generalized", "variant"], kind="stable")
    first = ordered.drop_duplicates(key)
    return first.index[first.generalized <= ceiling[first.pair]].to_numpy()


def _renumbered(table: pd.DataFrame, moves: Moves, kept: np.ndarray):
    """The kept rows of ``table``, and their moves numbered as the new rows."""
    new = np.full(len(table), -1)
    new[kept] = np.arange(len(kept))
    on = new[moves.pair] >= 0
    order = np.argsort(new[moves.pair[on]], kind="stable")
    picked = Moves(*(getattr(moves, f)[on][order] for f in FIELDS))
    return table.loc[kept].reset_index(drop=True), replace(picked, pair=new[picked.pair])
