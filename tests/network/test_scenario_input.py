"""Scenario files and scenario arguments that used to crash, hang or answer wrongly (issue 19):
each is refused with a ScenarioError naming the file and the key, or now works."""

from __future__ import annotations

import math
import os
import sys
import time

import pandas as pd
import pytest
from small import border_network, write_network

from corridors.analysis.compare import appraise, compare
from corridors.analysis.routing import route
from corridors.errors import DataError, ScenarioError
from corridors.network.scenarios import (
    MAX_EXTENDS_DEPTH,
    MAX_SCENARIO_BYTES,
    Scenario,
    apply_scenario,
    load_scenario,
)
from corridors.network.schema import parameter_problem

HEAD = 'description = "test"\nsources = ["test"]\n'
DWELL_ALL = '[[scale]]\nwhat = "crossing_dwell"\nfactor = 0.5\n'


@pytest.fixture(scope="module")
def border(tmp_path_factory):
    return border_network(tmp_path_factory.mktemp("border") / "data")


def write(folder, name: str, text: str):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def hours(network, scenario=None) -> float:
    return route(network, "a", "d", scenario=scenario).total["hours"]


def od(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "feu_per_year"])


# --- the all-crossings scale -------------------------------------------------------------


def test_a_dwell_scale_with_neither_mode_nor_crossings_scales_every_crossing(border, tmp_path):
    path = write(tmp_path, "all.toml", HEAD + DWELL_ALL)
    s = load_scenario(border, path)
    assert s.summary() == ["scale crossing_dwell (all) x 0.5"]
    assert hours(border) - hours(border, s) == pytest.approx(5.0)  # 10 h entry to exit, halved
    child = write(tmp_path, "child.toml", HEAD + 'extends = ["all.toml"]\n')
    assert hours(border) - hours(border, load_scenario(border, child)) == pytest.approx(5.0)
    c = compare(border, ["base", str(path), str(child)], od=od(("a", "d", 1.0)), by="time")
    assert c.od.delta_hours.tolist() == pytest.approx([0.0, -5.0, -5.0])


def test_mode_and_crossings_together_are_summarised(border, tmp_path):
    text = HEAD + '[[scale]]\nwhat = "crossing_dwell"\nmode = "rail"\ncrossings = ["b-c"]\n'
    s = load_scenario(border, write(tmp_path, "s.toml", text + "factor = 2\n"))
    assert s.summary() == ["scale crossing_dwell (rail, b-c) x 2"]


# --- types of every key --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            '[[scale]]\nwhat = "crossing_dwell"\nmode = 5\nfactor = 0.5\n',
            r"\[\[scale\]\] 1: scale.mode must be one mode \(a string: 'rail'\), not 5",
        ),
        (
            '[[scale]]\nwhat = "crossing_dwell"\nmode = ["rail"]\nfactor = 0.5\n',
            r"scale.mode must be one mode .*not \['rail'\]",
        ),
        (
            '[[scale]]\nwhat = ["crossing_dwell"]\nfactor = 0.5\n',
            r"scale.what must be one of crossing_dwell, .*not \['crossing_dwell'\]",
        ),
        ('[[scale]]\nwhat = "crossing_dwell"\nfactor = "2"\n', "scale.factor must be a number"),
        ('[[scale]]\nwhat = "crossing_dwell"\nfactor = true\n', "scale.factor must be a number"),
        (
            '[[scale]]\nwhat = "crossing_dwell"\ncrossings = [5]\nfactor = 2\n',
            r"scale.crossings must be a list of names \(strings\), not \[5\]",
        ),
        (
            '[[scale]]\nwhat = "service_speed"\nservices = {a = 1}\nfactor = 2\n',
            "scale.services must be a list of names",
        ),
        ('[[scale]]\nwhat = "service_speed"\nfactor = 2\n', "name the services to scale"),
        ('[[scale]]\nwhat = "crossing_dwell"\nmode = "air"\nfactor = 2\n', "unknown mode 'air'"),
        ("[[set]]\nparameter = 5\nvalue = 1\n", "set.parameter must be a parameter's name"),
        ('[[set]]\nparameter = "value_of_time"\n', "set.value for value_of_time is missing"),
        (
            '[[set]]\nparameter = "value_of_time"\nvalue = "30"\n',
            "value_of_time must be a number, not '30'",
        ),
        ("name = 5\n", r"'name' must be a name \(a string\), not 5"),
        ("close = 5\n", r"'close' must be a table \(\[close\]\)"),
        ("scale = 5\n", r"'scale' must be a list of tables \(\[\[scale\]\]\)"),
        ("demand = [1]\n", r"'demand' must be a table"),
        ("[close]\nlinks = 5\n", "close.links must be a list of names"),
        ("extends = [5]\n", "extends must be a list of names"),
    ],
)
def test_every_key_is_type_checked(border, tmp_path, text, match):
    path = write(tmp_path, "typed.toml", HEAD + text)
    with pytest.raises(ScenarioError, match=match) as err:
        load_scenario(border, path)
    assert str(err.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[scale]]\nwhat = "crossing_dwell"\ncrossings = []\nfactor = 0.5\n', "scale.crossings"),
        ('[[scale]]\nwhat = "service_speed"\nservices = []\nfactor = 2\n', "scale.services"),
        ("[close]\nlinks = []\n", "close.links"),
        ("[open]\ncrossings = []\n", "open.crossings"),
    ],
)
def test_an_empty_list_is_an_error_not_all_or_nothing(border, tmp_path, text, key):
    with pytest.raises(ScenarioError, match=rf"{key} is empty; name the .* or leave the key out"):
        load_scenario(border, write(tmp_path, "empty.toml", HEAD + text))


