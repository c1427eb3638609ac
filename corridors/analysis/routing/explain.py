"""Why no route was found: which constraint (an avoid item, the modes, a via, operational
links only) cut it."""

from __future__ import annotations

import itertools

from corridors.analysis.routing.itinerary import best_route
from corridors.graph.constraints import (
    Constraints,
)

__all__ = ["why_no_route"]


def why_no_route(graph, network, stops, by, constraints) -> str:
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
            _statuses_label(constraints.statuses),
            {"statuses": frozenset({"operational", "planned", "under_construction"})},
        ),
        ("the seasonal closures of the month", {"closed_for_season": frozenset()}),
    ]
    culprits = []
    for label, change in relaxations:
        relaxed = Constraints(**{**constraints.__dict__, **change})
        if relaxed != constraints and best_route(graph, network, stops, by, relaxed) is not None:
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
        if best_route(graph, network, [a, b], by, constraints) is None:
            return f"{base}: nothing connects {a} to {b} under these constraints"
    return f"{base}: the stops cannot be passed in this order"


def _which_avoid(graph, network, stops, by, constraints) -> str:
    culprits = []
    for kind in ("places", "elements", "countries", "passages"):
        for item in sorted(getattr(constraints, kind)):
            lifted = Constraints(
                **{**constraints.__dict__, kind: getattr(constraints, kind) - {item}}
            )
            if best_route(graph, network, stops, by, lifted) is not None:
                culprits.append(item)
    return f" ({', '.join(culprits)})" if culprits else ""


def _statuses_label(statuses: frozenset[str]) -> str:
    """How a route's allowed link statuses are named in a "cut by" message.

    Examples
    --------
    >>> _statuses_label(frozenset({"operational"})), _statuses_label(frozenset({"planned"}))
    ('operational links only', 'planned links only')
    """
    shown = " and ".join(s.replace("_", " ") for s in sorted(statuses))
    return f"{shown} links only"
