"""The basemap: Natural Earth countries (public domain), shipped as a GeoPackage.

``data/basemap.gpkg`` holds two layers:

- ``countries``: 1:110m, with ISO codes, population and GDP, made by
  :func:`basemap_from_wheel` from the ``naturalearth_lowres`` dataset inside the geopandas
  0.14.4 wheel (``pip download geopandas==0.14.4 --no-deps``);
- ``countries_50m``: 1:50m outlines for regional maps (the Beibu Gulf, Singapore), made by
  :func:`add_50m_from_world_atlas` from the npm package ``world-atlas`` 2.0.2 (ISC; its
  TopoJSON is Natural Earth's, ``npm pack world-atlas@2.0.2``).
"""

from __future__ import annotations

import json
import tarfile
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from corridors.network.tables import default_data_dir

__all__ = ["add_50m_from_world_atlas", "basemap_from_wheel", "load_basemap", "topojson_layer"]

BASEMAP_FILE = "basemap.gpkg"
_LOWRES = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
# Natural Earth 110m leaves iso_a3 as -99 for a few countries; their ISO codes.
_ISO_FIXES = {
    "France": "FRA",
    "Norway": "NOR",
    "Kosovo": "XKX",
    "N. Cyprus": "CYP",
    "Somaliland": "SOM",
}


SCALES = {"110m": "countries", "50m": "countries_50m"}


def load_basemap(data_dir: str | Path | None = None, scale: str = "110m") -> gpd.GeoDataFrame:
    """Countries in EPSG:4326: at 1:110m with ``iso3``, ``name`` and ``continent`` columns,
    at ``scale="50m"`` outlines with ``name`` only.

    Examples
    --------
    >>> world = load_basemap()
    >>> "KAZ" in set(world.iso3)
    True
    >>> "Singapore" in set(load_basemap(scale="50m").name)
    True
    """
    if scale not in SCALES:
        msg = f"unknown basemap scale {scale!r}; use one of {', '.join(SCALES)}"
        raise ValueError(msg)
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return gpd.read_file(folder / BASEMAP_FILE, layer=SCALES[scale], engine="pyogrio")


def basemap_from_wheel(wheel: str | Path, out: str | Path) -> Path:
    """Extract Natural Earth countries from a geopandas 0.14.4 wheel into a GeoPackage."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            archive.extract(f"{_LOWRES}.{ext}", tmp)
        world = gpd.read_file(Path(tmp) / f"{_LOWRES}.shp", engine="pyogrio")
    world["iso3"] = [
        _ISO_FIXES.get(name, code)
        for name, code in zip(world["name"], world["iso_a3"], strict=True)
    ]
    world = world[["iso3", "name", "continent", "pop_est", "gdp_md_est", "geometry"]]
    world = world.sort_values(["iso3", "name"]).reset_index(drop=True)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00Z"})
    try:
        Path(out).unlink(missing_ok=True)
        world.to_file(out, layer="countries", driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return Path(out)


def add_50m_from_world_atlas(tarball: str | Path, out: str | Path) -> Path:
    """Add the ``countries_50m`` layer to the GeoPackage ``out`` from the ``world-atlas``
    npm tarball (its ``countries-50m.json``)."""
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/countries-50m.json")
        topology = json.load(member)
    world = topojson_layer(topology, "countries").sort_values("name", kind="stable")
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00Z"})
    try:
        world.reset_index(drop=True).to_file(
            out, layer=SCALES["50m"], driver="GPKG", engine="pyogrio"
        )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    return Path(out)


def topojson_layer(topology: dict, name: str) -> gpd.GeoDataFrame:
    """One object of a TopoJSON topology as polygons (``name`` of each, EPSG:4326): its
    quantized, delta-encoded arcs decoded and joined into rings.

    Examples
    --------
    >>> topology = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
    ...     "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
    ...     "objects": {"land": {"type": "GeometryCollection", "geometries": [
    ...         {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "square"}}]}}}
    >>> layer = topojson_layer(topology, "land")
    >>> layer.name.tolist(), [shape.area for shape in layer.geometry]
    (['square'], [4.0])
    """
    scale = topology.get("transform", {}).get("scale", [1, 1])
    shift = topology.get("transform", {}).get("translate", [0, 0])
    arcs = [
        np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + shift for arc in topology["arcs"]
    ]

    def ring(indices: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])

    def polygon(rings: list[list[int]]):
        return shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])

    names, shapes = [], []
    for geometry in topology["objects"][name]["geometries"]:
        if geometry["type"] == "Polygon":
            shape = polygon(geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            shape = shapely.MultiPolygon([polygon(p) for p in geometry["arcs"]])
        else:
            continue
        names.append(geometry.get("properties", {}).get("name", ""))
        shapes.append(shapely.make_valid(shape))
    return gpd.GeoDataFrame({"name": names}, geometry=shapes, crs=4326)
