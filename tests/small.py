"""Hand-built networks for exact tests: write a minimal data folder and load it."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

from corridors.network.assemble import build_network
from corridors.network.model import Network
from corridors.network.schema import TABLES
from corridors.network.tables import default_data_dir

# the fields of a route's total (Route.total, route --json)
ROUTE_TOTAL = {
    "km",
    "hours",
    "days",
    "hours_p50",
    "hours_p90",
    "cost_usd",
    "reliability_usd",
    "generalized",
}

BASE = {
    "sources": [{"id": "test", "title": "hand-built test network"}],
    "countries": [
        {"iso3": "AAA", "name_en": "Aland", "name_zh": "甲国", "region": "china"},
        {"iso3": "BBB", "name_en": "Beland", "name_zh": "乙国", "region": "area_1520"},
    ],
    "provinces": [
        {"id": "p1", "name_en": "P", "name_zh": "省", "trade_type": "t1", "source": "test"}
    ],
    "trade_types": [
        {
            "id": "t1",
            "name_zh": "型",
            "name_zh_table1": "型",
            "name_zh_table2": "型",
            **{c.name: "1" for c in TABLES["trade_types"].columns if c.kind == "float"},
            "provinces": "p1",
            "characteristics_zh": "-",
            "source_lines": "-",
            "source": "test",
        }
    ],
    "city_clusters": [
        {
            "id": "c1",
            "name_en": "C",
            "name_zh": "群",
            "is_core": "false",
            "is_border_gateway": "false",
            "provinces": "p1",
            "source": "test",
        }
    ],
    "parameters": [
        {"name": "value_of_time", "value": "10", "unit": "USD per FEU-hour", "source": "test"},
        {"name": "container_value", "value": "1000", "unit": "USD per FEU", "source": "test"},
        {"name": "market_access_theta", "value": "2", "unit": "elasticity", "source": "test"},
        {"name": "cny_per_usd", "value": "5", "unit": "yuan per USD", "source": "test"},
        {"name": "feu_per_train", "value": "40", "unit": "FEU per train", "source": "test"},
        {"name": "choice_max_cost_ratio", "value": "3", "unit": "ratio", "source": "test"},
        {"name": "logit_scale_usd", "value": "100", "unit": "USD per FEU", "source": "test"},
        {"name": "logit_nest", "value": "0.5", "unit": "ratio", "source": "test"},
        {"name": "asc_rail_usd", "value": "0", "unit": "USD per FEU", "source": "test"},
        {
            "name": "feu_per_rail_sea_train",
            "value": "25",
            "unit": "FEU per train",
            "source": "test",
        },
        {"name": "reliability_ratio", "value": "0.5", "unit": "ratio", "source": "test"},
        {"name": "subsidy_kept", "value": "1", "unit": "share", "source": "test"},
        {"name": "export_share_of_capacity", "value": "0.5", "unit": "share", "source": "test"},
    ],
    "mode_params": [
        {
            "mode": "rail",
            "cost_class": "china",
            "service": "train_a",
            "usd_per_feu_km": "1",
            "circuity": "1.2",
            "source": "test",
        },
        {
            "mode": "rail",
            "cost_class": "area_1520",
            "service": "train_b",
            "usd_per_feu_km": "2",
            "circuity": "1.2",
            "source": "test",
        },
        {
            "mode": "road",
            "cost_class": "china",
            "service": "truck",
            "usd_per_feu_km": "3",
            "circuity": "1.3",
            "source": "test",
        },
    ],
    "services": [
        {
            "id": "train_a",
            "mode": "rail",
            "name_en": "A",
            "group": "through",
            "speed_kmh": "50",
            "source": "test",
        },
        {
            "id": "train_b",
            "mode": "rail",
            "name_en": "B",
            "group": "through",
            "speed_kmh": "25",
            "source": "test",
        },
        {
            "id": "truck",
            "mode": "road",
            "name_en": "T",
            "group": "truck",
            "speed_kmh": "100",
            "source": "test",
        },
    ],
    "transfers": [
        {
            "place": "*",
            "from_mode": "road",
            "to_mode": "rail",
            "hours": "5",
            "usd": "25",
            "source": "test",
        }
    ],
    "corridors": [],
    "calibration": [],
}


def edit_csv(path: Path, edit) -> None:
    """Rewrite a data table after ``edit(rows)`` changes its list of row dicts in place."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def place(pid: str, iso3: str, lon: float, kind: str = "hub") -> dict:
    return {
        "id": pid,
        "name_en": pid.upper(),
        "name_zh": pid,
        "kind": kind,
        "iso3": iso3,
        "lon": str(lon),
        "lat": "40",
        "coord_source": "test",
    }


