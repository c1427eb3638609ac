"""OpenStreetMap arguments and extracts that cannot give a true length: every one a clear
error, and nothing written."""

from __future__ import annotations

import pytest
from small import spot, write_network

from corridors.cli import main
from corridors.network.osm import (
    MAX_TOLERANCE_KM,
    OSMError,
    check_bbox,
    check_tolerance,
    import_osm,
    load_osm,
    osm_path,
    snap,
)

HELSINKI = osm_path("Helsinki.osm.pbf")
STATION = (24.9414566, 60.1713198)  # Helsinki central station
NORTH = (24.9399018, 60.1790494)  # the northernmost track node of the extract


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """Two places 40 km apart, south of Helsinki's central station and north of its last
    track: both within the tolerance of the extract's few km of track, so the OSM path
    between them is far shorter than the line."""
    folder = tmp_path_factory.mktemp("osm") / "data"
    link = {
        "id": "west-east-rail",
        "from": "west",
        "to": "east",
        "mode": "rail",
        "gauge": "1520",
        "km": "45",
        "km_source": "test",
        "status": "operational",
    }
    places = [
        spot("west", STATION[0], STATION[1] - 0.18),
        spot("east", NORTH[0], NORTH[1] + 0.18),
    ]
    return write_network(folder, places=places, links=[link])


@pytest.mark.parametrize(
    ("bbox", "match"),
    [
        ([float("nan"), 60, 25, 61], "four finite numbers"),
        ([float("-inf"), 60, 25, 61], "four finite numbers"),
        ("24,60,25", "four finite numbers"),
        ([25, 60, 24, 61], "not a box on the globe"),
        ([24, 60, 25, 95], "not a box on the globe"),
    ],
)
def test_a_bad_bbox_is_named(bbox, match):
    with pytest.raises(ValueError, match=match):
        check_bbox(bbox)
    with pytest.raises(ValueError, match=match):
        load_osm(HELSINKI, bbox=bbox)


@pytest.mark.parametrize("tolerance", [float("nan"), float("inf"), 0, -1, 1e9, "far"])
def test_a_bad_tolerance_is_named(wide, tolerance):
    with pytest.raises(ValueError, match=f"at most {MAX_TOLERANCE_KM:g} km"):
        check_tolerance(tolerance)
    with pytest.raises(ValueError, match="snapping tolerance"):
        import_osm(wide, HELSINKI, tolerance_km=tolerance)


def test_snap_checks_the_tolerance(wide):
    with pytest.raises(ValueError, match="snapping tolerance"):
        snap(load_osm(HELSINKI), wide, ["west"], tolerance_km=float("nan"))


def test_a_path_shorter_than_the_straight_line_is_refused_and_not_written(wide, tmp_path):
    out = tmp_path / "osm_links.geojson"
    report = import_osm(wide, HELSINKI, tolerance_km=MAX_TOLERANCE_KM, out=out)
    assert report.status.tolist()[0].startswith("refused: the OSM path")
    assert "shorter than the 41.0 km" in report.status.tolist()[0]
    assert not out.exists()


def test_a_node_without_a_valid_location(tmp_path):
    path = tmp_path / "bad.osm"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n"
        '<node id="1" lat="45.0" lon="80.0" version="1"/>\n'
        '<node id="2" lat="45.1" lon="nan" version="1"/>\n'
        '<way id="10" version="1"><nd ref="1"/><nd ref="2"/>'
        '<tag k="railway" v="rail"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    with pytest.raises(OSMError, match=r"bad\.osm: cannot be read .*coordinate"):
        load_osm(path)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--bbox=nan,60,25,61"], "bbox takes four finite numbers"),
        (["--bbox=-inf,60,25,61"], "bbox takes four finite numbers"),
        (["--tolerance", "nan"], "snapping tolerance"),
        (["--tolerance", "1e9"], "snapping tolerance"),
    ],
)
def test_the_command_line_names_bad_arguments(args, match, capsys):
    assert main(["osm", "import", str(HELSINKI), *args, "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and len(err.splitlines()) == 1
