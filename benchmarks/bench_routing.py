"""Routing speed on the default network, as ratios against plain networkx in the same run.

Run: ``python benchmarks/bench_routing.py``. Prints milliseconds and ratios; asserts nothing
(timings belong here, not in unit tests).

- route: one ``corridors.route`` (expanded graph cached) against ``nx.dijkstra_path`` on
  the same expanded graph with a plain edge attribute (no constraints, no reporting).
- skim: every hub to every sea port and terminal, ``corridors.skim`` (compiled once to CSR,
  scipy csgraph) against one networkx ``single_source_dijkstra`` per origin on the same graph.
- betweenness: the edge betweenness of every hub-to-port/terminal pair, corridors' subset
  Brandes against networkx's ``edge_betweenness_centrality_subset`` on the same graph (which
  splits ties differently, so only the time is compared here; tests check exactness).
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable

import networkx as nx

from corridors import load_network
from corridors.centrality import edge_betweenness_subset
from corridors.graph import START, Constraints, routing_graph
from corridors.routing import route
from corridors.skim import skim


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time of ``repeat`` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    net = load_network()
    graph = routing_graph(net)
    reduced = graph.simple("time", Constraints())
    simple = nx.DiGraph()  # the same graph with nothing but a plain weight attribute
    simple.add_weighted_edges_from(reduced.edges(data="w"), weight="hours")
    hubs = list(net.places.index[net.places.kind == "hub"])
    targets = list(net.places.index[net.places.kind.isin(["sea_port", "terminal"])])
    route(net, "Chongqing", "Duisburg")  # warm the caches
    skim(net, hubs, targets)

    ours = best_of(lambda: route(net, "Chongqing", "Duisburg"))
    plain = best_of(
        lambda: nx.dijkstra_path(simple, ("chongqing", START), ("duisburg", "@to"), weight="hours")
    )
    print(
        f"route Chongqing-Duisburg: corridors {ours:.2f} ms, plain networkx path "
        f"{plain:.2f} ms, ratio {ours / plain:.2f}"
    )

    ours = best_of(lambda: skim(net, hubs, targets), repeat=5)

    def plain_lengths():
        for hub in hubs:
            lengths = nx.single_source_dijkstra_path_length(simple, (hub, START), weight="hours")
            [lengths.get((t, "@to")) for t in targets]

    def plain_totals():
        """The same work as skim: for every pair, the path and its hours, km and USD."""
        for hub in hubs:
            _, paths = nx.single_source_dijkstra(simple, (hub, START), weight="hours")
            for t in targets:
                path = paths.get((t, "@to"), [])
                for u, v in itertools.pairwise(path):
                    edge = reduced[u][v]["edge"]
                    (edge["hours"], edge["km"], edge["cost_usd"])

    lengths_only = best_of(plain_lengths, repeat=5)
    same_work = best_of(plain_totals, repeat=5)
    print(
        f"skim {len(hubs)} hubs x {len(targets)} ports/terminals: corridors {ours:.1f} ms; "
        f"plain networkx, same work (paths and totals) {same_work:.1f} ms, ratio "
        f"{ours / same_work:.2f}; networkx lengths only {lengths_only:.1f} ms, ratio "
        f"{ours / lengths_only:.2f}"
    )

    sources = [(h, START) for h in hubs]
    sinks = [(t, "@to") for t in targets]
    ours = best_of(lambda: edge_betweenness_subset(simple, sources, sinks), repeat=3)
    plain = best_of(
        lambda: nx.edge_betweenness_centrality_subset(
            simple, sources, sinks, normalized=False, weight="hours"
        ),
        repeat=3,
    )
    print(
        f"edge betweenness {len(hubs)} hubs x {len(targets)} ports/terminals: corridors "
        f"{ours:.1f} ms, networkx subset {plain:.1f} ms, ratio {ours / plain:.2f}"
    )


if __name__ == "__main__":
    main()