def spot(pid: str, lon: float, lat: float) -> dict:
    """A hub of country AAA at a given point (for places that must lie on real maps)."""
    return {
        "id": pid,
        "name_en": pid.title(),
        "name_zh": pid,
        "kind": "hub",
        "iso3": "AAA",
        "lon": str(lon),
        "lat": str(lat),
        "coord_source": "test",
    }


def link(a: str, b: str, mode: str, km: float, gauge: str = "", status: str = "operational"):
    return {
        "id": f"{a}-{b}-{mode}",
        "from": a,
        "to": b,
        "mode": mode,
        "gauge": gauge,
        "km": str(km),
        "km_source": "test",
        "status": status,
        "source": "test",
    }


def crossing(
    a: str,
    b: str,
    *,
    out: float,
    back: float,
    gauges=("1435", "1520"),
    gauge_hours: float = 2,
    gauge_usd: float = 300,
) -> dict:
    return {
        "id": f"{a}-{b}",
        "from": a,
        "to": b,
        "mode": "rail",
        "gauge_from": gauges[0],
        "gauge_to": gauges[1],
        "km": "0",
        "dwell_hours_out": str(out),
        "dwell_hours_in": str(back),
        "dwell_basis": "entry_to_exit",
        "gauge_change_hours": str(gauge_hours),
        "gauge_change_usd": str(gauge_usd),
        "status": "operational",
        "source": "test",
    }


def write_network(folder: Path, **tables: list[dict]) -> Network:
    """Write BASE plus the given tables (places, links, crossings …) and build the network."""
    write_tables(folder, **tables)
    return build_network(folder)


