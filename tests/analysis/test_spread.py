"""Time spread: P50 and P90 hours where a source gives a spread, and its value in
generalized cost."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from small import border_network, edit_csv

from corridors import load_network, route, skim
from corridors.errors import DataError
from corridors.graph.costs import Z90, quantiles, sd_from_ratio
from corridors.network.assemble import build_network


def spread_network(folder, ratio="2"):
    """The border network of tests/small.py with a spread on the crossing's outbound dwell."""
    border_network(folder)
    edit_csv(folder / "crossings.csv", lambda rows: rows[0].update(dwell_p90_ratio_out=ratio))
    return build_network(folder)


def test_a_spread_crossing_gives_the_route_its_p50_and_p90(tmp_path):
    net = spread_network(tmp_path / "data")
    r = route(net, "a", "d")
    # the 10 h dwell is lognormal with P90 / P50 = 2; the 8 h outside the gauge change carry it
    sigma = math.log(2) / Z90
    sd = 10 * math.sqrt(math.exp(sigma**2) - 1)
    s2 = math.log(1 + (sd / 8) ** 2)
    p50, p90 = 8 * math.exp(-s2 / 2), 8 * math.exp(-s2 / 2 + Z90 * math.sqrt(s2))
    crossing = r.legs[r.legs.kind == "crossing"].iloc[0]
    assert (crossing.hours_p50, crossing.hours_p90) == pytest.approx((p50, p90))
    assert r.total["hours"] == pytest.approx(16.0)
    assert r.total["hours_p50"] == pytest.approx(8 + p50)
    assert r.total["hours_p90"] == pytest.approx(8 + p90)
    # generalized: 600 USD + 10 USD/h x 16 h + 0.5 x 10 USD/h x (P90 - P50)
    assert r.total["reliability_usd"] == pytest.approx(5 * (p90 - p50))
    assert r.total["generalized"] == pytest.approx(600 + 160 + 5 * (p90 - p50))


def test_a_route_with_no_known_spread_says_so(tmp_path):
    net = spread_network(tmp_path / "data")
    back = route(net, "d", "a")  # inbound: no spread published
    assert back.total["hours_p50"] is None and back.total["hours_p90"] is None
    assert back.to_dict()["total"]["hours_p90"] is None
    assert back.total["reliability_usd"] == 0.0
    assert back.legs.hours_p50.isna().all()


def test_generalized_routing_and_skims_charge_the_spread_alike(tmp_path):
    net = spread_network(tmp_path / "data")
    table = skim(net, ["a"], ["d"], by="generalized")
    assert table.generalized.iloc[0] == pytest.approx(
        route(net, "a", "d", by="generalized").total["generalized"]
    )


def test_the_default_network_spreads_brest_and_the_liners():
    net = load_network()
    rail = route(net, "Chongqing", "Duisburg", via=["Alashankou"], modes=["rail"])
    sea = route(net, "Shanghai", "Rotterdam", modes=["sea"])
    for r in (rail, sea):
        assert r.total["hours_p50"] < r.total["hours"] < r.total["hours_p90"]
    spread = rail.legs[rail.legs.hours_p50.notna()]
    assert set(spread.element) == {"brest-malaszewicze"}
    assert route(net, "Duisburg", "Chongqing", modes=["rail"]).total["hours_p50"] is None
    # a sailing is late 22% of the time by 4 days on average (2019): P90 some 3 days later
    assert 2 * 24 < sea.total["hours_p90"] - sea.total["hours_p50"] < 4 * 24


@given(hours=st.floats(0.1, 5000), ratio=st.floats(1.01, 10), sd=st.floats(0, 5000))
def test_quantiles_keep_their_order_and_the_ratio_they_came_from(hours, ratio, sd):
    p50, p90 = quantiles(hours, sd)
    assert p50 <= hours * (1 + 1e-12) and p50 <= p90
    p50, p90 = quantiles(hours, sd_from_ratio(hours, ratio))
    assert p90 / p50 == pytest.approx(ratio, rel=1e-9)


@pytest.mark.parametrize(
    ("table", "edit", "match"),
    [
        (
            "crossings.csv",
            lambda rows: rows[0].update(dwell_p90_ratio_out="0.5"),
            r"crossings.csv line 2, column 'dwell_p90_ratio_out': 0.5 is below the minimum 1",
        ),
        (
            "services.csv",
            lambda rows: rows[0].update(run_sd_hours="12"),
            r"services.csv line 2, column 'run_sd_hours': only ships \(mode sea\)",
        ),
        (
            "parameters.csv",
            lambda rows: next(r for r in rows if r["name"] == "reliability_ratio").update(
                value="-1"
            ),
            r"parameters.csv line \d+, column 'value': reliability_ratio -1.0 is outside 0-10",
        ),
    ],
)
def test_a_bad_spread_is_named(tmp_path, table, edit, match):
    border_network(tmp_path / "data")
    edit_csv(tmp_path / "data" / table, edit)
    with pytest.raises(DataError, match=match):
        build_network(tmp_path / "data")
