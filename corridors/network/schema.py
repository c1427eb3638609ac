"""The tables in ``data/``: their columns, types and allowed values.

One :class:`Table` per CSV file. ``docs/data.md`` (and ``data/README.md``) describe the same
fields in prose; :func:`corridors.network.tables.read_tables` checks the files against these.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "GAUGES",
    "KM_PER_NM",
    "MODES",
    "PARAMETER_RANGES",
    "PASSAGES",
    "PLACE_KINDS",
    "SCALE_FACTOR_RANGE",
    "STATUSES",
    "TABLES",
    "Column",
    "Table",
    "parameter_problem",
    "sea_link",
]

MODES = ("rail", "road", "sea", "inland_water")
PLACE_KINDS = (
    "hub",
    "border_station",
    "sea_port",
    "river_port",
    "overseas_park",
    "terminal",
    "waypoint",
)
STATUSES = ("operational", "under_construction", "planned")
GAUGES = (1000, 1435, 1520, 1668, 1676)
DWELL_BASES = ("processing", "entry_to_exit")
VALIDATION_METRICS = ("km", "nm", "hours", "days", "days_saved")
KM_PER_NM = 1.852
# searoute's passage names, with the names users type for them (the first is the label).
PASSAGES = {
    "malacca": ["Strait of Malacca", "Malacca"],
    "sunda": ["Sunda Strait", "Sunda"],
    "suez": ["Suez Canal", "Suez"],
    "babalmandab": ["Bab-el-Mandeb", "Red Sea"],
    "gibraltar": ["Strait of Gibraltar", "Gibraltar"],
    "panama": ["Panama Canal", "Panama"],
    "ormuz": ["Strait of Hormuz", "Hormuz"],
    "bosporus": ["Bosporus", "Bosphorus"],
    "northwest": ["Northwest Passage"],
    "chili": ["Strait of Magellan", "Magellan"],
    "south_africa": ["Cape of Good Hope", "Cape"],
    "bering": ["Bering Strait", "Bering"],
}
PASSAGE_IDS = tuple(PASSAGES)


def sea_link(element: str) -> str:
    """The sea link a routing-graph element is a passage variant of (``sea:a-b~suez`` goes
    round Suez on ``sea:a-b``), or the element itself: closing a link closes its variants.

    Examples
    --------
    >>> sea_link("sea:ningbo-poti~malacca"), sea_link("alashankou-dostyk")
    ('sea:ningbo-poti', 'alashankou-dostyk')
    """
    return element.split("~", 1)[0]


# whom a crossing's published capacity serves: each direction, or both together
CAPACITY_WAYS = ("", "each", "both")
# parameters.csv rows the model needs, and the values they may take
PARAMETER_RANGES = {
    "value_of_time": (0.0, 10_000.0),  # USD per FEU-hour
    "container_value": (1_000.0, 10_000_000.0),  # USD per FEU
    "market_access_theta": (0.5, 20.0),  # trade elasticity
    "cny_per_usd": (1.0, 20.0),  # yuan per USD
    "feu_per_train": (1.0, 200.0),  # FEU per train
    "choice_max_cost_ratio": (1.0, 100.0),  # dearest alternative kept, times a pair's best
    "logit_scale_usd": (1.0, 1_000_000.0),  # USD per FEU that changes a route's odds e-fold
    "logit_nest": (0.05, 1.0),  # the route logit's scale within a mode, over the mode's
    "asc_rail_usd": (-1_000_000.0, 1_000_000.0),  # rail's mode constant, USD per FEU
    "feu_per_rail_sea_train": (1.0, 200.0),  # FEU per Land-Sea Corridor rail-sea train
    "export_share_of_capacity": (0.0, 1.0),  # of a capacity published for both directions
    "reliability_ratio": (0.0, 10.0),  # value of an hour of P90 - P50 over the value of time
    "subsidy_kept": (0.0, 1.0),  # share of the base year's service subsidies still paid
}
# what a scenario's [[scale]] factors may multiply a value by, each alone and all stacked on
# one crossing or service (its own and those of the scenarios it extends), and its demand scale
SCALE_FACTOR_RANGE = (0.01, 100.0)
OPEN_HOURS = r"([01]?\d|2[0-3])-([01]?\d|2[0-4])"  # opening hours, e.g. 9-18
REGIONS = (
    "china",
    "area_1520",
    "europe",
    "southeast_asia",
    "south_asia",
    "east_asia",
    "middle_east",
    "africa",
    "americas",
    "oceania",
    "sea",
)


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is str, int, float, list (``;``-separated) or bool; the items of a
    list are ``item_kind`` (str or int). Numbers must be finite."""

    name: str
    kind: str = "str"
    required: bool = True
    choices: tuple = ()
    refers_to: str = ""  # "table.column" that every value (or list item) must exist in
    minimum: float | None = None
    maximum: float | None = None
    item_kind: str = "str"
    pattern: str = ""  # a regular expression a str value must match in full

    def number_problem(self, value: float) -> str | None:
        """Why the number ``value`` cannot stand in this column (not finite, below its
        minimum, above its maximum), or None: the check of the build and of scenarios.

        Examples
        --------
        >>> Column("speed_kmh", "float", minimum=1, maximum=100).number_problem(150.0)
        '150.0 is above the maximum 100'
        """
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        if self.minimum is not None and value < self.minimum:
            return f"{value} is below the minimum {self.minimum}"
        if self.maximum is not None and value > self.maximum:
            return f"{value} is above the maximum {self.maximum}"
        return None


