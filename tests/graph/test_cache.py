"""The compiled routing graph on disk: written by build, read only when current."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from corridors.analysis.routing import route
from corridors.graph import cache
from corridors.graph.cache import CACHE_FILE, cache_path, read_cache
from corridors.graph.expand import compile_network
from corridors.network import snapshot
from corridors.network.assemble import build_network


def test_build_writes_a_cache_that_gives_the_same_routes(built):
    path = cache_path(built)  # built by `corridors build`
    assert path.name == CACHE_FILE and path.exists()
    network = build_network(built)
    cached = read_cache(network)
    assert cached is not None
    fresh = compile_network(network)
    assert np.array_equal(cached.tail, fresh.tail) and np.array_equal(cached.head, fresh.head)
    for name in ("hours", "km", "cost_usd"):
        assert np.array_equal(cached.values[name], fresh.values[name])
    assert cached.data[17] == fresh.data[17]
    assert {k: v.tolist() for k, v in cached.tags.items()} == {
        k: v.tolist() for k, v in fresh.tags.items()
    }
    r = route(network, "Chongqing", "Duisburg")  # this network reads the cache
    assert r.crossings == ["alashankou", "dostyk", "brest", "malaszewicze"]


def test_a_stale_or_broken_cache_is_not_read(built_copy):
    assert read_cache(build_network(built_copy)) is not None  # as built
    params = built_copy / "parameters.csv"
    params.write_text(params.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert read_cache(build_network(built_copy)) is None  # the data changed
    cache_path(built_copy).write_bytes(b"not a zip file")
    params.write_text(params.read_text(encoding="utf-8").rstrip("\n") + "\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="ignoring the compiled cache .*BadZipFile"):
        assert read_cache(build_network(built_copy)) is None


def test_a_network_made_otherwise_never_reads_the_cache(built):
    network = build_network(built)
    copy = dataclasses.replace(network)  # as a scenario makes a new network
    assert read_cache(network) is not None
    assert read_cache(copy) is None


def _corridors_imports(path: Path, package: Path) -> set[Path]:
    """The corridors modules ``path`` imports (as files)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("corridors"):
            for alias in node.names:
                for name in (f"{node.module}.{alias.name}", node.module):
                    base = package.joinpath(*name.split(".")[1:])
                    module = next(
                        (p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()),
                        None,
                    )
                    if module is not None:
                        found.add(module)
                        break
    return found


def _closure(package: Path, start: list[Path]) -> list[str]:
    """The modules ``start`` imports, directly or not (with themselves), package-relative."""
    todo, seen = list(start), set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(_corridors_imports(path, package))
    return sorted(p.relative_to(package).as_posix() for p in seen)


def test_the_fingerprints_cover_all_the_code_that_builds_what_they_cache():
    package = Path(cache.__file__).resolve().parents[1]
    graph_code = [package / "graph" / name for name in ("expand.py", "cache.py")]
    network_code = [package / "network" / "snapshot.py"]
    assert _closure(package, graph_code + network_code) == sorted(cache.CODE_FILES)
    assert _closure(package, network_code) == sorted(snapshot.CODE_FILES)
