"""Writing the built network to ``graphs/``: a GeoPackage and a GraphML file.

Both files are byte-identical from one run to the next for the same data, so
``corridors build --check`` can tell when ``graphs/`` is out of date with ``data/``.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
import pyogrio

from corridors.atomic import atomic_path, build_lock
from corridors.graph.cache import CACHE_FILE, write_cache
from corridors.graph.expand import compile_network
from corridors.graph.physical import to_networkx
from corridors.network.assemble import SEA_LEGS_FILE, sea_mesh_ports
from corridors.network.model import Network, built_from, check_network
from corridors.network.sea import compute_sea_legs, write_sea_legs
from corridors.network.snapshot import SHAPES_FILE, SNAPSHOT_FILE, write_snapshot
from corridors.network.tables import default_graphs_dir, writable

__all__ = ["GRAPH_FILES", "check_graphs", "default_graphs_dir", "write_graphs", "write_sea_cache"]

GRAPH_FILES = ("corridors.gpkg", "corridors.graphml")
# GeoPackage stamps tables with the current time unless told otherwise.
FIXED_DATE = "2000-01-01T00:00:00Z"


def write_graphs(network: Network, out_dir: str | Path) -> list[Path]:
    """Write ``corridors.gpkg`` (layers places, links, crossings), ``corridors.graphml`` and,
    for a network built from a data folder, its tables (:mod:`corridors.network.snapshot`)
    and compiled graph (:mod:`corridors.graph.cache`), for commands to read.

    Each file is written whole beside its target and moved into place (:mod:`corridors.atomic`),
    and concurrent builds into one folder run in turn, so a killed or parallel build never
    leaves a partial file.
    """
    check_network(network)
    if not isinstance(out_dir, str | os.PathLike):
        msg = f"out_dir must be a folder's path (str or Path), not {type(out_dir).__name__}"
        raise TypeError(msg)
    folder = Path(out_dir)
    gpkg, graphml = folder / GRAPH_FILES[0], folder / GRAPH_FILES[1]
    with build_lock(folder):
        for target in (
            gpkg,
            graphml,
            folder / CACHE_FILE,
            folder / SNAPSHOT_FILE,
            folder / SHAPES_FILE,
        ):  # what a killed build left behind
            for leftover in folder.glob(f".{target.stem}.*{target.suffix}*"):
                leftover.unlink()
        with atomic_path(gpkg) as tmp:
            _write_gpkg(network, tmp)
        with atomic_path(graphml) as tmp:
            nx.write_graphml(_graphml_ready(network), tmp, named_key_ids=True)
        written = [gpkg, graphml]
        if built_from(network) is not None:  # the tables and compiled graph, for commands
            written += write_snapshot(network, folder / SNAPSHOT_FILE)
            written.append(write_cache(network, compile_network(network), folder / CACHE_FILE))
    return written


def _write_gpkg(network: Network, path: Path) -> None:
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        for layer in ("places", "links", "crossings"):
            flat = _flat(getattr(network.geo, layer))
            flat.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def check_graphs(network: Network, graphs_dir: str | Path) -> list[str]:
    """Names of the files in ``graphs_dir`` that differ from a fresh build (empty if none)."""
    with tempfile.TemporaryDirectory() as tmp:
        write_graphs(network, tmp)
        stale = []
        for name in GRAPH_FILES:
            current = Path(graphs_dir) / name
            if not current.exists() or not filecmp.cmp(current, Path(tmp) / name, shallow=False):
                stale.append(name)
        return stale


def write_sea_cache(network_places: pd.DataFrame, data_dir: str | Path) -> Path:
    """Recompute every sea leg between the sea ports with searoute and cache it in data/."""
    path = writable(data_dir) / SEA_LEGS_FILE  # refused before the searoute run, not after
    ports = sea_mesh_ports(network_places)
    legs = compute_sea_legs([(pid, row.lon, row.lat) for pid, row in ports.iterrows()])
    write_sea_legs(legs, path)
    return path


def _flat(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists joined with ';' and the index dropped, for file formats with scalar fields."""
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        if column != "geometry" and out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(lambda v: ";".join(map(str, v)))
    if "opening_year" in out:
        out["opening_year"] = out["opening_year"].astype("Int64")
    return out


def _graphml_ready(network: Network) -> nx.MultiDiGraph:
    G = to_networkx(network)
    wkt = {
        **network.geo.links.geometry.to_wkt(rounding_precision=5).to_dict(),
        **network.geo.crossings.geometry.to_wkt(rounding_precision=5).to_dict(),
    }
    for _, _, key, data in G.edges(keys=True, data=True):
        data["geometry"] = wkt[key]
    for _, data in list(G.nodes(data=True)) + [(None, d) for *_, d in G.edges(data=True)]:
        for name in [
            k for k, v in data.items() if v is None or (isinstance(v, float) and pd.isna(v))
        ]:
            del data[name]
    return G
