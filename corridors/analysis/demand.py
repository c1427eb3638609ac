"""Origin-destination demand: a gravity model of the hinterland's exports, or a user's table.

The gravity model is production-constrained: each Chinese hub sends its exports to the
foreign destinations in proportion to their market size discounted by the trade cost,

    T_ij = E_i x M_j f_ij / sum_k M_k f_ik,    f_ij = (1 + g_ij / V) ^ -theta

- E_i, the origin's exports: the 2017 exports of the hub's province from the seed paper's
  input-output tables (``provinces.csv``, 100 million yuan), shared equally among the hubs of
  that province, turned into FEU per year at the container value V (``container_value``,
  USD per FEU) and the yuan's exchange rate (``cny_per_usd``). Where the paper prints no
  figure for a province but does print its trade-pattern type's total, and the province is
  the type's only one without a figure, the type's total less its other provinces is used
  (marked as derived); other provinces get no demand and are listed in
  ``table.attrs["without_exports"]``.
- M_j, the destination's market (:func:`place_markets`): the GDP of its country (Natural
  Earth, in the shipped basemap), shared equally among the destinations in that country,
  plus the GDP of every country with no destination of its own whose representative point
  lies nearest to it (Canada's trade lands at Los Angeles, Iran's at Dubai), so that the whole
  world's market is counted and not only the network's countries.
- g_ij: the generalized cost of the best route (USD), theta the trade elasticity of the
  World Bank's Belt-and-Road market-access model (``market_access_theta``).

It is a model of where exports would go by the cheapest way, not of which mode shippers
choose: every FEU takes the one best route (all-or-nothing, :mod:`corridors.analysis.flows`).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.errors import MAX_SHOWN, DataError, UnknownPlaceError
from corridors.graph.constraints import as_names
from corridors.network.model import Network, check_network
from corridors.network.names import normalize_name

__all__ = [
    "CLASS",
    "COLUMNS",
    "MAX_FEU_PER_YEAR",
    "MAX_SHOWN",
    "by_class",
    "check_demand",
    "class_terms",
    "gravity_demand",
    "od_or_gravity",
    "origin_exports",
    "place_markets",
    "read_demand",
]

COLUMNS = ["origin", "destination", "feu_per_year"]
CLASS = "value_class"  # optional: the row's class of goods (value_classes.csv)
# The most a demand table may hold, in FEU per year, row by row and in all: over a thousand
# times what all the world's container ports handle in a year (about 430 million FEU), and
# small enough that volume x cost or volume x km never overflows.
MAX_FEU_PER_YEAR = 1e12
YUAN_PER_UNIT = 1e8  # provinces.csv counts in 100 million yuan


def gravity_demand(
    network: Network,
    *,
    origins: Iterable[str] | None = None,
    destinations: Iterable[str] | None = None,
    by: str = "generalized",
    avoid: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    statuses: Iterable[str] = ("operational",),
) -> pd.DataFrame:
    """The gravity model's demand from the Chinese hubs to the foreign destinations.

    Parameters
    ----------
    network : Network
    origins : default the Chinese hubs (each needs a province)
    destinations : default every terminal, sea port and park outside China
    by, avoid, modes, statuses : the routes whose cost deters trade, as for
        :func:`corridors.analysis.skim.skim`

    Returns
    -------
    pandas.DataFrame
        origin, destination, feu_per_year, province, trade_type (of the origin's province);
        ``attrs["without_exports"]`` lists the origins left without demand.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = gravity_demand(load_network(), origins=["Chongqing"],
    ...                        destinations=["Duisburg", "Singapore"])
    >>> list(table.destination)
    ['duisburg', 'singapore']
    >>> bool(table.feu_per_year.sum() > 0)
    True
    """
    check_network(network)
    given = (
        None if ends is None else as_names(ends, what)
        for ends, what in ((origins, "origins"), (destinations, "destinations"))
    )
    origins, destinations = (
        tuple(network.resolve(p) for p in ends) for ends in network.trade_ends(*given)
    )
    avoid, modes, statuses = (
        names if names is None else tuple(as_names(names, what))
        for names, what in ((avoid, "avoid"), (modes, "modes"), (statuses, "statuses"))
    )
    found = _gravity(network, origins, destinations, by, avoid, modes, statuses)
    return found.copy()  # the cached table stays as made


@functools.lru_cache(maxsize=8)
def _gravity(network, origins, destinations, by, avoid, modes, statuses) -> pd.DataFrame:
    """The gravity demand for resolved, hashable arguments: made once per network and
    arguments (scenarios, criticality and the report ask for the same table again)."""
    from corridors.analysis.skim import skim

    table = skim(
        network,
        list(origins),
        list(destinations),
        by=by,
        avoid=avoid,
        modes=modes,
        statuses=statuses,
    )
    places = network.places
    exports = origin_exports(network, sorted(set(table.origin)))
    market = place_markets(network)
    parameters = network.parameters["value"]
    value, theta = float(parameters["container_value"]), float(parameters["market_access_theta"])
    pull = table.destination.map(market) * (1 + table.generalized / value) ** -theta
    pull = pull.fillna(0.0)  # unreachable destinations draw nothing
    share = pull / pull.groupby(table.origin).transform("sum").replace(0.0, np.nan)
    feu = exports["feu_per_year"].reindex(table.origin).to_numpy() * share.fillna(0.0)
    out = pd.DataFrame(
        {
            "origin": table.origin,
            "destination": table.destination,
            "feu_per_year": feu.to_numpy(),
            "province": places.province.reindex(table.origin).to_numpy(),
        }
    )
    trade_type = network.provinces.set_index("id")["trade_type"]
    out["trade_type"] = out.province.map(trade_type)
    out = out[out.origin.isin(exports.index[exports.feu_per_year > 0])].reset_index(drop=True)
    out = by_class(network, out)
    out.attrs["without_exports"] = sorted(set(origins) - set(out.origin))
    return out


def by_class(network: Network, table: pd.DataFrame) -> pd.DataFrame:
    """Each pair of a demand table without classes split into the network's value classes
    (``value_classes.csv``; the table as it is when there are none): the pair's exports by
    value, its FEU at ``container_value``, shared by each class's ``export_share`` and
    turned into FEU at the class's own value per FEU, one row per pair and class.

    Examples
    --------
    >>> from corridors import load_network
    >>> table = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                       "feu_per_year": [100.0]})
    >>> by_class(load_network(), table) is table  # the default data has no classes yet
    True
    """
    classes = network.value_classes
    if classes.empty or CLASS in table.columns:
        return table
    value = float(network.parameters.loc["container_value", "value"])
    factor = value * classes.export_share / classes.value_usd_per_feu
    parts = [
        table.assign(**{CLASS: name, "feu_per_year": table.feu_per_year * f})
        for name, f in factor.items()
    ]
    return pd.concat(parts).sort_index(kind="stable").reset_index(drop=True)


def class_terms(network: Network, demand: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a checked demand table, the value of its goods (USD per FEU) and their
    value of time (USD per FEU-hour): its class's (``value_usd_per_feu`` and a day's
    ``time_cost_pct_per_day`` of it over 24 hours), or without a class ``container_value``
    and ``value_of_time``.

    Examples
    --------
    >>> from corridors import load_network
    >>> net = load_network()
    >>> value, vot = class_terms(net, pd.DataFrame({"origin": ["chongqing"]}))
    >>> float(value[0]), float(vot[0])  # no class: the parameters
    (102840.0, 57.85)
    """
    parameters = network.parameters["value"]
    value = np.full(len(demand), float(parameters["container_value"]))
    vot = np.full(len(demand), float(parameters["value_of_time"]))
    if CLASS in demand.columns:
        classes = network.value_classes.reindex(demand[CLASS].to_numpy())
        value = classes.value_usd_per_feu.to_numpy(dtype=float)
        vot = value * classes.time_cost_pct_per_day.to_numpy(dtype=float) / 100.0 / 24.0
    return value, vot


