"""Alternatives to the best route that differ materially: other crossings, ports or sea
passages, or most of their land km, found by closing what the better routes use."""

from __future__ import annotations

import functools

from corridors.analysis.routing.itinerary import best_route
from corridors.analysis.routing.legs import Route, reentries
from corridors.graph.constraints import (
    Constraints,
)

__all__ = ["MAX_ALTERNATIVES", "MAX_SHARED_KM", "alternative_routes"]


# How much of a route (by km) an alternative may share with a better one.
MAX_SHARED_KM = 0.8


# At most this many alternatives: each costs a few searches per element of the routes found.
MAX_ALTERNATIVES = 10


def alternative_routes(graph, network, stops, by, constraints, best, k) -> list[Route]:
    """Up to k routes that differ materially from the best and from each other.

    Each route found is extended by closing, one at a time, the crossings, line-haul links and
    sea passages it uses (on top of what was closed to find it); a candidate counts if it
    passes no place twice and differs materially (:func:`_differs`) from every route chosen.
    An alternative comes back to a country it has left only if the best route does (where
    no other way exists). The searches grow with k times the elements of one route, never
    with their product.
    """
    reenter = None if reentries(best) else False
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
                closing = _closing(constraints, blocked)
                found = best_route(graph, network, stops, by, closing, reenter=reenter)
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
        used = r.column("element", kind="crossing") + r.column("element", kind="line_haul")
        elements |= set(used) | {f"passage:{p}" for p in _passages(r)}
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
    least = min(sum(km_a.values()), sum(km_b.values()))
    if least == 0:
        return False  # at sea only, so ports and passages decide
    shared = sum(km for element, km in km_a.items() if element in km_b)
    return shared <= MAX_SHARED_KM * least


def _ports(r: Route) -> set[str]:
    return set(r.column("to", kind="port"))


def _passages(r: Route) -> set[str]:
    """The sea passages a route uses (open-sea legs and one-passage-closed variants)."""
    by_leg = _passages_by_leg(r.network)
    return {p for e in r.columns["element"] for p in (by_leg.get(e) or [])}


@functools.lru_cache(maxsize=8)
def _passages_by_leg(network) -> dict[str, list[str]]:
    """The passages of every sea link and variant of a network, by id (made once)."""
    return {**network.links["passages"].to_dict(), **network.sea_variants["passages"].to_dict()}


def _land_km(r: Route) -> dict[str, float]:
    """The km of each land link a route rides, by element."""
    km: dict[str, float] = {}
    for leg in r.records():
        if leg["kind"] == "line_haul" and leg["mode"] != "sea":
            km[leg["element"]] = km.get(leg["element"], 0.0) + leg["km"]
    return km
