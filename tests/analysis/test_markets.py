"""The gravity model's markets: every foreign country's GDP lands once, at its own places or at
the destination nearest to it."""

from __future__ import annotations

import pytest

from corridors.analysis.demand import gravity_demand, place_markets
from corridors.network.basemap import load_basemap


@pytest.fixture(scope="module")
def gdp():
    countries = load_basemap()
    countries = countries[(countries.iso3 != "CHN") & (countries.gdp_md_est > 0)]
    return countries.set_index("iso3").gdp_md_est


def test_every_foreign_countrys_gdp_is_counted_once(net, gdp):
    markets = place_markets(net)
    assert markets.sum() == gdp.sum()
    assert set(markets.index) == set(net.trade_ends()[1])


def test_a_country_with_a_place_keeps_its_gdp_and_shares_it_among_its_places(net, gdp):
    markets = place_markets(net)
    assert markets["busan"] == gdp["KOR"]
    assert markets["los_angeles"] == gdp["USA"] / 2 + gdp["CAN"]  # Canada lands nearest, at LA


def test_the_gravity_demand_reaches_the_markets_beyond_eurasia(net):
    demand = gravity_demand(net)
    region = net.places.iso3.map(net.countries.set_index("iso3").region)
    by_region = demand.groupby(demand.destination.map(region)).feu_per_year.sum()
    share = by_region / by_region.sum()
    assert {"americas", "east_asia", "africa", "oceania", "middle_east"} <= set(share.index)
    assert 0.15 < share["europe"] < 0.30  # China's exports to the EU-28: 17% in 2019
