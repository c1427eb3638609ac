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
# Listed bottom layer first: the network, the engine, the routing graph, the analyses, the
# outputs.
_LAZY = {
    "Network": "corridors.network.model",
    "build_network": "corridors.network.assemble",
    "load_network": "corridors.network.load",
    "load_basemap": "corridors.network.basemap",
    "load_scenario": "corridors.network.scenarios",
    "scenario_names": "corridors.network.scenarios",
    "import_osm": "corridors.network.osm",
    "load_osm": "corridors.network.osm",
    "compile_graph": "corridors.engine",
    "to_networkx": "corridors.graph.physical",
    "Route": "corridors.analysis.routing",
    "route": "corridors.analysis.routing",
    "skim": "corridors.analysis.skim",
    "accessibility": "corridors.analysis.centrality",
    "betweenness": "corridors.analysis.centrality",
    "gravity_demand": "corridors.analysis.demand",
    "read_demand": "corridors.analysis.demand",
    "assign": "corridors.analysis.flows",
    "equilibrium": "corridors.analysis.equilibrium",
    "choice_set": "corridors.analysis.choice_set",
    "Logit": "corridors.analysis.choice",
    "fit_choice": "corridors.analysis.choice_fit",
    "equilibrium_criticality": "corridors.analysis.criticality",
    "compare_observed": "corridors.analysis.flows",
    "appraise": "corridors.analysis.compare",
    "compare": "corridors.analysis.compare",
    "criticality": "corridors.analysis.criticality",
    "calibrate": "corridors.analysis.calibration",
    "validate": "corridors.analysis.validation",
    "sweep": "corridors.analysis.sweep",
    "interactive_html": "corridors.outputs.interactive",
    "plot_difference": "corridors.outputs.maps",
    "plot_flows": "corridors.outputs.maps",
    "plot_network": "corridors.outputs.maps",
    "plot_route": "corridors.outputs.maps",
    "time_cost_distance": "corridors.outputs.charts",
    "assess": "corridors.outputs.report",
    "write_graphs": "corridors.outputs.gis",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        # bound here, so the next use is a plain attribute
        globals()[name] = value
        return value
    msg = f"module 'corridors' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CorridorsError",
    "DataError",
    "Logit",
    "Network",
    "NoRouteError",
    "Route",
    "ScenarioError",
    "UnknownPlaceError",
    "accessibility",
    "appraise",
    "assess",
    "assign",
    "betweenness",
    "build_network",
    "calibrate",
    "choice_set",
    "compare",
    "compare_observed",
    "compile_graph",
    "criticality",
    "equilibrium",
    "equilibrium_criticality",
    "fit_choice",
    "gravity_demand",
    "import_osm",
    "interactive_html",
    "load_basemap",
    "load_network",
    "load_osm",
    "load_scenario",
    "plot_difference",
    "plot_flows",
    "plot_network",
    "plot_route",
    "read_demand",
    "route",
    "scenario_names",
    "skim",
    "sweep",
    "time_cost_distance",
    "to_networkx",
    "validate",
    "write_graphs",
]
