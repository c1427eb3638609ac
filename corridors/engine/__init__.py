"""The compiled engine: graphs as edge arrays, masks for constraints, CSR searches and
kernels. The only part of corridors that knows about CSR matrices and numba."""

from corridors.engine.compiled import Engine, Reduced, compile_arrays, compile_graph
from corridors.engine.paths import (
    PathSums,
    every_node_sums,
    path_sums,
    paths_to,
    rule_paths,
    searches_in_python,
    shortest_paths,
    skim_matrix,
)

__all__ = [
    "Engine",
    "PathSums",
    "Reduced",
    "compile_arrays",
    "compile_graph",
    "every_node_sums",
    "path_sums",
    "paths_to",
    "rule_paths",
    "searches_in_python",
    "shortest_paths",
    "skim_matrix",
]
