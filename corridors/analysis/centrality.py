"""Centrality and accessibility: which places, links and border crossings the network's best
routes depend on, and how well each hub reaches foreign markets.

Betweenness is computed on the routing graph (:mod:`corridors.graph.routing_graph`), so
the best routes it counts are the ones :func:`corridors.analysis.routing.route` finds,
crossings, transfers and waits included, and it is reported back for physical places, links
and crossings: for each, how many origin-destination pairs have a best route through it (a
fraction where several routes tie). A place counts only when a route passes through it, not
when it starts or ends there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.engine import compile_graph
from corridors.engine.brandes import betweenness as kernel
from corridors.graph.constraints import as_names, border_scoped, resolve_constraints
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import check_objective, routing_graph
from corridors.network.model import Network, check_network

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ELEMENTS",
    "accessibility",
    "betweenness",
    "edge_betweenness_subset",
]

ELEMENTS = ("places", "links", "crossings")
COLUMNS = ["id", "name", "kind", "value", "share"]


def betweenness(
    network: Network,
    *,
    elements: str = "places",
    by: str = "time",
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> pd.DataFrame:
    """How many origin-destination pairs have their best route through each element.

    Parameters
    ----------
    network : Network
    elements : {"places", "links", "crossings"}
        What to report: places passed through (not starts or ends), links, or crossings.
    by : {"time", "cost", "generalized", "distance"}
        What the best routes minimise.
    origins, destinations : iterable of str, optional
        The pairs counted (every place to every other when omitted), e.g. Chinese hubs to
        foreign terminals.
    avoid, modes, statuses :
        As for :func:`corridors.analysis.routing.route`.

    Returns
    -------
    pandas.DataFrame
        id, name, kind (the place kind, ``link`` or ``crossing``), value (pairs whose best
        route uses it, fractions for ties) and share (of the connected pairs), highest first.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = betweenness(load_network(), elements="crossings",
    ...                     origins=["Chongqing", "Chengdu"], destinations=["Duisburg", "Lodz"])
    >>> row = table.iloc[0]
    >>> row["id"], float(row["value"]), float(row["share"])
    ('alashankou-dostyk', 4.0, 1.0)
    """
    check_network(network)
    if elements not in ELEMENTS:
        msg = f"unknown elements {elements!r}; use one of {', '.join(ELEMENTS)}"
        raise ValueError(msg)
    check_objective(by)
    every = list(network.places.index)
    sources = _places(network, origins, every, "origins")
    targets = _places(network, destinations, every, "destinations")
    constraints = resolve_constraints(network, [], avoid, modes, statuses)
    graph = routing_graph(network)
    sources = [p for p in sources if graph.node(p, START) is not None]
    targets = [p for p in targets if graph.node(p, END) is not None]
    by_entry, pairs = _pair_betweenness(network, graph, by, constraints, sources, targets)
    engine = graph.engine
    if elements == "places":
        values = _through_places(graph, by_entry, set(sources) & set(targets))
    else:
        kind = elements[:-1]
        values = {}
        for edge, value in by_entry.items():
            data = engine.data[edge]
            if data["element_kind"] == kind:
                values[data["element"]] = values.get(data["element"], 0.0) + value
    return _table(network, values, elements, pairs)


def edge_betweenness_subset(G: nx.DiGraph, sources: list, targets: list, weight="w") -> dict:
    """For every edge, the number of source-target pairs whose shortest paths use it.

    Brandes' accumulation restricted to the given targets, on the edge attribute ``weight``,
    run by the compiled kernel (:mod:`corridors.engine.brandes`): where several shortest
    paths tie, each gets the share of the pair's paths that runs through it.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_weighted_edges_from([("s", "a", 1), ("s", "b", 1), ("a", "t", 1), ("b", "t", 1),
    ...                            ("t", "u", 1)], weight="w")
    >>> values = edge_betweenness_subset(G, ["s"], ["u"])
    >>> values[("s", "a")], values[("t", "u")]
    (0.5, 1.0)
    """
    engine, reduced = compile_graph(G, weight)
    index = engine.index
    found = kernel(reduced, [index[s] for s in sources], [index[t] for t in targets])
    nodes = engine.nodes
    return {
        (nodes[u], nodes[v]): float(value)
        for u, v, value in zip(reduced.tail, reduced.head, found.entries, strict=True)
    }


def _pair_betweenness(network, graph, by, constraints, sources, targets) -> tuple[dict, int]:
    """Betweenness of the engine's edges and the connected pairs; trips within one country
    are counted without the border-scoped services (as route() does), the others on the
    whole graph: one kernel call for each."""
    iso3 = network.place_country
    country = {code: i for i, code in enumerate(sorted({iso3[p] for p in [*sources, *targets]}))}
    starts = [graph.node(p, START) for p in sources]
    ends = [graph.node(p, END) for p in targets]
    by_edge = np.zeros(len(graph.engine.tail))
    pairs = 0
    for within in (True, False):
        barred = border_scoped(network) if within else frozenset()
        reduced = graph.reduced(by, replace(constraints, services=constraints.services | barred))
        found = kernel(
            reduced,
            starts,
            ends,
            skip=[graph.node(p, END) if p in targets else -1 for p in sources],
            source_group=[country[iso3[p]] for p in sources],
            target_group=[country[iso3[p]] for p in targets],
            within=within,
        )
        np.add.at(by_edge, reduced.edge, found.entries)
        pairs += int(found.reached.sum())
    return {int(e): float(by_edge[e]) for e in np.flatnonzero(by_edge)}, pairs


def _places(network: Network, names, default: list[str], what: str) -> list[str]:
    if names is None:
        return default
    found = sorted({network.resolve(n) for n in as_names(names, what)})
    if not found:
        msg = f"no {what} given"
        raise ValueError(msg)
    return found


def _through_places(graph, by_edge: dict, both_ends: set[str]) -> dict[str, float]:
    """Pairs entering each place from another, less the pairs that end there."""
    nodes = graph.engine.nodes
    entering: dict[str, float] = {}
    ending: dict[str, float] = {}
    for edge, value in by_edge.items():
        (u, _), (v, layer) = nodes[graph.engine.tail[edge]], nodes[graph.engine.head[edge]]
        if layer == END:
            ending[v] = ending.get(v, 0.0) + value
        elif u != v:
            entering[v] = entering.get(v, 0.0) + value
    for place in both_ends:  # the pair (place, place) ends there without entering it
        ending[place] = ending.get(place, 0.0) - 1.0
    return {p: value - ending.get(p, 0.0) for p, value in entering.items()}


def _table(network: Network, values: dict, elements: str, pairs: int) -> pd.DataFrame:
    rows = []
    for element, value in values.items():
        if round(value, 9) <= 0:
            continue
        if elements == "places":
            name, kind = network.places.name_en[element], network.places.kind[element]
        else:
            frame = network.crossings
            if elements == "links":
                frame = network.links if element in network.links.index else network.sea_variants
            a, b = frame.loc[element, "from"], frame.loc[element, "to"]
            name = f"{network.places.name_en[a]} - {network.places.name_en[b]}"
            kind = elements[:-1]
        rows.append(
            {
                "id": element,
                "name": name,
                "kind": kind,
                "value": round(value, 9),
                "share": round(value / pairs, 9) if pairs else 0.0,
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["value", "id"], ascending=[False, True]).reset_index(drop=True)


def accessibility(
    network: Network,
    *,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    weights: dict[str, float] | None = None,
    by: str = "generalized",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> pd.DataFrame:
    """How well each origin reaches foreign markets: mean time and cost, and market access.

    Destinations are weighted by ``weights`` (place -> market size) or, by default, by the GDP
    of their country (Natural Earth, in the shipped basemap; million USD), shared equally among
    the destinations in that country. Market access is the
    gravity form of the World Bank's Belt-and-Road model: the sum over destinations of
    GDP x (1 + trade cost / goods value) ^ -theta, with the generalized cost of the best route
    as trade cost, the container value and theta of ``parameters.csv``.

    Parameters
    ----------
    origins : default the Chinese hubs
    destinations : default every terminal, sea port and park outside China
    weights : market size of each destination (names or ids); default its country's GDP
    by, avoid, modes, statuses : as for :func:`corridors.analysis.skim.skim`

    Returns
    -------
    pandas.DataFrame
        origin, name, reached (share of destination GDP reachable), mean_hours, mean_days,
        mean_cost_usd (GDP-weighted over the reachable destinations), market_access (GDP in
        million USD, discounted) and the trade-pattern type of the origin's province (seed
        001; empty outside China), highest market access first. Group by ``trade_type`` to
        see how border-type or dual-circulation provinces reach the world.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = accessibility(load_network(), origins=["Chongqing", "Urumqi"])
    >>> sorted(table.origin)
    ['chongqing', 'urumqi']
    >>> bool((table.market_access > 0).all())
    True
    """
    from corridors.analysis.skim import skim
    from corridors.network.basemap import load_basemap

    check_network(network)
    places = network.places
    origins, destinations = network.trade_ends(
        None if origins is None else as_names(origins, "origins"),
        None if destinations is None else as_names(destinations, "destinations"),
    )
    if weights is not None:
        weight = _market_sizes(network, weights)
    table = skim(
        network, origins, destinations, by=by, avoid=avoid, modes=modes, statuses=statuses
    )
    if weights is None:
        gdp = load_basemap().set_index("iso3")["gdp_md_est"]
        weight = _destination_weights(places.loc[sorted(set(table.destination))], gdp)
    table["weight"] = table.destination.map(weight).fillna(0.0)
    parameters = network.parameters["value"]
    value, theta = float(parameters["container_value"]), float(parameters["market_access_theta"])
    rows = []
    for origin, group in table.groupby("origin", sort=True):
        reached = group.dropna(subset=["hours"])
        total = group.weight.sum()
        w = reached.weight
        rows.append(
            {
                "origin": origin,
                "name": places.name_en[origin],
                "reached": float(w.sum() / total) if total else 0.0,
                "mean_hours": _mean(reached.hours, w),
                "mean_days": _mean(reached.hours, w) / 24,
                "mean_cost_usd": _mean(reached.cost_usd, w),
                "market_access": float((w * (1 + reached.generalized / value) ** -theta).sum()),
            }
        )
    out = pd.DataFrame(rows)
    province = places.province.reindex(out.origin).fillna("")
    trade_type = network.provinces.set_index("id")["trade_type"]
    out["trade_type"] = province.map(trade_type).fillna("").to_numpy()
    return out.sort_values(["market_access", "origin"], ascending=[False, True]).reset_index(
        drop=True
    )


def _market_sizes(network: Network, weights) -> dict[str, float]:
    """``weights`` (place name -> market size) by place id, each a finite number, 0 or more."""
    if not isinstance(weights, Mapping):
        msg = (
            f"weights must be a mapping of place name to market size, not {type(weights).__name__}"
        )
        raise TypeError(msg)
    out = {}
    for name, value in weights.items():
        if not isinstance(name, str):
            msg = f"weights must be keyed by place names (str), not {name!r}"
            raise TypeError(msg)
        number = math.nan if isinstance(value, bool | str) else _float(value)
        if not (math.isfinite(number) and number >= 0):
            msg = f"market sizes must be finite and not negative numbers: {name!r} has {value!r}"
            raise ValueError(msg)
        out[network.resolve(name)] = number
    return out


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _destination_weights(destinations: pd.DataFrame, gdp: pd.Series) -> dict[str, float]:
    """Each country's GDP shared equally among its destinations (0 where unknown)."""
    counts = destinations.iso3.value_counts()
    return {
        place: float(gdp.get(iso3, 0.0)) / counts[iso3]
        for place, iso3 in destinations.iso3.items()
    }


def _mean(values: pd.Series, weights: pd.Series) -> float:
    return float((values * weights).sum() / weights.sum()) if weights.sum() else float("nan")