def write_tables(folder: Path, **tables: list[dict]) -> None:
    """Write BASE plus the given tables, and no sea legs."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        rows = tables.get(name, BASE.get(name, []))
        with (folder / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=list(table.column_names), lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(rows)
    empty = {"type": "FeatureCollection", "features": []}
    (folder / "sea_legs.geojson").write_text(json.dumps(empty), encoding="utf-8")


def border_network(folder: Path) -> Network:
    """a -rail 100 km- b |border| c -rail 100 km (1520)- d, and a road detour a-e-b.

    By time a->d is 2 h + 10 h crossing (8 + 2 gauge change) + 4 h = 16 h and
    100 + 300 + 200 = 600 USD; d->a waits 20 h at the border instead of 10.
    """
    return write_network(
        folder,
        places=[
            place("a", "AAA", 0),
            place("b", "AAA", 1, "border_station"),
            place("c", "BBB", 1.01, "border_station"),
            place("d", "BBB", 2),
            place("e", "AAA", 0.5),
        ],
        links=[
            link("a", "b", "rail", 100, "1435"),
            link("c", "d", "rail", 100, "1520"),
            link("a", "e", "road", 50),
            link("e", "b", "road", 50),
        ],
        crossings=[crossing("b", "c", out=10, back=20)],
    )


# --- for the routing rule against coming back into a country, and the sanity sweep ----------

COUNTRIES = [
    {"iso3": iso3, "name_en": name, "name_zh": zh, "region": "china"}
    for iso3, name, zh in (
        ("AAA", "Aland", "甲国"),
        ("BBB", "Beland", "乙国"),
        ("CCC", "Celand", "丙国"),
        ("DDD", "Deland", "丁国"),
    )
]


def open_crossing(a: str, b: str, hours: float, km: float = 0) -> dict:
    """A rail crossing without a gauge change, ``hours`` each way."""
    row = crossing(a, b, out=hours, back=hours, gauges=("1435", "1435"), gauge_hours=0)
    return {**row, "gauge_change_usd": "0", "km": str(km)}


def exclave_network(folder, *, road: bool):
    """Aland's o -rail- x borders Beland (y -rail- z), which borders Aland's w -rail- v; w
    borders Celand (c -rail- d). With ``road``, a 1,000 km road joins o and w inside Aland
    (10 h against 6 h round through Beland); without it w and v are an exclave.
    Every crossing takes 1 h; the trains run 50 km/h, the trucks 100 km/h."""
    places = [
        place("o", "AAA", 0),
        place("x", "AAA", 1, "border_station"),
        place("y", "BBB", 1.01, "border_station"),
        place("z", "BBB", 2, "border_station"),
        place("w", "AAA", 2.01, "border_station"),
        place("v", "AAA", 2.5),
        place("c", "CCC", 2.02, "border_station"),
        place("d", "CCC", 3),
    ]
    links = [
        link("o", "x", "rail", 100, "1435"),
        link("y", "z", "rail", 100, "1435"),
        link("w", "v", "rail", 50, "1435"),
        link("c", "d", "rail", 100, "1435"),
    ]
    if road:
        links.append(link("o", "w", "road", 1000))
    crossings = [
        open_crossing("x", "y", 1),
        open_crossing("z", "w", 1),
        open_crossing("w", "c", 1),
    ]
    return write_network(
        folder, countries=COUNTRIES, places=places, links=links, crossings=crossings
    )


def detour_network(folder, *, countries_between: int):
    """Aland's o -rail- a borders Deland's d -rail- e directly (a 20 km crossing of 100 h),
    and round through ``countries_between`` of Beland and Celand (1 h crossings, 20 km of
    rail in each): by time and by generalized cost the route goes round, by distance
    straight across."""
    places = [place("o", "AAA", 0), place("a", "AAA", 0.5, "border_station"), place("e", "DDD", 1)]
    links = [link("o", "a", "rail", 50, "1435")]
    crossings = [open_crossing("a", "d", 100, km=20)]
    last, lon = "a", 0.5
    for iso3 in ("BBB", "CCC")[:countries_between]:
        first, second = f"{iso3[0].lower()}1", f"{iso3[0].lower()}2"
        places += [
            place(first, iso3, lon + 0.005, "border_station"),
            place(second, iso3, lon + 0.1, "border_station"),
        ]
        links.append(link(first, second, "rail", 20, "1435"))
        crossings.append(open_crossing(last, first, 1))
        last, lon = second, lon + 0.1
    places.append(place("d", "DDD", lon + 0.005, "border_station"))
    links.append(link("d", "e", "rail", 50, "1435"))
    crossings.append(open_crossing(last, "d", 1))
    return write_network(
        folder, countries=COUNTRIES, places=places, links=links, crossings=crossings
    )


def pair_network(folder, *, rail_usd: float = 1, rail_kmh: float = 50, road: bool = True):
    """a and b, 34 km apart: a railway of 40 km (train_a at ``rail_kmh``, ``rail_usd`` per
    FEU-km) and, with ``road``, a road of 100 km (1 h by truck, 300 USD)."""
    rates = copy.deepcopy(BASE["mode_params"])
    rates[0]["usd_per_feu_km"] = str(rail_usd)
    services = copy.deepcopy(BASE["services"])
    services[0]["speed_kmh"] = str(rail_kmh)
    links = [link("a", "b", "rail", 40, "1435")]
    if road:
        links.append(link("a", "b", "road", 100))
    return write_network(
        folder,
        places=[place("a", "AAA", 0), place("b", "AAA", 0.4)],
        links=links,
        mode_params=rates,
        services=services,
    )


def twin_crossings(folder: Path, *, capacity: float, **tables: list[dict]) -> Network:
    """a -rail- b1 |fast crossing, 10 h, ``capacity`` trains a day| c1 -rail- d, and
    a -rail- b2 |slow crossing, 14 h, no capacity| c2 -rail- d: the same km and USD each way."""
    fast = crossing("b1", "c1", out=10, back=10) | {
        "capacity_per_day": str(capacity),
        "capacity_unit": "trains",
        "capacity_ways": "each",
    }
    return write_network(
        folder,
        places=[
            place("a", "AAA", 0),
            place("b1", "AAA", 1, "border_station"),
            place("b2", "AAA", 1.1, "border_station"),
            place("c1", "BBB", 1.01, "border_station"),
            place("c2", "BBB", 1.11, "border_station"),
            place("d", "BBB", 2),
        ],
        links=[
            link("a", "b1", "rail", 100, "1435"),
            link("a", "b2", "rail", 100, "1435"),
            link("c1", "d", "rail", 100, "1520"),
            link("c2", "d", "rail", 100, "1520"),
        ],
        crossings=[fast, crossing("b2", "c2", out=14, back=14)],
        **tables,
    )


def shipped_table(filename: str) -> Path:
    """A table's file in the default data, or in data/proposed/ for an optional table the
    default data does not use yet (value_classes.csv)."""
    path = default_data_dir() / filename
    return path if path.exists() else default_data_dir() / "proposed" / filename
