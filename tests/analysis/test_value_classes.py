"""Classes of goods by value and time sensitivity (value_classes.csv): the demand's split,
each class's value of time in the choice, and bad classes named."""

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from small import edit_csv, twin_crossings

from corridors import load_network
from corridors.analysis.choice import Logit
from corridors.analysis.choice_set import choice_set
from corridors.analysis.demand import by_class, check_demand, class_terms, gravity_demand
from corridors.analysis.equilibrium import equilibrium
from corridors.errors import DataError
from corridors.network.assemble import build_network

DATA = Path(__file__).parents[2] / "data"
CLASSES = [  # 5 and 20 USD per FEU-hour
    {"id": "cheap", "name_en": "Cheap", "export_share": "0.5", "value_usd_per_feu": "1000",
     "time_cost_pct_per_day": "12", "source": "test"},
    {"id": "dear", "name_en": "Dear", "export_share": "0.5", "value_usd_per_feu": "4000",
     "time_cost_pct_per_day": "12", "source": "test"},
]  # fmt: skip


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """The default network with the proposed classes (data/proposed/value_classes.csv)."""
    folder = shutil.copytree(DATA, tmp_path_factory.mktemp("classed") / "data")
    shutil.copy(DATA / "proposed" / "value_classes.csv", folder / "value_classes.csv")
    return build_network(folder)


def test_each_class_weighs_the_hours_at_its_own_value_of_time(tmp_path):
    net = twin_crossings(tmp_path / "data", capacity=1e6, value_classes=CLASSES)
    demand = pd.DataFrame(
        {
            "origin": "a",
            "destination": "d",
            "feu_per_year": 100.0,
            "value_class": ["cheap", "dear"],
        }
    )
    pairs = equilibrium(net, demand).flows.pairs
    fast = pairs[pairs.gateway.eq("b1")].set_index("value_class").route_share
    logit = Logit.of(net)  # both ways are rail, one nest: a logit at scale x nest
    for name, vot in (("cheap", 5.0), ("dear", 20.0)):  # the fast way saves 4 hours
        expected = 1 / (1 + math.exp(-4 * vot / (logit.scale_usd * logit.nest)))
        assert fast[name] == pytest.approx(expected, rel=1e-9)


def test_the_classes_share_the_exports_by_value_and_keep_the_feu(net):
    plain = pd.DataFrame(
        {"origin": ["chongqing"], "destination": ["duisburg"], "feu_per_year": [1000.0]}
    )
    split = by_class(net, plain)
    value, _ = class_terms(net, split)
    worth = split.feu_per_year * value
    classes = net.value_classes
    np.testing.assert_allclose(worth / worth.sum(), classes.export_share.to_numpy(), rtol=1e-12)
    assert split.feu_per_year.sum() == pytest.approx(1000.0, rel=1e-3)  # the harmonic mean


def test_a_class_s_value_of_time_is_a_day_s_cost_of_its_value_over_24_hours(net):
    _, vot = class_terms(net, pd.DataFrame({"value_class": ["high", "low"]}))
    high, low = net.value_classes.loc["high"], net.value_classes.loc["low"]
    assert vot.tolist() == [
        high.value_usd_per_feu * high.time_cost_pct_per_day / 100 / 24,
        low.value_usd_per_feu * low.time_cost_pct_per_day / 100 / 24,
    ]
    assert vot[0] > 10 * vot[1]


def test_the_gravity_demand_has_every_class_for_every_pair(net):
    demand = gravity_demand(net, origins=["Chongqing"], destinations=["Duisburg", "Singapore"])
    assert (
        sorted(demand.groupby("destination").value_class.apply(sorted).tolist())
        == [sorted(net.value_classes.index)] * 2
    )


def test_the_classes_of_a_pair_share_one_choice_set(net):
    demand = pd.DataFrame(
        {"origin": "chongqing", "destination": ["duisburg"] * 2 + ["singapore"],
         "feu_per_year": 10.0, "value_class": ["low", "high", "low"]}
    )  # fmt: skip
    alternatives = choice_set(net, demand).alternatives
    one = choice_set(net, demand.iloc[[0, 2]]).alternatives
    low, high = (alternatives[alternatives.pair == p].drop(columns="pair") for p in (0, 1))
    pd.testing.assert_frame_equal(low.reset_index(drop=True), high.reset_index(drop=True))
    assert len(alternatives) == len(one) + len(low)


def test_rows_of_a_pair_are_summed_by_class(net):
    table = pd.DataFrame(
        {"origin": "chongqing", "destination": "duisburg", "feu_per_year": [1.0, 2.0, 4.0],
         "value_class": ["low", "high", "low"]}
    )  # fmt: skip
    checked = check_demand(net, table)
    assert checked[["value_class", "feu_per_year"]].values.tolist() == [
        ["low", 5.0],
        ["high", 2.0],
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "gold",
            r"demand row 2, column value_class: 'gold' is not a class; known: low, general, high",
        ),
        ("", r"demand row 2, column value_class: blank; known: low"),
    ],
)
def test_an_unknown_or_blank_class_is_named(net, given, message):
    table = pd.DataFrame(
        {"origin": ["chongqing"], "destination": ["duisburg"], "feu_per_year": [1.0],
         "value_class": [given]}
    )  # fmt: skip
    with pytest.raises(DataError, match=message):
        check_demand(net, table)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda rows: rows[0].update(value_usd_per_feu="0"),
            r"value_classes.csv line 2, column 'value_usd_per_feu': must be above 0",
        ),
        (
            lambda rows: rows[1].update(time_cost_pct_per_day="0"),
            r"value_classes.csv line 3, column 'time_cost_pct_per_day': must be above 0",
        ),
        (
            lambda rows: rows[2].update(export_share="0.5"),
            r"value_classes.csv, column 'export_share': the shares sum to 0.916, not 1",
        ),
    ],
)
def test_a_bad_class_is_named_by_file_line_and_column(data_copy, edit, message):
    shutil.copy(DATA / "proposed" / "value_classes.csv", data_copy / "value_classes.csv")
    edit_csv(data_copy / "value_classes.csv", edit)
    with pytest.raises(DataError, match=message):
        build_network(data_copy)


def test_without_the_file_the_demand_is_one_class_at_the_parameters():
    net = load_network()
    assert net.value_classes.empty
    demand = gravity_demand(net, origins=["Chongqing"], destinations=["Duisburg"])
    assert "value_class" not in demand.columns
