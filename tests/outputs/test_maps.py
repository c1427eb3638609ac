"""Maps: the layers each draws, and nothing drawn the wrong way round the globe."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import shapely
from matplotlib.collections import LineCollection

from corridors.analysis.compare import compare
from corridors.analysis.flows import assign
from corridors.analysis.routing import route
from corridors.outputs.map_frame import EXTENTS, split_at_antimeridian
from corridors.outputs.maps import plot_difference, plot_flows, plot_network, plot_route


def _longitude_jumps(parts) -> float:
    return max(float(np.abs(np.diff(np.asarray(p.coords)[:, 0])).max()) for p in parts)


def test_a_pacific_crossing_is_cut_at_the_antimeridian(net):
    panama = route(net, "Shanghai", "Rotterdam", modes=["sea"], avoid=["Suez"])
    sea = panama.to_gdf().geometry
    for lon_0 in (66.5, 80.0, -100.0):
        parts = [p for line in sea for p in split_at_antimeridian(line, lon_0)]
        assert _longitude_jumps(parts) < 180
        for part in parts:
            lons = np.asarray(part.coords)[:, 0]
            assert (lons >= lon_0 - 180 - 1e-9).all() and (lons <= lon_0 + 180 + 1e-9).all()


def test_split_keeps_a_line_that_does_not_cross_whole():
    line = shapely.LineString([(10, 0), (20, 5), (30, 0)])
    assert split_at_antimeridian(line, 0)[0].equals(line)


def test_the_drawn_route_has_no_line_across_the_map(net):
    panama = route(net, "Shanghai", "Rotterdam", modes=["sea"], avoid=["Suez"])
    fig = plot_route(panama)
    ax = fig.axes[0]
    width = np.diff(ax.get_xlim())[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    drawn = [line for c in lines for line in c.get_segments()]
    assert drawn
    for line in drawn:
        assert np.abs(np.diff(line[:, 0])).max() < width / 2


def test_route_map_layers(net):
    r = route(net, "Chongqing", "Duisburg", modes=["rail"], alternatives=2)
    ax = plot_route(r).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("best") and len(labels) == 3  # one entry per route
    assert labels[0] == "best: Chongqing → Duisburg via Alashankou and Brest, 15.4 days, 10,526 km"
    assert all(" via " in label for label in labels)  # each names where it leaves China
    notes = [t.get_text() for t in ax.texts]
    # a crossing is named by the pair, the Chinese side first, with its dwell
    assert any(n.startswith("Alashankou–Dostyk (") and n.endswith(" h)") for n in notes)
    assert not any(n.startswith("Dostyk (") for n in notes)
    assert any("Natural Earth" in n for n in notes) and any(n.endswith(" km") for n in notes)
    assert ax.get_facecolor()[:3] != (1.0, 1.0, 1.0)  # the sea is drawn


def test_network_map_layers(net):
    ax = plot_network(net, extent="land_sea", corridors=["nwlsc_central"]).axes[0]
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"rail", "road", "hub", "sea port", "rail (planned or building)"} <= labels
    assert any("Guiyang" in label for label in labels)


def test_flow_and_difference_maps(net):
    demand = assign(net).pairs[["origin", "destination", "feu_per_year"]]
    ax = plot_flows(net, assign(net, demand)).axes[0]
    assert any(t.get_text().startswith("widest line:") for t in ax.texts)
    c = compare(net, ["base", "alashankou_closure"], od=demand.head(200))
    fig = plot_difference(net, c, "alashankou_closure")
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:2] == ["more flow", "less flow"] and len(fig.axes) == 2  # the colour bar
    assert labels[2:] and all(label.endswith(" FEU per year") for label in labels[2:])
    widths = [h.get_linewidth() for h in legend.legend_handles]
    assert widths[0] == widths[1] and widths[2] > widths[-1]  # the width scale, largest first
    assert legend.get_title().get_text() == "change of flow (line width)"
    assert fig.axes[0].get_title() == "Alashankou-Dostyk closed: change against today's network"


def test_unknown_extent(net):
    with pytest.raises(ValueError, match="unknown extent 'mars'; use one of"):
        plot_network(net, extent="mars")
    assert set(EXTENTS) == {"eurasia", "land_sea", "central_asia"}


def test_cli_map(tmp_path, capsys):
    from corridors.cli import main

    out = tmp_path / "lsc.png"
    assert (
        main(["map", "--extent", "land_sea", "--corridor", "nwlsc_central", "--out", str(out)])
        == 0
    )
    assert out.stat().st_size > 20_000
    flows = tmp_path / "flows.png"
    assert main(["map", "--flows", "--out", str(flows)]) == 0
    assert flows.stat().st_size > 20_000
    assert main(["map", "--corridor", "nowhere", "--out", str(out)]) == 1
    assert "unknown corridor nowhere" in capsys.readouterr().err


def test_the_interactive_map_carries_each_legs_figures(net):
    from corridors.outputs.interactive import interactive_html

    r = route(net, "Chongqing", "Duisburg")
    page = interactive_html(net, [r])
    assert "Chongqing – Chengdu (rail, operational): 505 km" in page
    assert "Lanzhou – Urumqi (china europe): 1,904 km, 41.5 h, 1,215 USD" in page  # 0.638 USD/km
    assert "Route 1: Chongqing → Duisburg via Alashankou and Brest, 15.4 days" in page
    assert page == interactive_html(net, [r])  # the same bytes each time


def test_the_interactive_map_needs_nothing_from_the_web(net):
    from corridors.outputs.interactive import interactive_html

    page = interactive_html(net, lang="zh")
    assert re.findall(r"<(?:script|link|img|iframe)[^>]*(?:src|href)=", page) == []
    assert "url(http" not in page and "@import" not in page  # nothing loaded from the web
    assert "tile.openstreetmap.org" in page  # the tiles: an optional layer, when online
    assert '<html lang="zh">' in page and "重庆" in page
    assert '"iso3":"KAZ"' in page  # the countries drawn as the base


def test_cli_map_needs_somewhere_to_go(capsys):
    from corridors.cli import main

    assert main(["map"]) == 1
    assert "--out FILE.png or --html FILE.html" in capsys.readouterr().err


def test_chinese_labels_need_a_cjk_font(net, monkeypatch):
    import corridors.outputs.labels as labels

    monkeypatch.setattr(labels, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font is installed .*fonts-noto-cjk"):
        names = labels.place_names(net, "zh")
    assert names["horgos"] == "Horgos"
    r = route(net, "Chongqing", "Duisburg")
    with pytest.warns(UserWarning, match="no CJK font") as caught:
        ax = plot_route(r, lang="zh").axes[0]
    assert len(caught) == 1  # said once, and the map drawn in English: no boxes
    assert ax.get_title() == "Chongqing → Duisburg (by time)"
    monkeypatch.setattr(labels, "cjk_font", lambda: "DejaVu Sans")
    assert labels.place_names(net, "zh")["horgos"] == "霍尔果斯"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        labels.place_names(net, "fr")
