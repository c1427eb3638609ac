"""The interactive map in a real browser, offline: headless Chromium renders the page from a
file with no network, and the screenshot shows land, sea and the links.

Skipped where Chromium is not installed; CI installs it (``.ci/run``) and sets
``CORRIDORS_REQUIRE_BROWSER=1``, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from corridors.analysis.routing import route
from corridors.outputs.interactive import LAND_COLOUR, SEA_COLOUR, interactive_html
from corridors.outputs.map_frame import MODE_COLOURS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,800",
    "--virtual-time-budget=5000",
]


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def _share(pixels: np.ndarray, colour: str, tolerance: int = 6) -> float:
    """Share of the pixels within ``tolerance`` of ``colour`` on every channel."""
    close = np.abs(pixels.astype(int) - _rgb(colour)).max(axis=-1) <= tolerance
    return float(close.mean())


@pytest.fixture(scope="module")
def screenshot(net, tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CORRIDORS_REQUIRE_BROWSER"):
            pytest.fail("CORRIDORS_REQUIRE_BROWSER is set but Chromium is not installed")
        pytest.skip("Chromium is not installed (Debian: apt install chromium)")
    folder = tmp_path_factory.mktemp("browser")
    page = folder / "map.html"
    page.write_text(interactive_html(net, [route(net, "Chongqing", "Duisburg")]), "utf-8")
    shot = folder / "map.png"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return np.asarray(Image.open(shot).convert("RGB"))


def test_the_offline_page_shows_sea_land_and_links(screenshot):
    assert screenshot.shape[:2] == (800, 1200)
    assert _share(screenshot, SEA_COLOUR) > 0.10  # the sea: the map's background
    assert _share(screenshot, LAND_COLOUR) > 0.15  # the countries, with no tiles
    assert _share(screenshot, MODE_COLOURS["rail"], tolerance=20) > 0.002  # rail links
    assert len(np.unique(screenshot.reshape(-1, 3), axis=0)) > 50  # not a blank page