@functools.lru_cache(maxsize=8)
def place_markets(network: Network) -> pd.Series:
    """The market each foreign trade destination stands for in the gravity model: GDP,
    million USD (Natural Earth's ``gdp_md_est``, 2019), of its own country shared equally
    among the country's destinations, plus that of every other foreign country with no
    destination of its own whose representative point is nearest to it (WGS84 geodesic).

    Examples
    --------
    >>> from corridors import load_network
    >>> markets = place_markets(load_network())
    >>> round(markets.sum() / 1e6)  # trillion USD: the world less China
    73
    >>> markets.idxmax()  # the United States, shared by two ports, and Canada
    'los_angeles'
    """
    from corridors.network.basemap import load_basemap
    from corridors.network.geodesy import geodesic_km

    places = network.places
    destinations = places.loc[sorted(network.trade_ends()[1])]
    countries = load_basemap()
    countries = countries[(countries.iso3 != "CHN") & (countries.gdp_md_est > 0)]
    counts = destinations.iso3.value_counts()
    market = {
        p: float(countries.gdp_md_est[countries.iso3 == c].sum()) / counts[c]
        for p, c in destinations.iso3.items()
    }
    for row in countries[~countries.iso3.isin(counts.index)].itertuples():
        point = row.geometry.representative_point()
        ends = zip(destinations.index, destinations.lon, destinations.lat, strict=True)
        distance = {p: geodesic_km(point.x, point.y, lon, lat) for p, lon, lat in ends}
        market[min(distance, key=distance.get)] += float(row.gdp_md_est)
    return pd.Series(market, name="gdp_md_est").sort_index()


