"""The public entry points check their arguments' types and say what they expected, instead of
failing later with an AttributeError; a plain string is one name, never a list of letters."""

from __future__ import annotations

import pandas as pd
import pytest

import corridors
from corridors.analysis.centrality import accessibility, betweenness
from corridors.analysis.compare import appraise, compare
from corridors.analysis.criticality import criticality
from corridors.analysis.demand import check_demand, gravity_demand, read_demand
from corridors.analysis.flows import assign, assign_checked
from corridors.analysis.routing import route
from corridors.analysis.skim import skim, skim_chunks
from corridors.errors import NoRouteError
from corridors.graph.physical import to_networkx
from corridors.network.model import check_network
from corridors.outputs.gis import write_graphs

OD = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"], "feu_per_year": [1.0]})

ENTRY_POINTS = {
    "route": lambda n: route(n, "Chongqing", "Duisburg"),
    "skim": lambda n: skim(n, ["Chongqing"], ["Duisburg"]),
    "skim_chunks": lambda n: next(skim_chunks(n, ["Chongqing"], ["Duisburg"])),
    "betweenness": lambda n: betweenness(n),
    "accessibility": lambda n: accessibility(n),
    "gravity_demand": lambda n: gravity_demand(n),
    "read_demand": lambda n: read_demand(n, "od.csv"),
    "check_demand": lambda n: check_demand(n, OD),
    "assign": lambda n: assign(n, OD),
    "criticality": lambda n: criticality(n, od=OD),
    "compare": lambda n: compare(n, ["base"], od=OD),
    "appraise": lambda n: appraise(n, ["pinglu_canal"], od=OD),
    "to_networkx": lambda n: to_networkx(n),
    "write_graphs": lambda n: write_graphs(n, "graphs"),
}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("wrong", [None, {}, "default"], ids=["None", "dict", "str"])
def test_the_network_must_be_a_network(name, wrong):
    expected = type(wrong).__name__
    with pytest.raises(TypeError, match=rf"network must be a corridors Network .*not {expected}$"):
        ENTRY_POINTS[name](wrong)


def test_the_checker_returns_the_network(net):
    assert check_network(net) is net
    with pytest.raises(TypeError, match=r"^scenario base must be a corridors Network"):
        check_network(object(), "scenario base")


def test_the_public_names_are_the_checked_ones():
    assert corridors.route is route and corridors.compare is compare


@pytest.mark.parametrize(
    "call",
    [
        lambda net, od: assign(net, od),
        lambda net, od: criticality(net, od=od),
        lambda net, od: compare(net, ["base"], od=od),
        lambda net, od: appraise(net, ["pinglu_canal"], od=od),
    ],
    ids=["assign", "criticality", "compare", "appraise"],
)
@pytest.mark.parametrize("od", [{"origin": ["chongqing"]}, [("a", "b", 1)], 5])
def test_od_must_be_a_table_or_a_path(net, call, od):
    expected = type(od).__name__
    with pytest.raises(
        TypeError,
        match=rf"must be a pandas DataFrame \(origin, destination, feu_per_year\) or the path "
        rf"of such a CSV file, not {expected}",
    ):
        call(net, od)


def test_od_as_a_path_is_read(net, tmp_path):
    path = tmp_path / "od.csv"
    path.write_text("origin,destination,feu_per_year\nChongqing,Duisburg,10\n", encoding="utf-8")
    by_path = assign(net, str(path), by="time").crossings
    by_table = assign(net, OD.assign(feu_per_year=10.0), by="time").crossings
    pd.testing.assert_frame_equal(by_path, by_table)
    table = criticality(net, od=path)
    assert table.iloc[0]["id"] == "alashankou-dostyk"


def test_od_as_a_missing_path_names_it(net, tmp_path):
    with pytest.raises(corridors.DataError, match=r"absent\.csv: cannot read the demand table"):
        criticality(net, od=str(tmp_path / "absent.csv"))


