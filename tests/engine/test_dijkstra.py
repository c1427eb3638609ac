"""The compiled search keeps scipy's path where paths tie, and route()'s rules run on it
find the paths corridors.graph.search finds."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from corridors.engine import (
    compile_arrays,
    paths_to,
    rule_paths,
    searches_in_python,
    shortest_paths,
)
from corridors.engine.compiled import cheapest
from corridors.engine.dijkstra import NO_NODE, search
from corridors.engine.kernels import repeats

NONE = np.empty(0, dtype=np.int64)


def searched(reduced, source, targets=NONE, keep=None):
    n = reduced.n
    dist, pred, via = np.full(n, np.inf), np.full(n, NO_NODE), np.full(n, -1)
    if keep is None:
        keep = np.ones(len(reduced.head), dtype=np.bool_)
    missing = search(
        reduced.indptr.astype(np.int64),
        reduced.head.astype(np.int64),
        reduced.weight,
        keep,
        source,
        np.asarray(targets, dtype=np.int64),
        dist,
        pred,
        via,
    )
    return missing, dist, pred, via


def test_of_two_nodes_at_one_distance_the_higher_is_finished_first():
    # 0 -> 1 -> 3 and 0 -> 2 -> 3 all of weight 1: 3 is reached from 2, as scipy has it
    _, reduced = compile_arrays([0, 0, 1, 2], [1, 2, 3, 3], [1.0, 1.0, 1.0, 1.0])
    _, dist, pred, via = searched(reduced, 0)
    assert dist.tolist() == [0.0, 1.0, 1.0, 2.0]
    assert pred.tolist() == [NO_NODE, 0, 0, 2]
    assert reduced.head[via[3]] == 3 and reduced.tail[via[3]] == 2
    assert dijkstra(reduced.matrix, indices=0, return_predecessors=True)[1].tolist() == [
        NO_NODE,
        0,
        0,
        2,
    ]


def test_a_search_stops_at_its_targets():
    # a chain 0 -> 1 -> 2 -> 3: stopping at 1 leaves 2 and 3 unreached
    _, reduced = compile_arrays([0, 1, 2], [1, 2, 3], [1.0, 2.0, 4.0])
    missing, dist, _, _ = searched(reduced, 0, [1])
    assert missing == 0
    assert dist.tolist() == [0.0, 1.0, np.inf, np.inf]
    missing, dist, _, _ = searched(reduced, 0, [3, 2])
    assert missing == 0 and dist.tolist() == [0.0, 1.0, 3.0, 7.0]


def test_an_unreachable_target_is_counted_missing():
    _, reduced = compile_arrays([0, 2], [1, 1], [1.0, 1.0])
    missing, dist, pred, _ = searched(reduced, 0, [1, 2])
    assert missing == 1
    assert dist.tolist() == [0.0, 1.0, np.inf] and pred.tolist() == [NO_NODE, 0, NO_NODE]


@st.composite
def tied_graphs(draw):
    """Small graphs of weights 0-3 (ties everywhere), an entry mask, a source, a target."""
    n = draw(st.integers(2, 25))
    m = draw(st.integers(1, 5 * n))
    node = st.integers(0, n - 1)
    tail = draw(st.lists(node, min_size=m, max_size=m))
    head = draw(st.lists(node, min_size=m, max_size=m))
    weight = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0]), min_size=m, max_size=m))
    reduced = cheapest(n, np.array(tail), np.array(head), np.array(weight), np.arange(m))
    keep = np.array(
        draw(st.lists(st.booleans(), min_size=len(reduced.head), max_size=len(reduced.head))),
        dtype=np.bool_,
    )
    return reduced, keep, draw(node), draw(node)


@settings(max_examples=300, deadline=None)
@given(tied_graphs())
def test_the_whole_tree_is_scipys(case):
    reduced, keep, source, _ = case
    _, dist, pred, _ = searched(reduced, source, keep=keep)
    theirs, their_pred = scipy_tree(reduced, keep, source)
    assert dist.tolist() == theirs.tolist()
    assert pred.tolist() == their_pred.tolist()


@settings(max_examples=300, deadline=None)
@given(tied_graphs())
def test_stopping_at_a_target_keeps_scipys_path_to_it(case):
    reduced, keep, source, target = case
    missing, dist, pred, _ = searched(reduced, source, [target], keep)
    theirs, their_pred = scipy_tree(reduced, keep, source)
    assert missing == int(not np.isfinite(theirs[target]))
    v = target
    while not missing and v >= 0:
        assert (dist[v], pred[v]) == (theirs[v], their_pred[v])
        v = their_pred[v]


@settings(max_examples=300, deadline=None)
@given(tied_graphs())
def test_the_python_search_is_scipys_too(case):
    reduced, keep, source, target = case
    with searches_in_python():
        dist, pred = shortest_paths(reduced, [source, target], keep)
    theirs, their_pred = dijkstra(
        reduced.submatrix(keep), indices=[source, target], return_predecessors=True
    )
    assert dist.tolist() == theirs.tolist()
    assert pred.tolist() == their_pred.tolist() and pred.dtype == their_pred.dtype


@settings(max_examples=200, deadline=None)
@given(tied_graphs(), st.booleans())
def test_paths_to_a_target_are_scipys_compiled_or_in_python(case, in_python):
    reduced, keep, source, target = case
    theirs, their_pred = scipy_tree(reduced, keep, source)
    with searches_in_python() if in_python else contextlib.nullcontext():
        dist, pred = paths_to(reduced, source, [target], keep)
    assert dist[target] == theirs[target]
    v = target
    while np.isfinite(theirs[target]) and v >= 0:
        assert pred[v] == their_pred[v]
        v = their_pred[v]


def test_searches_in_python_ends_with_its_block():
    import corridors.engine.paths as paths

    with searches_in_python():
        assert paths._in_python
        with searches_in_python():
            pass
        assert paths._in_python
    assert not paths._in_python


def scipy_tree(reduced, keep, source):
    return dijkstra(reduced.submatrix(keep), indices=source, return_predecessors=True)


class Labelled:
    """A small graph for the route rules: each node's place and country, each edge's
    element."""

    def __init__(self, tail, head, weight, place, country, element):
        _, self.reduced = compile_arrays(tail, head, weight)
        self.place, self.country = np.array(place), np.array(country)
        self.element = np.array(element)[self.reduced.edge]

    def route(self, source, target, *, narrowed=False, reenter=True):
        """The total weight of the pair's path (NaN for none) and its entries from the end."""
        found = rule_paths(
            self.reduced,
            np.array([source]),
            np.array([target]),
            place=self.place,
            country=self.country,
            element=self.element,
            narrowed=np.array([narrowed]),
            reenter=reenter,
            retries=30,
            values=self.reduced.weight[None, :],
            collect=np.ones(len(self.reduced.edge), dtype=np.bool_),
        )
        return found.sums[0, 0], found.entry.tolist()

    def entry(self, tail, head):
        return int(self.reduced.positions([tail], [head])[0])


