"""The physical network: places, links, crossings and transfers.

A :class:`Network` holds GeoDataFrames in EPSG:4326 and never changes after it is built
(:func:`corridors.network.load.load_network` builds it from ``data/``); scenarios make new
ones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from corridors.network.names import NameIndex

__all__ = ["CRS", "Network", "check_network"]

CRS = "EPSG:4326"


@dataclass(frozen=True, eq=False)
class Network:
    """A multimodal corridor network.

    Attributes
    ----------
    places, links, crossings : geopandas.GeoDataFrame
        One row per place, per link (land, inland water and sea) and per border crossing.
    transfers, mode_params, services, passages, countries, sources, provinces, trade_types,
    observed, city_clusters, corridors, parameters : pandas.DataFrame
        The other tables of ``data/``, typed.
    sea_variants : pandas.DataFrame
        Sea legs recomputed with passages closed (the router compares them with the open
        leg, and uses them when a passage is avoided).
    """

    places: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    transfers: pd.DataFrame
    mode_params: pd.DataFrame
    services: pd.DataFrame
    passages: pd.DataFrame
    countries: pd.DataFrame
    sources: pd.DataFrame
    provinces: pd.DataFrame
    trade_types: pd.DataFrame
    observed: pd.DataFrame
    city_clusters: pd.DataFrame
    corridors: pd.DataFrame
    parameters: pd.DataFrame
    sea_variants: pd.DataFrame

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
        given: the Chinese hubs, and the foreign terminals, sea ports and overseas parks.

        Examples
        --------
        >>> from corridors import load_network
        >>> origins, destinations = load_network().trade_ends()
        >>> "chongqing" in origins, "duisburg" in destinations, "qinzhou" in destinations
        (True, True, False)
        """
        places = self.places
        if origins is None:
            origins = list(places.index[(places.kind == "hub") & (places.iso3 == "CHN")])
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
