"""Speed of corridors against plain networkx and the raw kernels, measured in one run.

Run ``python benchmarks/run.py [--quick] [--json]``. For every benchmark it prints the sizes,
corridors' seconds, plain networkx's seconds for the same work, the raw kernel's seconds
(scipy or the numba kernel called directly on the same arrays) and both ratios; with
``--json`` one object per line (name, sizes, corridors_s, networkx_s, kernel_s). It checks
that the answers agree and asserts nothing about time: timings belong here, not in tests.

Default network (the routing graph, every constraint off but operational links only):

- route: ``corridors.route`` Chongqing-Duisburg, leg table included; networkx
  ``dijkstra_path`` on the same reduced graph; scipy's Dijkstra from the origin.
- skim: every place to every place, hours, km, USD and crossings of each pair; networkx one
  ``single_source_dijkstra`` per origin and the sums along each path; scipy's many-source
  Dijkstra with predecessors.
- centrality: the full betweenness report of the places; networkx
  ``betweenness_centrality_subset`` from every start node to every end node on the same
  graph; the Brandes kernel on the same arrays.

Synthetic road/rail-like graph (:mod:`synthetic`, 100,000 nodes; 10,000 with ``--quick``):

- skim: 100 sources x 1,000 targets, length and minutes of each pair; networkx
  ``single_source_dijkstra`` per source and the sums along each path; scipy alone.
- betweenness: from 100 sources sampled as networkx's ``k=`` does with a fixed seed (the same
  sources given to both), weighted by length; networkx ``betweenness_centrality``.
- memory: the engine's arrays (edge rows and the CSR reduction) per node, against scipy's
  CSR matrix of the same graph.

Criticality: every link of the default network failed in turn with the standard OD set,
against copying the graph, removing the link and recomputing every OD with networkx.

OpenStreetMap (``--quick``: 10,000 nodes): the synthetic grid written as an OSM rail extract
of 100,000 nodes, loaded by corridors against osmnx alone, then a skim and betweenness on it.

With ``--candidates``, only the betweenness libraries that were considered, where installed
(igraph, networkit: the "kernel" column is theirs).

A comparison of five built-in scenarios with the base, and the command line's wall time:
``corridors route Chongqing Duisburg`` with the compiled cache current (after ``corridors
build``) and without it (a copy of the data with no ``graphs/``), ``corridors assess`` and the
imports of pandas, geopandas and scipy alone; with ``--json`` these rows give every run's
seconds (``runs_s``) besides the median.

The first line says on what machine and when: date, CPUs, processor, Python and the load
average at the start (other work on the machine slows every figure).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
from networkx.algorithms.centrality.betweenness import _rescale
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import grid_network, write_osm

from corridors import load_network, route, skim
from corridors.analysis.centrality import betweenness
from corridors.analysis.compare import compare
from corridors.analysis.criticality import criticality
from corridors.analysis.demand import gravity_demand
from corridors.engine import compile_graph, path_sums, shortest_paths
from corridors.engine.brandes import betweenness as kernel
from corridors.graph.constraints import Constraints
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import routing_graph


def wall_times(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def seconds(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs."""
    return statistics.median(wall_times(fn, repeat))


