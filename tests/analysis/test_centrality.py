"""Betweenness on hand-built networks with exact counts, and on the real corridors."""

from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest
from small import border_network, link, place, write_network

from corridors.analysis.centrality import accessibility, betweenness, edge_betweenness_subset
from corridors.analysis.routing import route
from corridors.cli import main


@pytest.fixture
def line(tmp_path):
    """a - b - c - d by rail in one country: b and c lie on every longer trip."""
    return write_network(
        tmp_path / "data",
        places=[place(p, "AAA", i) for i, p in enumerate("abcd")],
        links=[link(x, y, "rail", 100, "1435") for x, y in itertools.pairwise("abcd")],
    )


def test_places_count_the_pairs_passing_through(line):
    table = betweenness(line).set_index("id")
    # ordered pairs through b: a->c, a->d, c->a, d->a; through c: the mirror
    assert table.value.to_dict() == {"b": 4.0, "c": 4.0}
    assert table.share["b"] == pytest.approx(4 / 12)


def test_links_count_every_pair_using_them(line):
    table = betweenness(line, elements="links").set_index("id")
    assert table.value.to_dict() == {"a-b-rail": 6.0, "b-c-rail": 8.0, "c-d-rail": 6.0}


def test_origins_and_destinations_restrict_the_pairs(line):
    table = betweenness(line, elements="links", origins=["a"], destinations=["d"])
    assert table.value.tolist() == [1.0, 1.0, 1.0]
    assert table.share.tolist() == [1.0, 1.0, 1.0]


def test_a_border_crossing_is_counted_once_per_pair(tmp_path):
    net = border_network(tmp_path / "data")
    table = betweenness(net, elements="crossings").set_index("id")
    # every pair with one end on each side of the border: 3 x 2 each way
    assert table.value["b-c"] == 12.0


def test_agrees_with_routing_pair_by_pair(net):
    origins, destinations = ["Chongqing", "Harbin", "Kunming"], ["Duisburg", "Bangkok", "Moscow"]
    table = betweenness(net, elements="crossings", origins=origins, destinations=destinations)
    counted: dict[str, int] = {}
    for o, d in itertools.product(origins, destinations):
        for crossing in set(route(net, o, d).crossing_ids):
            counted[crossing] = counted.get(crossing, 0) + 1
    assert table.set_index("id").value.to_dict() == pytest.approx(counted)


def test_chinese_hubs_reach_foreign_terminals_through_the_western_gateways(net):
    places = net.places
    hubs = list(places.index[(places.kind == "hub") & (places.iso3 == "CHN")])
    abroad = list(places.index[(places.iso3 != "CHN") & (places.kind == "terminal")])
    top = betweenness(net, elements="crossings", origins=hubs, destinations=abroad)
    assert set(top.id[:3]) == {"alashankou-dostyk", "horgos-altynkol", "brest-malaszewicze"}


def test_bad_requests(net):
    with pytest.raises(ValueError, match="unknown elements 'ports'"):
        betweenness(net, elements="ports")
    with pytest.raises(ValueError, match="unknown objective 'fast'"):
        betweenness(net, by="fast")
    with pytest.raises(ValueError, match="no origins given"):
        betweenness(net, origins=[])


def test_cli(capsys):
    assert main(["centrality", "--elements", "crossings", "--top", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and set(rows[0]) == {"id", "name", "kind", "value", "share"}
    assert main(["centrality", "--kind", "spaceport"]) == 1
    assert "no betweenness of kind 'spaceport' ranks" in capsys.readouterr().err
    assert main(["centrality", "--top", "0"]) == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_networkx_on_all_pairs_with_ties(seed):
    G = nx.gnm_random_graph(40, 120, seed=seed, directed=True)
    rng = random.Random(seed)
    for u, v in G.edges:
        G.edges[u, v]["w"] = rng.choice([1, 2, 3])  # small integers: many tied paths
    ours = edge_betweenness_subset(G, list(G), list(G))
    theirs = nx.edge_betweenness_centrality(G, normalized=False, weight="w")
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_accessibility_on_a_hand_built_network(tmp_path):
    net = border_network(tmp_path / "data")
    table = accessibility(net, origins=["a"], destinations=["c", "d"], weights={"c": 1, "d": 3})
    row = table.iloc[0]
    # a->c: 2 h + 10 h border = 12 h, 400 USD; a->d: 16 h, 600 USD (generalized +10 USD/h)
    assert row["mean_hours"] == pytest.approx((1 * 12 + 3 * 16) / 4)
    assert row["mean_cost_usd"] == pytest.approx((1 * 400 + 3 * 600) / 4)
    expected = 1 * (1 + 520 / 1000) ** -2 + 3 * (1 + 760 / 1000) ** -2
    assert row["market_access"] == pytest.approx(expected)
    assert row["reached"] == 1.0


def test_accessibility_of_the_chinese_hubs(net):
    table = accessibility(net).set_index("origin")
    assert (table.reached > 0.999).all()  # Jalal-Abad waits for the CKU railway
    # the north-west is closest to the European and Central Asian markets
    assert table.market_access["urumqi"] > table.market_access["kunming"]
    assert 10 < table.mean_days["chongqing"] < 20


def test_accessibility_rejects_bad_market_sizes(net):
    with pytest.raises(ValueError, match="market sizes must be finite and not negative"):
        accessibility(net, origins=["Chongqing"], weights={"Duisburg": -1})


def test_cli_accessibility_and_market_access(capsys):
    assert main(["centrality", "--measure", "market-access", "--top", "2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # Shanghai, which trades from its port (it has no hub): the sea reaches every market
    assert rows[0]["id"] == "shanghai" and rows[0]["value"] == rows[0]["market_access"]
    assert main(["centrality", "--measure", "accessibility", "--top", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["value"] for r in rows] == sorted(r["mean_hours"] for r in rows)  # fastest first


def test_cli_edge_betweenness_ranks_links_and_crossings(capsys):
    args = ["centrality", "--measure", "edge-betweenness", "--top", "400", "--json"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in rows} == {"link", "crossing"}
    assert [r["value"] for r in rows] == sorted((r["value"] for r in rows), reverse=True)


def test_cli_demand_goes_with_flow_only(capsys, tmp_path):
    assert main(["centrality", "--demand", str(tmp_path / "od.csv")]) == 1
    assert "--demand goes with --measure flow" in capsys.readouterr().err


def test_accessibility_groups_by_trade_pattern_type(net):
    table = accessibility(net, origins=["Chongqing", "Kunming", "Lanzhou"]).set_index("origin")
    assert table.trade_type.to_dict() == {
        "chongqing": "dual_circulation",
        "kunming": "border",
        "lanzhou": "import_oriented",
    }
