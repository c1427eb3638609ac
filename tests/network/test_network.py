"""The built default network: names, connectivity, lengths, coordinates, graph export."""

from __future__ import annotations

import networkx as nx
import pytest
from shapely.geometry import Point
from small import edit_csv

from corridors import load_basemap
from corridors.errors import DataError, UnknownPlaceError
from corridors.graph.physical import to_networkx
from corridors.network.assemble import build_network

ISSUE_PLACES = [
    "Chongqing",
    "Chengdu",
    "Xi'an",
    "Zhengzhou",
    "Wuhan",
    "Changsha",
    "Hefei",
    "Yiwu",
    "Suzhou",
    "Lanzhou",
    "Urumqi",
    "Kashgar",
    "Kunming",
    "Dali",
    "Nanning",
    "Guiyang",
    "Huaihua",
    "Liuzhou",
    "Luzhou",
    "Baise",
    "Harbin",
    "Shenyang",
    "Hohhot",
    "Beijing",
    "Qinzhou",
    "Beihai",
    "Fangchenggang",
    "Shanghai",
    "Ningbo",
    "Qingdao",
    "Tianjin",
    "Lianyungang",
    "Guangzhou",
    "Shenzhen",
    "Xiamen",
    "Dalian",
    "Dostyk",
    "Altynkol",
    "Almaty",
    "Aktogay",
    "Astana",
    "Tashkent",
    "Aktau",
    "Baku",
    "Moscow",
    "Minsk",
    "Brest",
    "Małaszewicze",
    "Warsaw",
    "Łódź",
    "Duisburg",
    "Hamburg",
    "Rotterdam",
    "Lyon",
    "Madrid",
    "Prague",
    "Budapest",
    "Zamyn-Uud",
    "Ulaanbaatar",
    "Zabaykalsk",
    "Grodekovo",
    "Vladivostok",
    "Dong_Dang",
    "Hanoi",
    "Haiphong",
    "Lao_Cai",
    "Boten",
    "Vientiane",
    "Bangkok",
    "Port_Klang",
    "Kuala_Lumpur",
    "Kuantan",
    "Singapore",
    "Ho_Chi_Minh_City",
    "Muse",
    "Mandalay",
    "Kyaukphyu",
    "Yangon",
    "Sost",
    "Islamabad",
    "Karachi",
    "Gwadar",
    "Colombo",
    "Piraeus",
    "Alashankou",
    "Horgos",
    "Erenhot",
    "Manzhouli",
    "Suifenhe",
    "Pingxiang",
    "Ruili",
    "Mohan",
    "Khunjerab",
    "Hekou",
]


@pytest.mark.parametrize("name", ISSUE_PLACES)
def test_every_listed_place_resolves(net, name):
    assert net.resolve(name.replace("_", " ")) in net.places.index


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("霍尔果斯", "horgos"),
        ("阿拉山口", "alashankou"),
        ("关丹", "kuantan"),
        ("瓜达尔", "gwadar"),
        ("Khorgos", "horgos"),
        ("Alataw Pass", "alashankou"),
        ("Lodz", "lodz"),
        ("ŁÓDŹ", "lodz"),
        ("malaszewicze", "malaszewicze"),
        ("xian", "xian"),
        ("Nur-Sultan", "astana"),
        ("Ürümqi", "urumqi"),
        ("China-Malaysia Qinzhou Industrial Park", "qinzhou_park"),
        ("MCKIP", "kuantan_park"),
    ],
)
def test_names_aliases_and_chinese_resolve(net, name, place_id):
    assert net.resolve(name) == place_id


def test_unknown_place_lists_closest_names(net):
    with pytest.raises(
        UnknownPlaceError,
        match=r"unknown place 'Chongching'; closest: "
        r"chongqing \(Chongqing\)",
    ):
        net.resolve("Chongching")


def test_unknown_place_is_a_lookup_error(net):
    with pytest.raises(LookupError, match="closest"):
        net.resolve("Atlantis")


def _operational_graph(net) -> nx.Graph:
    G = nx.Graph()
    for frame in (net.links, net.crossings):
        live = frame[frame.status == "operational"]
        G.add_edges_from(zip(live["from"], live["to"], strict=True))
    return G


def test_every_hub_reaches_every_port_and_terminal(net):
    G = _operational_graph(net)
    hubs = net.places.index[net.places.kind == "hub"]
    targets = [
        p for p in net.places.index[net.places.kind.isin(["sea_port", "terminal"])] if p in G
    ]
    component = nx.node_connected_component(G, "chongqing")
    assert set(hubs) <= component
    assert set(targets) <= component


def test_only_future_places_are_cut_off(net):
    G = _operational_graph(net)
    cut_off = set(net.places.index) - set(G)
    assert cut_off == {"jalal_abad"}  # only reached by the China-Kyrgyzstan-Uzbekistan railway


def test_land_lengths_are_plausible_against_the_geodesic(net):
    land = net.links[(net.links["mode"] != "sea") & (net.links.geodesic_km > 0)]
    ratio = land.km / land.geodesic_km
    # stations sit a few km from the GeoNames city points, hence 0.95
    assert ratio.between(0.95, 2.5).all(), ratio[~ratio.between(0.95, 2.5)]


