"""No route comes back into a country it has left, unless no other way exists: route(),
skims and flows alike."""

from __future__ import annotations

import pandas as pd
import pytest
from small import exclave_network

from corridors import assign, route, skim
from corridors.analysis.routing.legs import reentries
from corridors.errors import NoRouteError
from corridors.graph.search import reentering_step

NOTE = (
    "no route found that stays out of Aland once it has left: this one leaves at X and comes "
    "back at W"
)


@pytest.fixture(scope="module")
def inland(tmp_path_factory):
    """Aland's o and w joined by a 1,000 km road (10 h) inside Aland, and by rail round
    through Beland (6 h); w borders Celand (see small.exclave_network)."""
    return exclave_network(tmp_path_factory.mktemp("inland") / "data", road=True)


@pytest.fixture(scope="module")
def exclave(tmp_path_factory):
    return exclave_network(tmp_path_factory.mktemp("exclave") / "data", road=False)


@pytest.mark.parametrize("by", ["time", "generalized", "cost", "distance"])
def test_a_route_stays_in_rather_than_leave_and_come_back(inland, by):
    r = route(inland, "o", "d", by=by)
    assert r.places == ["o", "w", "c", "d"]
    assert r.crossing_ids == ["w-c"]
    assert r.notes == []
    table = skim(inland, ["o"], ["d"], by=by)
    assert table.hours.iloc[0] == pytest.approx(r.total["hours"])
    assert table.crossings.iloc[0] == ["w-c"]


def test_the_inland_route_is_charged_exactly(inland):
    """1,000 km by truck at 100 km/h, the 5 h road-rail transfer, the 1 h crossing and
    100 km by train at 50 km/h."""
    r = route(inland, "o", "d")
    assert r.total["hours"] == pytest.approx(10 + 5 + 1 + 2)
    assert route(inland, "o", "v").places == ["o", "w", "v"]  # a domestic trip stays in


def test_where_no_other_way_exists_the_route_comes_back_and_says_so(inland, exclave):
    closed = route(inland, "o", "d", avoid=["o-w-road"])
    alone = route(exclave, "o", "d")
    for r in (closed, alone):
        assert r.places == ["o", "x", "y", "z", "w", "c", "d"]
        assert r.total["hours"] == pytest.approx(2 + 1 + 2 + 1 + 1 + 2)
        assert r.notes == [NOTE]
        assert reentries(r) == [("AAA", "x", "w")]
    domestic = route(exclave, "o", "v")
    assert domestic.places == ["o", "x", "y", "z", "w", "v"]
    assert domestic.notes == [NOTE]
    table = skim(exclave, ["o"], ["d", "v"]).set_index("destination")
    assert table.hours.to_dict() == pytest.approx({"d": 9.0, "v": 7.0})
    assert table.crossings["d"] == ["x-y", "z-w", "w-c"]


def test_a_via_abroad_that_forces_coming_back_says_so(inland):
    r = route(inland, "o", "d", via=["y"])
    assert r.places == ["o", "x", "y", "z", "w", "c", "d"]
    assert r.notes == [NOTE]


def test_an_alternative_never_comes_back_when_the_best_route_does_not(inland):
    r = route(inland, "o", "d", alternatives=1)
    assert r.alternatives == []  # round through Beland is no alternative
    assert r.notes[-1].startswith("asked for 1 alternatives, found 0")


def test_no_route_at_all_is_still_an_error(exclave):
    with pytest.raises(NoRouteError, match=r"the avoid list \(x-y\) cuts every path"):
        route(exclave, "o", "d", avoid=["x-y"])


def test_reentering_step():
    assert reentering_step([0, 0, 1, 1, 2]) is None
    assert reentering_step([0, 1, 0]) == 1
    assert reentering_step([0, 1, 2, 1]) == 2
    assert reentering_step([1, 2], left=[2]) == 0
    assert reentering_step([]) is None


# --- the default network ------------------------------------------------------------------


