"""Shared fixtures: the default network, and a folder of copied data tables to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corridors.network.load import load_network
from corridors.network.model import Network
from corridors.network.tables import default_data_dir


@pytest.fixture(scope="session")
def net() -> Network:
    return load_network()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (without the basemap) for tests that corrupt a table."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target, ignore=shutil.ignore_patterns("basemap.gpkg"))
    return target
