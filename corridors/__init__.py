"""corridors: international freight corridors as a sourced, multimodal geospatial network.

Examples
--------
>>> import corridors
>>> net = corridors.load_network()
>>> net.resolve("霍尔果斯")
'horgos'
>>> r = corridors.route(net, "Chongqing", "Singapore", via=["Qinzhou"], modes=["rail", "sea"])
>>> r.places
['chongqing', 'guiyang', 'liuzhou', 'nanning', 'qinzhou', 'singapore']
"""

from corridors.basemap import load_basemap
from corridors.errors import (
    CorridorsError,
    DataError,
    NoRouteError,
    ScenarioError,
    UnknownPlaceError,
)
from corridors.network import Network, build_network, load_network
from corridors.plot import plot_route, time_cost_distance
from corridors.routing import Route, route
from corridors.skim import skim
from corridors.validation import validate

__all__ = [
    "CorridorsError",
    "DataError",
    "Network",
    "NoRouteError",
    "Route",
    "ScenarioError",
    "UnknownPlaceError",
    "build_network",
    "load_basemap",
    "load_network",
    "plot_route",
    "route",
    "skim",
    "time_cost_distance",
    "validate",
]
