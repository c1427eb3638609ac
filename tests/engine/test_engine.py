"""The compiled engine: exact values on tiny graphs, agreement with networkx, bad input."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.engine import (
    Engine,
    compile_arrays,
    compile_graph,
    every_node_sums,
    path_sums,
    shortest_paths,
)
from corridors.engine.brandes import betweenness
from corridors.graph.constraints import Constraints
from corridors.graph.layers import END, START
from corridors.graph.routing_graph import routing_graph


@pytest.fixture
def diamond():
    """s -> a -> t and s -> b -> t tie at 2; s -> t direct costs 5."""
    G = nx.DiGraph()
    G.add_weighted_edges_from(
        [("s", "a", 1.0), ("s", "b", 1.0), ("a", "t", 1.0), ("b", "t", 1.0), ("s", "t", 5.0)]
    )
    return G


def test_compile_graph_keeps_one_edge_per_direction_and_the_cheapest_parallel_edge():
    G = nx.MultiGraph()
    G.add_edge("x", "y", length=3.0)
    G.add_edge("x", "y", length=2.0)
    engine, reduced = compile_graph(G, weight="length")
    assert len(engine.tail) == 4  # two parallel edges, each both ways
    assert reduced.indptr.tolist() == [0, 1, 2]
    assert reduced.weight.tolist() == [2.0, 2.0]
    assert [engine.values["length"][e] for e in reduced.edge] == [2.0, 2.0]


def test_a_tie_between_parallel_edges_goes_to_the_first():
    engine = Engine(
        ["u", "v"], np.array([0, 0], np.int32), np.array([1, 1], np.int32), {"w": np.ones(2)}
    )
    assert engine.reduce(engine.values["w"]).edge.tolist() == [0]


def test_masks_bar_the_tagged_edges():
    engine = Engine(
        ["u", "v", "w"],
        np.array([0, 1], np.int32),
        np.array([1, 2], np.int32),
        {"w": np.ones(2)},
        tags={("country", "KAZ"): np.array([1])},
    )
    assert engine.mask([("country", "KAZ"), ("country", "none")]).tolist() == [True, False]
    reduced = engine.reduce(engine.values["w"], engine.mask([("country", "KAZ")]))
    assert reduced.edge.tolist() == [0]


@pytest.mark.parametrize(
    ("value", "match"),
    [(None, "has no 'length' attribute"), (-1.0, "length of -1.0"), (math.inf, "length of inf")],
)
def test_compile_graph_rejects_bad_weights(value, match):
    G = nx.DiGraph()
    G.add_edge("x", "y", length=value)
    with pytest.raises(ValueError, match=match):
        compile_graph(G, weight="length")


def test_reduce_names_the_edge_with_a_bad_weight():
    engine = Engine(
        ["u", "v"],
        np.array([0], np.int32),
        np.array([1], np.int32),
        {"w": np.array([np.nan])},
        data=[{"element": "road:u-v"}],
    )
    with pytest.raises(ValueError, match="edge road:u-v has a weight of nan"):
        engine.reduce(engine.values["w"])


def test_path_sums_on_a_hand_built_graph(diamond):
    engine, reduced = compile_graph(diamond)
    i = engine.index
    dist, pred = shortest_paths(reduced, [i["s"], i["t"]])
    rows = np.array([0, 0, 1, 1])
    targets = np.array([i["t"], i["s"], i["s"], i["t"]])
    found = path_sums(reduced, dist, pred, rows, targets, reduced.weight[None, :] * 10)
    assert found.sums[[0, 1, 3], 0].tolist() == [20.0, 0.0, 0.0]  # a place to itself: 0
    assert np.isnan(found.sums[2, 0])  # nothing leaves t
    assert found.reached.tolist() == [True, True, False, True]


def test_path_sums_collects_the_wanted_entries_in_path_order():
    G = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 1.0}), (2, 3, {"w": 1.0})])
    _, reduced = compile_graph(G, weight="w")
    dist, pred = shortest_paths(reduced, [0])
    wanted = np.array([True, False, True])
    found = path_sums(reduced, dist, pred, [0], [3], reduced.weight[None, :], collect=wanted)
    assert found.grouped(1)[0].tolist() == [0, 2]


@settings(max_examples=30, deadline=None)
@given(st.integers(5, 30), st.integers(0, 10_000))
def test_path_sums_equal_networkx_path_lengths(nodes, seed):
    G = nx.gnm_random_graph(nodes, 3 * nodes, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    for u, v in G.edges:
        G.edges[u, v]["w"] = float(rng.uniform(0.5, 3.0))
    engine, reduced = compile_graph(G, weight="w")
    dist, pred = shortest_paths(reduced, [0])
    targets = np.arange(engine.n)
    found = path_sums(reduced, dist, pred, np.zeros(engine.n, int), targets, reduced.weight[None])
    lengths = nx.single_source_dijkstra_path_length(G, 0, weight="w")
    for node, total in zip(engine.nodes, found.sums[:, 0], strict=True):
        if node in lengths:
            assert total == pytest.approx(lengths[node], rel=1e-12)
        else:
            assert np.isnan(total)


def in_csr_order(engine, reduced) -> nx.DiGraph:
    """The reduced graph for networkx, each node's edges in the engine's order."""
    G = nx.DiGraph()
    G.add_nodes_from(engine.nodes)
    nodes = engine.nodes
    G.add_weighted_edges_from(
        (nodes[u], nodes[v], w)
        for u, v, w in zip(reduced.tail, reduced.head, reduced.weight.tolist(), strict=True)
    )
    return G


@settings(max_examples=30, deadline=None)
@given(st.integers(4, 25), st.integers(0, 10_000), st.sampled_from([0, 1]))
def test_brandes_equals_networkx_where_paths_tie(nodes, seed, lowest):
    G = nx.gnm_random_graph(nodes, 3 * nodes, seed=seed, directed=True)
    rng = np.random.default_rng(seed)
    for u, v in G.edges:
        G.edges[u, v]["w"] = float(rng.integers(lowest, 3))  # small integers: ties
    engine, reduced = compile_graph(G, weight="w")
    if lowest == 0:
        # with zero-weight edges, which equal-length paths networkx counts depends on the
        # order it meets the edges: give it the engine's order
        G = in_csr_order(engine, reduced)
    sources = list(G)[: nodes // 2]
    targets = list(G)[nodes // 3 :]
    found = betweenness(
        reduced, [engine.index[s] for s in sources], [engine.index[t] for t in targets]
    )
    weight = "w" if lowest else "weight"
    theirs = nx.betweenness_centrality_subset(G, sources, targets, normalized=False, weight=weight)
    for node, value in zip(engine.nodes, found.nodes, strict=True):
        assert value == pytest.approx(theirs[node], abs=1e-9)


@pytest.mark.parametrize("by", ["time", "cost", "generalized"])
def test_brandes_equals_networkx_on_the_routing_graph(net, by):
    graph = routing_graph(net)
    reduced = graph.reduced(by, Constraints())
    nodes = graph.engine.nodes
    G = in_csr_order(graph.engine, reduced)
    hubs = ["chongqing", "xian", "urumqi", "kunming"]
    ends = ["duisburg", "singapore", "vientiane", "almaty", "chongqing"]
    sources = [(p, START) for p in hubs]
    targets = [(p, END) for p in ends]
    index = graph.engine.index
    found = betweenness(reduced, [index[s] for s in sources], [index[t] for t in targets])
    # (networkx's edge_betweenness_centrality_subset splits ties by predecessor count, not
    # path count, so the nodes are compared; edges are compared on all pairs elsewhere)
    theirs = nx.betweenness_centrality_subset(
        G, sources, targets, normalized=False, weight="weight"
    )
    for node, value in zip(nodes, found.nodes, strict=True):
        assert value == pytest.approx(theirs[node], abs=1e-9)
    assert found.nodes.sum() > 0


def test_engine_exports_to_networkx(diamond):
    engine, _ = compile_graph(diamond)
    G = engine.to_networkx()
    assert G.number_of_edges() == 5
    assert G.edges["s", "t", engine.tail.tolist().index(engine.index["s"]) + 2]["weight"] == 5.0


def test_whole_trees_and_single_paths_sum_alike():
    G = nx.gnm_random_graph(60, 200, seed=4, directed=True)
    rng = np.random.default_rng(4)
    for u, v in G.edges:
        G.edges[u, v]["w"] = float(rng.uniform(0.5, 3.0))
    engine, reduced = compile_graph(G, weight="w")
    dist, pred = shortest_paths(reduced, [0, 1, 2])
    rows, targets = np.repeat(np.arange(3), engine.n), np.tile(np.arange(engine.n), 3)
    whole = path_sums(reduced, dist, pred, rows, targets, reduced.weight[None, :])  # trees
    few = path_sums(reduced, dist, pred, rows[::40], targets[::40], reduced.weight[None, :])
    assert np.allclose(whole.sums[::40], few.sums, equal_nan=True)


def test_compile_arrays_equals_compile_graph_on_the_same_edges():
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.5), ("a", "c", 4.0)], weight="w")
    engine, reduced = compile_graph(G, weight="w")
    tail = [engine.index[u] for u, _ in G.edges]
    head = [engine.index[v] for _, v in G.edges]
    weights = [w for *_, w in G.edges(data="w")]
    arrays, arrays_reduced = compile_arrays(
        tail, head, weights, nodes=list(G.nodes), directed=False, name="w"
    )
    assert arrays.nodes == engine.nodes
    assert arrays.tail.tolist() == engine.tail.tolist()
    assert arrays.head.tolist() == engine.head.tolist()
    assert (arrays_reduced.matrix != reduced.matrix).nnz == 0
    dist, _ = shortest_paths(arrays_reduced, [0])
    assert dist[0].tolist() == [0.0, 2.0, 3.5]


@pytest.mark.parametrize(
    ("tail", "head", "weights", "nodes", "match"),
    [
        ([0, 1], [1], [1.0, 1.0], None, "of one length"),
        ([0, -1], [1, 0], [1.0, 1.0], None, "edge 1: tail -1 is not a node index 0..1"),
        ([0], [2], [1.0], ["a", "b"], "edge 0: head 2 is not a node index 0..1"),
        ([0.5], [1], [1.0], None, "edge 0: tail 0.5 is not a node index"),
        ([0, 1], [1, 0], [1.0, -2.0], None, "edge 1: weight -2.0 cannot be routed"),
        ([0], [1], [float("nan")], None, "edge 0: weight nan cannot be routed"),
    ],
)
def test_compile_arrays_names_the_first_bad_edge(tail, head, weights, nodes, match):
    with pytest.raises(ValueError, match=match):
        compile_arrays(tail, head, weights, nodes=nodes)


def test_every_node_sums_equals_the_sums_of_every_pair(diamond):
    diamond.add_weighted_edges_from([("x", "s", 2.0)])  # x: reached from no source below
    _, reduced = compile_graph(diamond)
    dist, pred = shortest_paths(reduced, [0, 3])
    values = np.stack([reduced.weight, np.ones(len(reduced.weight))])
    whole = every_node_sums(reduced, pred, values, [0, 3])
    rows, targets = np.repeat([0, 1], reduced.n), np.tile(np.arange(reduced.n), 2)
    pairs = path_sums(reduced, dist, pred, rows, targets, values, collect=np.ones(8, bool))
    assert np.array_equal(whole[rows, :, targets], pairs.sums, equal_nan=True)
    assert whole[0, :, 3].tolist() == [2.0, 2.0]  # s -> a -> t: two steps of 1
    assert np.isnan(whole[0, 0, 4])  # x is not reached from s


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.integers(0, 60), st.integers(0, 10_000))
def test_a_reduction_from_the_kept_order_equals_one_that_sorts(nodes, edges, seed):
    rng = np.random.default_rng(seed)
    tail, head = rng.integers(0, nodes, edges), rng.integers(0, nodes, edges)
    weight = rng.integers(0, 4, edges).astype(float)  # few values: many ties
    engine, _ = compile_arrays(tail, head, weight)  # its first reduction sorts
    keep = rng.random(edges) < 0.7
    for mask in (None, keep):
        sorted_once = Engine(engine.nodes, engine.tail, engine.head, {}).reduce(weight, mask)
        from_order = engine.reduce(weight, mask)  # the second and later: the kept order
        for name in ("indptr", "head", "weight", "edge"):
            assert np.array_equal(getattr(sorted_once, name), getattr(from_order, name))