# --- factors and values ----------------------------------------------------------------------

SPEED = '[[scale]]\nwhat = "service_speed"\nservices = ["train_a"]\nfactor = {}\n'


@pytest.mark.parametrize(
    ("ops", "match"),
    [
        (SPEED.format(99) * 5, "factors of service_speed on 'train_a' multiply to 9.5099e\\+09"),
        (SPEED.format(0.01) * 200, "factors of service_speed on 'train_a' multiply to 0 "),
        (
            SPEED.format(3),  # 50 km/h -> 150: the build allows 1-100
            "services.csv speed_kmh of 'train_a' leaves the range the build allows: "
            "150.0 is above the maximum 100",
        ),
        (SPEED.format(0), r"scale.factor must be a number from 0.01 to 100, not 0"),
        (SPEED.format(1000), "scale.factor must be a number from 0.01 to 100, not 1000"),
        (
            '[[scale]]\nwhat = "crossing_dwell"\nfactor = 50\n' * 3,
            "factors of crossing_dwell on 'b-c' multiply to 125000",
        ),
    ],
)
def test_stacked_factors_are_capped_on_their_product(border, tmp_path, ops, match):
    with pytest.raises(ScenarioError, match=match):
        load_scenario(border, write(tmp_path, "stacked.toml", HEAD + ops))


def test_factors_stack_across_extends(border, tmp_path):
    write(tmp_path, "parent.toml", HEAD + SPEED.format(0.1))
    path = write(tmp_path, "child.toml", HEAD + 'extends = ["parent.toml"]\n' + SPEED.format(0.05))
    with pytest.raises(ScenarioError, match=r"multiply to 0.005 .*extends included"):
        load_scenario(border, path)
    fine = write(tmp_path, "fine.toml", HEAD + 'extends = ["parent.toml"]\n' + SPEED.format(0.5))
    changed = load_scenario(border, fine)(border)
    assert changed.services.set_index("id").speed_kmh["train_a"] == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("parameter", "value", "match"),
    [
        ("value_of_time", "-1000", "value_of_time -1000 is outside 0-10000"),
        ("value_of_time", "nan", "value_of_time nan is not a finite number"),
        ("value_of_time", "inf", "value_of_time inf is not a finite number"),
        ("value_of_time", "1e308", r"value_of_time 1e\+308 is outside 0-10000"),
        ("container_value", "0", r"container_value 0 is outside 1000-1e\+07"),
        ("cny_per_usd", "0", "cny_per_usd 0 is outside 1-20"),
        ("market_access_theta", "-5", "market_access_theta -5 is outside 0.5-20"),
    ],
)
def test_set_values_pass_the_builds_parameter_check(border, tmp_path, parameter, value, match):
    text = HEAD + f'[[set]]\nparameter = "{parameter}"\nvalue = {value}\n'
    path = write(tmp_path, "set.toml", text)
    with pytest.raises(ScenarioError, match=rf"set.toml, \[\[set\]\] 1: set.value: {match}"):
        load_scenario(border, path)