def od_or_gravity(
    network: Network, od: pd.DataFrame | str | os.PathLike | None = None, **options
) -> pd.DataFrame:
    """``od`` checked and its names resolved (a table, or the path of a CSV file read with
    :func:`read_demand`), or when None the standard OD set: the gravity model's demand
    (``options`` as for :func:`gravity_demand`).

    Raises
    ------
    TypeError
        ``od`` neither a DataFrame, a path nor None.
    DataError
        As for :func:`check_demand`.
    """
    if od is None:
        return gravity_demand(network, **options)
    return as_demand(network, od)


def as_demand(network: Network, od, what: str = "od") -> pd.DataFrame:
    """An OD table checked (:func:`check_demand`), or a CSV file's path read
    (:func:`read_demand`); anything else is a TypeError saying what was expected.

    Examples
    --------
    >>> from corridors import load_network
    >>> as_demand(load_network(), {"origin": "Chongqing"})
    Traceback (most recent call last):
    ...
    TypeError: od must be a pandas DataFrame (origin, destination, feu_per_year) or the path of such a CSV file, not dict
    """  # noqa: E501
    if isinstance(od, pd.DataFrame):
        return check_demand(network, od)
    if isinstance(od, str | os.PathLike):
        return read_demand(network, od)
    msg = (
        f"{what} must be a pandas DataFrame ({', '.join(COLUMNS)}) or the path of such a "
        f"CSV file, not {type(od).__name__}"
    )
    raise TypeError(msg)


def origin_exports(network: Network, origins: list[str]) -> pd.DataFrame:
    """Each origin's exports: province, yuan (100 million), basis, FEU per year.

    Examples
    --------
    >>> from corridors import load_network
    >>> row = origin_exports(load_network(), ["chengdu", "luzhou"]).loc["chengdu"]
    >>> float(row["province_exports"]), int(row["places_in_province"])
    (2107.4, 2)
    """
    provinces = network.provinces.set_index("id")
    places = network.places
    parameters = network.parameters["value"]
    usd_per_feu = float(parameters["container_value"])
    cny_per_usd = float(parameters["cny_per_usd"])
    totals = network.trade_types.set_index("id")["exports"].to_dict()
    figures = _province_exports(provinces, totals, cny_per_usd)
    per_province = places.province.reindex(network.trade_ends()[0]).value_counts()
    rows = []
    for origin in origins:
        province = places.province.get(origin) or ""
        figure, basis = figures.get(province, (math.nan, "none"))
        count = int(per_province.get(province, 1))
        feu = figure * YUAN_PER_UNIT / cny_per_usd / usd_per_feu / count
        rows.append(
            {
                "origin": origin,
                "province": province,
                "province_exports": figure,
                "basis": basis,
                "places_in_province": count,
                "feu_per_year": 0.0 if math.isnan(feu) else feu,
            }
        )
    return pd.DataFrame(rows).set_index("origin")


def _province_exports(
    provinces: pd.DataFrame, totals: dict, cny_per_usd: float
) -> dict[str, tuple[float, str]]:
    """Province -> (exports, basis): printed; derived from its type's total when it is the
    type's only province without a figure; else estimated from its 2019 trade."""
    printed = provinces["exports"].dropna()
    out = {p: (float(v), "printed: seed001 Tables 5/6") for p, v in printed.items()}
    for trade_type, group in provinces.groupby("trade_type"):
        missing = [p for p in group.index if p not in out]
        if len(missing) == 1 and trade_type in totals:
            rest = float(group["exports"].dropna().sum())
            out[missing[0]] = (
                round(totals[trade_type] - rest, 1),
                f"derived: {trade_type} total (seed001 Table 2) less its printed provinces",
            )
    trade = provinces["trade_2019_kusd"].dropna()
    both = printed.index.intersection(trade.index)
    if len(both):
        ratio = float(printed[both].sum() / trade[both].sum())  # 100 million yuan per kUSD
        share = ratio * YUAN_PER_UNIT / cny_per_usd / 1000
        basis = (
            f"estimate: 2019 trade (NBS A060201) x {share:.3f}, the printed provinces' "
            "exports over their 2019 trade"
        )
        for province, value in trade.items():
            out.setdefault(province, (round(float(value) * ratio, 1), basis))
    return out


