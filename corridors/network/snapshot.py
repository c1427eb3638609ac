"""The network's tables on disk: ``graphs/corridors.network.npz``.

``corridors build`` writes it beside the compiled graph, and
:func:`~corridors.network.load.load_network` reads it instead of reading and checking
``data/`` again, while it is current (:mod:`corridors.cachefile`: its fingerprint covers
every data file and the code that builds the network). It holds the tables only, as JSON
(one array of UTF-8 bytes); the geometry is built from ``data/`` when first asked for, so a
command that only routes never parses ``sea_legs.geojson`` nor imports shapely.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.cachefile import fingerprint, read_npz, write_npz
from corridors.network.model import GEO_TABLES, Network, Shapes, built_from, remember_source
from corridors.network.tables import default_graphs_dir

__all__ = ["SNAPSHOT_FILE", "read_snapshot", "snapshot_path", "write_snapshot"]

SNAPSHOT_FILE = "corridors.network.npz"
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


def write_snapshot(network: Network, path: Path) -> Path:
    """Write the tables of ``network`` (built from a data folder) to ``path``, atomically."""
    source = built_from(network)
    if source is None:
        msg = "only a network built from a data folder can be cached"
        raise ValueError(msg)
    text = json.dumps({name: _encoded(getattr(network, name)) for name in TABLES})
    blob = np.frombuffer(text.encode(), dtype=np.uint8)
    return write_npz(path, {"tables": blob}, _fingerprint(source))


def read_snapshot(data_dir: Path) -> Network | None:
    """The network of ``data_dir`` from its snapshot; None when there is none or it is stale,
    and (with a warning) when it cannot be trusted."""
    path = snapshot_path(data_dir)
    if not path.exists():
        return None
    stamp = _fingerprint(data_dir)
    try:
        arrays = read_npz(path, stamp)
        if arrays is None:
            return None
        tables = json.loads(arrays["tables"].tobytes())
        frames = {name: _decoded(tables[name]) for name in TABLES}
    except Exception as err:  # whatever is wrong with the file, the data can be read again
        warnings.warn(
            f"ignoring the network snapshot {path} ({type(err).__name__}: {err}); data/ is "
            "read instead, and `corridors build` rewrites the file",
            stacklevel=2,
        )
        return None
    network = Network(**frames, shapes=Shapes(lambda: _shapes(data_dir, stamp)))
    return remember_source(network, data_dir)


def _fingerprint(data_dir: Path) -> str:
    package = Path(__file__).parents[1]
    return fingerprint(data_dir, [package / name for name in CODE_FILES], salt=f"net{FORMAT}")


def _shapes(data_dir: Path, stamp: str) -> dict[str, pd.Series]:
    """The geometry of the snapshot's network: that of ``data_dir`` built again, which must
    still be the data the snapshot was made from."""
    from corridors.network.assemble import build_network  # shapely and pyproj: only here

    if _fingerprint(data_dir) != stamp:
        msg = f"{data_dir} changed since its network was loaded; load it again for its geometry"
        raise RuntimeError(msg)
    built = build_network(data_dir)
    return {table: built.shapes[table] for table in GEO_TABLES}


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
