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

from __future__ import annotations

import importlib

from corridors.errors import (
    CorridorsError,
    DataError,
    NoRouteError,
    ScenarioError,
    UnknownPlaceError,
)

# The rest of the public API is imported on first use, so that `import corridors` (and the
# command line) does not pay for geopandas, matplotlib or scipy before it needs them.
_LAZY = {
    "Network": "corridors.network",
    "build_network": "corridors.network",
    "load_network": "corridors.network",
    "load_basemap": "corridors.basemap",
    "plot_route": "corridors.maps",
    "plot_network": "corridors.maps",
    "time_cost_distance": "corridors.plot",
    "Route": "corridors.routing",
    "route": "corridors.routing",
    "skim": "corridors.skim",
    "validate": "corridors.validation",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        # bind it here, where importing corridors.skim has just bound the module of that name
        globals()[name] = value
        return value
    msg = f"module 'corridors' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "plot_network",
    "plot_route",
    "route",
    "skim",
    "time_cost_distance",
    "validate",
]
