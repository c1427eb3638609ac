"""Flows: an OD demand table assigned all-or-nothing to the best routes.

Every pair's whole volume takes its one best route (by generalized cost unless asked
otherwise), as :func:`corridors.analysis.skim.skim` finds it; the result is the flow in FEU per
year on every link, crossing and sea port, how each hub's and each provincial trade-pattern
type's flow leaves China (its gateway: the last Chinese place before the first foreign one),
and each corridor's share of the transport work (FEU-km). :func:`compare_observed` sets the
model beside the published train counts per border port.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridors.analysis.demand import class_terms
from corridors.graph.constraints import resolve_constraints
from corridors.graph.expand import VALUES
from corridors.graph.layers import layer_mode
from corridors.graph.routing_graph import check_objective, routing_graph
from corridors.network.model import Network, check_network

__all__ = [
    "BASE_YEAR",
    "Flows",
    "Moves",
    "assign",
    "assign_checked",
    "china_europe_ports",
    "china_europe_rail",
    "compare_observed",
    "enters_by_rail",
    "flows_of",
    "land_rail_share",
    "main_modes",
    "place_group",
    "rail_crossings_at",
    "rail_to_sea_ports",
    "route_crossings",
    "route_gateways",
    "routed",
    "sea_legs",
    "to_europe",
    "trip_constraints",
]


@dataclass(frozen=True)
class Flows:
    """What :func:`assign` found (FEU per year throughout).

    Attributes
    ----------
    pairs : pandas.DataFrame
        The demand with, per pair, hours, km, cost_usd, spread_hours (P90 - P50),
        generalized, gateway, crossings,
        main_mode (:func:`main_modes`; NaN and empty where no route) and sea_leg (whether the
        route boards a ship anywhere).
    links, crossings, ports : pandas.DataFrame
        id, name, kind and feu_per_year, both directions together, busiest first; a port's
        flow is what its sea legs load and unload.
    rail_sea : pandas.DataFrame
        Per port, the flow that changes there between rail and sea.
    gateways : pandas.DataFrame
        origin, gateway, feu_per_year and share of the origin's routed flow.
    trade_types : pandas.DataFrame
        The same by the origin province's trade-pattern type.
    corridors : pandas.DataFrame
        id, name, feu_per_year (of the pairs whose route uses it), feu_km_per_year on the
        corridor's links and share of all FEU-km.
    """

    pairs: pd.DataFrame
    links: pd.DataFrame
    crossings: pd.DataFrame
    ports: pd.DataFrame
    rail_sea: pd.DataFrame
    gateways: pd.DataFrame
    trade_types: pd.DataFrame
    corridors: pd.DataFrame

    def mode_split(
        self, network: Network, by: str = "region", value: bool = False
    ) -> pd.DataFrame:
        """Share of the routed flow (FEU, or with ``value`` the value of the goods,
        :func:`corridors.analysis.demand.class_terms`) by main mode (columns: the modes of
        :data:`MAIN_MODES` that carry some of it) for each destination ``region`` or
        ``customs_union`` (rows, from ``countries.csv``).

        Examples
        --------
        >>> from corridors import load_network
        >>> net = load_network()
        >>> demand = pd.DataFrame({"origin": ["chongqing", "chongqing"],
        ...     "destination": ["duisburg", "singapore"], "feu_per_year": [30.0, 10.0]})
        >>> assign(net, demand, by="time").mode_split(net).round(2).to_dict("index")
        {'europe': {'sea': 0.0, 'rail': 1.0}, 'southeast_asia': {'sea': 1.0, 'rail': 0.0}}
        """
        routed = self.pairs[self.pairs.main_mode != ""]
        where = routed.destination.map(place_group(network, by))
        amount = routed.feu_per_year * (class_terms(network, routed)[0] if value else 1.0)
        table = amount.groupby([where, routed.main_mode]).sum().unstack(fill_value=0)
        table = table.div(table.sum(axis=1), axis=0)
        table.index.name, table.columns.name = by, None
        return table[[m for m in MAIN_MODES if m in table.columns]]

    def mode_share_to(self, network: Network, union: str = "EU", value: bool = False) -> pd.Series:
        """The row of :meth:`mode_split` by customs union for ``union`` (empty where no flow
        goes there)."""
        split = self.mode_split(network, by="customs_union", value=value)
        return split.loc[union] if union in split.index else pd.Series(dtype=float)

    def mode_share_record(self, network: Network, union: str = "EU") -> dict:
        """:meth:`mode_share_to` as ``{mode: {"value": share, "feu": share}}``, by the value
        of the goods and by FEU."""
        by_value = self.mode_share_to(network, union, value=True)
        by_feu = self.mode_share_to(network, union)
        return {m: {"value": float(by_value[m]), "feu": float(by_feu[m])} for m in by_feu.index}

    @property
    def unserved(self) -> float:
        """Share of the demand with no route."""
        total = self.pairs.feu_per_year.sum()
        lost = self.pairs.loc[self.pairs.hours.isna(), "feu_per_year"].sum()
        return float(lost / total) if total else 0.0


def assign(
    network: Network,
    demand: pd.DataFrame | str | os.PathLike | None = None,
    *,
    by: str = "generalized",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> Flows:
    """Assign OD demand all-or-nothing to the best routes.

    Parameters
    ----------
    network : Network
    demand : pandas.DataFrame or path, optional
        origin, destination, feu_per_year (place names or ids; other columns are kept), or
        the path of such a CSV file (:func:`corridors.analysis.demand.read_demand`); checked
        by :func:`corridors.analysis.demand.check_demand`, which sums the rows of a pair into
        one. Default the gravity model (:func:`corridors.analysis.demand.gravity_demand`).
    by, avoid, modes, statuses : as for :func:`corridors.analysis.skim.skim`

    Examples
    --------
    >>> from corridors import load_network
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [100.0]})
    >>> flows = assign(load_network(), demand, by="time")
    >>> flows.crossings.feu_per_year.tolist()
    [100.0, 100.0]
    >>> flows.gateways[["gateway", "share"]].values.tolist()
    [['alashankou', 1.0]]
    """
    from corridors.analysis.demand import od_or_gravity

    check_network(network)
    check_objective(by)
    options = {"by": by, "avoid": avoid, "modes": modes, "statuses": statuses}
    return assign_checked(network, od_or_gravity(network, demand, **options), **options)


def assign_checked(
    network: Network,
    demand: pd.DataFrame,
    *,
    by: str = "generalized",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> Flows:
    """:func:`assign` of a demand table already checked
    (:func:`corridors.analysis.demand.check_demand`) on a network of the same places: a
    scenario's, whose demand is the base's (:func:`corridors.analysis.compare.compare`)."""
    demand = demand.reset_index(drop=True)
    constraints = trip_constraints(network, demand, avoid, modes, statuses)
    graph = routing_graph(network)
    sums, moves = routed(network, graph, constraints, by, demand)
    return flows_of(network, graph, demand, sums, moves)


def trip_constraints(network: Network, demand: pd.DataFrame, avoid, modes, statuses):
    """The constraints of an assignment of ``demand`` (its places may not be avoided)."""
    stops = [*set(demand.origin.tolist()), *set(demand.destination.tolist())]
    return resolve_constraints(network, stops, avoid, modes, statuses)


def routed(network: Network, graph, constraints, by: str, demand: pd.DataFrame):
    """The best route of every pair of ``demand`` on ``graph``: per pair hours, km and USD
    (NaN where none), and the links and crossings of every route (:class:`Moves`)."""
    from corridors.analysis.skim import best_paths
    from corridors.collector import collector_paused

    origins = demand.origin.to_numpy(dtype=object)
    dests = demand.destination.to_numpy(dtype=object)
    sums = np.full((len(demand), len(VALUES)), np.nan)
    found = []
    with collector_paused():
        for picked, paths in best_paths(network, graph, constraints, by, origins, dests):
            sums[picked] = paths.sums
            order = np.lexsort((-paths.step, paths.pair))
            entry = paths.entry[order]
            found.append(
                (
                    picked[paths.pair[order]],
                    paths.reduced.tail[entry],
                    paths.reduced.head[entry],
                    paths.reduced.edge[entry],
                )
            )
    parts = zip(*found, strict=True) if found else [[np.zeros(0, np.int64)]] * 4
    return sums, Moves(*(np.concatenate(p) for p in parts))


def flows_of(network: Network, graph, demand: pd.DataFrame, sums, moves: Moves) -> Flows:
    """The :class:`Flows` of ``demand`` routed as ``sums`` and ``moves`` say."""
    origins = demand.origin.to_numpy(dtype=object)
    volume = demand.feu_per_year.to_numpy(dtype=float)
    on_edge = np.bincount(moves.edge, weights=volume[moves.pair], minlength=len(graph.elements))
    pairs = demand.assign(
        hours=sums[:, 0],
        km=sums[:, 1],
        cost_usd=sums[:, 2],
        spread_hours=sums[:, 3],
        generalized=graph.generalized(sums),
        gateway=route_gateways(network, graph, moves, origins),
        crossings=route_crossings(graph, moves, len(demand)),
        main_mode=main_modes(network, graph, moves, origins),
        sea_leg=sea_legs(graph, moves, len(demand)),
    )
    if "trade_type" not in pairs:
        pairs["trade_type"] = _trade_types(network, pairs.origin)
    by_element = _by_element(graph, on_edge)
    return Flows(
        pairs=pairs,
        links=_elements(network, by_element, "link"),
        crossings=_elements(network, by_element, "crossing"),
        ports=_ports(network, by_element),
        rail_sea=_rail_sea(network, graph, moves, volume),
        gateways=_shares(pairs, "origin"),
        trade_types=_shares(pairs, "trade_type"),
        corridors=_corridors(network, graph, pairs, moves),
    )


@dataclass(frozen=True)
class Moves:
    """The links and crossings of every pair's path, pair by pair in path order: engine
    nodes (tail, head) and edge of each."""

    pair: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    edge: np.ndarray


BASE_YEAR = 2019  # the year of the money (mode_params.csv) and of the rail share (observed.csv)
MAIN_MODES = ("sea", "rail_sea", "river_sea", "inland_water", "rail", "road")


def main_modes(network: Network, graph, moves: Moves, origins: np.ndarray) -> np.ndarray:
    """Per pair, how its route leaves the origin's country: ``sea`` from a port, ``rail_sea``
    or ``river_sea`` where a train or a barge brings the box to that port (the one that
    runs further before the ship), else the mode of the crossing or link that crosses the
    border (``rail``, ``road``, ``inland_water``). A route that stays in one country takes
    the first of sea, inland water, rail and road it has a link of; empty where there is no
    route.

    A route that leaves by land and then sails further than it runs on land is a sea route
    (``rail_sea`` or ``sea`` by the same rule): rail to Vladivostok or Haiphong for a ship to
    Busan or Rotterdam competes with the ships from China's own ports, not with the trains
    to Europe. The Middle Corridor, which crosses the Caspian and the Black Sea after a far
    longer haul by rail, stays ``rail``; a 0 km link (a port's local access) brings nothing.
    """
    tags = graph.engine.tags
    none = np.zeros(0, np.int64)
    links = tags.get(("kind", "link"), none)
    km = graph.engine.values["km"][moves.edge]
    out = np.full(len(origins), "", dtype=object)
    on = {}
    for mode in ("road", "rail", "inland_water", "sea"):  # the last one found wins
        on[mode] = np.isin(moves.edge, np.intersect1d(tags.get(("mode", mode), none), links))
        out[np.unique(moves.pair[on[mode]])] = mode
    leaving = _leaving(network, graph, moves, origins)
    pairs = moves.pair[leaving]
    edge_mode = np.full(len(graph.engine.tail), "", dtype=object)
    for mode in ("road", "rail", "inland_water", "sea"):
        edge_mode[tags.get(("mode", mode), none)] = mode
    out[pairs] = edge_mode[moves.edge[leaving]]

    def km_by(mode: str, before=None) -> np.ndarray:
        taken = on[mode] if before is None else on[mode] & before
        return np.bincount(moves.pair[taken], km[taken], minlength=len(origins))

    land = km_by("rail") + km_by("road")
    sails = np.isin(out[pairs], ("rail", "road")) & (km_by("sea")[pairs] > land[pairs])
    out[pairs[sails]] = "sea"
    first_sea = np.full(len(origins), np.inf)
    np.minimum.at(first_sea, moves.pair[on["sea"]], np.flatnonzero(on["sea"]))
    boards = np.full(len(origins), -np.inf)  # where the ship is boarded
    boards[pairs] = np.where(sails, first_sea[pairs], leaving)
    before = np.arange(len(moves.pair)) < boards[moves.pair]
    by_sea = pairs[out[pairs] == "sea"]
    rail, water = km_by("rail", before)[by_sea], km_by("inland_water", before)[by_sea]
    out[by_sea[(rail > 0) & (rail >= water)]] = "rail_sea"
    out[by_sea[water > rail]] = "river_sea"
    return out


def sea_legs(graph, moves: Moves, pairs: int) -> np.ndarray:
    """Per pair, whether its route has a sea link anywhere (the Caspian ferry, a crossing,
    does not count)."""
    tags = graph.engine.tags
    none = np.zeros(0, np.int64)
    sea = np.intersect1d(tags.get(("mode", "sea"), none), tags.get(("kind", "link"), none))
    return np.bincount(moves.pair[np.isin(moves.edge, sea)], minlength=pairs) > 0


def land_rail_share(network: Network, pairs: pd.DataFrame, union: str = "EU") -> float:
    """Share by value (:func:`corridors.analysis.demand.class_terms`) of the goods bound for a
    customs union (``countries.csv``) that enter it by rail (:func:`enters_by_rail`): rail as
    the EU's trade statistics count it, by the mode at its border. A truck out of China onto
    the Kazakh railway arrives by rail; a Middle Corridor train that crosses the Black Sea, or
    a train to a Vietnamese port, arrives by sea. ``pairs`` as :attr:`Flows.pairs`; 0 where
    none is bound there.

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> demand = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                        "feu_per_year": [10.0]})
    >>> land_rail_share(net, assign(net, demand).pairs)
    1.0
    """
    group = place_group(network)
    bound = pairs[pairs.destination.map(group).eq(union)]
    worth = bound.feu_per_year.to_numpy() * class_terms(network, bound)[0]
    rail = enters_by_rail(network, bound.crossings, union)
    total = float(worth.sum())
    return float(worth[rail].sum()) / total if total else 0.0


def enters_by_rail(network: Network, crossings, union: str = "EU") -> np.ndarray:
    """Per route (``crossings``: each route's crossing ids, in order), whether it enters the
    customs union ``union`` by rail: the last crossing it takes between a place outside the
    union and one inside is a railway's.

    Examples
    --------
    >>> from corridors import load_network
    >>> enters_by_rail(load_network(), [("alashankou-dostyk", "brest-malaszewicze"), ()]).tolist()
    [True, False]
    """
    group = place_group(network)
    table = network.crossings
    inside = table["from"].map(group).eq(union) != table["to"].map(group).eq(union)
    border = table.loc[inside, "mode"].to_dict()

    def entry(ids) -> str:
        return next((border[c] for c in reversed(tuple(ids)) if c in border), "")

    return np.array([entry(ids) == "rail" for ids in crossings], dtype=bool)


def place_group(network: Network, by: str = "customs_union") -> pd.Series:
    """Each place's ``by`` of ``countries.csv`` (``customs_union`` or ``region``), by place
    id; empty for a country in no customs union."""
    return network.places.iso3.map(network.countries.set_index("iso3")[by])


def _leaving(network: Network, graph, moves: Moves, origins: np.ndarray) -> np.ndarray:
    """Per pair that leaves its origin's country, the position in ``moves`` of the move that
    does (to a place of another country)."""
    iso3 = network.place_country
    country = np.array([iso3.get(p, "") for p in graph.places], dtype=object)
    home = np.array([iso3.get(o) for o in origins.tolist()], dtype=object)
    abroad = np.flatnonzero(country[graph.engine.node_place[moves.head]] != home[moves.pair])
    if not len(abroad):
        return abroad
    return abroad[np.r_[True, moves.pair[abroad][1:] != moves.pair[abroad][:-1]]]


def route_crossings(graph, moves: Moves, pairs: int) -> list[list[str]]:
    """The crossing ids of each pair's route, in order."""
    picked = np.flatnonzero(np.isin(moves.edge, graph.engine.tags.get(("kind", "crossing"), [])))
    picked = picked[np.argsort(moves.pair[picked], kind="stable")]
    names = graph.elements[moves.edge[picked]].tolist()
    bounds = np.searchsorted(moves.pair[picked], np.arange(pairs + 1)).tolist()
    return [names[a:b] for a, b in itertools.pairwise(bounds)]


def route_gateways(network: Network, graph, moves: Moves, origins: np.ndarray) -> np.ndarray:
    """Per pair, the last place in the origin's country before the first foreign place."""
    leaving = _leaving(network, graph, moves, origins)
    out = np.full(len(origins), "", dtype=object)
    places = np.array(graph.places, dtype=object)
    out[moves.pair[leaving]] = places[graph.engine.node_place[moves.tail[leaving]]]
    return out


def rail_to_sea_ports(graph, moves: Moves, pairs: int) -> np.ndarray:
    """Per pair, the first place where its route arrives by rail and leaves by sea (empty
    where none): the port a rail-sea train brings it to."""
    mode = _layer_modes(graph)
    a, change = _mode_changes(graph, moves, mode)
    at = np.flatnonzero(change & (mode[moves.head[a]] == "rail"))
    out = np.full(pairs, "", dtype=object)
    first = at[np.r_[True, moves.pair[a][at][1:] != moves.pair[a][at][:-1]]] if len(at) else at
    places = np.array(graph.places, dtype=object)
    out[moves.pair[a][first]] = places[graph.engine.node_place[moves.head[a][first]]]
    return out


def _layer_modes(graph) -> np.ndarray:
    return np.array([layer_mode(layer) for _, layer in graph.engine.nodes], dtype=object)


def _mode_changes(graph, moves: Moves, mode: np.ndarray):
    """The first of each two consecutive moves, and whether the two, of one pair at one
    place, change between rail and sea (either way)."""
    place = graph.engine.node_place
    a, b = np.arange(len(moves.pair) - 1), np.arange(1, len(moves.pair))
    same = (moves.pair[a] == moves.pair[b]) & (place[moves.head[a]] == place[moves.tail[b]])
    rail, sea = mode == "rail", mode == "sea"  # per node: compared once, not per move
    arrive, leave = moves.head[a], moves.tail[b]
    change = same & ((rail[arrive] & sea[leave]) | (sea[arrive] & rail[leave]))
    return a, change


def _rail_sea(network: Network, graph, moves: Moves, volume: np.ndarray) -> pd.DataFrame:
    """Per port, the flow whose route changes there between rail and sea (either way)."""
    place = graph.engine.node_place
    a, change = _mode_changes(graph, moves, _layer_modes(graph))
    ports = np.array(graph.places, dtype=object)[place[moves.head[a][change]]]
    flow = pd.Series(volume[moves.pair[a][change]], index=ports).groupby(level=0).sum()
    names = network.places.name_en.to_dict()
    table = pd.DataFrame(
        {
            "id": flow.index,
            "name": [names[p] for p in flow.index],
            "kind": "rail_sea",
            "feu_per_year": flow.to_numpy(),
        }
    )
    return _busiest(table)


def _by_element(graph, on_edge: np.ndarray) -> pd.Series:
    used = np.flatnonzero(on_edge)
    return pd.Series(on_edge[used], index=graph.elements[used]).groupby(level=0).sum()


def _elements(network: Network, flows: pd.Series, kind: str) -> pd.DataFrame:
    frame = network.crossings if kind == "crossing" else _link_ends(network)
    found = flows[flows.index.isin(frame.index)]
    names = network.places.name_en.to_dict()
    ends = frame.loc[found.index, ["from", "to", "mode"]]
    table = pd.DataFrame(
        {
            "id": found.index,
            "name": [
                f"{names[a]} - {names[b]}"
                for a, b in zip(ends["from"].tolist(), ends["to"].tolist(), strict=True)
            ],
            "kind": kind,
            "mode": ends["mode"].to_numpy() if len(found) else [],
            "feu_per_year": found.to_numpy(),
        }
    )
    return _busiest(table)


def _ports(network: Network, flows: pd.Series) -> pd.DataFrame:
    """Sea ports: the flow their sea legs load and unload."""
    sea = _link_ends(network)
    sea = sea[sea["mode"] == "sea"]
    legs = flows[flows.index.isin(sea.index)]
    ends = sea.loc[legs.index, ["from", "to"]]
    through: dict[str, float] = {}
    for a, b, value in zip(ends["from"].tolist(), ends["to"].tolist(), legs.tolist(), strict=True):
        for end in (a, b):
            through[end] = through.get(end, 0.0) + float(value)
    names = network.places.name_en.to_dict()
    table = pd.DataFrame(
        {
            "id": list(through),
            "name": [names[p] for p in through],
            "kind": "sea_port",
            "feu_per_year": list(through.values()),
        }
    )
    return _busiest(table)


def _link_ends(network: Network) -> pd.DataFrame:
    """From, to and mode of every link and sea variant, by id (the columns the tables of
    elements read: concatenating the whole tables cost more than the flows)."""
    ends = ["from", "to", "mode"]
    return pd.concat([network.links[ends], network.sea_variants[ends]])


def _busiest(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["feu_per_year", "id"], ascending=[False, True]).reset_index(
        drop=True
    )


def _shares(pairs: pd.DataFrame, group: str) -> pd.DataFrame:
    """Flow by group and gateway, and its share of the group's routed flow."""
    routed = pairs[pairs.hours.notna() & pairs.gateway.ne("")]
    table = routed.groupby([group, "gateway"], as_index=False)["feu_per_year"].sum()
    table["share"] = table.feu_per_year / table.groupby(group).feu_per_year.transform("sum")
    return table.sort_values([group, "feu_per_year"], ascending=[True, False]).reset_index(
        drop=True
    )


def _trade_types(network: Network, origins: pd.Series) -> np.ndarray:
    province = network.places.province.reindex(origins)
    trade_type = network.provinces.set_index("id")["trade_type"]
    return province.map(trade_type).fillna("").to_numpy()


def _corridors(network: Network, graph, pairs: pd.DataFrame, moves: Moves) -> pd.DataFrame:
    """Each corridor's FEU a year (the pairs whose route uses one of its links) and transport
    work: FEU-km on its links, and its share of all FEU-km.

    Corridors share links (the Chinese trunk lines carry several China-Europe corridors),
    so the shares add up to more than one.
    """
    volume = pairs.feu_per_year.to_numpy(dtype=float)
    km = graph.engine.values["km"][moves.edge]
    element = graph.elements[moves.edge]
    work = pd.Series(volume[moves.pair] * km, index=element).groupby(level=0).sum()
    tags = network.links["corridors"].to_dict()
    carried = _carried(graph, tags, moves, volume)
    rows = {}
    for link, value in work.items():
        for corridor in tags.get(link, ()):
            rows[corridor] = rows.get(corridor, 0.0) + float(value)
    names = network.corridors.set_index("id")["name_en"].to_dict()
    total = float(work.sum())
    table = pd.DataFrame(
        {
            "id": list(rows),
            "name": [names[c] for c in rows],
            "kind": "corridor",
            "feu_per_year": [float(carried.get(c, 0.0)) for c in rows],
            "feu_km_per_year": list(rows.values()),
        }
    )
    table["share"] = table.feu_km_per_year / total if total else 0.0
    return table.sort_values(["feu_km_per_year", "id"], ascending=[False, True]).reset_index(
        drop=True
    )


def _carried(graph, tags: dict, moves: Moves, volume: np.ndarray) -> dict[str, float]:
    """Each corridor's FEU a year: the volume of the pairs whose route uses one of its links
    (``tags``: link -> its corridors), each pair once."""
    edges, where = np.unique(moves.edge, return_inverse=True)
    found = [tags.get(e, ()) for e in graph.elements[edges].tolist()]
    names = sorted({c for corridors in found for c in corridors})
    member = np.zeros((len(edges), len(names)), dtype=bool)  # edge -> its corridors
    for i, corridors in enumerate(found):
        member[i, [names.index(c) for c in corridors]] = True
    carried = {}
    for j, name in enumerate(names):
        users = np.unique(moves.pair[member[where, j]])
        carried[name] = float(sum(volume[users].tolist()))  # added in pair order
    return carried


def rail_crossings_at(network: Network, places) -> pd.Index:
    """The ids of the rail crossings with one of ``places`` on either side."""
    crossings = network.crossings
    at = crossings["from"].isin(places) | crossings["to"].isin(places)
    return crossings.index[at & (crossings["mode"] == "rail")]


def china_europe_ports(network: Network) -> set[str]:
    """The border ports ``observed.csv`` counts China-Europe trains at."""
    observed = network.observed
    counted = observed.places[observed.measure == "china_europe_trains"]
    return {place for places in counted for place in places}


URALS_LON = 60.0  # the China-Europe trains' Europe ends at the Urals


def to_europe(network: Network, destinations) -> np.ndarray:
    """Whether each destination is where a China-Europe train goes: a country of the
    ``europe`` region, or Russia or Belarus west of the Urals (60 degrees east; trains to
    Siberia, the Russian Far East and Central Asia are not China-Europe trains)."""
    places = network.places.reindex(pd.Index(destinations))
    region = places.iso3.map(network.countries.set_index("iso3")["region"])
    western_1520 = places.iso3.isin(["RUS", "BLR"]) & (places.lon < URALS_LON)
    return (region.eq("europe") | western_1520).to_numpy()


def china_europe_rail(network: Network, pairs: pd.DataFrame) -> pd.Series:
    """FEU a year that leave by rail over each China-Europe exit port (``observed.csv``)
    for Europe (:func:`to_europe`), by port; ``pairs`` as :attr:`Flows.pairs`."""
    ports = sorted(china_europe_ports(network))
    taken = pairs[
        pairs.main_mode.eq("rail")
        & pairs.gateway.isin(ports)
        & to_europe(network, pairs.destination)
    ]
    return taken.groupby("gateway").feu_per_year.sum().reindex(ports, fill_value=0.0)


def compare_observed(network: Network, flows: Flows) -> pd.DataFrame:
    """The model's flow beside the published train counts of ``observed.csv``.

    For each count (China-Europe trains per border port, rail-sea trains at the Beibu Gulf
    ports), the published value and its share of the measure's total, and the model's FEU
    per year and share: the flow to Europe that leaves China by rail over the port
    (:func:`china_europe_rail`) for China-Europe trains, FEU moved between rail and sea at
    the ports for rail-sea trains. Shares are what can be compared: the model counts exports
    only, in FEU, not trains.
    """
    observed = network.observed
    observed = observed[observed.measure.isin(["china_europe_trains", "rail_sea_trains"])]
    by_port = china_europe_rail(network, flows.pairs)
    rail_sea = flows.rail_sea.set_index("id").feu_per_year
    rows = []
    for row in observed.to_dict("records"):
        through = by_port if row["measure"] == "china_europe_trains" else rail_sea
        rows.append(
            {
                "id": row["id"],
                "measure": row["measure"],
                "places": ";".join(row["places"]),
                "year": row["year"],
                "observed": float(row["value"]),
                "unit": row["unit"],
                "model_feu_per_year": float(through.reindex(row["places"]).fillna(0.0).sum()),
            }
        )
    table = pd.DataFrame(rows)
    for column, share in (("observed", "observed_share"), ("model_feu_per_year", "model_share")):
        total = table.groupby("measure")[column].transform("sum")
        table[share] = (table[column] / total.replace(0.0, np.nan)).fillna(0.0)
    return table
