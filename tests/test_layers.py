"""The package's layers: each folder imports only from the folders below it, no module
imports a private name of another, and the modules import one another without a cycle.

Every import counts, those inside functions too (they are how a circle hides).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corridors"
# bottom to top; a module may import from its own layer and those below it
LAYERS = [
    ("corridors.errors", "corridors.atomic", "corridors.cachefile", "corridors.collector"),
    ("corridors.engine",),
    ("corridors.network",),
    ("corridors.graph",),
    ("corridors.analysis",),
    ("corridors.outputs",),
    ("corridors.cli",),
    ("corridors", "corridors.__main__"),
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    assert best is not None, module
    return best[0]


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import of corridors code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "corridors":
                found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "corridors":
                    found.append((alias.name, [], node.lineno))
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
EDGES = [
    (module, imported, names, line)
    for module, path in MODULES.items()
    for imported, names, line in _imports(path)
]


def test_the_layers_are_known():
    assert {_layer(m) for m in MODULES} == set(range(len(LAYERS)))


@pytest.mark.parametrize("layer", [prefixes[0] for prefixes in LAYERS])
def test_each_layer_imports_only_from_below(layer):
    rank = _layer(layer)
    upward = [
        f"{MODULES[m].relative_to(PACKAGE.parent)}:{line} imports {imported}"
        for m, imported, _, line in EDGES
        if _layer(m) == rank and _layer(imported) > rank
    ]
    assert upward == []


def test_no_private_name_is_imported_from_another_module():
    private = [
        f"{MODULES[m].relative_to(PACKAGE.parent)}:{line} imports {name} from {imported}"
        for m, imported, names, line in EDGES
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


def test_the_modules_import_one_another_without_a_cycle():
    G = nx.DiGraph()
    for module, imported, names, _ in EDGES:
        # `from corridors.engine import compile_graph` imports corridors.engine itself;
        # `from corridors.network import tables` imports the module corridors.network.tables
        targets = [f"{imported}.{n}" for n in names if f"{imported}.{n}" in MODULES]
        for target in targets or [imported]:
            if target != module and target in MODULES and module != "corridors":
                G.add_edge(module, target)
    assert list(nx.simple_cycles(G)) == []


def test_every_public_name_is_listed_and_resolves():
    import corridors

    assert set(corridors._LAZY) <= set(corridors.__all__)
    for name in corridors.__all__:
        assert getattr(corridors, name) is not None, name