def read_demand(network: Network, path: str | os.PathLike) -> pd.DataFrame:
    """A user's OD demand table: a CSV with origin, destination, feu_per_year.

    Rows are numbered as in the file, the header being row 1; blank lines are skipped. The
    table is checked as :func:`check_demand` checks it, and errors name this file.

    Raises
    ------
    DataError
        A missing, unreadable, empty or header-only file, a missing column, an unknown place
        (with the closest names), a blank volume or one that is negative, not a finite number
        or above ``MAX_FEU_PER_YEAR``, volumes adding up to more than that or all zero: each
        named by file, and by row and column where it has one; at most ``MAX_SHOWN`` are
        listed, the rest counted.
    """
    check_network(network)
    if not isinstance(path, str | os.PathLike):
        msg = f"path must be the path of a CSV file (str or Path), not {type(path).__name__}"
        raise TypeError(msg)
    path = Path(path)
    if path.exists() and not path.is_file():
        raise DataError([f"{path}: not a file; the demand table is a CSV file"])
    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False
        )
    except pd.errors.EmptyDataError as err:
        header = ",".join(COLUMNS)
        msg = f"{path}: the file is empty; it needs the header {header} and a row per pair"
        raise DataError([msg]) from err
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise DataError([f"{path}: cannot read the demand table ({err})"]) from err
    missing = [c for c in COLUMNS if c not in table.columns]
    if not missing:  # blank lines (and rows of empty cells) are no rows
        table = table[(table[COLUMNS] != "").any(axis=1)]
    return _checked(network, table, str(path), table.index.to_numpy() + 2)


def check_demand(network: Network, table: pd.DataFrame, where: str = "demand") -> pd.DataFrame:
    """Check an OD table and resolve its place names to ids (rows numbered as in a CSV,
    the header being row 1).

    Rows of the same pair (origin and destination after their names are resolved, so
    "Chongqing" and "重庆" are one place) are **summed** into one, at the pair's first row;
    other columns are kept, taken from that first row. A pair joins two places (as a route
    does). Volumes are FEU per year: zero or more, finite and at most ``MAX_FEU_PER_YEAR``
    each and in all, and not all zero.

    Raises
    ------
    TypeError
        ``table`` is not a DataFrame.
    DataError
        Every problem found, each naming ``where``, the row and the column (at most
        ``MAX_SHOWN``, then how many more): a missing column, no rows, an unknown or blank
        place, a destination that is the origin, a blank volume or one that is not a number,
        negative, infinite or too large; and volumes adding up to more than
        ``MAX_FEU_PER_YEAR``, or all zero.

    Examples
    --------
    >>> from corridors import load_network
    >>> t = check_demand(load_network(), pd.DataFrame(
    ...     {"origin": ["Chongqing", "重庆"], "destination": ["Duisburg", "duisburg"],
    ...      "feu_per_year": ["120", "30"]}))
    >>> t.values.tolist()
    [['chongqing', 'duisburg', 150.0]]
    """
    check_network(network)
    if not isinstance(table, pd.DataFrame):
        columns, given = ", ".join(COLUMNS), type(table).__name__
        msg = f"the demand must be a pandas DataFrame ({columns}), not {given}"
        raise TypeError(msg)
    return _checked(network, table, where, np.arange(len(table)) + 2)