def test_sea_legs_know_their_passages(net):
    leg = net.links.loc["sea:rotterdam-shanghai"]
    assert leg.passages == ["babalmandab", "gibraltar", "malacca", "suez"]
    assert 10_000 < leg.km / 1.852 < 11_200  # published 10,600 nm via Suez
    closed = net.sea_variants.loc["sea:rotterdam-shanghai~suez"]
    assert "suez" not in closed.passages and closed.km > leg.km


def test_places_lie_in_their_country(net):
    world = load_basemap()
    shapes = world.dissolve(by="iso3").geometry
    tolerance_deg = {"border_station": 0.35, "sea_port": 0.25}
    for place in net.places.itertuples():
        if place.iso3 not in shapes.index:  # Singapore is too small for the 1:110m map
            continue
        distance = shapes[place.iso3].distance(Point(place.lon, place.lat))
        allowed = tolerance_deg.get(place.kind, 0.2)
        assert distance <= allowed, (place.Index, place.iso3, distance)


def test_graph_has_crs_and_direction_specific_dwell(net):
    G = to_networkx(net)
    assert G.graph["crs"] == "EPSG:4326"
    out = G.edges["alashankou", "dostyk", "alashankou-dostyk"]["dwell_hours"]
    back = G.edges["dostyk", "alashankou", "alashankou-dostyk"]["dwell_hours"]
    row = net.crossings.loc["alashankou-dostyk"]
    assert (out, back) == (row.dwell_hours_out, row.dwell_hours_in) and out > back
    assert G.nodes["kuantan"]["iso3"] == "MYS"


def test_corridor_tags(net):
    assert "china_europe_alashankou" in net.places.loc["dostyk", "corridors"]
    assert "nwlsc_central" in net.links.loc["chongqing-guiyang-rail", "corridors"]


def test_link_across_a_border_must_be_a_crossing(data_copy):
    def add(rows):
        rows.append(dict(rows[0], id="x", **{"from": "alashankou", "to": "dostyk"}))

    edit_csv(data_copy / "links.csv", add)
    with pytest.raises(DataError, match=r"link alashankou-dostyk crosses the CHN/KAZ border"):
        build_network(data_copy)


def test_corridor_step_without_link(data_copy):
    edit_csv(data_copy / "corridors.csv", lambda rows: rows[0].update(places="chongqing;kuantan"))
    with pytest.raises(
        DataError,
        match=r"corridor 'nwlsc_central' steps chongqing->kuantan but "
        r"no link or crossing joins them",
    ):
        build_network(data_copy)


def test_rail_link_needs_gauge(data_copy):
    edit_csv(data_copy / "links.csv", lambda rows: rows[0].update(gauge=""))
    with pytest.raises(DataError, match=r"links.csv line 2, column 'gauge'"):
        build_network(data_copy)


def test_stale_sea_cache_is_reported(data_copy):
    def add_port(rows):
        rows.append(
            dict(rows[0], id="new_port", kind="sea_port", sea_mesh="", aliases="", geonameid="")
        )

    edit_csv(data_copy / "places.csv", add_port)
    with pytest.raises(DataError, match=r"sea_legs.geojson: out of date .*corridors build --sea"):
        build_network(data_copy)


def test_published_km_below_the_geodesic_is_rejected(data_copy):
    def shorten(rows):
        row = next(r for r in rows if r["id"] == "lanzhou-urumqi-rail")
        row["km"] = "1000"

    edit_csv(data_copy / "links.csv", shorten)
    with pytest.raises(DataError, match=r"links.csv line \d+, column 'km': 1000 km is shorter"):
        build_network(data_copy)


def test_crossing_km_below_the_geodesic_is_rejected(data_copy):
    def shorten(rows):
        next(r for r in rows if r["id"] == "aktau-baku").update(km="100")

    edit_csv(data_copy / "crossings.csv", shorten)
    with pytest.raises(DataError, match=r"crossings.csv line \d+, column 'km': 100 km"):
        build_network(data_copy)


def test_no_published_length_is_shorter_than_its_straight_line(net):
    published = net.links[net.links.km_basis == "published"]
    assert (published.km >= published.geodesic_km - 5).all()


def test_sea_variants_are_detours(net):
    open_km = net.links[net.links["mode"] == "sea"].set_index(["from", "to"]).km
    variants = net.sea_variants.set_index(["from", "to"]).km
    assert (variants >= open_km.reindex(variants.index) - 1).all()
    assert any("+" in i for i in net.sea_variants.index)  # Suez closed, then Panama too


def test_ports_and_parks_stand_apart(net):
    links = net.links.set_index("id")
    assert links.km["qinzhou-qinzhou_park-road"] > 10  # port at the coast, park by the city


def test_the_50m_basemap_has_finer_coasts_and_singapore(net):
    fine, coarse = load_basemap(scale="50m"), load_basemap()
    assert "Singapore" in set(fine.name) and "SGP" not in set(coarse.iso3)
    singapore = fine.loc[fine.name == "Singapore"].geometry.iloc[0]
    place = net.places.loc["singapore"]
    assert singapore.distance(Point(place.lon, place.lat)) < 0.1

    def vertices(world) -> int:
        window = world.clip((105.0, 17.0, 112.0, 23.0))  # the Beibu Gulf
        return int(window.geometry.count_coordinates().sum())

    assert vertices(fine) > 3 * vertices(coarse)


def test_an_unknown_basemap_scale_is_refused():
    with pytest.raises(ValueError, match="unknown basemap scale '10m'; use one of 110m, 50m"):
        load_basemap(scale="10m")
