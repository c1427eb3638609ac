"""The compiled loops of the engine (numba, cached on disk after the first call).

Imported only by the functions that need them, so commands that do not (a single route)
never pay for numba's import.
"""

import heapq

import numba
import numpy as np


@numba.njit(cache=True)
def walk(indptr, indices, pred, rows, targets, values, wanted, sums, found):
    """Walk each pair's path from its target to its source, summing ``values`` of every
    entry and writing the ``wanted`` entries to ``found`` (pair, step, entry) while it has
    room; returns how many there are."""
    counted = 0
    for i in range(targets.size):
        v = targets[i]
        u = pred[rows[i], v]
        step = 0
        while u >= 0:
            k = indptr[u]
            while indices[k] != v:
                k += 1
            for m in range(values.shape[0]):
                sums[i, m] += values[m, k]
            if wanted[k]:
                if found is not None and counted < found.shape[1]:
                    found[0, counted] = i
                    found[1, counted] = step
                    found[2, counted] = k
                counted += 1
            v = u
            u = pred[rows[i], v]
            step += 1
    return counted


@numba.njit(cache=True)
def brandes(
    indptr,
    indices,
    data,
    sources,
    source_group,
    target_group,
    within,
    skip,
    nodes,
    entries,
    reached,
):
    """Brandes' accumulation from each source, counting the targets w (``target_group[w] >=
    0``) whose group equals the source's when ``within``, or differs from it otherwise."""
    n = indptr.size - 1
    tail_of = np.empty(indices.size, np.int64)
    for u in range(n):
        tail_of[indptr[u] : indptr[u + 1]] = u
    sigma = np.zeros(n)
    seen = np.full(n, np.inf)
    done = np.zeros(n, np.bool_)
    delta = np.zeros(n)
    order = np.empty(n, np.int64)
    # predecessor lists as linked lists in a pool: each edge is relaxed once per source
    first = np.full(n, -1, np.int64)
    following = np.empty(indices.size, np.int64)
    via = np.empty(indices.size, np.int64)
    for i in range(sources.size):
        s = sources[i]
        sigma[:] = 0.0
        seen[:] = np.inf
        done[:] = False
        delta[:] = 0.0
        first[:] = -1
        pool = 0
        count = 0
        found = 0
        sigma[s] = 1.0
        seen[s] = 0.0
        heap = [(0.0, 0, s, s)]
        while len(heap) > 0:
            dist, _, pred, v = heapq.heappop(heap)
            if done[v]:
                continue
            sigma[v] += sigma[pred]
            order[found] = v
            found += 1
            done[v] = True
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                vw = dist + data[k]
                if not done[w] and vw < seen[w]:
                    seen[w] = vw
                    count += 1
                    heapq.heappush(heap, (vw, count, v, w))
                    sigma[w] = 0.0
                    via[pool] = k
                    following[pool] = -1
                    first[w] = pool
                    pool += 1
                elif vw == seen[w]:
                    sigma[w] += sigma[v]
                    via[pool] = k
                    following[pool] = first[w]
                    first[w] = pool
                    pool += 1
        for j in range(found - 1, -1, -1):
            w = order[j]
            group = target_group[w]
            counted = group >= 0 and (group == source_group[i]) == within and w != s
            coeff = ((1.0 if counted else 0.0) + delta[w]) / sigma[w]
            p = first[w]
            while p >= 0:
                k = via[p]
                c = sigma[tail_of[k]] * coeff
                entries[k] += c
                delta[tail_of[k]] += c
                p = following[p]
            if w != s:
                nodes[w] += delta[w]
            if counted and w != skip[i]:
                reached[i] += 1


@numba.njit(cache=True)
def tree_sums(indptr, indices, pred, values, out):
    """``out[r, m, v]``: the sum of ``values[m]`` along the tree path of row r to every
    node v, each edge added once per tree (a node's total is its parent's plus its edge)."""
    rows, n = pred.shape
    stack = np.empty(n, np.int64)
    for r in range(rows):
        done = np.zeros(n, np.bool_)
        for v in range(n):
            if done[v]:
                continue
            top = 0
            u = v
            while u >= 0 and not done[u]:
                stack[top] = u
                top += 1
                u = pred[r, u]
            while top > 0:
                top -= 1
                x = stack[top]
                p = pred[r, x]
                if p >= 0:
                    k = indptr[p]
                    while indices[k] != x:
                        k += 1
                    for m in range(values.shape[0]):
                        out[r, m, x] = out[r, m, p] + values[m, k]
                done[x] = True


@numba.njit(cache=True)
def prune(uptr, neighbours, terminal):
    """Drop, again and again, every node that is not ``terminal`` and has at most one
    neighbour left (a dead end, or what a dead end hangs from); returns which remain."""
    n = uptr.size - 1
    alive = np.ones(n, np.bool_)
    count = np.diff(uptr)
    stack = np.empty(n, np.int64)
    top = 0
    for v in range(n):
        if not terminal[v] and count[v] <= 1:
            stack[top] = v
            top += 1
    while top > 0:
        top -= 1
        v = stack[top]
        if not alive[v]:
            continue
        alive[v] = False
        for j in range(uptr[v], uptr[v + 1]):
            w = neighbours[j]
            if alive[w]:
                count[w] -= 1
                if not terminal[w] and count[w] <= 1:
                    stack[top] = w
                    top += 1
    return alive, count


@numba.njit(cache=True)
def chains(indptr, heads, uptr, neighbours, alive, kept, ends, members, bounds):
    """From every ``kept`` node along each of its entries, follow the nodes that are alive
    but not kept (each has two neighbours: leave by the one not come from) to the next kept
    node. Writes each chain's end nodes to ``ends`` (2, chains), its entries in path order to
    ``members`` and their bounds to ``bounds``; returns the number of chains. A chain that
    cannot go on (no entry onwards) or comes back to where it began is dropped."""
    found = 0
    written = 0
    for u in range(indptr.size - 1):
        if not kept[u]:
            continue
        for k in range(indptr[u], indptr[u + 1]):
            start = written
            members[written] = k
            written += 1
            before, here = u, heads[k]
            while alive[here] and not kept[here]:
                onward = -1
                for j in range(uptr[here], uptr[here + 1]):
                    w = neighbours[j]
                    if alive[w] and w != before:
                        onward = w
                        break
                step = -1
                for m in range(indptr[here], indptr[here + 1]):
                    if heads[m] == onward:
                        step = m
                        break
                if step < 0:
                    break
                members[written] = step
                written += 1
                before, here = here, onward
            if not (alive[here] and kept[here]) or here == u:
                written = start
                continue
            ends[0, found] = u
            ends[1, found] = here
            bounds[found + 1] = written
            found += 1
    return found


@numba.njit(cache=True)
def repeats(pair, label, use, end, pairs):
    """Which of the ``pairs`` repeat a label: rows are grouped by ``pair`` (sorted), and a
    pair repeats when two of its rows where ``use`` is true hold the same ``label``, or
    one holds ``end[pair]``."""
    out = np.zeros(pairs, np.bool_)
    start = 0
    while start < pair.size:
        p = pair[start]
        stop = start
        while stop < pair.size and pair[stop] == p:
            stop += 1
        for a in range(start, stop):
            if not use[a] or out[p]:
                continue
            if label[a] == end[p]:
                out[p] = True
            for b in range(start, a):
                if use[b] and label[b] == label[a]:
                    out[p] = True
        start = stop
    return out
