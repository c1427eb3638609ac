"""Geodesic lengths and lines on the WGS84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyproj import Geod

if TYPE_CHECKING:
    from shapely.geometry import LineString

__all__ = ["geodesic_km", "geodesic_line"]

WGS84 = Geod(ellps="WGS84")


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in km between two points given in degrees.

    Examples
    --------
    >>> round(geodesic_km(82.5698, 45.1702, 82.4804, 45.2533), 1)  # Alashankou - Dostyk
    11.6
    """
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    return metres / 1000.0


def geodesic_line(
    lon1: float, lat1: float, lon2: float, lat2: float, *, step_km: float = 100.0
) -> LineString:
    """A polyline along the geodesic, with a vertex at least every ``step_km``.

    Coordinates are rounded to 5 decimals (about 1 m) so written files are stable.

    Examples
    --------
    >>> line = geodesic_line(0, 0, 10, 0, step_km=500)
    >>> len(line.coords)
    4
    """
    n_between = int(geodesic_km(lon1, lat1, lon2, lat2) // step_km)
    middle = WGS84.npts(lon1, lat1, lon2, lat2, n_between) if n_between else []
    points = [(lon1, lat1), *middle, (lon2, lat2)]
    from shapely.geometry import LineString  # only the geometry needs shapely

    return LineString([(round(x, 5), round(y, 5)) for x, y in points])