def _checked(
    network: Network, table: pd.DataFrame, where: str, numbers: np.ndarray
) -> pd.DataFrame:
    """:func:`check_demand`, with the row number of each row given."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        msg = f"{where}: missing column(s) {', '.join(missing)}; it needs {', '.join(COLUMNS)}"
        raise DataError([msg])
    if not len(table):
        msg = f"{where}: no rows below the header; it needs a row per pair: {', '.join(COLUMNS)}"
        raise DataError([msg])
    ends = {c: [_text(v) for v in table[c].tolist()] for c in ("origin", "destination")}
    ids = _place_ids(network, {name for names in ends.values() for name in names})
    cells = table["feu_per_year"].tolist()  # a pandas column is slow to walk cell by cell
    texts = [_text(v) for v in cells]
    volume = np.array([_number(v) for v in cells])
    origin = np.array([ids[n] for n in ends["origin"]], dtype=object)
    destination = np.array([ids[n] for n in ends["destination"]], dtype=object)
    unknown = {c: np.array([ids[name] is None for name in ends[c]]) for c in ends}
    same = (origin == destination) & ~unknown["origin"]
    bad = {"origin": unknown["origin"], "destination": unknown["destination"] | same}
    bad["feu_per_year"] = ~((volume >= 0) & (volume <= MAX_FEU_PER_YEAR))  # NaN too
    count = int(sum(b.sum() for b in bad.values()))
    problems: list[str] = []
    for i in np.flatnonzero(bad["origin"] | bad["destination"] | bad["feu_per_year"]):
        for column in (c for c in COLUMNS if bad[c][i]):
            if column == "feu_per_year":
                problem = _volume_problem(texts[i], volume[i])
            elif unknown[column][i]:
                problem = _place_problem(network, ends[column][i])
            else:
                problem = f"the same place as the origin ({origin[i]}); a pair joins two places"
            problems.append(f"{where} row {numbers[i]}, column {column}: {problem}")
        if len(problems) >= MAX_SHOWN:
            break
    if count:
        raise _capped_error(problems, count)
    total = math.fsum(volume)
    if total > MAX_FEU_PER_YEAR:
        msg = (
            f"{where}: the volumes add up to {total:,.6g} FEU per year, more than the "
            f"{MAX_FEU_PER_YEAR:,.0f} a demand table may hold"
        )
        raise DataError([msg])
    if total == 0:
        msg = f"{where}: every volume is zero; give at least one pair FEU per year above zero"
        raise DataError([msg])
    others = [c for c in table.columns if c not in COLUMNS]
    out = (
        table[others]
        .reset_index(drop=True)
        .assign(origin=origin, destination=destination, feu_per_year=volume)
    )
    keys = ["origin", "destination"]
    if CLASS in table.columns:
        out[CLASS] = _classes(network, table[CLASS], where, numbers)
        keys.append(CLASS)
    summed = out.groupby(keys, sort=False, as_index=False).agg(
        {"feu_per_year": "sum", **{c: "first" for c in others if c not in keys}}
    )
    return summed[[*COLUMNS, *others]]


def _classes(network: Network, cells: pd.Series, where: str, numbers: np.ndarray) -> list[str]:
    """The value class column's cells as class ids; a DataError names every blank or unknown
    one (at most ``MAX_SHOWN``)."""
    known = network.value_classes.index
    texts = [_text(v) for v in cells]
    bad = [i for i, text in enumerate(texts) if text not in known]
    problems = []
    for i in bad[:MAX_SHOWN]:
        given = f"{texts[i]!r} is not a class" if texts[i] else "blank"
        listed = ", ".join(known) if len(known) else "none: data has no value_classes.csv"
        problems.append(f"{where} row {numbers[i]}, column {CLASS}: {given}; known: {listed}")
    if bad:
        raise _capped_error(problems, len(bad))
    return texts


def _capped_error(problems: list[str], count: int) -> DataError:
    """A DataError of the first problems found and how many there are in all (the reader
    stops collecting after ``MAX_SHOWN``, so a million bad rows give a short message,
    quickly)."""
    return DataError(problems, count=count)


def _text(value) -> str:
    """A cell as text: blank for None and NaN, stripped otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value) -> float:
    """A volume cell as a float, NaN when it is not a number."""
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _place_ids(network: Network, names: set[str]) -> dict[str, str | None]:
    """Each name's place id, None where no place has it. Names are looked up by the key the
    network's name index uses, so that unknown names cost nothing until one is shown (the
    closest names are worked out only then, by :func:`_place_problem`)."""
    known = _known_names(network)
    return {n: network.resolve(n) if normalize_name(n) in known else None for n in names}


@functools.lru_cache(maxsize=8)
def _known_names(network: Network) -> frozenset[str]:
    """Every spelling of every place (id, English, Chinese, aliases), normalized; once per
    network."""
    places = network.places
    return frozenset(
        normalize_name(str(spelling))
        for pid, en, zh, aliases in zip(
            places.index, places.name_en, places.name_zh, places.aliases, strict=True
        )
        for spelling in (pid, en, zh, *aliases)
    ) - {""}


def _place_problem(network: Network, name: str) -> str:
    if not name:
        return "blank; give a place name"
    try:
        network.resolve(name)
    except UnknownPlaceError as err:
        return str(err)
    return f"{name!r} matches no place"  # not reached: _place_ids found it unknown


def _volume_problem(text: str, volume: float) -> str:
    if not text:
        return "blank; give the FEU per year, zero or more"
    if math.isnan(volume):
        return f"{text!r} is not a number of FEU per year"
    if volume < 0:
        return f"{text!r} is negative; give the FEU per year, zero or more"
    if not math.isfinite(volume):
        return f"{text!r} is not a finite number of FEU per year"
    return (
        f"{text!r} is more than the {MAX_FEU_PER_YEAR:,.0f} FEU per year a demand table may hold"
    )
