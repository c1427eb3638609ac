"""A compiled Dijkstra search that keeps the same path as scipy's where paths tie, stops at
its targets and skips masked entries without building a new matrix; and route()'s rules
(no place twice, no country again) run on it for many pairs in one call.

``scipy.sparse.csgraph.dijkstra`` (since scipy 1.14) keeps a binary heap of (distance,
node) pairs: of two nodes at the same distance it finishes the one of higher index first,
and a node's predecessor is the first node that reached it at its final distance.
:func:`search` finishes nodes in that same order, so it returns scipy's distances and
predecessors (the tests compare them on graphs full of ties), and a path found by stopping
at its target is the one scipy's whole tree holds.
"""

import numba
import numpy as np

from corridors.engine.compiled import NO_NODE


@numba.njit(cache=True)
def _first(dist, a, b):
    """Whether node ``a`` pops before node ``b``: nearer first, then the higher node."""
    return dist[a] < dist[b] or (dist[a] == dist[b] and a > b)


@numba.njit(cache=True)
def _sift_up(heap, slot, dist, i, v):
    """Put node ``v`` at heap slot ``i`` or above, moving the later nodes down."""
    while i > 0:
        up = (i - 1) >> 1
        u = heap[up]
        if not _first(dist, v, u):
            break
        heap[i], slot[u] = u, i
        i = up
    heap[i], slot[v] = v, i


@numba.njit(cache=True)
def _sift_down(heap, slot, dist, size, v):
    """Put node ``v`` at the top slot or below, moving the earlier nodes up."""
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and _first(dist, heap[c + 1], heap[c]):
            c += 1
        if not _first(dist, heap[c], v):
            break
        heap[i], slot[heap[c]] = heap[c], i
        i = c
    heap[i], slot[v] = v, i


@numba.njit(cache=True)
def search(indptr, heads, weights, keep, source, targets, dist, pred, via):
    """Dijkstra from ``source`` over the entries where ``keep`` is true, stopping when every
    node of ``targets`` is finished (never when there is none).

    ``dist``, ``pred`` and ``via`` (the entry each node is reached by) must hold inf,
    NO_NODE and -1. They are exact for the targets and every node finished before the last
    (all reachable nodes when there is no target), tentative for the rest. Returns how many
    targets were not reached.

    The frontier is a binary heap of nodes ordered by (distance, higher node first), each
    node's slot kept so a nearer distance moves it up.
    """
    n = indptr.size - 1
    wanted = np.zeros(n, np.bool_)
    missing = 0
    for t in targets:
        if not wanted[t]:
            wanted[t] = True
            missing += 1
    heap = np.empty(n, np.int64)
    slot = np.full(n, -1, np.int64)  # -1: never in the heap
    dist[source] = 0.0
    heap[0], slot[source] = source, 0
    size = 1
    while size:
        v = heap[0]
        size -= 1
        if size:
            _sift_down(heap, slot, dist, size, heap[size])
        if wanted[v]:
            missing -= 1
            if missing == 0:
                return 0
        d = dist[v]
        for k in range(indptr[v], indptr[v + 1]):
            if keep[k]:
                w = heads[k]
                new = d + weights[k]
                if dist[w] > new:  # never for a finished node: weights are not negative
                    dist[w], pred[w], via[w] = new, v, k
                    if slot[w] < 0:
                        slot[w] = size
                        size += 1
                    _sift_up(heap, slot, dist, slot[w], w)
    return missing


@numba.njit(cache=True)
def _turns_back(labels):
    """The step i (labels[i] -> labels[i + 1]) by which a sequence comes back to a label
    it has left, -1 if none."""
    for i in range(labels.size - 1):
        if labels[i] != labels[i + 1]:
            for j in range(i):
                if labels[j] == labels[i + 1] and labels[j] != labels[j + 1]:
                    return i
    return -1


@numba.njit(cache=True)
def _reenters(countries, left):
    """The step by which a sequence of countries enters one it has left, or one where
    ``left`` is true, -1 if none."""
    for i in range(countries.size - 1):
        a, b = countries[i], countries[i + 1]
        if a != b:
            if left[b]:
                return i
            for j in range(i):
                if countries[j] != countries[j + 1] and countries[j] == b:
                    return i
    return -1


@numba.njit(cache=True)
def rule_path(graph, keep, source, target, reenter, narrowed, left, retries, dist, pred, via):
    """The entries, in order, of the best path from ``source`` to ``target`` that passes no
    place twice and, unless ``reenter``, enters no country it has left (nor one where
    ``left`` is true); empty when there is none. As
    :func:`corridors.graph.search.simple_paths` finds it: the first time a path comes back
    to a country (unless ``narrowed``), every entry into the source's country (or one
    ``left``) and out of the target's is barred; then the link that brings a path back to a
    place or country, that way, each time. ``graph`` is as for :func:`rule_paths`; ``keep``
    holds the entries open at the start (it is changed).
    """
    indptr, heads, weights, _, place, country, _ = graph
    narrowed = narrowed or reenter
    for _ in range(retries):
        _clear(dist, pred, via)
        if search(indptr, heads, weights, keep, source, np.array([target]), dist, pred, via):
            break
        nodes = _tree_path(pred, source, target)
        back_in = -1 if reenter else _reenters(country[nodes], left)
        if back_in >= 0 and not narrowed:
            _bar_returns(graph, keep, country[source], country[target], left)
            narrowed = True
            continue
        back = _turns_back(place[nodes])
        if back < 0:
            back = back_in
        if back < 0:
            return via[nodes[1:]]
        _bar_same_way(graph, keep, via[nodes[back + 1]])
    return np.empty(0, np.int64)


