"""Hand-built networks for exact tests: write a minimal data folder and load it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from corridors.network.load import build_network
from corridors.network.model import Network
from corridors.network.schema import TABLES

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
    return build_network(folder)


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
