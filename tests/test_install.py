"""The built wheel works outside the checkout and never writes into itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corridors.errors import CorridorsError
from corridors.network.tables import writable

ROOT = Path(__file__).resolve().parent.parent


def _install_the_wheel(folder: Path) -> None:
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", str(ROOT), "-w", str(folder / "dist")], check=True)
    wheel = next((folder / "dist").glob("corridors-*.whl"))
    site = folder / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)


@pytest.fixture
def installed(made_once, tmp_path) -> dict:
    """The wheel built from this checkout, unpacked into a folder of its own (once per run),
    and run from an empty folder of this test's own."""
    site = made_once("wheel", _install_the_wheel) / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CORRIDORS_DATA"}
    env["PYTHONPATH"] = str(site)
    return {"site": site, "cwd": elsewhere, "env": env}


def _run(installed: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "corridors", *args],
        cwd=installed["cwd"],
        env=installed["env"],
        capture_output=True,
        text=True,
    )


def test_the_wheel_carries_the_default_data(installed):
    data = installed["site"] / "corridors" / "defaultdata"
    assert (data / "places.csv").exists() and (data / "sea_legs.geojson").exists()
    where = subprocess.run(
        [sys.executable, "-c", "import corridors; print(corridors.__file__)"],
        cwd=installed["cwd"],
        env=installed["env"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(installed["site"]))  # not the checkout


def test_info_and_a_route_run_from_another_folder(installed):
    info = _run(installed, "info")
    assert info.returncode == 0, info.stderr
    assert "places" in info.stdout
    route = _run(installed, "route", "Chongqing", "Duisburg")
    assert route.returncode == 0, route.stderr
    assert "crossings: Alashankou / Dostyk" in route.stdout


def test_build_writes_beside_the_user_not_into_the_package(installed):
    built = _run(installed, "build")
    assert built.returncode == 0, built.stderr
    assert (installed["cwd"] / "graphs" / "corridors.gpkg").exists()
    assert not (installed["site"] / "graphs").exists()
    sea = _run(installed, "build", "--sea")
    assert sea.returncode == 1
    assert "never written to; copy that folder" in sea.stderr


def test_the_checkout_data_is_writable_but_the_package_copy_is_not(tmp_path):
    assert writable(tmp_path) == tmp_path
    from corridors.network.tables import packaged_data_dir

    with pytest.raises(CorridorsError, match="never written to"):
        writable(packaged_data_dir())
