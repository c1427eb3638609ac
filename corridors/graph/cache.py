"""The compiled routing graph on disk: ``graphs/corridors.engine.npz``.

``corridors build`` writes it beside the GeoPackage and GraphML; commands read it instead of
expanding and compiling the network again, but only when it is current: its fingerprint (a
SHA-256 of every data file and of the code that builds the graph) must match the data folder
the network was built from. A network made any other way (a scenario's copy) never uses it.
The file holds plain arrays and strings (NumPy's npz, read with ``allow_pickle=False``); each
edge's attributes are JSON, decoded when a route first reports that edge.

A file that cannot be trusted (:mod:`corridors.cachefile`: oversized, truncated, bit-flipped or
edited) is ignored with one warning, and the graph is built in memory instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corridors.cachefile import CacheError, fingerprint, read_cached, write_npz
from corridors.engine import Engine
from corridors.graph.costs import Charge
from corridors.network import snapshot
from corridors.network.model import Network, built_from
from corridors.network.tables import default_graphs_dir

__all__ = ["CACHE_FILE", "CacheError", "cache_path", "read_cache", "write_cache"]

CACHE_FILE = "corridors.engine.npz"
FORMAT = 2
# the code whose change may change the graph: what builds the network (the snapshot's code)
# and what expands and compiles it, with everything it imports
# (tests/graph/test_cache.py keeps the list whole)
CODE_FILES = tuple(
    sorted(
        {
            *snapshot.CODE_FILES,
            "collector.py",
            "engine/__init__.py",
            "engine/compiled.py",
            "engine/contract.py",
            "engine/dijkstra.py",
            "engine/kernels.py",
            "engine/paths.py",
            "graph/cache.py",
            "graph/costs.py",
            "graph/expand.py",
            "graph/layers.py",
        }
    )
)
_SETS = ("modes", "places", "countries", "passages")


def cache_path(data_dir: Path) -> Path:
    """Where the cache of a data folder lives: beside its graphs/ files."""
    return default_graphs_dir(data_dir) / CACHE_FILE


def graph_fingerprint(data_dir: Path) -> str:
    """SHA-256 of the data files, the graph-building code and the corridors version."""
    package = Path(__file__).parents[1]
    return fingerprint(data_dir, [package / name for name in CODE_FILES], salt=str(FORMAT))


def write_cache(network: Network, engine: Engine, path: Path) -> Path:
    """Write ``engine`` (the compiled graph of ``network``) to ``path``, atomically."""
    source = built_from(network)
    if source is None:
        msg = "only a network built from a data folder can be cached"
        raise ValueError(msg)
    tags = sorted(engine.tags)
    arrays = {
        "node_place": np.array([place for place, _ in engine.nodes]),
        "node_layer": np.array([layer for _, layer in engine.nodes]),
        "tail": engine.tail,
        "head": engine.head,
        **{f"value_{name}": values for name, values in engine.values.items()},
        "tag_kind": np.array([kind for kind, _ in tags]),
        "tag_value": np.array([value for _, value in tags]),
        "tag_ptr": np.cumsum([0, *(len(engine.tags[t]) for t in tags)]),
        "tag_edges": np.concatenate([engine.tags[t] for t in tags]),
        **_blob([_encode(engine.data[i]) for i in range(len(engine.tail))]),
    }
    return write_npz(path, arrays, graph_fingerprint(source))


def read_cache(network: Network) -> Engine | None:
    """The cached compiled graph of ``network``; None when there is none, it is stale (the
    data or code changed), or it cannot be trusted (then with a warning)."""
    source = built_from(network)
    if source is None:
        return None
    return read_cached(
        cache_path(source),
        graph_fingerprint(source),
        _engine,
        what="compiled cache",
        instead="the routing graph is built in memory instead",
    )


def _engine(arrays: dict[str, np.ndarray]) -> Engine:
    places = [str(p) for p in arrays["node_place"]]
    index = {place: i for i, place in enumerate(sorted(set(places)))}
    ptr = arrays["tag_ptr"]
    return Engine(
        list(zip(places, (str(x) for x in arrays["node_layer"]), strict=True)),
        arrays["tail"],
        arrays["head"],
        {name[6:]: arrays[name] for name in arrays if name.startswith("value_")},
        tags={
            (str(kind), str(value)): arrays["tag_edges"][ptr[i] : ptr[i + 1]]
            for i, (kind, value) in enumerate(
                zip(arrays["tag_kind"], arrays["tag_value"], strict=True)
            )
        },
        node_place=np.array([index[p] for p in places], dtype=np.int32),
        data=_Rows(arrays["data_blob"], arrays["data_ptr"]),
    )


def _blob(texts: list[str]) -> dict[str, np.ndarray]:
    """Strings as one UTF-8 byte array and the offsets of each."""
    encoded = [t.encode() for t in texts]
    return {
        "data_blob": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "data_ptr": np.cumsum([0, *(len(e) for e in encoded)]),
    }


def _encode(edge: dict) -> str:
    out = {k: sorted(v) if k in _SETS else v for k, v in edge.items() if k != "steps"}
    out["steps"] = [list(step.__dict__.values()) for step in edge["steps"]]
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


class _Rows(Sequence):
    """Edge attributes decoded from JSON on first use."""

    def __init__(self, blob: np.ndarray, ptr: np.ndarray):
        self._blob, self._ptr = blob, ptr
        self._decoded: dict[int, dict] = {}

    def __len__(self) -> int:
        return len(self._ptr) - 1

    def __getitem__(self, i):
        i = int(i)
        if i not in self._decoded:
            edge = json.loads(self._blob[self._ptr[i] : self._ptr[i + 1]].tobytes())
            for key in _SETS:
                edge[key] = frozenset(edge[key])
            edge["steps"] = tuple(Charge(*step) for step in edge["steps"])
            self._decoded[i] = edge
        return self._decoded[i]