def test_chengdu_gwadar_runs_through_kashgar_and_khunjerab(net, by="time"):
    """It used to leave China at Horgos, truck through Kazakhstan and Kyrgyzstan and come
    back in at Torugart to reach Kashgar: six border stations, 13.2 days by time."""
    r = route(net, "Chengdu", "Gwadar", by=by)
    assert r.crossings == ["khunjerab", "sost"]
    assert {"urumqi", "kashgar", "khunjerab"} <= set(r.places)
    iso3 = net.places.iso3
    assert [iso3[p] for p in r.places[: r.places.index("khunjerab") + 1]] == ["CHN"] * (
        r.places.index("khunjerab") + 1
    )
    assert not any(note.startswith("no route found that stays out") for note in r.notes)
    table = skim(net, ["Chengdu"], ["Gwadar"], by=by)
    assert table.crossings.iloc[0] == ["khunjerab-sost"]
    assert table.hours.iloc[0] == pytest.approx(r.total["hours"])


def test_chengdu_gwadar_by_generalized_cost_never_comes_back_into_china(net):
    """By generalized cost rail and truck to Yangon, through Myanmar, and the intra-Asian
    ship beat the Khunjerab road (Pakistani trucks at their fitted door-to-door 16 km/h) by
    3%. (A mainline ship from Qinzhou calling at Jebel Ali was 15% cheaper, but no mainline
    ship sailed on from Qinzhou or called at Gwadar: feeder_ports.csv.) Neither may detour
    through Central Asia or come back into China."""
    r = route(net, "Chengdu", "Gwadar", by="generalized")
    assert reentries(r) == [] and r.places == [
        "chengdu",
        "kunming",
        "ruili",
        "muse",
        "mandalay",
        "yangon",
        "gwadar",
    ]
    by_road = route(net, "Chengdu", "Gwadar", by="generalized", via=["Khunjerab"])
    assert reentries(by_road) == [] and by_road.crossings == ["khunjerab", "sost"]
    assert not {"KAZ", "KGZ"} & set(net.places.iso3[by_road.places])
    assert by_road.total["generalized"] == pytest.approx(r.total["generalized"] * 1.034, rel=0.01)


def test_flows_to_gwadar_cross_at_khunjerab_or_go_by_sea(net):
    demand = pd.DataFrame(
        {
            "origin": ["chengdu", "chongqing", "colombo"],
            "destination": ["gwadar"] * 3,
            "feu_per_year": [1.0, 2.0, 4.0],
        }
    )
    flows = assign(net, demand, by="time")
    assert flows.crossings.set_index("id").feu_per_year.to_dict() == {"khunjerab-sost": 3.0}
    assert flows.pairs.crossings.tolist() == [["khunjerab-sost"], ["khunjerab-sost"], []]
    assert flows.pairs.main_mode.tolist() == ["road", "road", "sea"]


# pairs whose best route used to come back into China (or leave it on a domestic trip)
ONCE_ROUND = [
    ("aktau", "ningbo"),
    ("beihai", "suifenhe"),
    ("alashankou", "kashgar"),
    ("dalian", "khunjerab"),
    ("erenhot", "manzhouli"),
    ("baise", "hekou"),
    ("beijing", "gwadar"),
    ("vladivostok", "kashgar"),
]


@pytest.mark.parametrize("by", ["time", "generalized"])
def test_routes_and_skims_agree_where_routes_used_to_come_back(net, by):
    origins = sorted({o for o, _ in ONCE_ROUND})
    dests = sorted({d for _, d in ONCE_ROUND})
    table = skim(net, origins, dests, by=by).set_index(["origin", "destination"])
    for origin, dest in ONCE_ROUND:
        r = route(net, origin, dest, by=by)
        assert reentries(r) == []
        if net.places.iso3[origin] == net.places.iso3[dest]:
            assert {net.places.iso3[p] for p in r.places} == {net.places.iso3[origin]}
        row = table.loc[(origin, dest)]
        assert row.hours == pytest.approx(r.total["hours"])
        assert row.crossings == r.crossing_ids
