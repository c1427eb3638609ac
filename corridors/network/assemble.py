"""Reading ``data/`` into a :class:`~corridors.network.model.Network`: every table read and
typed, land and sea links assembled with their km checked against the geodesic, crossings,
transfers, parameters and corridors checked, and every problem reported at once.

:func:`corridors.network.load.load_network` is the one call most users need: it reads the
network from the snapshot ``corridors build`` wrote when that is current, and comes here
otherwise.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from corridors.errors import DataError
from corridors.network.geodesy import geodesic_km, geodesic_line
from corridors.network.model import GEO_TABLES, Network, Shapes, remember_source
from corridors.network.schema import PARAMETER_RANGES, TABLES, parameter_problem
from corridors.network.sea import read_sea_legs
from corridors.network.tables import default_data_dir, read_tables

__all__ = ["OSM_LINKS_FILE", "SEA_LEGS_FILE", "build_network", "sea_mesh_ports"]


SEA_LEGS_FILE = "sea_legs.geojson"


# A published km may fall this far below the geodesic between the two place points: those are
# city or station points, a few km from where the published chainage starts.
GEODESIC_SLACK_KM = 5.0


def build_network(data_dir: str | Path | None = None) -> Network:
    """Read, check and assemble the tables of ``data_dir`` into a :class:`Network` (uncached).

    Raises
    ------
    DataError
        Listing every problem in the tables or between them.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    tables = read_tables(folder)
    for name in ("value_classes", "feeder_ports"):  # optional files
        tables.setdefault(name, pd.DataFrame(columns=[*TABLES[name].column_names, "_line"]))
    problems: list[str] = []
    places = _places(tables)
    params = tables["mode_params"].set_index(["mode", "cost_class"])
    land = _land_links(tables["links"], places, tables["countries"], params, problems)
    land = _osm_lengths(folder, land, problems)
    sea, variants = _sea_links(folder, places, tables, problems)
    links = pd.concat([land, sea]).sort_index()
    crossings = _crossings(tables["crossings"], places, problems)
    _check_transfers(tables["transfers"], places, problems)
    _check_parameters(tables["parameters"], problems)
    _check_run_spread(tables["services"], problems)
    _check_corridors(tables["corridors"], links, crossings, problems)
    _check_value_classes(tables["value_classes"], problems)
    if problems:
        raise DataError(problems)
    links["corridors"] = _corridor_tags(tables["corridors"], links)
    places["corridors"] = _place_tags(tables["corridors"], places)
    tables = {name: frame.drop(columns="_line") for name, frame in tables.items()}
    places = places.drop(columns="_line")
    frames = {"places": places, "links": links, "crossings": crossings, "sea_variants": variants}
    shapes = {table: frames[table]["geometry"] for table in GEO_TABLES}
    places, links, crossings, variants = (
        frames[table].drop(columns="geometry") for table in GEO_TABLES
    )
    network = Network(
        places=places,
        links=links,
        crossings=crossings,
        transfers=tables["transfers"],
        mode_params=tables["mode_params"],
        services=tables["services"],
        passages=tables["passages"],
        countries=tables["countries"],
        sources=tables["sources"],
        provinces=tables["provinces"],
        trade_types=tables["trade_types"],
        value_classes=tables["value_classes"].set_index("id", drop=False),
        observed=tables["observed"],
        city_clusters=tables["city_clusters"],
        corridors=tables["corridors"],
        parameters=tables["parameters"].set_index("name", drop=False),
        sea_variants=variants,
        shapes=Shapes(lambda: shapes),
    )
    return remember_source(network, folder)