@numba.njit(cache=True)
def _clear(dist, pred, via):
    dist[:] = np.inf
    pred[:] = NO_NODE
    via[:] = -1


@numba.njit(cache=True)
def _tree_path(pred, source, target):
    """The nodes from ``source`` to ``target`` along the predecessors."""
    count = 1
    v = target
    while v != source:
        v = pred[v]
        count += 1
    nodes = np.empty(count, np.int64)
    v = target
    for i in range(count - 1, -1, -1):
        nodes[i] = v
        v = pred[v]
    return nodes


@numba.njit(cache=True)
def _bar_returns(graph, keep, home, end, left):
    """Close every entry into ``home`` or a country ``left``, and every entry out of
    ``end``, that crosses a border: no path that uses one can keep out of the countries it
    has left."""
    _, heads, _, tails, _, country, _ = graph
    for k in range(heads.size):
        a, b = country[tails[k]], country[heads[k]]
        if a != b and (left[b] or b == home or a == end):
            keep[k] = False


@numba.njit(cache=True)
def _bar_same_way(graph, keep, entry):
    """Close the entries of ``entry``'s element between the same two places, same way (on
    every layer)."""
    _, heads, _, tails, place, _, element = graph
    u, w, e = place[tails[entry]], place[heads[entry]], element[entry]
    for k in range(heads.size):
        if element[k] == e and place[tails[k]] == u and place[heads[k]] == w:
            keep[k] = False


@numba.njit(cache=True)
def rule_paths(graph, sources, targets, narrowed, reenter, left, retries, values, wanted):
    """:func:`rule_path` for every pair sources[i] -> targets[i], with every entry open at
    the start: first keeping out of the countries it has left, then, where no such path
    exists and ``reenter``, coming back to one.

    ``narrowed[i]`` says the pair's plain best path is known to come back to a country, so
    its first search would bar the entries back (as :func:`_bar_returns`): the same for
    every pair of one source and destination country, which are searched together first.

    ``graph`` is (indptr, heads, weights, tails, place, country, element): the CSR arrays,
    the tail node of each entry, the place and country of each node and a code for the
    element (link, crossing …) of each entry.

    Returns the sums of ``values`` (k, entries) along each path, added from its end as
    :func:`corridors.engine.kernels.walk` does (NaN for none), and the ``wanted`` entries of
    the paths as rows (pair, step from the end, entry).
    """
    paths = _narrowed_together(graph, sources, targets, narrowed, left)
    n, entries, country = graph[0].size - 1, graph[1].size, graph[5]
    dist, pred, via = np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64)
    sums = np.zeros((sources.size, values.shape[0]))
    for i in range(sources.size):
        path = paths[i]
        for again in (False, True):
            if path.size or (again and not reenter):
                break
            keep = np.ones(entries, np.bool_)
            first = narrowed[i] and not again
            if first:
                _bar_returns(graph, keep, country[sources[i]], country[targets[i]], left)
            path = rule_path(
                graph,
                keep,
                sources[i],
                targets[i],
                again,
                first,
                left,
                retries,
                dist,
                pred,
                via,
            )
        if not path.size:
            sums[i] = np.nan
        for j in range(path.size - 1, -1, -1):
            sums[i] += values[:, path[j]]
        paths[i] = path
    return sums, _collected(paths, wanted)


@numba.njit(cache=True)
def _narrowed_together(graph, sources, targets, narrowed, left):
    """For each pair, its path found by one search per source and destination country of
    the ``narrowed`` pairs (entries back barred) if that path breaks no rule, else empty."""
    indptr, heads, weights, _, place, country, _ = graph
    n = indptr.size - 1
    dist, pred, via = np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64)
    paths = [np.empty(0, np.int64) for _ in range(sources.size)]
    key = sources * (country.max() + 1) + country[targets]
    order = np.argsort(key, kind="mergesort")
    order = order[narrowed[order]]
    start = 0
    while start < order.size:
        stop = start
        while stop < order.size and key[order[stop]] == key[order[start]]:
            stop += 1
        members = order[start:stop]
        source = sources[members[0]]
        keep = np.ones(heads.size, np.bool_)
        _bar_returns(graph, keep, country[source], country[targets[members[0]]], left)
        _clear(dist, pred, via)
        search(indptr, heads, weights, keep, source, targets[members], dist, pred, via)
        for i in members:
            if np.isfinite(dist[targets[i]]):
                nodes = _tree_path(pred, source, targets[i])
                if _reenters(country[nodes], left) < 0 and _turns_back(place[nodes]) < 0:
                    paths[i] = via[nodes[1:]]
        start = stop
    return paths


@numba.njit(cache=True)
def _collected(paths, wanted):
    """The ``wanted`` entries of every path, as rows (path, step from the end, entry)."""
    count = 0
    for path in paths:
        for k in path:
            count += wanted[k]
    found = np.empty((3, count), np.int64)
    row = 0
    for i, path in enumerate(paths):
        step = 0
        for j in range(path.size - 1, -1, -1):
            if wanted[path[j]]:
                found[0, row], found[1, row], found[2, row] = i, step, path[j]
                row += 1
                step += 1
    return found
