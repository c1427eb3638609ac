"""The network's tables on disk: ``graphs/corridors.network.npz``.

``corridors build`` writes it beside the compiled graph, and
:func:`~corridors.network.load.load_network` reads it instead of reading and checking
``data/`` again, while it is current (:mod:`corridors.cachefile`: its fingerprint covers
every data file and the code that builds the network). It holds the tables, as JSON (one
array of UTF-8 bytes). The geometry sits in ``graphs/corridors.shapes.npz`` (well-known binary),
read when a map or GIS file first asks for it, so a command that only routes never parses
``sea_legs.geojson`` nor imports shapely; without it the geometry is built from ``data/``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.cachefile import fingerprint, read_cached, write_npz
from corridors.network.model import GEO_TABLES, Network, Shapes, built_from, remember_source
from corridors.network.tables import default_graphs_dir

__all__ = ["SHAPES_FILE", "SNAPSHOT_FILE", "read_snapshot", "snapshot_path", "write_snapshot"]

SNAPSHOT_FILE = "corridors.network.npz"
SHAPES_FILE = "corridors.shapes.npz"
FORMAT = 1
# the code whose change may change the tables (tests/graph/test_cache.py keeps it whole)
CODE_FILES = (
    "atomic.py",
    "cachefile.py",
    "errors.py",
    "network/assemble.py",
    "network/geodesy.py",
    "network/model.py",
    "network/names.py",
    "network/schema.py",
    "network/sea.py",
    "network/snapshot.py",
    "network/tables.py",
)
TABLES = tuple(f.name for f in dataclasses.fields(Network) if f.name != "shapes")


def snapshot_path(data_dir: Path) -> Path:
    """Where the snapshot of a data folder lives: beside its graphs/ files."""
    return default_graphs_dir(data_dir) / SNAPSHOT_FILE


def write_snapshot(network: Network, path: Path) -> list[Path]:
    """Write the tables of ``network`` (built from a data folder) to ``path`` and its geometry
    to :data:`SHAPES_FILE` beside it, atomically; the two paths."""
    source = built_from(network)
    if source is None:
        msg = "only a network built from a data folder can be cached"
        raise ValueError(msg)
    text = json.dumps({name: _encoded(getattr(network, name)) for name in TABLES})
    blob = np.frombuffer(text.encode(), dtype=np.uint8)
    stamp = _fingerprint(source)
    shapes = path.with_name(SHAPES_FILE)
    return [write_npz(path, {"tables": blob}, stamp), write_npz(shapes, _wkb(network), stamp)]


def _wkb(network: Network) -> dict[str, np.ndarray]:
    """Each geometry table as its ids (JSON) and its shapes' well-known binary, end to end."""
    import shapely

    arrays = {}
    for table in GEO_TABLES:
        shapes = network.shapes[table]
        found = shapely.to_wkb(shapes.to_numpy())
        arrays[f"{table}_ids"] = np.frombuffer(
            json.dumps(shapes.index.tolist()).encode(), np.uint8
        )
        arrays[f"{table}_wkb"] = np.frombuffer(b"".join(found), dtype=np.uint8)
        arrays[f"{table}_ends"] = np.cumsum([len(b) for b in found], dtype=np.int64)
    return arrays


def read_snapshot(data_dir: Path) -> Network | None:
    """The network of ``data_dir`` from its snapshot; None when there is none or it is stale,
    and (with a warning) when it cannot be trusted."""
    stamp = _fingerprint(data_dir)
    frames = read_cached(
        snapshot_path(data_dir),
        stamp,
        _frames,
        what="network snapshot",
        instead="data/ is read instead",
    )
    if frames is None:
        return None
    network = Network(**frames, shapes=Shapes(lambda: _shapes(data_dir, stamp)))
    return remember_source(network, data_dir)


def _frames(arrays: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    tables = json.loads(arrays["tables"].tobytes())
    return {name: _decoded(tables[name]) for name in TABLES}


def _fingerprint(data_dir: Path) -> str:
    package = Path(__file__).parents[1]
    return fingerprint(data_dir, [package / name for name in CODE_FILES], salt=f"net{FORMAT}")


def _shapes(data_dir: Path, stamp: str) -> dict[str, pd.Series]:
    """The geometry of the snapshot's network: from its shapes file when that is current,
    else that of ``data_dir`` built again, which must still be the data the snapshot was made
    from."""
    from corridors.network.assemble import build_network  # shapely and pyproj: only here

    if _fingerprint(data_dir) != stamp:
        msg = f"{data_dir} changed since its network was loaded; load it again for its geometry"
        raise RuntimeError(msg)
    found = read_cached(
        snapshot_path(data_dir).with_name(SHAPES_FILE),
        stamp,
        _geometry,
        what="shapes cache",
        instead="data/ is built again instead",
    )
    if found is not None:
        return found
    built = build_network(data_dir)
    return {table: built.shapes[table] for table in GEO_TABLES}


def _geometry(arrays: dict[str, np.ndarray]) -> dict[str, pd.Series]:
    """The geometry tables of a shapes file's arrays."""
    import shapely

    out = {}
    for table in GEO_TABLES:
        ids = json.loads(arrays[f"{table}_ids"].tobytes())
        blob, ends = arrays[f"{table}_wkb"].tobytes(), arrays[f"{table}_ends"]
        starts = np.concatenate([[0], ends[:-1]])
        parts = [blob[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        shapes = shapely.from_wkb(np.array(parts, dtype=object)) if parts else []
        out[table] = pd.Series(
            list(shapes), index=pd.Index(ids, name="id"), dtype=object, name="geometry"
        )
    return out


def _encoded(frame: pd.DataFrame) -> dict:
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        where = {"range": [index.start, index.stop, index.step]}
    else:
        where = {"name": index.name, "dtype": str(index.dtype), "values": index.tolist()}
    columns = [[name, str(frame[name].dtype), frame[name].tolist()] for name in frame.columns]
    return {"index": where, "columns": columns}


def _decoded(encoded: dict) -> pd.DataFrame:
    where = encoded["index"]
    if "range" in where:
        index = pd.RangeIndex(*where["range"])
    else:
        index = pd.Index(where["values"], dtype=where["dtype"], name=where["name"])
    columns = {
        name: pd.Series(values, index=index, dtype=dtype)
        for name, dtype, values in encoded["columns"]
    }
    return pd.DataFrame(columns, index=index)
