"""The physical network: places, links, crossings and transfers.

A :class:`Network` holds pandas tables and never changes after it is built
(:func:`corridors.network.load.load_network` builds it from ``data/``); scenarios make new
ones. Routing needs only the tables; the geometry (EPSG:4326) is made when a map or a GIS
file first asks for it (:attr:`Network.geo`), so commands that only route never import
geopandas or shapely.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from corridors.network.names import NameIndex

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CRS", "GEO_TABLES", "GeoTables", "Network", "Shapes", "built_from", "check_network"]

CRS = "EPSG:4326"
GEO_TABLES = ("places", "links", "crossings", "sea_variants")


class Shapes:
    """The geometry of a network's places, links, crossings and sea variants: one shapely
    object per id and table, made by ``make`` when first asked for."""

    def __init__(self, make: Callable[[], dict[str, pd.Series]]):
        self._make = make
        self._made: dict[str, pd.Series] | None = None

    def __getitem__(self, table: str) -> pd.Series:
        if self._made is None:
            self._made = self._make()
        return self._made[table]


@dataclass(frozen=True)
class GeoTables:
    """A network's tables with their geometry, as GeoDataFrames in EPSG:4326."""

    places: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    sea_variants: gpd.GeoDataFrame


@dataclass(frozen=True, eq=False)
class Network:
    """A multimodal corridor network.

    Attributes
    ----------
    places, links, crossings : pandas.DataFrame
        One row per place, per link (land, inland water and sea) and per border crossing;
        with their geometry in :attr:`geo`.
    transfers, mode_params, services, passages, countries, sources, provinces, trade_types,
    value_classes, observed, city_clusters, corridors, parameters : pandas.DataFrame
        The other tables of ``data/``, typed.
    sea_variants : pandas.DataFrame
        Sea legs recomputed with passages closed (the router compares them with the open
        leg, and uses them when a passage is avoided).
    shapes : Shapes
        The geometry of each place, link, crossing and sea variant, by id.
    """

    places: pd.DataFrame
    links: pd.DataFrame
    crossings: pd.DataFrame
    transfers: pd.DataFrame
    mode_params: pd.DataFrame
    services: pd.DataFrame
    passages: pd.DataFrame
    countries: pd.DataFrame
    sources: pd.DataFrame
    provinces: pd.DataFrame
    trade_types: pd.DataFrame
    value_classes: pd.DataFrame
    observed: pd.DataFrame
    city_clusters: pd.DataFrame
    corridors: pd.DataFrame
    parameters: pd.DataFrame
    sea_variants: pd.DataFrame
    shapes: Shapes = field(repr=False)

    @functools.cached_property
    def geo(self) -> GeoTables:
        """Places, links, crossings and sea variants with their geometry (GeoDataFrames).

        Examples
        --------
        >>> from corridors import load_network
        >>> net = load_network()
        >>> net.geo.places.crs.to_string(), net.geo.links.geom_type["sea:lianyungang-rotterdam"]
        ('EPSG:4326', 'LineString')
        """
        import geopandas as gpd  # only maps and GIS files need it

        def framed(table: str) -> gpd.GeoDataFrame:
            frame = getattr(self, table)
            shapes = self.shapes[table].reindex(frame.index)
            return gpd.GeoDataFrame(frame, geometry=shapes.to_numpy(), crs=CRS)

        return GeoTables(*(framed(table) for table in GEO_TABLES))

    @functools.cached_property
    def place_country(self) -> dict[str, str]:
        """The country (ISO 3166 alpha-3) of each place id, made once.

        Examples
        --------
        >>> from corridors import load_network
        >>> load_network().place_country["horgos"]
        'CHN'
        """
        return self.places.iso3.to_dict()

    @functools.cached_property
    def _names(self) -> NameIndex:
        return NameIndex(
            (row.id, row.name_en, [row.name_en, row.name_zh, *row.aliases])
            for row in self.places.itertuples()
        )

    def resolve(self, name: str) -> str:
        """Place id for an id, English or Chinese name or alias (case and accents ignored).

        Raises
        ------
        UnknownPlaceError
            Listing the closest names.

        Examples
        --------
        >>> from corridors import load_network
        >>> net = load_network()
        >>> net.resolve("Khorgos"), net.resolve("阿拉山口"), net.resolve("lodz")
        ('horgos', 'alashankou', 'lodz')
        """
        return self._names.resolve(name)

    def trade_ends(self, origins=None, destinations=None) -> tuple[list[str], list[str]]:
        """The origins and destinations of China's trade that studies start from, unless
        given: the Chinese hubs and the sea ports of the provinces with no hub (where their
        goods meet the network: Shanghai, Guangzhou and Shenzhen ...), and the foreign
        terminals, sea ports and overseas parks.

        Examples
        --------
        >>> from corridors import load_network
        >>> origins, destinations = load_network().trade_ends()
        >>> "chongqing" in origins, "shenzhen" in origins, "qinzhou" in origins
        (True, True, False)
        >>> "duisburg" in destinations, "qinzhou" in destinations
        (True, False)
        """
        places = self.places
        if origins is None:
            home = places[(places.iso3 == "CHN") & places.province.fillna("").ne("")]
            hubs = home[home.kind == "hub"]
            ports = home[(home.kind == "sea_port") & ~home.province.isin(hubs.province)]
            origins = sorted([*hubs.index, *ports.index])
        if destinations is None:
            kinds = ["terminal", "sea_port", "overseas_park"]
            destinations = list(places.index[(places.iso3 != "CHN") & places.kind.isin(kinds)])
        return list(origins), list(destinations)

    def place(self, name: str) -> pd.Series:
        """The row of ``places`` for a place name (see :meth:`resolve`)."""
        return self.places.loc[self.resolve(name)]


def check_network(value, what: str = "network") -> Network:
    """``value`` if it is a :class:`Network`; otherwise a TypeError saying what was expected.

    The public entry points call this first, so a wrong argument is named, not met later as
    an AttributeError deep inside.

    Examples
    --------
    >>> check_network({})
    Traceback (most recent call last):
    ...
    TypeError: network must be a corridors Network (corridors.load_network()), not dict
    """
    if not isinstance(value, Network):
        msg = (
            f"{what} must be a corridors Network (corridors.load_network()), "
            f"not {type(value).__name__}"
        )
        raise TypeError(msg)
    return value


def built_from(network: Network) -> Path | None:
    """The data folder ``network`` was built from, None for a network made any other way
    (a scenario's copy, say): only the former may use the caches of that folder."""
    return _BUILT_FROM.get(network)


def remember_source(network: Network, data_dir: Path) -> Network:
    """Record that ``network`` was built, unchanged, from ``data_dir``."""
    _BUILT_FROM[network] = data_dir.resolve()
    return network


_BUILT_FROM: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
