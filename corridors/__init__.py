"""corridors: international freight corridors as a sourced, multimodal geospatial network.

Examples
--------
>>> import corridors
>>> net = corridors.load_network()
>>> net.resolve("霍尔果斯")
'horgos'
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

__all__ = [
    "CorridorsError",
    "DataError",
    "Network",
    "NoRouteError",
    "ScenarioError",
    "UnknownPlaceError",
    "build_network",
    "load_basemap",
    "load_network",
]
