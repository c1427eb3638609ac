"""Routes between two places: the fastest, cheapest, shortest or best by generalized cost.

:func:`route` searches the expanded routing graph (:mod:`corridors.graph.routing_graph`), so
every border crossing, gauge change and transfer on the way is charged, and reports the
result as a :class:`~corridors.analysis.routing.legs.Route` in physical terms: legs over
links, crossings and transfers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from corridors.analysis.routing.alternatives import MAX_ALTERNATIVES, alternative_routes
from corridors.analysis.routing.explain import why_no_route
from corridors.analysis.routing.itinerary import best_route
from corridors.analysis.routing.legs import Route, reentries, sea_edges
from corridors.errors import NoRouteError
from corridors.graph.constraints import (
    Constraints,
    as_names,
    resolve_constraints,
    whole_number,
)
from corridors.graph.routing_graph import RoutingGraph, check_objective, routing_graph
from corridors.network.model import Network, check_network
from corridors.network.scenarios import Scenario, apply_scenario
from corridors.network.schema import PASSAGES

__all__ = ["route"]


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
    scenario: Scenario | str | Path | Callable[[Network], Network] | None = None,
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
    scenario : Scenario, str, Path or callable, optional
        Applied before routing: a built-in scenario's name (``"suez_closure"``), a scenario
        TOML file's path, a loaded :class:`~corridors.network.scenarios.Scenario`, or any
        function Network -> Network.
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
    ScenarioError
        An unknown scenario, or a file that cannot be applied.
    TypeError
        A ``scenario`` that is none of the above, or a function that returns no Network.

    Examples
    --------
    >>> from corridors import load_network
    >>> r = route(load_network(), "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    >>> r.crossings
    ['alashankou', 'dostyk', 'brest', 'malaszewicze']
    >>> 10000 < r.total["km"] < 12000  # published: 11,179 km
    True
    """
    check_network(network)
    for end, what in ((origin, "origin"), (destination, "destination")):
        if not isinstance(end, str):
            msg = f"{what} must be a place name (str), not {type(end).__name__}"
            raise TypeError(msg)
    if scenario is not None:
        network = _with_scenario(network, scenario)
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
    best = best_route(graph, network, stops, by, constraints)
    if best is None:
        raise NoRouteError(why_no_route(graph, network, stops, by, constraints))
    notes = [*_reentry_notes(network, best), *_passage_notes(graph, best, constraints)]
    found = []
    if alternatives:
        found = alternative_routes(graph, network, stops, by, constraints, best, alternatives)
        if len(found) < alternatives:
            notes.append(
                f"asked for {alternatives} alternatives, found {len(found)}: no other route "
                "differs materially (other crossings, ports, sea passages or most land km)"
            )
    best.alternatives.extend(found)  # the route was made here: its lists are its own
    best.notes.extend(notes)
    return best


def _with_scenario(network: Network, scenario) -> Network:
    """``network`` with ``scenario`` applied: a name or path is loaded first."""
    if isinstance(scenario, Scenario | str | Path):
        return apply_scenario(network, scenario)
    if not callable(scenario):
        msg = (
            "scenario must be a built-in scenario's name, a TOML file's path, a Scenario or a "
            f"function Network -> Network, not {type(scenario).__name__}"
        )
        raise TypeError(msg)
    changed = scenario(network)
    if not isinstance(changed, Network):
        msg = f"the scenario function returned {type(changed).__name__}, not a Network"
        raise TypeError(msg)
    return changed


def _reentry_notes(network: Network, r: Route) -> list[str]:
    """For each country the route comes back to (only where no other way exists), where it
    leaves and where it comes back."""
    notes = []
    for country, out, back in reentries(r):
        name = network.countries.set_index("iso3").name_en.get(country, country)
        names = network.places.name_en
        notes.append(
            f"no route found that stays out of {name} once it has left: this one leaves at "
            f"{names[out]} and comes back at {names[back]}"
        )
    return notes


def _passage_notes(graph: RoutingGraph, r: Route, constraints: Constraints) -> list[str]:
    """For each sea leg re-routed round an avoided passage, the other ways round it."""
    if not constraints.passages:
        return []
    notes = []
    sea = r.legs[(r.legs.kind == "line_haul") & (r.legs["mode"] == "sea")]
    for leg in sea.to_dict("records"):
        options = {}
        for edge in sea_edges(graph, leg["from"], leg["to"]):
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