@dataclass(frozen=True)
class Table:
    """One CSV file in ``data/`` and its columns; ``key`` columns must be unique together."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    doc: str = ""
    optional_file: bool = False
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _source(required: bool = True) -> Column:
    return Column("source", "list", required=required, refers_to="sources.id")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            (
                Column("id"),
                Column("title"),
                Column("publisher", required=False),
                Column("year", required=False),
                Column("address", required=False),
            ),
            key=("id",),
            doc="Every publication, dataset or package a figure comes from.",
        ),
        Table(
            "countries",
            (
                Column("iso3"),
                Column("name_en"),
                Column("name_zh"),
                Column("region", choices=REGIONS),
                Column("customs_union", required=False, choices=("", "EAEU", "EU")),
            ),
            key=("iso3",),
            doc="Countries, the cost region their links fall in, and customs unions.",
        ),
        Table(
            "provinces",
            (
                Column("id"),
                Column("name_en"),
                Column("name_zh"),
                Column("trade_type", refers_to="trade_types.id"),
                Column("output", "float", required=False, minimum=0),
                Column("gdp", "float", required=False, minimum=0),
                Column("exports", "float", required=False, minimum=0),
                Column("imports", "float", required=False, minimum=0),
                Column("domestic_outflow", "float", required=False, minimum=0),
                Column("domestic_inflow", "float", required=False, minimum=0),
                Column("trade_2019_kusd", "float", required=False, minimum=0),
                Column("seed_tables", required=False),
                Column("printed_ratios", required=False),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="The 31 mainland provinces, their trade-pattern type and 2017 figures "
            "(100 million yuan) from seed 001, and their 2019 trade (1,000 USD, NBS).",
        ),
        Table(
            "value_classes",
            (
                Column("id"),
                Column("name_en"),
                Column("export_share", "float", minimum=0),
                Column("value_usd_per_feu", "float", minimum=0),
                Column("time_cost_pct_per_day", "float", minimum=0),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Classes of goods by value and time sensitivity: each one's share of China's "
            "exports by value, its value per FEU (2019 USD) and the cost of a day in transit "
            "(% of its value). Without the file the demand is one class at value_of_time.",
            optional_file=True,
        ),
        Table(
            "observed",
            (
                Column("id"),
                Column(
                    "measure",
                    choices=(
                        "china_europe_trains",
                        "rail_sea_trains",
                        "rail_share_value",
                        "china_europe_teu",
                        "border_wait_days",
                    ),
                ),
                Column("places", "list", refers_to="places.id", required=False),
                Column("year", "int", minimum=1990),
                Column("value", "float", minimum=0),
                Column("unit"),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Published volumes and shares the flow model's choice parameters are fitted "
            "to (trains per year at a port, rail's share of China-EU trade by value).",
        ),
        Table(
            "trade_types",
            (
                Column("id"),
                Column("name_zh"),
                Column("name_zh_table1"),
                Column("name_zh_table2"),
                *(
                    Column(name, "float", minimum=0)
                    for name in (
                        "output",
                        "gdp",
                        "exports",
                        "domestic_outflow",
                        "imports",
                        "domestic_inflow",
                        "domestic_foreign_trade_ratio",
                        "foreign_trade_dependence",
                        "domestic_trade_dependence",
                        "outflow_rate",
                        "inflow_rate",
                        "output_share_pct",
                        "gdp_share_pct",
                        "exports_share_pct",
                        "domestic_outflow_share_pct",
                        "imports_share_pct",
                        "domestic_inflow_share_pct",
                    )
                ),
                Column("provinces", "list", refers_to="provinces.id"),
                Column("characteristics_zh"),
                Column("source_lines"),
                _source(),
            ),
            key=("id",),
            doc="Seed 001 Table 2: the seven trade-pattern types, 2017 (100 million yuan, %).",
        ),
        Table(
            "city_clusters",
            (
                Column("id"),
                Column("name_en"),
                Column("name_zh"),
                Column("is_core", "bool"),
                Column("is_border_gateway", "bool"),
                Column("provinces", "list", refers_to="provinces.id"),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="The 19 city clusters (seeds 003 and 004).",
        ),
        Table(
            "places",
            (
                Column("id"),
                Column("name_en"),
                Column("name_zh"),
                Column("aliases", "list", required=False),
                Column("kind", choices=PLACE_KINDS),
                Column("iso3", refers_to="countries.iso3"),
                Column("lon", "float", minimum=-180, maximum=180),
                Column("lat", "float", minimum=-90, maximum=90),
                Column("geonameid", "int", required=False),
                Column("province", required=False, refers_to="provinces.id"),
                Column("city_cluster", required=False, refers_to="city_clusters.id"),
                Column("sea_mesh", "bool", required=False),
                Column("coord_source", "list", refers_to="sources.id"),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Hub cities, border stations, ports, parks, terminals and waypoints.",
        ),
        Table(
            "links",
            (
                Column("id"),
                Column("from", refers_to="places.id"),
                Column("to", refers_to="places.id"),
                Column("mode", choices=MODES),
                Column("gauge", "list", required=False, choices=GAUGES, item_kind="int"),
                Column("km", "float", required=False, minimum=0.1),
                Column("km_source", "list", required=False, refers_to="sources.id"),
                Column("cost_class", required=False),
                Column("service", "list", required=False, refers_to="services.id"),
                Column("status", choices=STATUSES),
                Column("opening_year", "int", required=False, minimum=1850, maximum=2100),
                _source(required=False),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Land and inland-water infrastructure between two places (both directions).",
        ),
        Table(
            "crossings",
            (
                Column("id"),
                Column("from", refers_to="places.id"),
                Column("to", refers_to="places.id"),
                Column("mode", choices=("rail", "road", "sea")),
                Column("gauge_from", "int", required=False, choices=GAUGES),
                Column("gauge_to", "int", required=False, choices=GAUGES),
                Column("km", "float", required=False, minimum=0),
                Column("dwell_hours_out", "float", minimum=0),
                Column("dwell_hours_in", "float", minimum=0),
                Column("dwell_basis", choices=DWELL_BASES),
                Column("processing_hours_out", "float", required=False, minimum=0),
                Column("processing_hours_in", "float", required=False, minimum=0),
                Column("dwell_p90_ratio_out", "float", required=False, minimum=1, maximum=20),
                Column("dwell_p90_ratio_in", "float", required=False, minimum=1, maximum=20),
                Column("gauge_change_hours", "float", required=False, minimum=0),
                Column("gauge_change_usd", "float", required=False, minimum=0),
                Column("capacity_per_day", "float", required=False, minimum=0),
                Column("capacity_unit", required=False),
                Column("capacity_ways", required=False, choices=CAPACITY_WAYS),
                Column("feu_per_train", "float", required=False, minimum=0),
                Column(
                    "closed_months", "list", required=False, item_kind="int", minimum=1, maximum=12
                ),
                Column(
                    "open_weekdays", "list", required=False, item_kind="int", minimum=1, maximum=7
                ),
                Column("open_hours", required=False, pattern=OPEN_HOURS),
                Column("service", required=False, refers_to="services.id"),
                Column("status", choices=STATUSES),
                Column("opening_year", "int", required=False, minimum=1850, maximum=2100),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Border crossings between paired stations; 'out' is from→to, 'in' is to→from.",
        ),
        Table(
            "transfers",
            (
                Column("place"),
                Column("from_mode", choices=MODES),
                Column("to_mode", choices=MODES),
                Column("hours", "float", minimum=0),
                Column("usd", "float", minimum=0),
                _source(),
                Column("note", required=False),
            ),
            key=("place", "from_mode", "to_mode"),
            doc="Mode changes at a place (or '*' for every place that has both modes).",
        ),
        Table(
            "mode_params",
            (
                Column("mode", choices=MODES),
                Column("cost_class"),
                Column("service", refers_to="services.id"),
                Column("usd_per_feu_km", "float", minimum=0),
                Column("circuity", "float", minimum=1, maximum=3),
                _source(),
                Column("note", required=False),
            ),
            key=("mode", "cost_class"),
            doc="Line-haul rate, circuity (network / geodesic km) and the default service "
            "by mode and region.",
        ),
        Table(
            "services",
            (
                Column("id"),
                Column("mode", choices=MODES),
                Column("name_en"),
                Column("group"),
                Column("speed_kmh", "float", minimum=1, maximum=100),
                Column("driving_hours_per_day", "float", required=False, minimum=1, maximum=24),
                Column("headway_hours", "float", required=False, minimum=0, maximum=720),
                Column("run_sd_hours", "float", required=False, minimum=0, maximum=720),
                Column("subsidy_usd_per_feu_km", "float", required=False, minimum=0, maximum=100),
                Column("within_regions", "list", required=False, choices=REGIONS),
                Column("through", "bool", required=False),
                Column("scope", required=False, choices=("", "border", "port")),
                Column("border", required=False, choices=("", "processing")),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="The trains, trucks, barges and ships that carry the cargo: line-haul speed, "
            "daily driving limit and headway between departures.",
        ),
        Table(
            "parameters",
            (
                Column("name"),
                Column("value", "float"),
                Column("unit"),
                _source(),
                Column("note", required=False),
            ),
            key=("name",),
            doc="Scalar model parameters such as the value of time.",
        ),
        Table(
            "calibration",
            (
                Column("case_id"),
                Column("origin"),
                Column("destination"),
                Column("via", "list", required=False),
                Column("modes", "list", required=False, choices=MODES),
                Column("metric", choices=VALIDATION_METRICS),
                Column("low", "float", minimum=0),
                Column("high", "float", minimum=0),
                Column("compare_origin", required=False),
                Column("compare_via", "list", required=False),
                Column("compare_modes", "list", required=False, choices=MODES),
                Column("avoid", "list", required=False),
                Column("year", required=False),
                _source(),
                Column("note", required=False),
            ),
            key=("case_id",),
            doc="Published door-to-door figures the model is checked against.",
        ),
        Table(
            "passages",
            (
                Column("id", choices=PASSAGE_IDS),
                Column("name_en"),
                Column("transit_hours", "float", minimum=0, maximum=240),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Sea passages that take time of their own (canals), by searoute's name.",
        ),
        Table(
            "feeder_ports",
            (
                Column("port", refers_to="places.id"),
                Column("regions", "list", required=False, choices=REGIONS),
                Column("service", required=False, refers_to="services.id"),
                _source(),
                Column("note", required=False),
            ),
            key=("port",),
            doc="Sea ports no mainline (inter-regional) service called at in the base year, "
            "for the regions listed (all when blank): their cargo to those regions changes ship "
            "at a hub (transfers.csv sea/sea).",
            optional_file=True,
        ),
        Table(
            "fit_ranges",
            (
                Column("parameter"),
                Column("table", choices=("services", "crossings", "transfers", "passages")),
                Column("keys", "list"),
                Column(
                    "column",
                    choices=(
                        "speed_kmh",
                        "headway_hours",
                        "dwell_hours_out",
                        "dwell_hours_in",
                        "hours",
                    ),
                ),
                Column("low", "float", minimum=0),
                Column("high", "float", minimum=0),
                Column("unit"),
                _source(),
                Column("note", required=False),
            ),
            key=("parameter",),
            doc="Parameters published only as a range, fitted inside it by `corridors calibrate`.",
            optional_file=True,
        ),
        Table(
            "corridors",
            (
                Column("id"),
                Column("name_en"),
                Column("name_zh", required=False),
                Column("group"),
                Column("places", "list", refers_to="places.id"),
                Column("modes", "list", choices=MODES),
                _source(),
                Column("note", required=False),
            ),
            key=("id",),
            doc="Named corridors as ordered place lists; each step must be a link or crossing.",
        ),
    )
}


def parameter_problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the parameter ``name`` (not a number, not finite, outside its
    :data:`PARAMETER_RANGES`), or None. The one check of parameter values: the build's, a
    scenario's ``[[set]]`` and a :class:`~corridors.network.scenarios.Scenario` made in code.

    Examples
    --------
    >>> parameter_problem("value_of_time", 61.31) is None
    True
    >>> parameter_problem("value_of_time", -1000)
    'value_of_time -1000 is outside 0-10000'
    >>> parameter_problem("cny_per_usd", float("nan"))
    'cny_per_usd nan is not a finite number'
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name} must be a number, not {value!r}"
    if not math.isfinite(value):
        return f"{name} {value} is not a finite number"
    low, high = PARAMETER_RANGES.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        return f"{name} {value} is outside {low:g}-{high:g}"
    return None