def test_one_parameter_check_for_the_build_scenarios_and_code(border, tmp_path):
    from small import BASE

    rows = [dict(r) for r in BASE["parameters"]]
    rows[0]["value"] = "-1000"
    with pytest.raises(DataError, match=r"value_of_time -1000.0 is outside 0-10000"):
        write_network(tmp_path / "bad", parameters=rows)
    made = Scenario("made", "in code", (), set=({"parameter": "value_of_time", "value": -1000.0},))
    with pytest.raises(ScenarioError, match=r"scenario 'made': set.value: value_of_time -1000.0"):
        apply_scenario(border, made)
    assert (
        parameter_problem("value_of_time", -1000.0) == "value_of_time -1000.0 is outside 0-10000"
    )
    assert (
        parameter_problem("value_of_time", math.inf) == "value_of_time inf is not a finite number"
    )
    wild = Scenario("wild", "in code", (), scale=({"what": "crossing_dwell", "factor": 1e9},))
    with pytest.raises(ScenarioError, match=r"scenario 'wild': scale.factor must be a number"):
        apply_scenario(border, wild)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("0", "not 0"),
        ("inf", "not inf"),
        ("nan", "not nan"),
        ("-1", "not -1"),
        ('"lots"', "not 'lots'"),
    ],
)
def test_a_demand_scale_of_zero_or_infinity_is_refused(border, tmp_path, value, match):
    path = write(tmp_path, "demand.toml", HEAD + f"[demand]\nscale = {value}\n")
    with pytest.raises(
        ScenarioError, match=rf"demand.scale must be a number from 0.01 to 100, {match}"
    ):
        load_scenario(border, path)


def test_stacked_demand_scales_are_capped_too(border, tmp_path):
    write(tmp_path, "p.toml", HEAD + "[demand]\nscale = 50\n")
    path = write(tmp_path, "c.toml", HEAD + 'extends = ["p.toml"]\n[demand]\nscale = 50\n')
    with pytest.raises(ScenarioError, match=r"demand.scale .with those of the files it extends."):
        load_scenario(border, path)


# --- extends ---------------------------------------------------------------------------------


def test_relative_extends_resolve_against_the_including_files_folder(
    border, tmp_path, monkeypatch
):
    write(tmp_path, "parent.toml", HEAD + '[close]\ncrossings = ["b-c"]\n')  # the decoy
    write(tmp_path, "study/parent.toml", HEAD + '[close]\nlinks = ["a-e-road"]\n')
    child = write(tmp_path, "study/child.toml", HEAD + 'extends = ["parent.toml"]\n')
    monkeypatch.chdir(tmp_path)
    assert load_scenario(border, child).summary() == ["close links: a-e-road"]
    assert load_scenario(border, "study/child.toml").summary() == ["close links: a-e-road"]


def test_files_of_one_name_in_two_folders_are_no_cycle(border, tmp_path):
    write(tmp_path, "b/x.toml", HEAD + '[close]\nlinks = ["a-e-road"]\n')
    path = write(tmp_path, "a/x.toml", HEAD + 'extends = ["../b/x.toml"]\n')
    assert load_scenario(border, path).summary() == ["close links: a-e-road"]


def test_a_real_cycle_is_named(border, tmp_path):
    write(tmp_path, "one.toml", HEAD + 'extends = ["two.toml"]\n')
    write(tmp_path, "two.toml", HEAD + 'extends = ["one.toml"]\n')
    with pytest.raises(ScenarioError, match=r"one.toml: extends itself through .*one.toml -> "):
        load_scenario(border, tmp_path / "one.toml")


def test_a_file_extended_twice_is_read_and_applied_once(border, tmp_path):
    depth = 14  # each level extends the next twice: 2**14 paths, 15 files
    for i in range(depth):
        write(tmp_path, f"l{i}.toml", HEAD + f'extends = ["l{i + 1}.toml", "l{i + 1}.toml"]\n')
    write(tmp_path, f"l{depth}.toml", HEAD + DWELL_ALL)
    start = time.perf_counter()
    s = load_scenario(border, tmp_path / "l0.toml")
    assert time.perf_counter() - start < 5
    assert len(s.chain()) == depth + 1
    assert s.summary() == ["scale crossing_dwell (all) x 0.5"]
    assert hours(border) - hours(border, s) == pytest.approx(5.0)  # halved once, not 2**14 times


def test_extends_nest_only_so_deep(border, tmp_path):
    for i in range(500):
        write(tmp_path, f"d{i}.toml", HEAD + f'extends = ["d{i + 1}.toml"]\n')
    write(tmp_path, "d500.toml", HEAD)
    with pytest.raises(
        ScenarioError, match=rf"'extends' nests more than {MAX_EXTENDS_DEPTH} deep"
    ):
        load_scenario(border, tmp_path / "d0.toml")


