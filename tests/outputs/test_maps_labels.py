"""Static maps a planner can paste into a study: places named (names, not ids; no two labels
overlapping; none under the legend), planned links on top, nothing blank round the map, the
same bytes each time."""

from __future__ import annotations

import io
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex

from corridors.outputs.map_frame import PLANNED_COLOUR, map_crs
from corridors.outputs.maps import plot_network


@pytest.fixture(scope="module")
def land_sea(net):
    fig = plot_network(
        net, extent="land_sea", corridors=["nwlsc_central", "nwlsc_east", "nwlsc_west"]
    )
    fig.canvas.draw()
    yield fig
    plt.close(fig)


def _labels(ax):
    """The place labels: the annotations (the scale bar and attribution are plain texts)."""
    return [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", dpi=60, bbox_inches="tight", pad_inches=0.05,
        metadata={"Software": None},
    )  # fmt: skip
    return buffer.getvalue()


def test_the_places_that_matter_are_named(net, land_sea):
    shown = {t.get_text() for t in _labels(land_sea.axes[0])}
    # the corridor's hubs and the Beibu Gulf ports, told apart
    assert {"Chongqing", "Chengdu", "Guiyang", "Nanning", "Qinzhou Port", "Beihai"} <= shown
    assert {"Kunming", "Hekou", "Pingxiang", "Singapore", "Kuantan Port"} <= shown
    assert not shown & set(net.places.index)  # names, never ids


def test_labels_overlap_nothing_and_stay_on_the_map(land_sea):
    ax = land_sea.axes[0]
    renderer = land_sea.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in _labels(ax)]
    assert len(boxes) > 30
    frame = ax.get_window_extent(renderer)
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    legend = ax.get_legend().get_window_extent(renderer)
    assert not any(box.overlaps(legend) for box in boxes)


def test_the_legend_leaves_hainan_and_the_corridor_uncovered(land_sea):
    ax = land_sea.axes[0]
    legend = ax.get_legend().get_window_extent(land_sea.canvas.get_renderer())
    crs = map_crs((90.0, -5.0, 125.0, 35.0))
    from pyproj import Transformer

    to_map = Transformer.from_crs(4326, crs, always_xy=True)
    for lon, lat in ((109.8, 19.2), (110.5, 18.6), (108.6, 21.9)):  # Hainan, Qinzhou
        x, y = ax.transData.transform(to_map.transform(lon, lat))
        assert not legend.contains(x, y)
    assert ax.get_title() == "New Western Land-Sea Corridor"  # the corridors drawn thick


def test_planned_links_are_drawn_on_top_in_their_own_colour(land_sea):
    ax = land_sea.axes[0]
    drawn = [c for c in ax.collections if isinstance(c, LineCollection)]
    planned = [c for c in drawn if to_hex(c.get_color()[0]) == PLANNED_COLOUR]
    others = [c for c in drawn if to_hex(c.get_color()[0]) not in (PLANNED_COLOUR, "#ffffff")]
    # the ECRL, the Pinglu Canal, Muse-Mandalay, Baoshan-Ruili, Nong Khai-Bangkok
    assert sum(len(c.get_segments()) for c in planned) >= 5
    assert min(p.get_zorder() for p in planned) > max(o.get_zorder() for o in others)
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"rail (planned or building)", "inland water (planned or building)"} <= labels


def test_nothing_blank_round_the_map_and_the_same_bytes_each_time(net, land_sea):
    ax = land_sea.axes[0]
    box = ax.get_position()
    assert box.width > 0.97 and box.height > 0.9  # the figure is the map's shape
    png = _png(land_sea)
    image = plt.imread(io.BytesIO(png))
    white = (image[..., :3] > 0.99).all(axis=2)
    assert white.all(axis=1).mean() < 0.03 and white.all(axis=0).mean() < 0.03
    again = plot_network(
        net, extent="land_sea", corridors=["nwlsc_central", "nwlsc_east", "nwlsc_west"]
    )
    assert _png(again) == png
    plt.close(again)


@pytest.mark.parametrize("extent", ["eurasia", "central_asia"])
def test_each_extent_names_its_gateways(net, extent):
    fig = plot_network(net, extent=extent)
    shown = {t.get_text() for t in _labels(fig.axes[0])}
    assert {"Alashankou", "Horgos", "Urumqi", "Kashgar"} <= shown
    if extent == "eurasia":
        assert {"Chongqing", "Manzhouli", "Erenhot", "Moscow", "Brest"} <= shown
    else:
        assert {"Almaty", "Irkeshtam", "Torugart", "Baku (Alat)"} <= shown
    positions = np.array([t.xyann for t in _labels(fig.axes[0])])
    assert len(positions) == len(shown)  # each place once
    plt.close(fig)


def test_route_names_say_where_a_route_leaves(net):
    """The static and interactive maps name a route by its ends, exit and days."""
    from corridors.analysis.routing import route
    from corridors.outputs.labels import route_name

    names = net.places.name_en
    assert route_name(route(net, "Shanghai", "Rotterdam", modes=["sea"]), names).startswith(
        "Shanghai → Rotterdam via Shanghai,"
    )
    assert route_name(route(net, "Chongqing", "Guiyang"), names) == "Chongqing → Guiyang, 0.9 days"
