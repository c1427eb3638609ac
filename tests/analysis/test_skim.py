"""Skims: one batched csgraph pass that agrees with route() on every pair."""

from __future__ import annotations

import math

import pytest
from small import border_network

from corridors.analysis.routing import route
from corridors.analysis.skim import skim
from corridors.errors import NoRouteError, UnknownPlaceError


def test_small_skim_is_exact(tmp_path):
    net = border_network(tmp_path / "data")
    table = skim(net, ["a", "d"], ["a", "d"])
    row = table[(table.origin == "a") & (table.destination == "d")].iloc[0]
    assert (row.hours, row.cost_usd, row.km) == pytest.approx((16, 600, 200))
    assert row.crossings == ["b-c"]
    back = table[(table.origin == "d") & (table.destination == "a")].iloc[0]
    assert back.hours == pytest.approx(26)
    same = table[(table.origin == "a") & (table.destination == "a")].iloc[0]
    assert same.hours == 0


@pytest.mark.parametrize("by", ["time", "cost", "generalized", "distance"])
def test_skim_matches_route_on_the_real_network(net, by):
    origins = ["chongqing", "urumqi", "kunming", "harbin"]
    dests = ["duisburg", "singapore", "qinzhou", "tashkent", "hanoi"]
    table = skim(net, origins, dests, by=by)
    assert len(table) == len(origins) * len(dests)
    key = {"time": "hours", "cost": "cost_usd", "distance": "km"}.get(by, "generalized")
    for row in table.itertuples():
        expected = route(net, row.origin, row.destination, by=by).total[key]
        assert getattr(row, key) == pytest.approx(expected, rel=1e-9)


def test_unreachable_pairs_are_nan(net):
    table = skim(net, ["kashgar", "chongqing"], ["gwadar", "qinzhou"], modes=["rail"])
    hours = table.set_index(["origin", "destination"]).hours
    assert math.isnan(hours["kashgar", "gwadar"]) and hours["chongqing", "qinzhou"] > 0


def test_a_skim_with_no_connected_pair_says_which_constraint_cut_it(net):
    with pytest.raises(
        NoRouteError, match=r"no pair of the skim is connected.*the modes \(rail\)"
    ):
        skim(net, ["kashgar"], ["gwadar"], modes=["rail"])


def test_skim_names_are_whole_strings_and_lists_may_not_be_empty(net):
    assert skim(net, "Chongqing", "Qinzhou").shape[0] == 1
    with pytest.raises(ValueError, match=r"at least one origin and one destination \(0 and 1"):
        skim(net, [], ["Qinzhou"])


def test_skim_errors(net):
    with pytest.raises(UnknownPlaceError, match="closest"):
        skim(net, ["Chongching"], ["Qinzhou"])
    with pytest.raises(ValueError, match="unknown objective"):
        skim(net, ["Chongqing"], ["Qinzhou"], by="fast")