def test_a_path_back_into_the_country_it_left_gives_way_to_one_that_stays():
    # 0 (country 0) -> 1 (country 1) -> 2 (country 0) costs 2; 0 -> 2 direct costs 5
    g = Labelled([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], [0, 1, 2], [0, 1, 0], [0, 1, 2])
    assert g.route(0, 2) == (5.0, [g.entry(0, 2)])
    assert g.route(0, 2, narrowed=True) == (5.0, [g.entry(0, 2)])  # known to come back


def test_with_no_other_way_the_path_comes_back():
    g = Labelled([0, 1], [1, 2], [1.0, 1.0], [0, 1, 2], [0, 1, 0], [0, 1])
    assert g.route(0, 2) == (2.0, [g.entry(1, 2), g.entry(0, 1)])
    total, entries = g.route(0, 2, reenter=False)
    assert np.isnan(total) and entries == []


def test_a_path_through_a_place_twice_loses_the_link_back():
    # nodes 0 and 2 are two layers of place 0: 0 -> 1 -> 2 -> 3 comes back to it
    g = Labelled(
        [0, 1, 2, 0],
        [1, 2, 3, 3],
        [1.0, 1.0, 1.0, 10.0],
        [0, 1, 0, 2],
        [0, 0, 0, 0],
        [0, 1, 2, 3],
    )
    assert g.route(0, 3) == (10.0, [g.entry(0, 3)])


