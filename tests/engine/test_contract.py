"""Contraction to a skim's nodes: exact values on tiny graphs, and the same totals as a
search of the whole graph."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.engine import compile_arrays, compile_graph, path_sums, shortest_paths, skim_matrix
from corridors.engine.contract import contract


def test_a_chain_becomes_one_edge_and_a_dead_end_goes():
    # 0 - 1 - 2 - 3, and 1 - 4 - 5 a dead end
    _, reduced = compile_arrays(
        [0, 1, 2, 1, 4], [1, 2, 3, 4, 5], [1.0, 2.0, 4.0, 8.0, 16.0], directed=False
    )
    small = contract(reduced, [0, 3])
    assert small.nodes.tolist() == [0, 3]
    assert small.reduced.weight.tolist() == [7.0, 7.0]
    links = np.ones((1, len(reduced.edge)))
    assert small.totals(links).tolist() == [[3.0, 3.0]]


def test_a_one_way_chain_is_contracted_one_way():
    _, reduced = compile_arrays([0, 1, 2], [1, 2, 3], [1.0, 1.0, 1.0])
    small = contract(reduced, [0, 3])
    assert small.reduced.indptr.tolist() == [0, 1, 1]
    assert small.reduced.weight.tolist() == [3.0]


def test_parallel_chains_keep_the_cheaper_and_a_loop_goes():
    # 0 -a- 3 costs 2, 0 -b- 3 costs 6; 3 - 4 - 5 - 3 a loop through two nodes
    edges = [
        (0, 1, 1.0),
        (1, 3, 1.0),
        (0, 2, 3.0),
        (2, 3, 3.0),
        (3, 4, 1.0),
        (4, 5, 1.0),
        (5, 3, 1.0),
    ]
    tail, head, weight = zip(*edges, strict=True)
    _, reduced = compile_arrays(tail, head, weight, directed=False)
    small = contract(reduced, [0, 3])
    assert small.nodes.tolist() == [0, 3]
    assert small.reduced.weight.tolist() == [2.0, 2.0]


def test_a_node_with_three_neighbours_stays():
    _, reduced = compile_arrays([0, 1, 1, 3], [1, 2, 3, 4], [1.0, 1.0, 1.0, 1.0], directed=False)
    small = contract(reduced, [0, 2, 4])
    assert small.nodes.tolist() == [0, 1, 2, 4]
    assert skim_matrix(reduced, [0], [2, 4], reduced.weight[None]).tolist() == [[[2.0, 3.0]]]


def test_asking_for_a_contracted_node_names_it():
    _, reduced = compile_arrays([0, 1], [1, 2], [1.0, 1.0], directed=False)
    with pytest.raises(KeyError, match="node 1 was contracted away"):
        contract(reduced, [0, 2]).where([1])


def test_unreached_targets_are_nan_and_a_source_is_zero():
    _, reduced = compile_arrays([0, 2], [1, 3], [1.0, 1.0])
    sums = skim_matrix(reduced, [0, 3], [0, 1, 3], reduced.weight[None])
    assert np.isnan(sums[0, 0, 2]) and np.isnan(sums[1, 0, 1])
    assert sums[0, 0, :2].tolist() == [0.0, 1.0] and sums[1, 0, 2] == 0.0


def _subdivided(nodes: int, seed: int) -> nx.DiGraph:
    """A random graph whose edges are split into chains of 1 to 4 links, some one way, with
    dead ends: a road network in miniature. Weights are continuous, so no two paths tie."""
    rng = np.random.default_rng(seed)
    base = nx.gnm_random_graph(nodes, 2 * nodes, seed=seed)
    G = nx.DiGraph()
    G.add_nodes_from(base)
    fresh = nodes
    for u, v in base.edges:
        path = [u, *range(fresh, fresh + int(rng.integers(0, 4))), v]
        fresh += len(path) - 2
        one_way = rng.random() < 0.2
        for a, b in itertools.pairwise(path):
            w, minutes = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.0, 9.0))
            G.add_edge(a, b, w=w, minutes=minutes)
            if not one_way:
                G.add_edge(b, a, w=w, minutes=minutes)
    for leaf in range(fresh, fresh + int(rng.integers(0, nodes))):
        hang = int(rng.integers(0, leaf))
        G.add_edge(hang, leaf, w=1.0, minutes=1.0)
        G.add_edge(leaf, hang, w=1.0, minutes=1.0)
    return G


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 25), st.integers(0, 10_000), st.integers(1, 6))
def test_skim_matrix_equals_a_search_of_the_whole_graph(nodes, seed, count):
    G = _subdivided(nodes, seed)
    engine, reduced = compile_graph(G, weight="w")
    _, by_minutes = compile_graph(G, weight="minutes")
    values = np.stack([reduced.weight, by_minutes.weight])  # no parallel edges: same entries
    rng = np.random.default_rng(seed)
    sources = rng.choice(engine.n, min(count, engine.n), replace=False)
    targets = rng.choice(engine.n, min(2 * count, engine.n), replace=False)
    dist, pred = shortest_paths(reduced, sources)
    rows = np.repeat(np.arange(len(sources)), len(targets))
    whole = path_sums(reduced, dist, pred, rows, np.tile(targets, len(sources)), values).sums
    ours = skim_matrix(reduced, sources, targets, values)
    expected = whole.reshape(len(sources), len(targets), 2).transpose(0, 2, 1)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)
