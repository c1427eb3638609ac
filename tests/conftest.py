"""Shared fixtures: the default network, a folder of copied data tables to break, and folders
made once per test run however many pytest-xdist workers ask for them."""

from __future__ import annotations

import os
import pickle
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


@pytest.fixture(scope="session")
def shared(made_once) -> Callable[[str, Callable[[], object]], object]:
    """``shared(name, compute)``: what ``compute()`` returns, computed once per run (by the
    first worker to ask, see ``made_once``) and kept as a pickle the other workers read.
    Each call unpickles a fresh copy, so no test sees what another one changed."""

    def get(name: str, compute: Callable[[], object]) -> object:
        def make(folder: Path) -> None:
            (folder / "value.pickle").write_bytes(pickle.dumps(compute()))

        return pickle.loads((made_once(name, make) / "value.pickle").read_bytes())

    return get


# The projects docs/figures.py appraises for the README, in its order; the appraisal of them
# on the base year's demand is the costliest result of the suite (ten equilibria, ~25 s) and
# tests/test_readme.py and tests/analysis/test_flow_targets.py both need it.
APPRAISED = [
    "pinglu_canal",
    "ecrl_kuantan",
    "china_kyrgyzstan_uzbekistan_railway",
    "baoshan_ruili_railway",
]


@pytest.fixture(scope="module")
def gravity(net, shared):
    """The default network's gravity demand, ``gravity_demand(net)``, made once per run."""
    from corridors.analysis.demand import gravity_demand

    return shared("gravity_demand", lambda: gravity_demand(net))


@pytest.fixture(scope="module")
def gravity_equilibrium(net, gravity, shared):
    """``equilibrium(net, gravity)``: the default network at the base year's demand, made once
    per run."""
    from corridors.analysis.equilibrium import equilibrium

    return shared("gravity_equilibrium", lambda: equilibrium(net, gravity))


@pytest.fixture(scope="module")
def appraisal_of_projects(net, gravity, shared):
    """``appraise(net, APPRAISED, od=gravity)``, made once per run."""
    from corridors.analysis.compare import appraise

    return shared("appraisal", lambda: appraise(net, APPRAISED, od=gravity))
