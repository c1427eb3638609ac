"""The network's tables on disk: read instead of data/ while current, the same tables as a
fresh build, the geometry made only when asked for, and commands that route without
geopandas or shapely."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from corridors.network.assemble import build_network
from corridors.network.load import load_network
from corridors.network.model import GEO_TABLES, built_from
from corridors.network.snapshot import (
    SHAPES_FILE,
    TABLES,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)


def test_the_snapshot_holds_the_tables_of_a_fresh_build(built):
    read, fresh = read_snapshot(built), build_network(built)
    assert read is not None and built_from(read) == built.resolve()
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(read, table), getattr(fresh, table), obj=table)
    for table in GEO_TABLES:  # the geometry comes from the shapes file when first asked for
        made, expected = getattr(read.geo, table), getattr(fresh.geo, table)
        assert made.geometry.geom_equals_exact(expected.geometry, tolerance=0).all(), table
        assert made.crs == expected.crs == "EPSG:4326"


def test_a_stale_or_broken_snapshot_is_not_read(built_copy):
    assert read_snapshot(built_copy) is not None
    params = built_copy / "parameters.csv"
    params.write_text(params.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert read_snapshot(built_copy) is None  # the data changed
    params.write_text(params.read_text(encoding="utf-8").rstrip("\n") + "\n", encoding="utf-8")
    snapshot_path(built_copy).write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.warns(UserWarning, match="ignoring the network snapshot .*corridors build"):
        assert read_snapshot(built_copy) is None


def test_the_geometry_comes_from_the_shapes_file_without_building_again(built, monkeypatch):
    import corridors.network.assemble as assemble

    def refused(*_):
        raise AssertionError("built again")

    monkeypatch.setattr(assemble, "build_network", refused)
    read = read_snapshot(built)
    assert read.geo.sea_variants.geometry.notna().all()


def test_a_broken_shapes_file_builds_the_geometry_again_with_a_warning(built_copy):
    (snapshot_path(built_copy).with_name(SHAPES_FILE)).write_bytes(b"PK\x03\x04 broken")
    read, fresh = read_snapshot(built_copy), build_network(built_copy)
    with pytest.warns(UserWarning, match="ignoring the shapes cache .*corridors build"):
        made = read.geo.links
    assert made.geometry.geom_equals_exact(fresh.geo.links.geometry, tolerance=0).all()


def test_geometry_is_refused_when_the_data_changed_after_loading(built_copy):
    network = read_snapshot(built_copy)
    sources = built_copy / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="changed since its network was loaded"):
        network.geo  # noqa: B018


def test_only_a_network_built_from_a_folder_is_snapshotted(built, tmp_path):
    copy = dataclasses.replace(load_network(built))  # as a scenario makes a new network
    with pytest.raises(ValueError, match="only a network built from a data folder"):
        write_snapshot(copy, tmp_path / "x.npz")


@pytest.mark.parametrize(
    "command",
    [
        ["route", "Chongqing", "Duisburg", "--json"],
        ["skim", "--origins", "Chongqing,Xian", "--destinations", "Duisburg"],
        ["info", "--json"],
        ["validate", "--json"],
    ],
)
def test_commands_that_only_route_import_no_geopandas_shapely_or_matplotlib(built, command):
    assert _loaded_after(built, command, ("geopandas", "shapely", "matplotlib", "searoute")) == []


def test_a_route_command_imports_neither_scipys_graph_routines_nor_numba(built):
    route = ["route", "Chongqing", "Duisburg"]
    assert _loaded_after(built, route, ("scipy.sparse", "numba")) == []


def _loaded_after(built, command: list[str], heavy: tuple[str, ...]) -> list[str]:
    """Which of the ``heavy`` modules a fresh interpreter has loaded after ``command``."""
    script = (
        "import contextlib, io, json, sys\n"
        "from corridors.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['--data', {str(built)!r}, *{command!r}])\n"
        f"print(json.dumps([code, [m for m in {heavy!r} if m in sys.modules]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path(built)
    )
    code, loaded = json.loads(done.stdout)
    assert code == 0, done.stderr
    return loaded