def machine(as_json: bool) -> None:
    """What the figures were measured on: date, CPUs, processor, Python, load average."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [
                line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    row = {
        "name": "machine",
        "date": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if as_json:
        print(json.dumps(row))
    else:
        print(
            f"{row['date']}: {row['cpus']} CPUs ({row['cpu']}), Python {row['python']}, "
            f"{row['system']}, load average {row['load_average']}"
        )


def report(name: str, sizes: str, ours: float, plain: float | None, raw: float | None, as_json):
    if as_json:
        row = {"name": name, "sizes": sizes, "corridors_s": ours}
        print(json.dumps(row | {"networkx_s": plain, "kernel_s": raw}))
        return
    parts = [f"{name:<22} {sizes:<34} corridors {ours:8.4f} s"]
    if plain is not None:
        parts.append(f"networkx {plain:8.4f} s ({plain / ours:6.1f}x faster)")
    if raw is not None:
        parts.append(f"kernel {raw:8.4f} s ({ours / raw:5.2f}x the kernel)")
    print("  ".join(parts))


def as_digraph(reduced, nodes) -> nx.DiGraph:
    """The reduced graph for networkx, edges in the same order, weight ``w``."""
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_weighted_edges_from(
        (nodes[u], nodes[v], w)
        for u, v, w in zip(
            reduced.tail.tolist(), reduced.head.tolist(), reduced.weight.tolist(), strict=True
        )
    )
    return G


def default_network(repeat: int, as_json: bool) -> None:
    net = load_network()
    graph = routing_graph(net)
    reduced = graph.reduced("time", Constraints())
    nodes = graph.engine.nodes
    G = as_digraph(reduced, nodes)
    hours = dict(
        zip(
            zip(reduced.tail.tolist(), reduced.head.tolist(), strict=True),
            reduced.edge.tolist(),
            strict=True,
        )
    )
    values = graph.engine.values
    places = [p for p in net.places.index if graph.node(p, START) is not None]
    route(net, "Chongqing", "Duisburg")
    skim(net, places, places)

    source, target = graph.node("chongqing", START), graph.node("duisburg", END)
    report(
        "route",
        "Chongqing-Duisburg",
        seconds(lambda: route(net, "Chongqing", "Duisburg"), repeat * 5),
        seconds(lambda: nx.dijkstra_path(G, nodes[source], nodes[target]), repeat * 5),
        seconds(lambda: dijkstra(reduced.matrix, indices=source), repeat * 5),
        as_json,
    )

    index = graph.engine.index

    def plain_skim():
        for origin in places:
            _, paths = nx.single_source_dijkstra(G, (origin, START))
            for dest in places:
                path = paths.get((dest, END), [])
                edges = [hours[(index[u], index[v])] for u, v in itertools.pairwise(path)]
                [values[m][edges].sum() for m in ("hours", "km", "cost_usd")]

    starts = [graph.node(p, START) for p in places]
    report(
        "skim",
        f"{len(places)} x {len(places)} places",
        seconds(lambda: skim(net, places, places), repeat),
        seconds(plain_skim, 1),
        seconds(
            lambda: dijkstra(reduced.matrix, indices=starts, return_predecessors=True), repeat
        ),
        as_json,
    )

    ends = [graph.node(p, END) for p in places]
    theirs = nx.betweenness_centrality_subset(
        G, [nodes[s] for s in starts], [nodes[t] for t in ends], normalized=False, weight="weight"
    )
    ours = kernel(reduced, starts, ends)
    gap = max(abs(ours.nodes[index[v]] - value) for v, value in theirs.items())
    report(
        "centrality",
        f"{len(places)} x {len(places)}, |diff| {gap:.1e}",
        seconds(lambda: betweenness(net), repeat),
        seconds(
            lambda: nx.betweenness_centrality_subset(
                G, [nodes[s] for s in starts], [nodes[t] for t in ends], weight="weight"
            ),
            1,
        ),
        seconds(lambda: kernel(reduced, starts, ends), repeat),
        as_json,
    )


def criticality_sweep(repeat: int, as_json: bool, sample: int | None) -> None:
    """Fail every link in turn with the standard OD set (the gravity model's demand): corridors
    re-routes only the pairs that used the link on the engine's masks; the straightforward
    way copies the graph, removes the link and recomputes every OD with networkx (timed on
    ``sample`` links and scaled to all of them when given)."""
    net = load_network()
    graph = routing_graph(net)
    od = gravity_demand(net)
    criticality(net, elements="links", od=od)
    ours = seconds(lambda: criticality(net, elements="links", od=od), repeat)
    keep = graph.engine.mask([("status", "planned"), ("status", "under_construction")])
    weight = graph.weight("generalized")
    nodes = graph.engine.nodes
    G = nx.MultiDiGraph()
    for i in np.flatnonzero(keep):
        u, v = nodes[graph.engine.tail[i]], nodes[graph.engine.head[i]]
        G.add_edge(u, v, w=float(weight[i]), element=graph.elements[i])
    origins = sorted(set(od.origin))
    wanted = {o: [(d, END) for d in od.destination[od.origin == o]] for o in origins}
    links = list(net.links.index)
    timed = links if sample is None else links[:sample]

    def plain():
        for link in timed:
            H = G.copy()
            H.remove_edges_from(
                [(u, v, k) for u, v, k, e in H.edges(keys=True, data="element") if e == link]
            )
            for origin in origins:
                lengths = nx.single_source_dijkstra_path_length(H, (origin, START), weight="w")
                [lengths.get(t) for t in wanted[origin]]

    plain_s = seconds(plain, 1) * len(links) / len(timed)
    note = "" if sample is None else f", networkx timed on {sample}"
    report(
        "criticality sweep",
        f"{len(links)} links x {len(od)} OD pairs{note}",
        ours,
        plain_s,
        None,
        as_json,
    )


def scenario_comparison(as_json: bool) -> None:
    """Five scenarios against the base with the standard OD set: routes, flows, gateways and
    winners and losers for each (no networkx counterpart: this is what a study runs)."""
    net = load_network()
    names = [
        "base",
        "suez_closure",
        "alashankou_closure",
        "poland_belarus_border_closure",
        "border_dwell_halved",
        "nwlsc_2030",
    ]
    compare(net, names[:2])
    ours = seconds(lambda: compare(net, names), 1)
    report("scenario comparison", "base + 5 scenarios, standard OD set", ours, None, None, as_json)


def synthetic(size: int, count: int, repeat: int, as_json: bool) -> None:
    G = grid_network(size)
    engine, reduced = compile_graph(G, weight="length")
    _, by_minutes = compile_graph(G, weight="minutes")
    nodes = engine.nodes
    rng = np.random.default_rng(1)
    sources = rng.choice(engine.n, count, replace=False)
    targets = rng.choice(engine.n, 10 * count, replace=False)
    rows = np.repeat(np.arange(count), len(targets))
    ends = np.tile(targets, count)
    minutes = by_minutes.weight  # same edges, same CSR order: the graph has no parallel edges
    values = np.stack([reduced.weight, minutes])

    def ours():
        dist, pred = shortest_paths(reduced, sources)
        return path_sums(reduced, dist, pred, rows, ends, values).sums

    def plain():
        sums = []
        for s in sources.tolist():
            _, paths = nx.single_source_dijkstra(G, nodes[s], weight="length")
            for t in targets.tolist():
                path = paths[nodes[t]]
                edges = [G.edges[u, v] for u, v in itertools.pairwise(path)]
                sums.append((sum(e["length"] for e in edges), sum(e["minutes"] for e in edges)))
        return np.array(sums)

    ours()
    gap = float(np.nanmax(np.abs(ours() - plain())))
    report(
        "synthetic skim",
        f"{engine.n:,} nodes, {count}x{len(targets)}, |diff| {gap:.0e}",
        seconds(ours, repeat),
        seconds(plain, 1),
        seconds(
            lambda: dijkstra(reduced.matrix, indices=sources, return_predecessors=True), repeat
        ),
        as_json,
    )

    sampled = random.Random(42).sample(list(G.nodes()), count)  # as networkx's k= samples
    index = engine.index

    def ours_betweenness():
        found = kernel(reduced, [index[s] for s in sampled])
        return dict(zip(nodes, found.nodes.tolist(), strict=True))

    plain_s = time.perf_counter()
    theirs = nx.betweenness_centrality(G, k=count, normalized=False, weight="length", seed=42)
    plain_s = time.perf_counter() - plain_s
    scaled = _rescale(
        ours_betweenness(),
        len(G),
        normalized=False,
        directed=False,
        endpoints=False,
        sampled_nodes=sampled,
    )
    gap = max(abs(scaled[v] - theirs[v]) / max(1.0, abs(theirs[v])) for v in G)
    report(
        "synthetic betweenness",
        f"{engine.n:,} nodes, k={count}, rel diff {gap:.0e}",
        seconds(ours_betweenness, repeat),
        plain_s,
        None,
        as_json,
    )

    csr = reduced.matrix
    csr_bytes = csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes
    held = engine.nbytes + reduced.nbytes
    if as_json:
        row = {"name": "synthetic memory", "bytes_per_node": held / engine.n}
        print(json.dumps(row | {"csr_bytes_per_node": csr_bytes / engine.n}))
    else:
        print(
            f"{'synthetic memory':<22} engine arrays {held / engine.n:.1f} bytes per node, "
            f"scipy CSR {csr_bytes / engine.n:.1f} ({held / csr_bytes:.2f}x the CSR)"
        )


def osm_scale(size: int, count: int, repeat: int, as_json: bool) -> None:
    """An OSM rail extract of about ``size`` nodes (the synthetic grid written as OSM XML,
    railway=rail ways): loading with corridors (osmium cut, osmnx, geodesic lengths) against
    osmnx's ``graph_from_xml`` alone; then a skim and betweenness from ``count`` sources on the
    loaded graph, against networkx and the raw kernels."""
    import osmnx as ox

    from corridors.network.osm import load_osm

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rail.osm"
        write_osm(grid_network(size), path)
        G = load_osm(path)
        ours = seconds(lambda: load_osm(path), 1)
        plain = seconds(lambda: ox.graph_from_xml(path, bidirectional=True, retain_all=True), 1)
    sizes = f"{G.number_of_nodes():,} nodes after simplification"
    report("osm load", sizes, ours, plain, None, as_json)
    engine, reduced = compile_graph(G, weight="length")
    sources = np.random.default_rng(3).choice(engine.n, count, replace=False)
    rows = np.repeat(np.arange(count), engine.n)
    ends = np.tile(np.arange(engine.n), count)

    def skim_all():
        dist, pred = shortest_paths(reduced, sources)
        return path_sums(reduced, dist, pred, rows, ends, reduced.weight[None, :]).sums

    skim_all()
    nodes = engine.nodes

    def plain_skim():
        for s in sources.tolist():
            nx.single_source_dijkstra_path_length(G, nodes[s], weight="length")

    report(
        "osm skim",
        f"{count} sources x every node",
        seconds(skim_all, repeat),
        seconds(plain_skim, 1),
        seconds(
            lambda: dijkstra(reduced.matrix, indices=sources, return_predecessors=True), repeat
        ),
        as_json,
    )
    kernel(reduced, sources[:1])
    simple = nx.DiGraph()
    simple.add_weighted_edges_from(
        (nodes[u], nodes[v], w)
        for u, v, w in zip(
            reduced.tail.tolist(), reduced.head.tolist(), reduced.weight.tolist(), strict=True
        )
    )
    report(
        "osm betweenness",
        f"{count} sources",
        seconds(lambda: kernel(reduced, sources), repeat),
        seconds(
            lambda: nx.betweenness_centrality_subset(
                simple, [nodes[s] for s in sources], list(simple), normalized=False
            ),
            1,
        ),
        None,
        as_json,
    )


def candidates(size: int, count: int, as_json: bool) -> None:
    """The compiled libraries considered for betweenness, where installed (neither is a
    dependency): igraph (GPL) from the same sources, and networkit (MIT), which samples its
    own sources (``EstimateBetweenness``), so only its time compares."""
    G = grid_network(size)
    engine, reduced = compile_graph(G, weight="length")
    sources = [engine.index[s] for s in random.Random(42).sample(list(G.nodes()), count)]
    kernel(reduced, sources[:2])
    ours = kernel(reduced, sources).nodes
    ours_s = seconds(lambda: kernel(reduced, sources), 1)
    pairs = list(zip(reduced.tail.tolist(), reduced.head.tolist(), strict=True))
    try:
        import igraph
    except ImportError:
        print("igraph not installed: skipped")
    else:
        g = igraph.Graph(n=engine.n, edges=pairs, directed=True)
        g.es["w"] = reduced.weight.tolist()
        theirs = np.array(g.betweenness(directed=True, weights="w", sources=sources))
        gap = float(np.max(np.abs(theirs - ours) / np.maximum(1.0, np.abs(ours))))
        plain = seconds(lambda: g.betweenness(directed=True, weights="w", sources=sources), 1)
        report(
            "igraph betweenness", f"k={count}, rel diff {gap:.0e}", ours_s, None, plain, as_json
        )
    try:
        import networkit
    except ImportError:
        print("networkit not installed: skipped")
    else:
        h = networkit.Graph(engine.n, weighted=True, directed=True)
        for (u, v), w in zip(pairs, reduced.weight.tolist(), strict=True):
            h.addEdge(u, v, w)

        def estimate():
            networkit.centrality.EstimateBetweenness(h, count, False, False).run()

        report(
            "networkit estimate",
            f"{count} random sources",
            ours_s,
            None,
            seconds(estimate, 1),
            as_json,
        )


def command_line(repeat: int, as_json: bool) -> None:
    """Wall time of commands as a user types them: ``corridors route`` with the compiled cache
    of ``corridors build`` current and without it, ``corridors assess``, and the imports the
    commands pay for before they start."""
    from corridors.network.tables import default_data_dir

    def timed(name: str, sizes: str, command: list[str], times: int) -> None:
        def run() -> None:
            subprocess.run(command, check=True, capture_output=True)

        run()  # numba's on-disk cache and the file system warmed
        runs = wall_times(run, times)
        wall = statistics.median(runs)
        if as_json:
            row = {"name": name, "sizes": sizes, "corridors_s": wall, "networkx_s": None}
            print(json.dumps(row | {"kernel_s": None, "runs_s": [round(t, 3) for t in runs]}))
        else:
            spread = f"{min(runs):.2f}-{max(runs):.2f} s over {len(runs)} runs"
            print(f"{name:<22} {sizes:<34} corridors {wall:8.4f} s  ({spread})")

    route_args = ["route", "Chongqing", "Duisburg"]
    with tempfile.TemporaryDirectory() as tmp:
        # two copies of the data: one built (graphs/ and the compiled cache beside it, as
        # after `corridors build`), one not; the checkout's graphs/ is left alone
        built, bare = Path(tmp) / "built" / "data", Path(tmp) / "bare" / "data"
        for folder in (built, bare):
            shutil.copytree(default_data_dir(), folder)
        subprocess.run(
            ["corridors", "--data", str(built), "build"], check=True, capture_output=True
        )
        timed(
            "cli route",
            "corridors route Chongqing Duisburg",
            ["corridors", "--data", str(built), *route_args],
            repeat,
        )
        timed(
            "cli route, no cache",
            "the same, the routing graph compiled",
            ["corridors", "--data", str(bare), *route_args],
            repeat,
        )
        timed(
            "cli assess",
            "corridors assess",
            ["corridors", "--data", str(built), "assess", "--out", str(Path(tmp) / "out")],
            max(1, repeat // 2),
        )
    imports = "import pandas, geopandas, scipy.sparse.csgraph"
    timed("cli imports", imports, [sys.executable, "-c", imports], repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 10,000-node synthetic graph")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="only the betweenness libraries considered (igraph, networkit), if installed",
    )
    args = parser.parse_args()
    if args.candidates:
        machine(args.json)
        candidates(10_000 if args.quick else 100_000, 20 if args.quick else 100, args.json)
        return
    machine(args.json)
    repeat = 3 if args.quick else 5
    default_network(repeat, args.json)
    criticality_sweep(repeat, args.json, 40 if args.quick else None)
    scenario_comparison(args.json)
    osm_scale(10_000 if args.quick else 100_000, 20, repeat, args.json)
    if args.quick:
        synthetic(10_000, 20, repeat, args.json)
    else:
        synthetic(100_000, 100, repeat, args.json)
    command_line(repeat, args.json)


if __name__ == "__main__":
    main()
