"""Time/cost-distance table and chart, and the route map."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from small import border_network

from corridors.analysis.routing import route
from corridors.outputs.charts import time_cost_distance, time_cost_distance_table
from corridors.outputs.maps import plot_route


def test_tcd_table_has_steps_at_the_border(tmp_path):
    r = route(border_network(tmp_path / "data"), "a", "d")
    table = time_cost_distance_table(r)
    assert table.km.tolist() == pytest.approx([0, 100, 100, 100, 200])
    assert table.hours.tolist() == pytest.approx([0, 2, 10, 12, 16])
    assert table.cost_usd.tolist() == pytest.approx([0, 100, 100, 400, 600])
    assert table.kind.tolist() == ["start", "line_haul", "crossing", "gauge_change", "line_haul"]


def test_tcd_chart_and_map_are_drawn(net, tmp_path):
    r = route(net, "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"], alternatives=1)
    fig = time_cost_distance(r)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any(label.startswith("Dostyk: crossing + gauge change") for label in labels)
    fig.savefig(tmp_path / "tcd.png")
    fig = plot_route(r)
    fig.savefig(tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 10_000