def test_a_plain_name_is_a_built_in_and_a_file_needs_a_path(net, tmp_path, monkeypatch):
    write(tmp_path, "suez_closure", "not toml at all")
    write(tmp_path, "mine", HEAD)
    monkeypatch.chdir(tmp_path)
    assert load_scenario(net, "suez_closure").summary() == ["close passages: suez"]
    with pytest.raises(ScenarioError, match=r"unknown scenario 'mine'.*write \./mine"):
        load_scenario(net, "mine")


# --- what is read ------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_not_read(border):
    with pytest.raises(ScenarioError, match=r"/dev/zero: not a regular file"):
        load_scenario(border, "/dev/zero")


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs")
def test_a_fifo_does_not_hang(border, tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match=r"pipe.toml: not a regular file"):
        load_scenario(border, fifo)


def test_a_folder_is_not_read(border, tmp_path):
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(ScenarioError, match=r"folder.toml: not a regular file"):
        load_scenario(border, tmp_path / "folder.toml")


def test_a_huge_file_is_refused_by_its_size_at_once(border, tmp_path):
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:  # 60 MB, sparse: as large as 1.1 M operations
        handle.write((HEAD + SPEED.format(1)).encode())
        handle.truncate(60_000_000)
    start = time.perf_counter()
    with pytest.raises(
        ScenarioError, match=rf"huge.toml: larger than {MAX_SCENARIO_BYTES:,} bytes"
    ):
        load_scenario(border, path)
    assert time.perf_counter() - start < 2


def test_the_largest_file_allowed_loads_in_moments(border, tmp_path):
    op = '[[scale]]\nwhat = "crossing_dwell"\nfactor = 1\n'
    count = (MAX_SCENARIO_BYTES - len(HEAD)) // len(op)
    path = write(tmp_path, "many.toml", HEAD + op * count)
    start = time.perf_counter()
    s = load_scenario(border, path)
    assert len(s.scale) == count > 20_000
    assert hours(border, s) == hours(border)
    assert time.perf_counter() - start < 5


def test_a_file_that_is_not_utf8(border, tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'description = "caf\xe9"\n')
    with pytest.raises(ScenarioError, match=r"latin.toml: not UTF-8 text \(byte 18\)"):
        load_scenario(border, path)


# --- scenario arguments ------------------------------------------------------------------------


def test_apply_scenario_and_route_take_a_name(net):
    by_name = apply_scenario(net, "suez_closure")
    assert len(by_name.links) == len(load_scenario(net, "suez_closure")(net).links)
    a = route(net, "Shanghai", "Rotterdam", modes=["sea"], scenario="suez_closure")
    b = route(by_name, "Shanghai", "Rotterdam", modes=["sea"])
    assert a.total == b.total


def test_route_and_apply_scenario_name_what_they_expect(border):
    with pytest.raises(
        TypeError, match=r"scenario must be a Scenario, a built-in scenario's name"
    ):
        apply_scenario(border, 5)
    with pytest.raises(TypeError, match=r"a scenario is a built-in scenario's name .*not int"):
        load_scenario(border, 5)
    with pytest.raises(TypeError, match=r"scenario must be a built-in scenario's name.*not int"):
        route(border, "a", "d", scenario=5)
    with pytest.raises(TypeError, match=r"the scenario function returned NoneType, not a Network"):
        route(border, "a", "d", scenario=lambda network: None)
    with pytest.raises(TypeError, match=r"network must be a corridors Network .*not NoneType"):
        apply_scenario(None, "suez_closure")
    with pytest.raises(TypeError, match=r"network must be a corridors Network .*not dict"):
        load_scenario({}, "suez_closure")


def test_route_takes_a_scenario_file_path(border, tmp_path):
    path = write(tmp_path, "half.toml", HEAD + DWELL_ALL)
    assert hours(border) - hours(border, path) == pytest.approx(5.0)
    assert hours(border) - hours(border, str(path)) == pytest.approx(5.0)


def test_compare_and_appraise_take_one_name_as_one(border, tmp_path):
    path = str(write(tmp_path, "half.toml", HEAD + DWELL_ALL))
    demand = od(("a", "d", 1.0))
    assert compare(border, path, od=demand, by="time").scenarios == ["half"]
    assert appraise(border, path, od=demand).projects.scenario.tolist() == ["half"]
    with pytest.raises(TypeError, match=r"scenarios must be a scenario's name.*not int"):
        compare(border, 5, od=demand)
    with pytest.raises(TypeError, match=r"each scenario must be a name.*not float"):
        compare(border, ["base", 1.5], od=demand)


def test_compare_takes_a_built_in_name_as_one(net):
    c = compare(net, "suez_closure", od=od(("chongqing", "duisburg", 1.0)))
    assert c.scenarios == ["suez_closure"]