def test_a_table_that_is_no_dataframe(net):
    with pytest.raises(TypeError, match=r"the demand must be a pandas DataFrame .*not list"):
        check_demand(net, [("chongqing", "duisburg", 1.0)])
    with pytest.raises(TypeError, match=r"path must be the path of a CSV file .*not NoneType"):
        read_demand(net, None)


@pytest.mark.parametrize("end", ["origin", "destination"])
@pytest.mark.parametrize("wrong", [None, 5, ["Chongqing"]])
def test_route_ends_are_names(net, end, wrong):
    ends = {"origin": "Chongqing", "destination": "Duisburg", end: wrong}
    with pytest.raises(TypeError, match=rf"^{end} must be a place name \(str\), not "):
        route(net, ends["origin"], ends["destination"])


def test_a_status_string_is_one_status(net):
    # "planned" alone is the planned links only: no route, and the message says which
    # constraint cut it (statuses are one name each, as the other route arguments)
    with pytest.raises(NoRouteError, match="no route chongqing -> duisburg"):
        route(net, "Chongqing", "Duisburg", statuses="planned")
    both = route(net, "Chongqing", "Duisburg", statuses=["operational", "planned"])
    assert both.total == route(net, "Chongqing", "Duisburg").total
    with pytest.raises(ValueError, match="unknown status plan; use operational"):
        route(net, "Chongqing", "Duisburg", statuses="plan")


def test_accessibility_and_gravity_take_one_name_as_one_place(net):
    table = accessibility(net, origins="Chongqing", destinations="Duisburg")
    assert table.origin.tolist() == ["chongqing"]
    demand = gravity_demand(net, origins="Chongqing", destinations="Duisburg")
    assert demand[["origin", "destination"]].values.tolist() == [["chongqing", "duisburg"]]


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        ([1.0, 2.0], TypeError, "weights must be a mapping of place name to market size"),
        ({5: 1.0}, TypeError, "weights must be keyed by place names"),
        ({"Duisburg": "x"}, ValueError, "must be finite and not negative numbers: 'Duisburg' has"),
        (
            {"Duisburg": -1.0},
            ValueError,
            "must be finite and not negative numbers: 'Duisburg' has",
        ),
        (
            {"Duisburg": float("inf")},
            ValueError,
            "must be finite and not negative numbers: 'Duisburg' has",
        ),
        (
            {"Duisburg": True},
            ValueError,
            "must be finite and not negative numbers: 'Duisburg' has",
        ),
    ],
)
def test_accessibility_weights_are_checked_before_routing(net, weights, error, message):
    with pytest.raises(error, match=message):
        accessibility(net, origins=["Chongqing"], destinations=["Duisburg"], weights=weights)


def test_accessibility_weights_by_name(net):
    table = accessibility(
        net, origins=["Chongqing"], destinations=["Duisburg", "Lodz"], weights={"Łódź": 2}
    )
    hours = route(net, "Chongqing", "Lodz", by="generalized").total["hours"]
    assert table.reached.tolist() == [1.0]  # Duisburg, not weighted, weighs nothing
    assert table.mean_hours.tolist() == [pytest.approx(hours)]


def test_write_graphs_needs_a_folder(net):
    with pytest.raises(TypeError, match=r"out_dir must be a folder's path .*not NoneType"):
        write_graphs(net, None)


def test_a_route_cut_by_its_statuses_names_them(net):
    with pytest.raises(NoRouteError, match="planned links only cuts every path"):
        route(net, "Chongqing", "Duisburg", statuses="planned")


def test_compare_names_an_unknown_objective(net):
    with pytest.raises(ValueError, match=r"unknown objective 'fastest'; use one of time"):
        compare(net, ["base"], od=OD, by="fastest")


def test_assigning_checked_demand_is_assigning_it(net):
    checked = check_demand(net, OD.assign(feu_per_year=10.0))
    ours = assign_checked(net, checked, by="time")
    theirs = assign(net, OD.assign(feu_per_year=10.0), by="time")
    pd.testing.assert_frame_equal(ours.pairs, theirs.pairs)
    pd.testing.assert_frame_equal(ours.crossings, theirs.crossings)
