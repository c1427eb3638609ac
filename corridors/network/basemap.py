"""The basemap: Natural Earth 1:110m countries (public domain), shipped as a GeoPackage.

``data/basemap.gpkg`` was made by :func:`basemap_from_wheel` from the ``naturalearth_lowres``
dataset inside the geopandas 0.14.4 wheel (``pip download geopandas==0.14.4 --no-deps``),
which is how it can be had offline.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from corridors.network.tables import default_data_dir

__all__ = ["basemap_from_wheel", "load_basemap"]

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


def load_basemap(data_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Countries with ``iso3``, ``name`` and ``continent`` columns, in EPSG:4326.

    Examples
    --------
    >>> world = load_basemap()
    >>> "KAZ" in set(world.iso3)
    True
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    return gpd.read_file(folder / BASEMAP_FILE, engine="pyogrio")


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
