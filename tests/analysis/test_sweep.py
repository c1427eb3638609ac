"""The all-pairs sanity sweep: clean on the default network, exact flags on hand-built ones."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import pytest
from small import detour_network, exclave_network, pair_network

from corridors.analysis import sweep as sweep_module
from corridors.analysis.sweep import COLUMNS, RULES, sweep
from corridors.errors import UnknownPlaceError

# (origin, destination, by, rule) -> why the rule is wrong for this real route. A flag of the
# default network's sweep must be listed here, with its reason, or the test fails; an entry
# that no longer matches a flag must go. None is needed today.
EXEMPT: dict[tuple[str, str, str, str], str] = {}


def flags(found) -> list[tuple[str, str, str, str, str]]:
    return [tuple(row) for row in found.flagged[COLUMNS].itertuples(index=False)]


def both_ways(rule: str, pairs: dict[tuple[str, str], str], by=("time", "generalized")):
    """The flags expected of ``pairs`` by each objective, in the sweep's order."""
    return [(o, d, b, rule, detail) for b in by for (o, d), detail in sorted(pairs.items())]


# --- the default network ------------------------------------------------------------------


def test_the_default_network_sweeps_clean(net):
    start = time.perf_counter()
    found = sweep(net)
    seconds = time.perf_counter() - start
    places = len(net.places)
    assert found.pairs == places * (places - 1)
    unexplained = {key: detail for *key, detail in flags(found) if tuple(key) not in EXEMPT}
    assert unexplained == {}
    stale = set(EXEMPT) - {tuple(row[:4]) for row in flags(found)}
    assert stale == set(), "exemptions that no longer match a flag: drop them"
    # Jalal-Abad is reached only by lines under construction: its pairs have no route
    missing = found.unreachable
    assert set(missing.by) == {"time", "generalized"}
    assert ((missing.origin == "jalal_abad") | (missing.destination == "jalal_abad")).all()
    assert len(missing) == 2 * 2 * (places - 1)
    assert seconds < 20  # a few seconds; generous for a loaded 2-core machine


def test_the_sweep_finds_what_routing_round_through_a_country_would_give(net):
    """Opened to the lines under construction, the rules still hold (Jalal-Abad joins)."""
    found = sweep(
        net,
        places=["Chengdu", "Kashgar", "Gwadar", "Jalal-Abad", "Tashkent", "Almaty"],
        statuses=["operational", "under_construction"],
    )
    assert found.flagged.empty
    assert found.unreachable.empty


# --- each rule on a hand-built network ----------------------------------------------------


def test_a_route_comes_back_into_a_country_only_where_no_other_way_exists(tmp_path):
    inland = exclave_network(tmp_path / "road", road=True)
    assert flags(sweep(inland)) == []  # the road through Aland, not round through Beland
    exclave = exclave_network(tmp_path / "exclave", road=False)
    found = sweep(exclave)
    out = "leaves Aland at X and comes back at W; route(): no other way found"
    back = "leaves Aland at W and comes back at X; route(): no other way found"
    reentries = {
        ("o", "c"): out,
        ("o", "d"): out,
        ("x", "c"): out,
        ("x", "d"): out,
        ("c", "o"): back,
        ("c", "x"): back,
        ("d", "o"): back,
        ("d", "x"): back,
    }
    domestic = {
        (a, b): f"{a.upper()} to {b.upper()}, both in Aland, passes through Beland; "
        "route(): no other way found"
        for a, b in [("o", "v"), ("o", "w"), ("x", "v"), ("x", "w")]
    }
    domestic |= {
        (b, a): text.replace(f"{a.upper()} to {b.upper()}", f"{b.upper()} to {a.upper()}")
        for (a, b), text in domestic.items()
    }
    assert flags(found) == both_ways("reenters_country", reentries) + both_ways(
        "domestic_leaves", domestic
    )
    assert found.pairs == 8 * 7 and found.unreachable.empty


def test_two_crossings_more_than_the_direct_way_are_flagged_one_is_not(tmp_path):
    one_more = detour_network(tmp_path / "one", countries_between=1)
    assert flags(sweep(one_more)) == []
    two_more = detour_network(tmp_path / "two", countries_between=2)
    ends = {"o": "O", "a": "A"}
    far = {"d": "D", "e": "E"}
    text = "{} to {} uses 3 border crossings where the shortest way over land uses 1"
    expected = {}
    for a, name_a in ends.items():
        for b, name_b in far.items():
            expected[(a, b)] = text.format(name_a, name_b)
            expected[(b, a)] = text.format(name_b, name_a)
    assert flags(sweep(two_more)) == both_ways("extra_crossings", expected)