def _places(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    places = tables["places"].set_index("id", drop=False).sort_index()
    places["geometry"] = [Point(lon, lat) for lon, lat in zip(places.lon, places.lat, strict=True)]
    return places


def _where(table: str, row: dict) -> str:
    return f"{table}.csv line {row['_line']}"


def _land_links(links, places, countries, params, problems) -> pd.DataFrame:
    region = countries.set_index("iso3")["region"].to_dict()
    union = countries.set_index("iso3")["customs_union"].fillna("").to_dict()
    rates = params.to_dict("index")
    point = {row.Index: row for row in places[["iso3", "lon", "lat"]].itertuples()}
    rows = []
    for row in links.to_dict("records"):
        where = _where("links", row)
        a, b = row["from"], row["to"]
        if a not in point or b not in point:
            continue  # already reported as a bad reference
        pa, pb = point[a], point[b]
        if a == b:
            problems.append(f"{where}, column 'to': a link cannot join {a!r} to itself")
        if pa.iso3 != pb.iso3 and (not union[pa.iso3] or union[pa.iso3] != union[pb.iso3]):
            problems.append(
                f"{where}: link {a}-{b} crosses the {pa.iso3}/{pb.iso3} border; "
                "border crossings belong in crossings.csv"
            )
        gauges = list(row["gauge"] or [])
        if (row["mode"] == "rail") != bool(gauges):
            problems.append(
                f"{where}, column 'gauge': {';'.join(map(str, gauges))!r} - rail links "
                "need gauges in mm (e.g. 1435 or 1000;1435), other modes none"
            )
        cost_class = row["cost_class"] or region[pa.iso3]
        if (row["mode"], cost_class) not in rates:
            problems.append(
                f"{where}, column 'cost_class': no {row['mode']}/{cost_class} row "
                "in mode_params.csv"
            )
            continue
        geodesic = geodesic_km(pa.lon, pa.lat, pb.lon, pb.lat)
        km, km_source = row["km"], list(row["km_source"])
        if km is None or pd.isna(km):
            factor = rates[(row["mode"], cost_class)]["circuity"]
            km = round(geodesic * factor, 1)
            km_source = [
                f"computed: geodesic {geodesic:.1f} km x circuity {factor} "
                f"({row['mode']}/{cost_class} in mode_params.csv)"
            ]
        elif not km_source:
            problems.append(f"{where}, column 'km_source': a published km needs its source")
            continue
        elif km < geodesic - GEODESIC_SLACK_KM:
            problems.append(_below_geodesic(where, km, geodesic))
        rows.append(
            {
                "id": row["id"],
                "from": a,
                "to": b,
                "mode": row["mode"],
                "gauge": gauges,
                "km": float(km),
                "km_basis": "computed" if km_source[0].startswith("computed") else "published",
                "km_source": km_source,
                "geodesic_km": round(geodesic, 1),
                "cost_class": cost_class,
                "service": row["service"] or [rates[(row["mode"], cost_class)]["service"]],
                "status": row["status"],
                "opening_year": row["opening_year"],
                "countries": sorted({pa.iso3, pb.iso3}),
                "passages": [],
                "source": list(row["source"]),
                "note": row["note"] or "",
                "geometry": geodesic_line(pa.lon, pa.lat, pb.lon, pb.lat),
            }
        )
    return _frame(rows, ["id"])


OSM_LINKS_FILE = "osm_links.geojson"


def _osm_lengths(folder: Path, links: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """Links whose length and geometry were derived from OpenStreetMap (``corridors osm
    import``) take them from ``osm_links.geojson``, with its source."""
    path = folder / OSM_LINKS_FILE
    if not path.exists():
        return links
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        problems.append(f"{OSM_LINKS_FILE}: not an OSM-link GeoJSON file ({err})")
        return links
    links = links.copy()
    for number, feature in enumerate(features, start=1):
        where = f"{OSM_LINKS_FILE} feature {number}"
        try:
            props = feature["properties"]
            link, km, source = props["id"], float(props["km"]), str(props["source"])
            line = shapely.geometry.shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            problems.append(f"{where}: {err}")
            continue
        if link not in links.index:
            problems.append(f"{where}: link {link!r} is not a land link in links.csv")
        elif not (math.isfinite(km) and km > 0) or line.geom_type != "LineString" or not source:
            problems.append(f"{where} ({link}): needs a positive km, a source and a line")
        elif km < links.at[link, "geodesic_km"] - GEODESIC_SLACK_KM:
            problems.append(_below_geodesic(where, km, links.at[link, "geodesic_km"]))
        else:
            links.at[link, "km"] = km
            links.at[link, "km_basis"] = "computed"
            links.at[link, "km_source"] = [source]
            links.at[link, "geometry"] = line
    return links


def _below_geodesic(where: str, km: float, geodesic: float) -> str:
    return (
        f"{where}, column 'km': {km:g} km is shorter than the {geodesic:.1f} km straight line "
        "between its places; check the figure or the places' coordinates"
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows as a frame indexed by id, keeping the columns when there are no rows."""
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)
    return frame.set_index("id", drop=False)


def _sea_links(folder: Path, places, tables, problems) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = folder / SEA_LEGS_FILE
    ports = sea_mesh_ports(places)
    feeders = _feeder_ports(tables["feeder_ports"], ports, tables["services"], problems)
    service_of = _sea_service_rule(tables, places, feeders)
    if not path.exists():
        problems.append(f"{SEA_LEGS_FILE}: missing; run `corridors build --sea` to compute it")
        return _frame([], ["id"]), _frame([], ["id"])
    try:
        legs = read_sea_legs(path)
    except DataError as err:
        problems.extend(err.problems)
        return _frame([], ["id"]), _frame([], ["id"])
    expected = {(a, b) for a in ports.index for b in ports.index if a < b}
    found = {(leg["from"], leg["to"]) for leg in legs if not leg["closed"]}
    if expected != found:
        problems.append(
            f"{SEA_LEGS_FILE}: out of date with the sea ports in places.csv "
            f"({len(expected - found)} legs missing, {len(found - expected)} extra); "
            "run `corridors build --sea`"
        )
    point = dict(zip(places.index, zip(places.lon, places.lat, strict=True), strict=True))
    iso3 = places["iso3"].to_dict()
    priced = set(tables["mode_params"].loc[tables["mode_params"]["mode"] == "sea", "cost_class"])
    rows = []
    for leg in legs:
        a, b = leg["from"], leg["to"]
        if a not in point or b not in point:
            continue
        service = service_of(a, b)
        if service is None:
            continue  # a feeder port: no mainline ship calls there
        rows.append(
            {
                "id": f"sea:{a}-{b}" + (f"~{'+'.join(leg['closed'])}" if leg["closed"] else ""),
                "from": a,
                "to": b,
                "mode": "sea",
                "gauge": [],
                "km": leg["km"],
                "km_basis": "computed",
                "km_source": ["computed: searoute maritime network"],
                "geodesic_km": round(geodesic_km(*point[a], *point[b]), 1),
                # a sea service with a rate of its own (intra-Asia) is its cost class
                "cost_class": service if service in priced else "sea",
                "service": [service],
                "status": "operational",
                "opening_year": None,
                "countries": sorted({iso3[a], iso3[b]}),
                "passages": leg["passages"],
                "closed": leg["closed"],
                "source": [],
                "note": "",
                "geometry": shapely.linestrings(leg["coords"]),
            }
        )
    table = _frame(
        rows,
        [
            "id",
            "from",
            "to",
            "mode",
            "gauge",
            "km",
            "km_basis",
            "km_source",
            "geodesic_km",
            "cost_class",
            "service",
            "status",
            "opening_year",
            "countries",
            "passages",
            "closed",
            "source",
            "note",
            "geometry",
        ],
    )
    is_variant = table["closed"].map(bool).astype(bool)
    return table[~is_variant].drop(columns="closed"), table[is_variant]


def _sea_service_rule(tables: dict[str, pd.DataFrame], places, feeders: dict):
    """A function giving the service of the sea leg between two ports, None where no ship
    sails it.

    A leg takes the first sea service both ends' regions are within, otherwise the mainline
    (the default sea service of ``mode_params.csv``). A feeder port (``feeder_ports.csv``)
    has no mainline leg to the regions it lists (to any, when it lists none); its legs to
    the other regions sail on its ``service``, by default its own region's, whose ships call
    at many ports, so that its cargo changes ship at a hub to go further on a mainline.
    """
    region = places["iso3"].map(tables["countries"].set_index("iso3")["region"]).to_dict()
    params = tables["mode_params"].set_index(["mode", "cost_class"])
    mainline = params.loc[("sea", "sea"), "service"] if ("sea", "sea") in params.index else ""
    regional = [
        (row["id"], set(row["within_regions"]))
        for row in tables["services"].sort_values("id").to_dict("records")
        if row["mode"] == "sea" and row["within_regions"]
    ]

    def within(*regions: str) -> str | None:
        return next((sid for sid, covered in regional if set(regions) <= covered), None)

    def service_of(a: str, b: str) -> str | None:
        shared = within(region[a], region[b])
        if shared:
            return shared
        for port, other in ((a, b), (b, a)):
            if port in feeders:
                regions, service = feeders[port]
                cut = not regions or region[other] in regions
                return None if cut else service or within(region[port]) or mainline
        return mainline

    return service_of


def _feeder_ports(
    feeders: pd.DataFrame, ports: pd.DataFrame, services: pd.DataFrame, problems: list[str]
) -> dict[str, tuple[frozenset[str], str]]:
    """The ports of ``feeder_ports.csv``: the regions no mainline ship takes their cargo to
    (empty: all) and the service of their other legs, each port checked to be a sea port on
    the ocean mesh and each service a sea service."""
    sea = set(services.id[services["mode"] == "sea"])
    for row in feeders.to_dict("records"):
        if row["port"] not in ports.index:
            problems.append(
                f"{_where('feeder_ports', row)}, column 'port': {row['port']!r} is not a sea "
                "port on the ocean network (places.csv kind sea_port, sea_mesh not false)"
            )
        if row["service"] and row["service"] not in sea:
            problems.append(
                f"{_where('feeder_ports', row)}, column 'service': {row['service']!r} is not "
                "a sea service of services.csv"
            )
    return {
        row["port"]: (frozenset(row["regions"] or ()), row["service"] or "")
        for row in feeders.to_dict("records")
    }


def sea_mesh_ports(places: pd.DataFrame) -> pd.DataFrame:
    """Sea ports joined to each other over the ocean (not the Caspian ports, say)."""
    in_mesh = places["sea_mesh"].map(lambda v: v is None or pd.isna(v) or bool(v))
    return places[(places.kind == "sea_port") & in_mesh]


def _crossings(crossings, places, problems) -> pd.DataFrame:
    rows = []
    for row in crossings.to_dict("records"):
        where = _where("crossings", row)
        a, b = row["from"], row["to"]
        if a not in places.index or b not in places.index:
            continue
        pa, pb = places.loc[a], places.loc[b]
        if pa.iso3 == pb.iso3:
            problems.append(
                f"{where}: {a} and {b} are both in {pa.iso3}; a crossing joins "
                "stations of two countries"
            )
        if row["mode"] == "rail" and (row["gauge_from"] is None or row["gauge_to"] is None):
            problems.append(f"{where}, column 'gauge_from': a rail crossing needs both gauges")
        km, geodesic = row["km"], geodesic_km(pa.lon, pa.lat, pb.lon, pb.lat)
        if km is None or pd.isna(km):
            km = round(geodesic, 1)
        elif km < geodesic - GEODESIC_SLACK_KM:
            problems.append(_below_geodesic(where, km, geodesic))
        problems.extend(_capacity_problems(where, row))
        record = {k: v for k, v in row.items() if k != "_line"}
        record |= {
            "km": float(km),
            "countries": [pa.iso3, pb.iso3],
            "geometry": LineString([(pa.lon, pa.lat), (pb.lon, pb.lat)]),
        }
        rows.append(record)
    columns = [c for c in crossings.columns if c != "_line"] + ["countries", "geometry"]
    return _frame(rows, columns)


CAPACITY_UNITS = ("trains", "trucks", "containers", "FEU")


def _capacity_problems(where: str, row: dict) -> list[str]:
    """A crossing's capacity: above zero, with one of :data:`CAPACITY_UNITS`, or neither."""
    capacity, unit = row["capacity_per_day"], row["capacity_unit"] or ""
    given = capacity is not None and not pd.isna(capacity)
    if given and not capacity > 0:
        return [f"{where}, column 'capacity_per_day': {capacity:g} - a capacity must be above 0"]
    if given and unit not in CAPACITY_UNITS:
        units = ", ".join(CAPACITY_UNITS)
        return [f"{where}, column 'capacity_unit': {unit!r} - use one of {units} (a day)"]
    if not given and unit:
        return [f"{where}, column 'capacity_per_day': a capacity unit ({unit}) without a capacity"]
    ways = row.get("capacity_ways") or ""
    if given != bool(ways):
        return [
            f"{where}, column 'capacity_ways': {ways or 'blank'} - a capacity says whether it "
            "serves 'each' direction or 'both' together, and only a capacity does"
        ]
    train = row.get("feu_per_train")
    if train is not None and not pd.isna(train):
        column = f"{where}, column 'feu_per_train': {train:g}"
        if unit != "trains":
            return [f"{column} for a capacity in {unit or 'nothing'}: only trains carry one"]
        if not train > 0:
            return [f"{column} - a train carries more than 0 FEU"]
    return []


def _check_parameters(parameters, problems) -> None:
    """Each known parameter present, and every value allowed (by the one check scenarios and
    the API use too: :func:`corridors.network.schema.parameter_problem`)."""
    found = {row["name"]: row for row in parameters.to_dict("records")}
    for name in PARAMETER_RANGES:
        if name not in found:
            problems.append(f"parameters.csv: no row for {name!r}")
    for name, row in found.items():
        problem = parameter_problem(name, row["value"])
        if problem:
            problems.append(f"{_where('parameters', row)}, column 'value': {problem}")


def _check_value_classes(classes, problems) -> None:
    """Each class with a value and a cost of time above zero, and their shares of the
    exports summing to one."""
    for row in classes.to_dict("records"):
        for column in ("value_usd_per_feu", "time_cost_pct_per_day"):
            if not row[column] > 0:
                problems.append(
                    f"{_where('value_classes', row)}, column {column!r}: must be above 0"
                )
    total = classes.export_share.sum()
    if len(classes) and abs(total - 1.0) > 1e-3:
        problems.append(
            f"value_classes.csv, column 'export_share': the shares sum to {total:.4g}, not 1"
        )


def _check_run_spread(services, problems) -> None:
    """A run's spread (``run_sd_hours``) is charged on each line haul, so only ships, whose
    every run is one sea link, may carry one."""
    for row in services.to_dict("records"):
        if row["mode"] != "sea" and not pd.isna(row.get("run_sd_hours")):
            problems.append(
                f"{_where('services', row)}, column 'run_sd_hours': only ships (mode sea) may "
                f"have a run spread, since it is charged on every link; {row['id']} is "
                f"{row['mode']} (give a border's spread in crossings.csv instead)"
            )


def _check_transfers(transfers, places, problems) -> None:
    for row in transfers.to_dict("records"):
        if row["place"] != "*" and row["place"] not in places.index:
            problems.append(
                f"{_where('transfers', row)}, column 'place': {row['place']!r} is "
                "neither a place id nor '*'"
            )
        if row["from_mode"] != row["to_mode"]:
            continue
        if row["from_mode"] not in ("rail", "sea"):
            problems.append(
                f"{_where('transfers', row)}, column 'to_mode': a transfer changes mode "
                "(rail to rail is a gauge change, sea to sea a change of ship at a hub)"
            )
        elif row["place"] == "*":
            problems.append(
                f"{_where('transfers', row)}, column 'place': a {row['from_mode']} to "
                f"{row['to_mode']} change is charged at a named place, not '*'"
            )


def _steps(corridor_places: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(corridor_places))


def _check_corridors(corridors, links, crossings, problems) -> None:
    joined = {frozenset(pair) for pair in zip(links["from"], links["to"], strict=True)}
    crossed = {frozenset(pair) for pair in zip(crossings["from"], crossings["to"], strict=True)}
    for row in corridors.to_dict("records"):
        for a, b in _steps(row["places"]):
            pair = frozenset((a, b))
            if pair not in joined and pair not in crossed:
                problems.append(
                    f"{_where('corridors', row)}, column 'places': corridor "
                    f"{row['id']!r} steps {a}->{b} but no link or crossing joins "
                    "them"
                )


def _corridor_tags(corridors, links) -> list[list[str]]:
    """Each link's corridors: those that step between its ends in one of its modes."""
    tags: dict[tuple[frozenset, str], set[str]] = {}
    for row in corridors.itertuples():
        for a, b in _steps(row.places):
            for mode in row.modes:
                tags.setdefault((frozenset((a, b)), mode), set()).add(row.id)
    return [
        sorted(tags.get((frozenset((a, b)), mode), set()))
        for a, b, mode in zip(links["from"], links["to"], links["mode"], strict=True)
    ]


def _place_tags(corridors, places) -> list[list[str]]:
    tags: dict[str, set[str]] = {}
    for row in corridors.itertuples():
        for place in row.places:
            tags.setdefault(place, set()).add(row.id)
    return [sorted(tags.get(p, set())) for p in places.index]
