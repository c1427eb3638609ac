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
- M_j, the destination's market: the GDP of its country (Natural Earth, in the shipped
  basemap), shared equally among the destinations in that country.
- g_ij: the generalized cost of the best route (USD), theta the trade elasticity of the
  World Bank's Belt-and-Road market-access model (``market_access_theta``).

It is a model of where exports would go by the cheapest way, not of which mode shippers
choose: every FEU takes the one best route (all-or-nothing, :mod:`corridors.analysis.flows`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.errors import DataError, UnknownPlaceError
from corridors.graph.constraints import as_names
from corridors.network.model import Network

__all__ = [
    "COLUMNS",
    "check_demand",
    "gravity_demand",
    "od_or_gravity",
    "origin_exports",
    "read_demand",
]

COLUMNS = ["origin", "destination", "feu_per_year"]
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
    from corridors.analysis.skim import skim
    from corridors.network.basemap import load_basemap

    origins, destinations = (
        [network.resolve(p) for p in as_names(ends, what)]
        for ends, what in zip(
            network.trade_ends(origins, destinations), ("origins", "destinations"), strict=True
        )
    )
    table = skim(
        network, origins, destinations, by=by, avoid=avoid, modes=modes, statuses=statuses
    )
    places = network.places
    exports = origin_exports(network, sorted(set(table.origin)))
    gdp = load_basemap().set_index("iso3")["gdp_md_est"]
    chosen = places.loc[sorted(set(table.destination))]
    counts = chosen.iso3.value_counts()
    market = {p: float(gdp.get(c, 0.0)) / counts[c] for p, c in chosen.iso3.items()}
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
    out.attrs["without_exports"] = sorted(set(origins) - set(out.origin))
    return out


def od_or_gravity(network: Network, od: pd.DataFrame | None = None, **options) -> pd.DataFrame:
    """``od`` checked and its names resolved, or when None the standard OD set: the gravity
    model's demand (``options`` as for :func:`gravity_demand`)."""
    return gravity_demand(network, **options) if od is None else check_demand(network, od)


def origin_exports(network: Network, origins: list[str]) -> pd.DataFrame:
    """Each origin's exports: province, yuan (100 million), basis, FEU per year.

    Examples
    --------
    >>> from corridors import load_network
    >>> row = origin_exports(load_network(), ["chengdu", "luzhou"]).loc["chengdu"]
    >>> float(row["province_exports"]), int(row["hubs_in_province"])
    (2107.4, 2)
    """
    provinces = network.provinces.set_index("id")
    places = network.places
    parameters = network.parameters["value"]
    usd_per_feu = float(parameters["container_value"])
    cny_per_usd = float(parameters["cny_per_usd"])
    totals = network.trade_types.set_index("id")["exports"].to_dict()
    figures = _province_exports(provinces, totals)
    hubs = places[(places.kind == "hub") & places.province.fillna("").ne("")]
    per_province = hubs.province.value_counts()
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
                "hubs_in_province": count,
                "feu_per_year": 0.0 if math.isnan(feu) else feu,
            }
        )
    return pd.DataFrame(rows).set_index("origin")


def _province_exports(provinces: pd.DataFrame, totals: dict) -> dict[str, tuple[float, str]]:
    """Province -> (exports, basis): printed, or derived from its type's total when it is
    the type's only province without a figure."""
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
    return out


def read_demand(network: Network, path: str | Path) -> pd.DataFrame:
    """A user's OD demand table: a CSV with origin, destination, feu_per_year.

    Raises
    ------
    DataError
        A missing file or column, an unknown place (with the closest names), or a volume
        that is negative or not a finite number, each named by file and row.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise DataError([f"{path}: cannot read the demand table ({err})"]) from err
    return check_demand(network, table, where=str(path))


def check_demand(network: Network, table: pd.DataFrame, where: str = "demand") -> pd.DataFrame:
    """Check an OD table and resolve its place names to ids (rows numbered as in a CSV,
    the header being row 1).

    Examples
    --------
    >>> from corridors import load_network
    >>> t = check_demand(load_network(), pd.DataFrame(
    ...     {"origin": ["Chongqing"], "destination": ["Duisburg"], "feu_per_year": ["120"]}))
    >>> t.values.tolist()
    [['chongqing', 'duisburg', 120.0]]
    """
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        msg = f"{where}: missing column(s) {', '.join(missing)}; it needs {', '.join(COLUMNS)}"
        raise DataError([msg])
    problems, rows = [], []
    for number, row in enumerate(table[COLUMNS].to_dict("records"), start=2):
        try:
            ends = [network.resolve(str(row[c])) for c in ("origin", "destination")]
        except UnknownPlaceError as err:
            problems.append(f"{where} row {number}: {err}")
            continue
        try:
            volume = float(row["feu_per_year"])
        except (TypeError, ValueError):
            volume = math.nan
        if not (math.isfinite(volume) and volume >= 0):
            shown = row["feu_per_year"]
            problems.append(
                f"{where} row {number}, column feu_per_year: {shown!r} is not a finite "
                "number of FEU per year, zero or more"
            )
            continue
        rows.append({"origin": ends[0], "destination": ends[1], "feu_per_year": volume})
    if problems:
        raise DataError(problems)
    return pd.DataFrame(rows, columns=COLUMNS)
