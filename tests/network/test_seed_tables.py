"""The seed tables transcribed as printed (seed 001 Tables 1, 2, 5 and 6; seeds 003 and 004)."""

from __future__ import annotations

from corridors.network.tables import read_tables


def _by_id(name):
    return read_tables()[name].set_index("id")


def test_thirty_one_provinces_in_seven_types():
    provinces = _by_id("provinces")
    assert len(provinces) == 31
    counts = provinces["trade_type"].value_counts().to_dict()
    assert counts == {
        "export_oriented": 6,
        "domestic_trade": 6,
        "border": 5,
        "self_consistent": 4,
        "balanced": 4,
        "dual_circulation": 3,
        "import_oriented": 3,
    }
    assert set(provinces.loc[["beijing", "shanghai", "chongqing"], "trade_type"]) == {
        "dual_circulation"
    }
    assert provinces.loc["guangxi", "trade_type"] == "border"


def test_table_two_types_sum_to_the_national_row():
    """Spot values of Table 2 as printed, and shares that add to the whole country."""
    types = _by_id("trade_types")
    assert types.loc["dual_circulation", "exports"] == 23627.1
    assert types.loc["export_oriented", "gdp"] == 288956.61
    # the shares of the seven types add to 100% of the nation, as printed (to rounding)
    assert abs(types["exports_share_pct"].sum() - 100) < 0.1
    assert abs(types["gdp_share_pct"].sum() - 100) < 0.1


def test_province_figures_agree_with_their_type_totals():
    """The four self-consistent provinces add exactly to their Table 2 row (seed 001)."""
    provinces = _by_id("provinces")
    types = _by_id("trade_types")
    members = types.loc["self_consistent", "provinces"]
    assert sorted(members) == ["hubei", "hunan", "shandong", "sichuan"]
    for column in ("output", "exports", "imports", "domestic_outflow", "domestic_inflow"):
        total = provinces.loc[members, column].sum()
        assert abs(total - types.loc["self_consistent", column]) < 0.05, column


def test_types_list_every_province_once():
    types = _by_id("trade_types")
    listed = [p for ps in types["provinces"] for p in ps]
    assert sorted(listed) == sorted(_by_id("provinces").index)


def test_nineteen_city_clusters_four_core():
    clusters = _by_id("city_clusters")
    assert len(clusters) == 19
    assert sorted(clusters.index[clusters.is_core]) == [
        "chengdu_chongqing",
        "jingjinji",
        "pearl_river_delta",
        "yangtze_river_delta",
    ]
    assert "tianshan_north_slope" in set(clusters.index[clusters.is_border_gateway])
