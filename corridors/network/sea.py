"""Sea legs between ports on the maritime network of the ``searoute`` package.

Each leg records its length and the named passages it uses (Malacca, Suez, Bab-el-Mandeb,
Gibraltar, Panama, Sunda …). For every passage a leg uses, the leg is also computed with
that passage closed, so avoiding a chokepoint re-routes the leg instead of deleting it.
The legs are cached in ``data/sea_legs.geojson`` (``corridors build --sea`` rewrites it) so
that builds are fast; :func:`sea_leg` computes any other leg on demand.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
from shapely.geometry import LineString

from corridors.atomic import atomic_path
from corridors.errors import DataError
from corridors.network.geodesy import WGS84
from corridors.network.schema import KM_PER_NM, PASSAGES

__all__ = ["KM_PER_NM", "PASSAGES", "compute_sea_legs", "read_sea_legs", "sea_leg"]

SOURCE = f"computed: searoute {version('searoute')} maritime network (Eurostat MARNET)"
# searoute closes the Northwest Passage by default; so do we.
ALWAYS_CLOSED = ("northwest",)


def sea_leg(
    origin: tuple[float, float], destination: tuple[float, float], *, closed: Iterable[str] = ()
) -> dict | None:
    """Compute one sea leg with searoute.

    Parameters
    ----------
    origin, destination : (lon, lat)
    closed : passage names (keys of :data:`PASSAGES`) the leg must not use

    Returns
    -------
    dict or None
        ``km``, ``nm``, ``passages`` (sorted list) and ``coords`` (list of [lon, lat]);
        None when the closed passages leave no way between the two points.

    Examples
    --------
    >>> leg = sea_leg((121.46, 31.22), (4.48, 51.92))  # Shanghai - Rotterdam
    >>> leg["passages"]
    ['babalmandab', 'gibraltar', 'malacca', 'suez']
    >>> round(leg["nm"], -2)
    10600.0
    """
    import searoute  # only computing legs needs it (a second of import)

    restrictions = sorted(set(ALWAYS_CLOSED) | set(closed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # searoute warns when no path is left
        feature = searoute.searoute(
            list(origin),
            list(destination),
            units="km",
            restrictions=restrictions,
            return_passages=True,
            append_orig_dest=True,
        )
    if not feature.geometry["coordinates"]:
        return None
    coords = [[round(x, 5), round(y, 5)] for x, y in feature.geometry["coordinates"]]
    # searoute snaps the ends to its network; the leg runs from port to port, so its length
    # is measured on the whole line (close ports can share a network node, searoute's own
    # length is then zero)
    km = round(WGS84.geometry_length(LineString(coords)) / 1000.0, 1)
    return {
        "km": km,
        "nm": round(km / KM_PER_NM, 1),
        "passages": sorted(set(feature.properties.get("traversed_passages") or [])),
        "coords": coords,
    }


def compute_sea_legs(ports: Sequence[tuple[str, float, float]]) -> list[dict]:
    """Every leg between every pair of ``ports`` (id, lon, lat), plus passage-closed variants.

    Legs are undirected and listed once, ``from`` < ``to``; a variant carries the passages it
    avoids in ``closed`` (empty for the open-sea leg). For each passage of the open leg there
    is a variant without it, and where that variant takes a passage the open leg did not (Suez
    closed: Panama), one without both (the Cape of Good Hope), so that the router can compare
    them. A variant is left out when its closures leave no way between the ports: searoute
    then returns nothing, or a line across land shorter than the open leg (closing the
    Bosporus to Constanța), which no closure can give.
    """
    legs = []
    for (a, alon, alat), (b, blon, blat) in itertools.combinations(sorted(ports), 2):
        base = sea_leg((alon, alat), (blon, blat))
        if base is None:
            msg = f"searoute finds no sea route between {a} and {b}"
            raise ValueError(msg)
        legs.append({"from": a, "to": b, "closed": [], **base})
        done: set[tuple[str, ...]] = set()
        for closed in [(passage,) for passage in base["passages"]]:
            variant = sea_leg((alon, alat), (blon, blat), closed=closed)
            if not _is_detour(variant, base):
                continue
            legs.append({"from": a, "to": b, "closed": list(closed), **variant})
            done.add(closed)
            for replacement in sorted(set(variant["passages"]) - set(base["passages"])):
                both = tuple(sorted({*closed, replacement}))
                if both in done:
                    continue
                done.add(both)
                second = sea_leg((alon, alat), (blon, blat), closed=both)
                if _is_detour(second, base):
                    legs.append({"from": a, "to": b, "closed": list(both), **second})
    return legs


def _is_detour(variant: dict | None, base: dict) -> bool:
    """Whether a variant is a real way round: closing passages can only lengthen a leg."""
    return variant is not None and variant["km"] >= base["km"] - 1.0


def write_sea_legs(legs: list[dict], path: Path) -> None:
    """Write legs as a GeoJSON FeatureCollection (stable order and formatting)."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "from": leg["from"],
                "to": leg["to"],
                "closed": ";".join(leg["closed"]),
                "km": leg["km"],
                "nm": leg["nm"],
                "passages": ";".join(leg["passages"]),
                "source": SOURCE,
            },
            "geometry": {"type": "LineString", "coordinates": leg["coords"]},
        }
        for leg in legs
    ]
    collection = {"type": "FeatureCollection", "features": features}
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(collection, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )


def read_sea_legs(path: Path) -> list[dict]:
    """Read the cached legs written by :func:`write_sea_legs`, checking every figure.

    Raises
    ------
    DataError
        The file is not GeoJSON, or legs with a missing, non-finite or non-positive length,
        an unknown passage or a broken line, each named by feature number and ports.
    """
    redo = "run `corridors build --sea` to recompute it"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise DataError([f"{path.name}: not a sea-leg GeoJSON file ({err}); {redo}"]) from err
    legs, problems = [], []
    for number, feature in enumerate(features, start=1):
        try:
            legs.append(_leg(feature))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            problems.append(f"{path.name} feature {number}: {err}; {redo}")
    if problems:
        raise DataError(problems)
    return legs


def _leg(feature: dict) -> dict:
    props = feature["properties"]
    where = f"{props['from']}-{props['to']}"
    leg = {
        "from": props["from"],
        "to": props["to"],
        "closed": [p for p in props["closed"].split(";") if p],
        "km": float(props["km"]),
        "nm": float(props["nm"]),
        "passages": [p for p in props["passages"].split(";") if p],
        "coords": feature["geometry"]["coordinates"],
    }
    for name in ("km", "nm"):
        if not math.isfinite(leg[name]) or leg[name] <= 0:
            msg = f"{where}, property {name!r}: {props[name]!r} is not a positive finite number"
            raise ValueError(msg)
    unknown = sorted(set(leg["passages"] + leg["closed"]) - set(PASSAGES))
    if unknown:
        msg = f"{where}: unknown passage(s) {', '.join(unknown)}"
        raise ValueError(msg)
    try:
        coords = np.asarray(leg["coords"], dtype=float)
    except ValueError:
        coords = np.empty(0)
    if coords.ndim != 2 or coords.shape[0] < 2 or coords.shape[1] != 2:
        coords = np.full((1, 1), np.nan)
    if not np.isfinite(coords).all():
        msg = f"{where}, geometry: not a line of finite lon/lat pairs"
        raise ValueError(msg)
    leg["coords"] = coords
    return leg
