"""Speed of corridors against the raw kernels, plain networkx and peers, measured in one run.

Run ``python benchmarks/run.py [--quick] [--json] [--candidates]``. Each row says in one line
what both sides compute, and checks that their answers agree (same totals to 1e-9, the same
route legs, the same betweenness); where they do not, it prints "not comparable" instead of
a ratio. Times are CPU seconds (``time.process_time``; a command's own with ``getrusage``),
the median of several runs (networkx's of one). With ``--json``, one object per row:
``name``, ``what``, ``corridors_s``, ``kernel_s``, ``networkx_s``, ``peer``, ``peer_s``,
``agree`` (None where nothing is compared), and the first line the machine.

- The default network: a route with its leg table (the kernel: scipy's search, the path and
  a plain leg table); a skim of every place pair in the two passes route() makes (the kernel:
  scipy and numpy totals); the betweenness report (the kernel: its two compiled calls).
- Criticality and a five-scenario comparison, timed alone (no counterpart); the equilibrium
  assignment, the base and the 13 scenarios at equilibrium, and every crossing failed and
  re-equilibrated, each beside the same work all-or-nothing.
- Synthetic road/rail-like graph (:mod:`synthetic`, 100,000 nodes; 10,000 with ``--quick``)
  and an OSM rail extract made from it: skims and betweenness against scipy with the
  compiled kernels called directly, and networkx; the OSM load against osmnx alone.
- Peak memory at 1,000,000 nodes (:mod:`memory`, each job in a process of its own).
- The command line: ``corridors route`` with the caches of ``corridors build`` current and
  without them, ``corridors assess``, and the imports of pandas and scipy alone; and the test
  suite's CPU time.

With ``--candidates``, only the peers, where installed: AequilibraE on its own Coquimbo example,
and the betweenness libraries considered (igraph, networkit). Run them in an environment of
their own: AequilibraE brings pyarrow, and with it pandas' Arrow-backed strings, which change
the pandas-heavy rows' times.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from networkx.algorithms.centrality.betweenness import (
    _rescale,
    _single_source_dijkstra_path_basic,
)
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import grid_network, write_osm

from corridors import load_network, route, skim
from corridors.analysis.centrality import betweenness
from corridors.analysis.compare import compare
from corridors.analysis.criticality import criticality
from corridors.analysis.demand import gravity_demand
from corridors.engine import (
    compile_arrays,
    compile_graph,
    path_sums,
    shortest_paths,
    skim_matrix,
)
from corridors.engine.brandes import betweenness as kernel
from corridors.engine.kernels import tree_sums, walk
from corridors.graph.constraints import Constraints, border_scoped
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import routing_graph


@dataclass
class Row:
    """One benchmark: what both sides compute, their CPU seconds, and whether they agree.

    ``agree`` is None where nothing is compared (a command's time, a study's); False prints
    "not comparable" instead of the ratios."""

    name: str
    what: str
    corridors_s: float
    kernel_s: float | None = None
    networkx_s: float | None = None
    peer: str | None = None
    peer_s: float | None = None
    agree: bool | None = None
    extra: dict = field(default_factory=dict)


def cpu_times(fn: Callable[[], object], repeat: int) -> list[float]:
    """CPU time (this process, every thread) of each of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return times