def test_a_truck_slower_than_the_railway_beside_it(tmp_path):
    """The railway is faster (0.8 h against 1 h) but dearer (400 USD against 300): by time
    the route takes the train, by generalized cost (10 USD an hour) the truck."""
    found = sweep(pair_network(tmp_path, rail_usd=10))
    assert flags(found) == both_ways(
        "truck_beside_rail",
        {
            ("a", "b"): "trucks A to B (100 km) in 1.0 h where the railway takes 0.8 h",
            ("b", "a"): "trucks B to A (100 km) in 1.0 h where the railway takes 0.8 h",
        },
        by=["generalized"],
    )
    assert flags(sweep(pair_network(tmp_path / "cheap"))) == []  # the train both ways


def test_a_line_haul_slower_than_walking(tmp_path):
    found = sweep(pair_network(tmp_path, rail_kmh=3, road=False))
    assert flags(found) == both_ways(
        "slower_than_walking",
        {
            ("a", "b"): "A to B by train_a: 3.0 km/h over 40 km",
            ("b", "a"): "B to A by train_a: 3.0 km/h over 40 km",
        },
    )


def test_a_line_haul_faster_over_the_ground_than_its_service(tmp_path):
    """The build refuses a km shorter than the ground less 5 km, so only a network made in
    code can carry one: 10 km of railway between places 34 km apart."""
    built = pair_network(tmp_path, road=False)
    links = built.links.copy()
    links.loc["a-b-rail", "km"] = 10.0
    short = dataclasses.replace(built, links=links)
    detail = "by train_a: 34 km of ground in 0.2 h, 170.8 km/h against its 50 km/h"
    assert flags(sweep(short)) == both_ways(
        "faster_than_service", {("a", "b"): f"A to B {detail}", ("b", "a"): f"B to A {detail}"}
    )
    assert flags(sweep(built)) == []


def test_options_narrow_the_sweep(tmp_path):
    net = pair_network(tmp_path, rail_kmh=3, road=False)
    found = sweep(net, places=["A", "b", "a"], by="time")
    assert found.pairs == 2
    assert set(found.flagged.by) == {"time"}
    assert found.to_dict() == {
        "pairs": 2,
        "flagged": [dict(zip(COLUMNS, row, strict=True)) for row in flags(found)],
    }
    assert set(found.flagged.rule) <= set(RULES)


# --- errors -------------------------------------------------------------------------------


def test_sweep_errors(net, monkeypatch):
    with pytest.raises(TypeError, match="network must be a corridors Network"):
        sweep("data/")
    with pytest.raises(ValueError, match=r"at least two places \(1 given\)"):
        sweep(net, places=["Chengdu", "chengdu"])
    with pytest.raises(UnknownPlaceError, match="Chengdoo"):
        sweep(net, places=["Chengdoo", "Gwadar"])
    with pytest.raises(TypeError, match="places must be names"):
        sweep(net, places=["Chengdu", 3])
    with pytest.raises(ValueError, match="by must name at least one objective"):
        sweep(net, places=["Chengdu", "Gwadar"], by=[])
    with pytest.raises(ValueError, match="unknown objective 'fast'"):
        sweep(net, places=["Chengdu", "Gwadar"], by=["time", "fast"])
    with pytest.raises(ValueError, match="unknown status"):
        sweep(net, places=["Chengdu", "Gwadar"], statuses=["open"])
    with pytest.raises(ValueError, match="month must be a whole number from 1 to 12"):
        sweep(net, places=["Chengdu", "Gwadar"], month=13)
    monkeypatch.setattr(sweep_module, "MAX_PAIRS", 5)
    with pytest.raises(ValueError, match="a sweep of 3 places is 6 pairs, more than the 5"):
        sweep(net, places=["Chengdu", "Gwadar", "Kashgar"])


def test_flags_are_a_table_with_the_promised_columns(tmp_path):
    found = sweep(pair_network(tmp_path))
    assert list(found.flagged.columns) == COLUMNS
    assert isinstance(found.flagged, pd.DataFrame) and found.flagged.empty
    assert list(found.unreachable.columns) == ["origin", "destination", "by"]
