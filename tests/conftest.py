"""Shared fixtures: the default network, a folder of copied data tables to break, and folders
made once per test run however many pytest-xdist workers ask for them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from corridors.network.load import load_network
from corridors.network.model import Network
from corridors.network.tables import default_data_dir


@pytest.fixture(scope="session")
def net() -> Network:
    return load_network()


def _copy_data(target: Path) -> Path:
    shutil.copytree(default_data_dir(), target, ignore=shutil.ignore_patterns("basemap.gpkg"))
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (without the basemap) for tests that corrupt a table."""
    return _copy_data(tmp_path / "data")


def _build(folder: Path) -> None:
    from corridors.cli import main

    assert main(["--data", str(_copy_data(folder / "data")), "build"]) == 0


@pytest.fixture
def built(made_once) -> Path:
    """A copy of data/ and the graphs/ that ``corridors build`` wrote beside it (its GPKG,
    GraphML and engine cache), built once per run and shared: tests only read it."""
    return made_once("built", _build) / "data"


@pytest.fixture
def built_copy(built: Path, tmp_path: Path) -> Path:
    """A writable copy of ``built`` (data/ and its graphs/) for tests that change it."""
    shutil.copytree(built.parent, tmp_path / "built")
    return tmp_path / "built" / "data"


@pytest.fixture(scope="session")
def made_once(tmp_path_factory) -> Callable[[str, Callable[[Path], None]], Path]:
    """``made_once(name, make)``: the folder ``name`` after ``make(folder)``, made once per run.

    Under pytest-xdist the first worker to ask makes it in the run's temporary folder, which
    every worker shares; the others wait for it and read the same files. Tests only read it.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder; each worker's own is a folder inside it

    def made(name: str, make: Callable[[Path], None]) -> Path:
        folder, done = base / name, base / f"{name}.done"
        with FileLock(base / f"{name}.lock"):
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a failed attempt's leftovers
                folder.mkdir()
                make(folder)
                done.touch()
        return folder

    return made