def test_the_entries_come_back_from_the_end_with_their_steps():
    g = Labelled([0, 1, 2], [1, 2, 3], [1.0, 2.0, 4.0], [0, 1, 2, 3], [0] * 4, [0, 1, 2])
    found = rule_paths(
        g.reduced,
        np.array([0, 3]),
        np.array([3, 0]),
        place=g.place,
        country=g.country,
        element=g.element,
        narrowed=np.zeros(2, dtype=np.bool_),
        reenter=True,
        retries=30,
        values=g.reduced.weight[None, :],
        collect=np.ones(3, dtype=np.bool_),
    )
    assert found.sums[0].tolist() == [7.0] and np.isnan(found.sums[1, 0])
    assert found.reached.tolist() == [True, False]
    assert found.pair.tolist() == [0, 0, 0] and found.step.tolist() == [0, 1, 2]
    assert found.entry.tolist() == [g.entry(2, 3), g.entry(1, 2), g.entry(0, 1)]


def test_repeats_finds_a_label_twice_or_the_end_label():
    pair = np.array([0, 0, 1, 1, 2])
    label = np.array([5, 5, 5, 6, 7])
    use = np.ones(5, dtype=np.bool_)
    end = np.array([9, 7, 7, 1])
    assert repeats(pair, label, use, end, 4).tolist() == [True, False, True, False]
    use[1] = False
    assert repeats(pair, label, use, end, 4).tolist() == [False, False, True, False]


@pytest.mark.parametrize("within", [False, True])
def test_rule_paths_find_what_simple_paths_find_on_the_default_network(net, within):
    from corridors.graph.constraints import Constraints, border_scoped
    from corridors.graph.expand import VALUES
    from corridors.graph.layers import END, START
    from corridors.graph.routing_graph import routing_graph
    from corridors.graph.search import REVISIT_RETRIES, simple_paths

    graph = routing_graph(net)
    barred = border_scoped(net) if within else frozenset()
    reduced = graph.reduced("time", Constraints(services=barred))
    places = graph.places[::7]
    starts = [graph.node(p, START) for p in places]
    ends = [graph.node(p, END) for p in places]
    pairs = [(s, t) for s in starts for t in ends if None not in (s, t) and s != t]
    sources, targets = (np.array(column) for column in zip(*pairs, strict=True))
    found = rule_paths(
        reduced,
        sources,
        targets,
        place=graph.engine.node_place,
        country=graph.node_country,
        element=graph.element_code[reduced.edge],
        narrowed=np.zeros(len(pairs), dtype=np.bool_),
        reenter=True,
        retries=REVISIT_RETRIES,
        values=np.stack([graph.engine.values[m][reduced.edge] for m in VALUES]),
        collect=np.ones(len(reduced.edge), dtype=np.bool_),
    )
    for i, (s, t) in enumerate(pairs):
        theirs = simple_paths(graph, reduced, s, [t], set())
        theirs = theirs or simple_paths(graph, reduced, s, [t], set(), reenter=True)
        path = theirs[t][1] if theirs else []
        entries = reduced.positions(path[:-1], path[1:]) if path else []
        assert found.entry[found.pair == i][::-1].tolist() == list(entries)
        assert found.reached[i] == bool(path)
