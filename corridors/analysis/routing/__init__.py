"""Routes between two places, leg by leg: :func:`route` (the router), the :class:`Route` it
returns (legs), the itinerary search through stops, alternatives and why no route was found.
"""

from corridors.analysis.routing.alternatives import MAX_ALTERNATIVES
from corridors.analysis.routing.legs import Route
from corridors.analysis.routing.router import route

__all__ = ["MAX_ALTERNATIVES", "Route", "route"]
