"""Peak memory of one job on the synthetic graph, in a process of its own (peak RSS is a
process's high-water mark): ``python benchmarks/memory.py JOB NODES SOURCES`` prints one
JSON object.

Jobs, each after the same arrays are made and compiled with ``compile_arrays``:

- ``scipy``: scipy's Dijkstra from the sources, distances and predecessors;
- ``totals``: corridors' search and the length and minutes from every source to every node
  (``shortest_paths`` then ``every_node_sums``);
- ``compile``: only the compile, with its peak (tracemalloc, numpy's allocations) against
  the arrays it holds after.
"""

from __future__ import annotations

import json
import resource
import sys
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import grid_arrays

from corridors.engine import compile_arrays, every_node_sums, shortest_paths


def peak_rss() -> int:
    """This process's peak resident memory in bytes: ``VmHWM`` of /proc/self/status, which
    starts afresh at exec (``getrusage``'s maximum keeps the parent's from before the exec,
    so a job started by a large benchmark process would report the parent's size)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _warm() -> None:
    """numba's kernels loaded (a fixed cost, not the job's) in every job alike."""
    _, tiny = compile_arrays([0], [1], [1.0])
    _, pred = shortest_paths(tiny, [0])
    every_node_sums(tiny, pred, tiny.weight[None, :], [0])


def main() -> None:
    job, nodes, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    arrays = grid_arrays(nodes)
    n = len(arrays["x"])
    args = (arrays["u"], arrays["v"], arrays["length"])
    tracemalloc.start()
    engine, reduced = compile_arrays(*args, directed=False, name="length")
    compile_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    held = engine.nbytes + reduced.nbytes
    sources = np.random.default_rng(1).choice(n, count, replace=False)
    _warm()
    before = peak_rss()
    if job == "scipy":
        dijkstra(reduced.matrix, indices=sources, return_predecessors=True)
    elif job == "totals":
        minutes = np.repeat(arrays["minutes"], 2)[reduced.edge]  # both ways, entry order
        values = np.stack([reduced.weight, minutes])
        pred = shortest_paths(reduced, sources)[1]  # the distances are not needed
        sums = every_node_sums(reduced, pred, values, sources)
        assert sums.shape == (count, 2, n)
    row = {"job": job, "nodes": n, "sources": count, "before_bytes": before}
    row |= {"peak_bytes": peak_rss(), "compile_peak_bytes": compile_peak, "held_bytes": held}
    print(json.dumps(row))


if __name__ == "__main__":
    main()
