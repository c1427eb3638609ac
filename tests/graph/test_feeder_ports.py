"""Feeder ports: no mainline ship calls, so cargo beyond the region changes ship at a hub."""

from __future__ import annotations

import copy

import pytest
from small import BASE, write_tables

from corridors import route
from corridors.errors import DataError, NoRouteError
from corridors.network.assemble import build_network
from corridors.network.sea import write_sea_legs

COUNTRIES = [
    {"iso3": "AAA", "name_en": "Aland", "name_zh": "甲国", "region": "china"},
    {"iso3": "SSS", "name_en": "Sealand", "name_zh": "海国", "region": "southeast_asia"},
    {"iso3": "EEE", "name_en": "Euland", "name_zh": "欧国", "region": "europe"},
    {"iso3": "MMM", "name_en": "Midland", "name_zh": "中国", "region": "middle_east"},
]
SEA_SERVICES = [
    {
        "id": "liner",
        "mode": "sea",
        "name_en": "L",
        "group": "liner",
        "speed_kmh": "25",
        "source": "test",
    },
    {
        "id": "feeder",
        "mode": "sea",
        "name_en": "F",
        "group": "feeder",
        "speed_kmh": "20",
        "within_regions": "china;southeast_asia",
        "source": "test",
    },
]
SEA_RATES = [
    {
        "mode": "sea",
        "cost_class": "sea",
        "service": "liner",
        "usd_per_feu_km": "0.1",
        "circuity": "2",
        "source": "test",
    },
    {
        "mode": "sea",
        "cost_class": "feeder",
        "service": "feeder",
        "usd_per_feu_km": "0.2",
        "circuity": "2",
        "source": "test",
    },
]
HUB_TRANSFER = {
    "place": "h",
    "from_mode": "sea",
    "to_mode": "sea",
    "hours": "10",
    "usd": "50",
    "source": "test",
}
# feeder port f and hub h in the feeder's regions, r in Europe, d in the Middle East (near
# r); km as written, not geodesic
LEGS = {
    ("d", "f"): 3000.0,
    ("d", "h"): 4000.0,
    ("d", "r"): 3000.0,
    ("f", "h"): 1000.0,
    ("f", "r"): 5500.0,
    ("h", "r"): 5000.0,
}


def _port(pid: str, iso3: str, lon: float) -> dict:
    return {
        "id": pid,
        "name_en": pid.upper(),
        "name_zh": pid,
        "kind": "sea_port",
        "iso3": iso3,
        "lon": str(lon),
        "lat": "0",
        "coord_source": "test",
    }


def _sea_network(folder, *, feeders=("f",), regions="", service="", transfers=(HUB_TRANSFER,)):
    lon = {"d": 140.0, "f": 100.0, "h": 104.0, "r": 150.0}
    write_tables(
        folder,
        countries=COUNTRIES,
        places=[
            _port("f", "AAA", lon["f"]),
            _port("h", "SSS", lon["h"]),
            _port("r", "EEE", lon["r"]),
            _port("d", "MMM", lon["d"]),
            {**_port("c", "AAA", 99.0), "kind": "hub"},
        ],
        services=[*copy.deepcopy(BASE["services"]), *SEA_SERVICES],
        mode_params=[*copy.deepcopy(BASE["mode_params"]), *SEA_RATES],
        transfers=[*BASE["transfers"], *transfers],
        feeder_ports=[
            {"port": p, "regions": regions, "service": service, "source": "test"} for p in feeders
        ],
    )
    legs = [
        {
            "from": a,
            "to": b,
            "closed": [],
            "km": km,
            "nm": round(km / 1.852, 1),
            "passages": [],
            "coords": [[lon[a], 0.0], [lon[b], 0.0]],
        }
        for (a, b), km in LEGS.items()
    ]
    write_sea_legs(legs, folder / "sea_legs.geojson")
    return build_network(folder)


@pytest.mark.parametrize("regions", ["", "europe", "americas;europe"])
def test_a_feeder_port_changes_ship_at_the_hub(tmp_path, regions):
    net = _sea_network(tmp_path, regions=regions)
    r = route(net, "f", "r", by="cost")
    assert list(r.legs["to"]) == ["h", "h", "r"]
    assert r.legs["kind"].tolist() == ["line_haul", "port", "line_haul"]
    # 1,000 km at 20 km/h and 0.2 USD, 10 h and 50 USD at h, 5,000 km at 25 km/h and 0.1 USD
    assert r.total["hours"] == pytest.approx(50 + 10 + 200)
    assert r.total["cost_usd"] == pytest.approx(200 + 50 + 500)


def test_a_mainline_port_sails_direct(tmp_path):
    net = _sea_network(tmp_path, feeders=())
    r = route(net, "f", "r", by="cost")
    assert r.total["hours"] == pytest.approx(5500 / 25)
    assert r.total["cost_usd"] == pytest.approx(550)
    assert net.links.loc["sea:f-r", "service"] == ["liner"]


def test_a_feeders_legs_to_other_regions_sail_on_its_own_regions_ships(tmp_path):
    net = _sea_network(tmp_path, regions="europe")
    assert net.links.loc["sea:d-f", "service"] == ["feeder"]
    assert route(net, "f", "d", by="cost").total["cost_usd"] == pytest.approx(3000 * 0.2)
    # its cargo cannot stay aboard at d for a mainline ship on to r (600 + 300 USD)
    assert route(net, "f", "r", by="cost").total["cost_usd"] == pytest.approx(750)


def test_the_feeders_own_region_keeps_its_direct_legs(tmp_path):
    net = _sea_network(tmp_path)
    assert "sea:f-h" in net.links.index and "sea:f-r" not in net.links.index
    assert route(net, "f", "h", by="cost").total["cost_usd"] == pytest.approx(200)


def test_without_a_hub_a_feeder_port_has_no_ship_beyond_its_region(tmp_path):
    net = _sea_network(tmp_path, transfers=())
    with pytest.raises(NoRouteError, match="nothing connects f to r"):
        route(net, "f", "r")


def test_a_feeder_port_of_a_region_without_its_own_service_names_one(tmp_path):
    net = _sea_network(tmp_path, feeders=("d",), regions="europe", service="feeder")
    assert "sea:d-r" not in net.links.index
    assert net.links.loc["sea:d-h", "service"] == net.links.loc["sea:d-f", "service"] == ["feeder"]
    with pytest.raises(DataError, match=r"line 2, column 'service': 'truck' is not a sea service"):
        _sea_network(tmp_path / "bad", feeders=("d",), service="truck")


def test_a_feeder_port_must_be_a_port_on_the_ocean(tmp_path):
    with pytest.raises(DataError, match=r"feeder_ports.csv line 2, column 'port': 'c' is not a"):
        _sea_network(tmp_path, feeders=("c",))  # c is a hub city


@pytest.mark.parametrize(
    ("place", "mode", "problem"),
    [
        ("*", "sea", r"a sea to sea change is charged at a named place, not '\*'"),
        ("h", "road", r"a transfer changes mode \(rail to rail is a gauge change"),
    ],
)
def test_a_same_mode_transfer_is_a_gauge_change_or_a_change_of_ship(
    tmp_path, place, mode, problem
):
    bad = {**HUB_TRANSFER, "place": place, "from_mode": mode, "to_mode": mode}
    with pytest.raises(DataError, match=rf"transfers.csv line \d+, column '\w+': {problem}"):
        _sea_network(tmp_path, transfers=(bad,))