def seconds(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU time of ``repeat`` runs."""
    return statistics.median(cpu_times(fn, repeat))


def report(row: Row, as_json: bool) -> None:
    if as_json:
        fields = {k: v for k, v in asdict(row).items() if k != "extra"}
        print(json.dumps(fields | row.extra))
        return
    parts = [f"{row.name:<22} corridors {row.corridors_s:8.4f} s"]
    if row.agree is False:
        parts.append("not comparable: the two sides' answers differ")
    else:
        for label, other in (
            ("kernel", row.kernel_s),
            ("networkx", row.networkx_s),
            (row.peer, row.peer_s),
        ):
            if other is not None:
                parts.append(f"{label} {other:8.4f} s (corridors {row.corridors_s / other:.2f}x)")
    print("  ".join(parts))
    print(f"{'':<22} {row.what}")


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
        "timing": "CPU time (time.process_time; children's rusage for commands), medians",
    }
    if as_json:
        print(json.dumps(row))
    else:
        print(
            f"{row['date']}: {row['cpus']} CPUs ({row['cpu']}), Python {row['python']}, "
            f"{row['system']}, load average {row['load_average']}; {row['timing']}"
        )


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


def close(a, b) -> bool:
    """Equal to 1e-9 (relative), NaN where the other is NaN."""
    return bool(np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, equal_nan=True))


class Legs:
    """Leg columns of paths of a reduced graph, as a plain script would make them: the
    engine edge of each step, its element and its hours, km and USD, as arrays."""

    def __init__(self, graph, reduced):
        pairs = zip(reduced.tail.tolist(), reduced.head.tolist(), strict=True)
        self.position = {pair: k for k, pair in enumerate(pairs)}
        self.edge, self.elements = reduced.edge, graph.elements
        self.values = graph.engine.values

    def table(self, path: list[int]) -> dict[str, np.ndarray]:
        steps = [self.position[pair] for pair in itertools.pairwise(path)]
        edges = self.edge[steps]
        return {"element": self.elements[edges]} | {m: self.values[m][edges] for m in MEASURES}


MEASURES = ("hours", "km", "cost_usd")


def scipy_path(matrix, source: int, target: int) -> list[int]:
    _, pred = dijkstra(matrix, indices=source, return_predecessors=True)
    path = [target]
    while path[-1] != source:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def route_row(net, graph, repeat: int) -> Row:
    reduced = graph.reduced("time", Constraints())
    nodes, legs = graph.engine.nodes, Legs(graph, reduced)
    G = as_digraph(reduced, nodes)
    index = graph.engine.index
    source, target = graph.node("chongqing", START), graph.node("duisburg", END)
    r = route(net, "Chongqing", "Duisburg")
    theirs = {
        "kernel": legs.table(scipy_path(reduced.matrix, source, target)),
        "networkx": legs.table(
            [index[v] for v in nx.dijkstra_path(G, nodes[source], nodes[target], "weight")]
        ),
    }
    ours = [r.total[m] for m in MEASURES]
    routed = ("access:", "exit:")  # the kernel's steps that are no leg
    elements = [e for e, _ in itertools.groupby(r.columns["element"]) if e]
    agree = all(
        close(ours, [t[m].sum() for m in MEASURES])
        and [e for e, _ in itertools.groupby(t["element"]) if not e.startswith(routed)] == elements
        for t in theirs.values()
    )
    return Row(
        "route",
        "Chongqing-Duisburg by time: the path and its legs' columns as arrays (element, hours, "
        "km, USD); corridors searches with its compiled Dijkstra (scipy's order of ties), "
        "stopped at the destination, merges steps into legs and checks its route rules (its "
        "pandas table is built when first read)",
        seconds(lambda: route(net, "Chongqing", "Duisburg"), repeat * 10),
        kernel_s=seconds(
            lambda: legs.table(scipy_path(reduced.matrix, source, target)), repeat * 10
        ),
        networkx_s=seconds(
            lambda: legs.table(
                [index[v] for v in nx.dijkstra_path(G, nodes[source], nodes[target], "weight")]
            ),
            repeat * 10,
        ),
        agree=agree,
    )


def passes(net, graph):
    """The two reduced graphs a skim searches, as route() does: trips between countries on
    the whole graph, trips within one without the border-scoped services."""
    barred = Constraints(services=border_scoped(net))
    return {False: graph.reduced("time", Constraints()), True: graph.reduced("time", barred)}


def tree_totals(reduced, values, pred, rows, targets) -> np.ndarray:
    """Hours, km and USD of each pair, summed along the predecessor trees with numpy: one
    step back from every pair's target at a time."""
    keys = reduced.tail.astype(np.int64) * reduced.n + reduced.head
    order = np.argsort(keys)
    keys = keys[order]
    out = np.zeros((len(rows), len(values)))
    cur = np.asarray(targets).copy()
    back = pred[rows, cur]
    out[back < 0] = np.nan
    active = np.flatnonzero(back >= 0)
    while active.size:
        u = back[active]
        k = order[np.searchsorted(keys, u * reduced.n + cur[active])]
        out[active] += values[:, reduced.edge[k]].T
        cur[active] = u
        back[active] = pred[rows[active], u]
        active = active[back[active] >= 0]
    return out


def skim_row(net, graph, places: list[str], repeat: int) -> Row:
    starts = np.array([graph.node(p, START) for p in places])
    ends = np.array([graph.node(p, END) for p in places])
    iso3 = net.places.iso3.reindex(places).to_numpy()
    within = iso3[:, None] == iso3[None, :]
    reduced = passes(net, graph)
    values = np.stack([graph.engine.values[m] for m in MEASURES])

    def kernel_skim():
        out = np.full((len(places), len(places), len(MEASURES)), np.nan)
        for domestic, red in reduced.items():
            _, pred = dijkstra(red.matrix, indices=starts, return_predecessors=True)
            rows, cols = np.nonzero(within == domestic)
            out[rows, cols] = tree_totals(red, values, pred, rows, ends[cols])
        return out

    nodes, index = graph.engine.nodes, graph.engine.index
    graphs = {domestic: as_digraph(red, nodes) for domestic, red in reduced.items()}
    legs = {domestic: Legs(graph, red) for domestic, red in reduced.items()}

    def plain_skim():
        out = np.full((len(places), len(places), len(MEASURES)), np.nan)
        for i, origin in enumerate(places):
            for domestic, G in graphs.items():
                _, paths = nx.single_source_dijkstra(G, (origin, START))
                for j in np.flatnonzero(within[i] == domestic):
                    path = paths.get((places[j], END))
                    if path is not None:
                        table = legs[domestic].table([index[v] for v in path])
                        out[i, j] = [table[m].sum() for m in MEASURES]
        return out

    table = skim(net, places, places)
    ours = table[list(MEASURES)].to_numpy().reshape(len(places), len(places), len(MEASURES))
    redone = rule_breaking(net, graph, reduced, places, starts, ends, within)
    kept = ~redone
    theirs_k, theirs_nx = kernel_skim(), plain_skim()
    agree = close(ours[kept], theirs_k[kept]) and close(ours[kept], theirs_nx[kept])
    return Row(
        "skim",
        f"{len(places)} x {len(places)} places by time, two passes (between countries, within "
        "one), hours, km and USD of every pair; corridors also lists crossings and searches "
        f"again the {int(redone.sum())} pairs whose first-pass path comes back to a place or a "
        "country (route()'s rule), left out of the check",
        seconds(lambda: skim(net, places, places), repeat),
        kernel_s=seconds(kernel_skim, repeat),
        networkx_s=seconds(plain_skim, 1),
        agree=agree,
        extra={"pairs": len(places) ** 2, "searched_again": int(redone.sum())},
    )


def rule_breaking(net, graph, reduced, places, starts, ends, within) -> np.ndarray:
    """Pairs whose first-pass path passes a place twice or comes back to a country."""
    country = net.places.iso3.to_dict()
    nodes = graph.engine.nodes
    out = np.zeros(within.shape, dtype=bool)
    for domestic, red in reduced.items():
        _, pred = dijkstra(red.matrix, indices=starts, return_predecessors=True)
        for i, j in zip(*np.nonzero(within == domestic), strict=True):
            v, seen = ends[j], []
            while v >= 0:
                seen.append(nodes[v][0])
                v = pred[i, v]
            visits = [p for p, _ in itertools.groupby(seen)]
            lands = [c for c, _ in itertools.groupby(visits, key=country.get)]
            out[i, j] = len(set(visits)) < len(visits) or len(set(lands)) < len(lands)
    return out


def centrality_row(net, graph, places: list[str], repeat: int) -> Row:
    reduced = passes(net, graph)
    iso3 = net.places.iso3.to_dict()
    codes = {c: i for i, c in enumerate(sorted({iso3[p] for p in places}))}
    starts = [graph.node(p, START) for p in places]
    ends = [graph.node(p, END) for p in places]
    group = [codes[iso3[p]] for p in places]

    def kernel_calls():
        for domestic, red in reduced.items():
            kernel(
                red, starts, ends, ends, source_group=group, target_group=group, within=domestic
            )

    nodes = graph.engine.nodes
    graphs = {domestic: as_digraph(red, nodes) for domestic, red in reduced.items()}

    def plain():
        by_edge: dict = {}
        for code in codes:
            here = [(p, START) for p in places if iso3[p] == code]
            for domestic, G in graphs.items():
                there = {(p, END) for p in places if (iso3[p] == code) == domestic}
                for source in here:
                    edge_brandes(G, source, there, by_edge)
        return through_places(by_edge, places)

    ours = betweenness(net).set_index("id")["value"]
    theirs = pd.Series(plain())
    theirs = theirs[theirs.round(9) > 0]
    agree = set(ours.index) == set(theirs.index) and close(ours, theirs.reindex(ours.index))
    return Row(
        "centrality",
        f"betweenness of places, {len(places)} x {len(places)} places by time, trips within a "
        "country without the border-scoped services: corridors' report against the kernel's "
        "two calls and networkx's search with Brandes' edge accumulation, summed to places",
        seconds(lambda: betweenness(net), repeat),
        kernel_s=seconds(kernel_calls, repeat),
        networkx_s=seconds(plain, 1),
        agree=agree,
    )


def through_places(by_edge: dict, places: list[str]) -> dict[str, float]:
    """Pairs entering each place from another, less those that end there."""
    entering: dict[str, float] = {}
    ending = dict.fromkeys(places, -1.0)  # the pair (place, place) ends without entering
    for ((u, _), (v, layer)), value in by_edge.items():
        if layer == END:
            ending[v] = ending.get(v, 0.0) + value
        elif u != v:
            entering[v] = entering.get(v, 0.0) + value
    return {p: value - ending.get(p, 0.0) for p, value in entering.items()}


def edge_brandes(G: nx.DiGraph, source, targets: set, by_edge: dict) -> None:
    """Add to ``by_edge`` the pairs from ``source`` to ``targets`` through each edge: networkx's
    search, Brandes' accumulation (networkx's own edge-subset helper splits a node's share
    evenly among its predecessors where paths tie, not by their path counts)."""
    S, P, sigma, _ = _single_source_dijkstra_path_basic(G, source, "weight")
    delta = dict.fromkeys(S, 0.0)
    while S:
        w = S.pop()
        coeff = (float(w in targets and w != source) + delta[w]) / sigma[w]
        for v in P[w]:
            c = sigma[v] * coeff
            by_edge[(v, w)] = by_edge.get((v, w), 0.0) + c
            delta[v] += c


def default_network(repeat: int, as_json: bool) -> None:
    net = load_network()
    graph = routing_graph(net)
    places = [p for p in net.places.index if graph.node(p, START) is not None]
    route(net, "Chongqing", "Duisburg")
    betweenness(net)
    report(route_row(net, graph, repeat), as_json)
    report(skim_row(net, graph, places, repeat), as_json)
    report(centrality_row(net, graph, places, repeat), as_json)


def criticality_sweep(repeat: int, as_json: bool) -> None:
    """Fail every link in turn with the standard OD set (the gravity model's demand); timed
    alone: a plain networkx recompute has none of route()'s rules, so it is no counterpart."""
    net = load_network()
    od = gravity_demand(net)
    criticality(net, elements="links", od=od)
    row = Row(
        "criticality sweep",
        f"every one of the {len(net.links)} links failed in turn, {len(od)} OD pairs "
        "re-routed where they used it (no like-for-like counterpart: timed alone)",
        seconds(lambda: criticality(net, elements="links", od=od), repeat),
        extra={"links": len(net.links), "od_pairs": len(od)},
    )
    report(row, as_json)


def equilibrium_row(repeat: int, as_json: bool) -> None:
    """The standard OD set at equilibrium (choice sets, the nested logit, queues at the
    capacity-bound crossings solved for their waits by L-BFGS-B) beside one
    all-or-nothing assignment of it."""
    from corridors.analysis.equilibrium import equilibrium
    from corridors.analysis.flows import assign

    net = load_network()
    od = gravity_demand(net)
    assign(net, od)
    what = (
        f"{len(od)} OD pairs at equilibrium: choice sets, nested logit, queues solved for "
        "their waits, beside one all-or-nothing assignment (the peer column)"
    )
    row = Row(
        "equilibrium",
        what,
        seconds(lambda: equilibrium(net, od), max(1, repeat // 2)),
        peer="all-or-nothing",
        peer_s=seconds(lambda: assign(net, od), repeat),
    )
    report(row, as_json)


def equilibrium_studies(as_json: bool) -> None:
    """What issue 17 times: the base and the 13 built-in scenarios compared with their
    equilibria, and every crossing failed in turn and re-equilibrated; each beside the same
    work all-or-nothing (the peer column)."""
    from corridors.analysis.criticality import equilibrium_criticality
    from corridors.network.scenarios import scenario_names

    net = load_network()
    od = gravity_demand(net)
    names = ["base", *scenario_names()]
    what = (
        f"the base and {len(names) - 1} scenarios compared at equilibrium, beside all-or-nothing"
    )
    row = Row(
        "scenarios at equilibrium",
        what,
        seconds(lambda: compare(net, names, od=od, equilibria=True), 1),
        peer="all-or-nothing",
        peer_s=seconds(lambda: compare(net, names, od=od), 1),
    )
    report(row, as_json)
    what = (
        "every operational crossing failed and re-equilibrated, beside all-or-nothing criticality"
    )
    row = Row(
        "criticality at equilibrium",
        what,
        seconds(lambda: equilibrium_criticality(net, od=od), 1),
        peer="all-or-nothing",
        peer_s=seconds(lambda: criticality(net, elements="crossings", od=od), 1),
    )
    report(row, as_json)


def scenario_comparison(as_json: bool) -> None:
    """Five scenarios against the base with the standard OD set: what a study runs (timed
    alone)."""
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
    what = "the base and five scenarios: routes, flows, gateways, winners and losers (alone)"
    report(Row("scenario comparison", what, seconds(lambda: compare(net, names), 1)), as_json)


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

    def raw():  # scipy's search and the compiled walk, called on the arrays directly
        dist, pred = dijkstra(reduced.matrix, indices=sources, return_predecessors=True)
        sums = np.zeros((len(ends), len(values)))
        indptr, heads = reduced.indptr.astype(np.int64), reduced.head.astype(np.int64)
        none = np.zeros(len(reduced.edge), dtype=np.bool_)
        walk(indptr, heads, pred, rows, ends, values, none, sums, None)
        sums[~np.isfinite(dist[rows, ends])] = np.nan
        return sums

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
    row = Row(
        "synthetic skim",
        f"{engine.n:,}-node road/rail-like graph, {count} x {len(targets)} pairs by length: "
        "length and minutes of every pair along its path",
        seconds(ours, repeat),
        kernel_s=seconds(raw, repeat),
        networkx_s=seconds(plain, 1),
        agree=close(ours(), raw()) and close(ours(), plain()),
        extra={"nodes": engine.n},
    )
    report(row, as_json)

    sampled = random.Random(42).sample(list(G.nodes()), count)  # as networkx's k= samples
    index = engine.index

    def ours_betweenness():
        found = kernel(reduced, [index[s] for s in sampled])
        return dict(zip(nodes, found.nodes.tolist(), strict=True))

    start = time.process_time()
    theirs = nx.betweenness_centrality(G, k=count, normalized=False, weight="length", seed=42)
    plain_s = time.process_time() - start
    scaled = _rescale(
        ours_betweenness(),
        len(G),
        normalized=False,
        directed=False,
        endpoints=False,
        sampled_nodes=sampled,
    )
    gap = max(abs(scaled[v] - theirs[v]) / max(1.0, abs(theirs[v])) for v in G)
    row = Row(
        "synthetic betweenness",
        f"{engine.n:,} nodes, betweenness from the {count} sources networkx's k= samples "
        "(seed 42), by length",
        seconds(ours_betweenness, repeat),
        networkx_s=plain_s,
        agree=gap <= 1e-9,
    )
    report(row, as_json)

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
        H = ox.graph_from_xml(path, bidirectional=True, retain_all=True)
        ours = seconds(lambda: load_osm(path), 1)
        plain = seconds(lambda: ox.graph_from_xml(path, bidirectional=True, retain_all=True), 1)
    row = Row(
        "osm load",
        f"an OSM rail extract of {size:,} nodes read and simplified to "
        f"{G.number_of_nodes():,} nodes (corridors adds WGS84 geodesic lengths)",
        ours,
        peer="osmnx",
        peer_s=plain,
        agree=set(G.nodes) == set(H.nodes) and G.number_of_edges() == H.number_of_edges(),
        extra={"nodes": G.number_of_nodes()},
    )
    report(row, as_json)
    engine, reduced = compile_graph(G, weight="length")
    sources = np.random.default_rng(3).choice(engine.n, count, replace=False)
    rows = np.repeat(np.arange(count), engine.n)
    ends = np.tile(np.arange(engine.n), count)
    lengths = reduced.weight[None, :]

    def skim_all():
        dist, pred = shortest_paths(reduced, sources)
        return path_sums(reduced, dist, pred, rows, ends, lengths).sums

    def raw():  # scipy's search and the compiled tree sums, called on the arrays directly
        dist, pred = dijkstra(reduced.matrix, indices=sources, return_predecessors=True)
        whole = np.zeros((count, 1, engine.n))
        indptr, heads = reduced.indptr.astype(np.int64), reduced.head.astype(np.int64)
        tree_sums(indptr, heads, pred, lengths, whole)
        whole[:, 0][~np.isfinite(dist)] = np.nan
        return whole[rows, :, ends]

    nodes = engine.nodes

    def plain_skim():
        return [
            nx.single_source_dijkstra_path_length(G, nodes[s], weight="length")
            for s in sources.tolist()
        ]

    found = skim_all()
    plain_found = plain_skim()
    theirs = np.array([[plain_found[i].get(v, np.nan)] for i in range(count) for v in nodes])
    on_path = ends != sources[rows]
    row = Row(
        "osm skim",
        f"{count} sources x every node of the loaded graph: length of every pair",
        seconds(skim_all, repeat),
        kernel_s=seconds(raw, repeat),
        networkx_s=seconds(plain_skim, 1),
        agree=close(found[on_path], raw()[on_path]) and close(found[on_path], theirs[on_path]),
    )
    report(row, as_json)
    kernel(reduced, sources[:1])
    simple = as_digraph(reduced, nodes)
    theirs = nx.betweenness_centrality_subset(
        simple, [nodes[s] for s in sources], list(simple), normalized=False, weight="weight"
    )
    ours = kernel(reduced, sources).nodes
    row = Row(
        "osm betweenness",
        f"betweenness from {count} sources to every node of the loaded graph, by length",
        seconds(lambda: kernel(reduced, sources), repeat),
        networkx_s=seconds(
            lambda: nx.betweenness_centrality_subset(
                simple,
                [nodes[s] for s in sources],
                list(simple),
                normalized=False,
                weight="weight",
            ),
            1,
        ),
        agree=close(ours, [theirs[v] for v in nodes]),
    )
    report(row, as_json)


def candidates(size: int, count: int, as_json: bool) -> None:
    """The compiled libraries considered for betweenness, where installed (neither is a
    dependency): igraph (GPL) from the same sources, and networkit (MIT), which samples its
    own sources (``EstimateBetweenness``), so its answer cannot be compared."""
    G = grid_network(size)
    engine, reduced = compile_graph(G, weight="length")
    sources = [engine.index[s] for s in random.Random(42).sample(list(G.nodes()), count)]
    kernel(reduced, sources[:2])
    ours = kernel(reduced, sources).nodes
    ours_s = seconds(lambda: kernel(reduced, sources), 1)
    pairs = list(zip(reduced.tail.tolist(), reduced.head.tolist(), strict=True))
    what = f"{engine.n:,}-node synthetic graph, betweenness from {count} sources by length"
    try:
        import igraph
    except ImportError:
        print("igraph not installed: skipped")
    else:
        g = igraph.Graph(n=engine.n, edges=pairs, directed=True)
        g.es["w"] = reduced.weight.tolist()
        theirs = np.array(g.betweenness(directed=True, weights="w", sources=sources))
        plain = seconds(lambda: g.betweenness(directed=True, weights="w", sources=sources), 1)
        row = Row("igraph betweenness", what, ours_s, peer="igraph", peer_s=plain)
        report(replace(row, agree=close(ours, theirs)), as_json)
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

        row = Row("networkit estimate", what + " (networkit samples its own)", ours_s)
        report(replace(row, peer="networkit", peer_s=seconds(estimate, 1), agree=False), as_json)


def memory_at_scale(nodes: int, count: int, as_json: bool) -> None:
    """Peak memory, each job in a process of its own (:mod:`memory`): corridors' totals from
    ``count`` sources to every node against scipy's search alone, and the compile's peak
    against what it holds."""
    script = str(Path(__file__).parent / "memory.py")

    def job(name: str) -> dict:
        done = subprocess.run(
            [sys.executable, script, name, str(nodes), str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout)

    scipy_job, totals = job("scipy"), job("totals")
    rows = [
        {
            "name": "memory totals",
            "what": f"{totals['nodes']:,} nodes, {count} sources: length and minutes to every "
            "node (shortest_paths, every_node_sums) against scipy's search alone, peak RSS",
            "corridors_bytes": totals["peak_bytes"],
            "scipy_bytes": scipy_job["peak_bytes"],
            "base_bytes": totals["before_bytes"],
        },
        {
            "name": "memory compile",
            "what": f"compile_arrays on {totals['nodes']:,} nodes: peak (tracemalloc) against "
            "the arrays it holds",
            "peak_bytes": totals["compile_peak_bytes"],
            "held_bytes": totals["held_bytes"],
        },
    ]
    for row in rows:
        if as_json:
            print(json.dumps(row))
        elif "scipy_bytes" in row:
            ratio = row["corridors_bytes"] / row["scipy_bytes"]
            print(
                f"{row['name']:<22} {row['corridors_bytes'] / 1e9:.2f} GB, scipy "
                f"{row['scipy_bytes'] / 1e9:.2f} GB ({ratio:.2f}x): {row['what']}"
            )
        else:
            ratio = row["peak_bytes"] / row["held_bytes"]
            print(
                f"{row['name']:<22} peak {row['peak_bytes'] / 1e6:.0f} MB, holds "
                f"{row['held_bytes'] / 1e6:.0f} MB ({ratio:.2f}x): {row['what']}"
            )


def aequilibrae_peer(repeat: int, as_json: bool) -> None:
    """AequilibraE's own Coquimbo example, where AequilibraE is installed (not a dependency:
    ``pip install aequilibrae``): a distance skim between its 133 centroids on its car
    network, graph build included on both sides (AequilibraE's ``prepare_graph`` compresses
    chains of links; corridors' ``skim_matrix`` contracts them too). Its project needs
    SpatiaLite, which this Python's sqlite3 cannot load, so the links are read with plain
    sqlite3 and AequilibraE's ``Graph`` is made from them, as corridors' engine is."""
    try:
        from aequilibrae.paths import Graph, NetworkSkimming
    except ImportError:
        print("aequilibrae not installed: skipped", file=sys.stderr)
        return
    import sqlite3
    import zipfile
    from importlib.resources import files

    with tempfile.TemporaryDirectory() as tmp:
        archive = files("aequilibrae") / "reference_files" / "coquimbo.zip"
        with zipfile.ZipFile(str(archive)) as zipped:
            zipped.extract("project_database.sqlite", tmp)
        with sqlite3.connect(Path(tmp) / "project_database.sqlite") as db:
            links = pd.read_sql(
                "SELECT link_id, a_node, b_node, direction, distance, modes FROM links", db
            )
            centroids = pd.read_sql(
                "SELECT node_id FROM nodes WHERE is_centroid = 1 ORDER BY node_id", db
            ).node_id.to_numpy()
    links = links[links.modes.str.contains("c")].drop(columns="modes")
    links["distance"] = links["distance"].astype(float)

    def theirs() -> np.ndarray:
        graph = Graph()
        graph.network = links.copy()
        graph.prepare_graph(centroids)
        graph.set_graph("distance")
        graph.set_skimming(["distance"])
        graph.set_blocked_centroid_flows(False)
        skims = NetworkSkimming(graph)
        skims.execute()
        return skims.results.skims.get_matrix("distance")

    def ours() -> np.ndarray:
        nodes, ends = np.unique(links[["a_node", "b_node"]].to_numpy(), return_inverse=True)
        a, b = ends.reshape(-1, 2).T
        way = links.direction.to_numpy()
        tail = np.concatenate([a[way >= 0], b[way <= 0]])
        head = np.concatenate([b[way >= 0], a[way <= 0]])
        length = links.distance.to_numpy()
        weights = np.concatenate([length[way >= 0], length[way <= 0]])
        _, reduced = compile_arrays(tail, head, weights, nodes=nodes)
        where = np.searchsorted(nodes, centroids)
        return skim_matrix(reduced, where, where, reduced.weight[None, :])[:, 0]

    row = Row(
        "aequilibrae skim",
        f"AequilibraE's Coquimbo example: {len(centroids)} x {len(centroids)} centroids, car "
        f"network ({len(links):,} links), distance skim, graph build (ours: contraction) "
        "included",
        seconds(ours, repeat),
        peer="AequilibraE",
        peer_s=seconds(theirs, repeat),
        agree=close(ours(), np.where(np.isfinite(theirs()), theirs(), np.nan)),  # inf: none
    )
    report(row, as_json)


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_line(repeat: int, as_json: bool) -> None:
    """CPU time of commands as a user types them: ``corridors route`` with the caches of
    ``corridors build`` current and without them, ``corridors assess``, and the import of
    pandas alone (what a routing command pays before it starts: it searches in Python,
    importing none of scipy's graph routines).

    The commands may write Python's bytecode, as they do on a user's machine, even where
    the environment asks not to (PYTHONDONTWRITEBYTECODE): a command's first run compiles
    corridors' modules, the timed runs read them compiled."""
    from corridors.network.tables import default_data_dir

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(name: str, what: str, command: list[str], times: int) -> None:
        def run() -> None:
            subprocess.run(command, check=True, capture_output=True, env=env)

        run()  # bytecode, numba's on-disk cache and the file system warmed
        runs = []
        for _ in range(times):
            before, start = child_cpu(), time.perf_counter()
            run()
            runs.append((child_cpu() - before, time.perf_counter() - start))
        cpu = [c for c, _ in runs]
        wall = [w for _, w in runs]
        extra = {"runs_s": [round(t, 3) for t in cpu], "wall_s": statistics.median(wall)}
        report(Row(name, what, statistics.median(cpu), extra=extra), as_json)

    route_args = ["route", "Chongqing", "Duisburg"]
    with tempfile.TemporaryDirectory() as tmp:
        # two copies of the data: one built (graphs/ and the caches beside it, as after
        # `corridors build`), one not; the checkout's graphs/ is left alone
        built, bare = Path(tmp) / "built" / "data", Path(tmp) / "bare" / "data"
        for folder in (built, bare):
            shutil.copytree(default_data_dir(), folder)
        subprocess.run(
            ["corridors", "--data", str(built), "build"], check=True, capture_output=True
        )
        route_with = ["corridors", "--data", str(built), *route_args]
        timed("cli route", "corridors route Chongqing Duisburg", route_with, repeat)
        route_bare = ["corridors", "--data", str(bare), *route_args]
        timed("cli route, no cache", "the same without graphs/", route_bare, repeat)
        out = str(Path(tmp) / "out")
        assess = ["corridors", "--data", str(built), "assess", "--out", out]
        timed("cli assess", "corridors assess", assess, max(1, repeat // 2))
    imports = "import pandas"
    timed("cli imports", imports, [sys.executable, "-c", imports], repeat)


def test_suite(as_json: bool) -> None:
    """The test command of the README (pytest on every core), once: its CPU time, all workers
    together, and its wall time."""
    root = Path(__file__).resolve().parents[1]
    before, start = child_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        check=True,
        capture_output=True,
        cwd=root,
    )
    wall = time.perf_counter() - start
    what = "the test suite (pytest on every core, xdist): all workers' CPU time"
    report(Row("test suite", what, child_cpu() - before, extra={"wall_s": wall}), as_json)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 10,000-node synthetic graph")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="only the peers, where installed: AequilibraE, and the betweenness libraries "
        "considered (igraph, networkit)",
    )
    args = parser.parse_args()
    if args.candidates:
        machine(args.json)
        aequilibrae_peer(3 if args.quick else 5, args.json)
        candidates(10_000 if args.quick else 100_000, 20 if args.quick else 100, args.json)
        return
    machine(args.json)
    repeat = 3 if args.quick else 5
    default_network(repeat, args.json)
    criticality_sweep(repeat, args.json)
    equilibrium_row(repeat, args.json)
    equilibrium_studies(args.json)
    scenario_comparison(args.json)
    osm_scale(10_000 if args.quick else 100_000, 20, repeat, args.json)
    if args.quick:
        synthetic(10_000, 20, repeat, args.json)
    else:
        synthetic(100_000, 100, repeat, args.json)
    memory_at_scale(100_000 if args.quick else 1_000_000, 20 if args.quick else 100, args.json)
    command_line(repeat, args.json)
    test_suite(args.json)


if __name__ == "__main__":
    main()
