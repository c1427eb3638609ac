"""Bad OD demand tables (``--demand``, :func:`read_demand`, :func:`check_demand`): every one gets
a clear error naming the file, row and column, never a traceback or a NaN; duplicate pairs are
summed the same way by every command."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from small import BASE, crossing, link, place, write_network

from corridors.analysis.compare import compare
from corridors.analysis.criticality import criticality
from corridors.analysis.demand import (
    MAX_FEU_PER_YEAR,
    MAX_SHOWN,
    check_demand,
    read_demand,
)
from corridors.analysis.flows import assign
from corridors.cli import main
from corridors.errors import DataError

HEADER = "origin,destination,feu_per_year\n"


def csv(tmp_path: Path, text: str, name: str = "od.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# the three commands that take --demand
COMMANDS = {
    "flow": ["centrality", "--measure", "flow"],
    "criticality": ["criticality"],
    "compare": ["scenario", "compare", "base", "alashankou_closure"],
}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER, r"od\.csv: no rows below the header; it needs a row per pair"),
        (HEADER + "\n\n,,\n", r"od\.csv: no rows below the header"),
        ("", r"od\.csv: the file is empty; it needs the header origin,destination,feu_per_year"),
        (
            HEADER + "Chongqing,Duisburg,0\nChengdu,Lodz,0.0\n",
            r"od\.csv: every volume is zero; give at least one pair FEU per year above zero",
        ),
        (
            HEADER + "Chongqing,Duisburg,1e308\nChengdu,Lodz,1e308\nChongqing,Duisburg,1e308\n",
            r"od\.csv row 2, column feu_per_year: '1e308' is more than the "
            r"1,000,000,000,000 FEU per year a demand table may hold",
        ),
        (
            HEADER + "Chongqing,Duisburg,9e11\nChengdu,Lodz,9e11\n",
            r"od\.csv: the volumes add up to 1\.8e\+12 FEU per year, more than the "
            r"1,000,000,000,000 a demand table may hold",
        ),
        ("from,to,feu\nChongqing,Duisburg,1\n", r"od\.csv: missing column\(s\) origin"),
    ],
    ids=[
        "header-only",
        "blank-lines",
        "empty",
        "all-zero",
        "overflow",
        "sum-too-large",
        "columns",
    ],
)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_names_the_file(tmp_path, capsys, command, text, message):
    path = csv(tmp_path, text)
    assert main([*COMMANDS[command], "--demand", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "internal error" not in err
    assert len(err.splitlines()) <= 2 + MAX_SHOWN
    with pytest.raises(DataError, match=message):
        read_demand_of(path)


def read_demand_of(path: Path):
    from corridors.network.load import load_network

    return read_demand(load_network(), path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Chongqing,Duisburg,-3", r"row 3, column feu_per_year: '-3' is negative"),
        ("Chongqing,Duisburg,inf", r"row 3, column feu_per_year: 'inf' is not a finite number"),
        ("Chongqing,Duisburg,-inf", r"row 3, column feu_per_year: '-inf' is negative"),
        ("Chongqing,Duisburg,nan", r"row 3, column feu_per_year: 'nan' is not a number"),
        ("Chongqing,Duisburg,lots", r"row 3, column feu_per_year: 'lots' is not a number"),
        ("Chongqing,Duisburg,", r"row 3, column feu_per_year: blank; give the FEU per year"),
        ("Chongqing,Duisburg,  ", r"row 3, column feu_per_year: blank"),
        ("Chongqin,Duisburg,5", r"row 3, column origin: unknown place 'Chongqin'; closest: "),
        ("Chongqing,Duisberg,5", r"row 3, column destination: unknown place 'Duisberg'"),
        (",Duisburg,5", r"row 3, column origin: blank; give a place name"),
        (
            "Chongqing,重庆,5",
            r"row 3, column destination: the same place as the origin \(chongqing\); a pair "
            "joins two places",
        ),
    ],
)
def test_each_bad_cell_is_named_by_file_row_and_column(net, tmp_path, row, message):
    path = csv(tmp_path, HEADER + "Chengdu,Lodz,1\n" + row + "\n")
    with pytest.raises(DataError, match=rf"^1 problem in the data:\n  \S*od\.csv {message}"):
        read_demand(net, path)


def test_rows_are_numbered_as_in_the_file_blank_lines_and_all(net, tmp_path):
    path = csv(tmp_path, HEADER + "\nChengdu,Lodz,1\n\nChengdu,Lodz,-1\n")
    with pytest.raises(DataError, match=r"od\.csv row 5, column feu_per_year: '-1'"):
        read_demand(net, path)


def test_a_row_with_several_problems_lists_each(net, tmp_path):
    path = csv(tmp_path, HEADER + "Nowhere,Elsewhere,-1\n")
    with pytest.raises(DataError, match=r"^3 problems in the data") as err:
        read_demand(net, path)
    assert [p.split(":")[0].split("od.csv ")[1] for p in err.value.problems] == [
        "row 2, column origin",
        "row 2, column destination",
        "row 2, column feu_per_year",
    ]


def test_errors_are_capped_with_a_count_of_the_rest(net, tmp_path):
    rows = "".join(f"Chongqing,Duisburg,-{n}\n" for n in range(1, 58))
    with pytest.raises(DataError, match=r"^57 problems in the data \(the first 20 shown\):") as e:
        read_demand(net, csv(tmp_path, HEADER + rows))
    lines = str(e.value).splitlines()
    assert len(lines) == 1 + MAX_SHOWN + 1
    assert lines[-1] == "  ... and 37 more"
    assert "row 21, column feu_per_year: '-20' is negative" in lines[-2]


def test_many_bad_rows_are_reported_quickly(net, tmp_path):
    # a million rows took more than 600 s (the closest names of every unknown place); the
    # closest names are now worked out for the 20 shown only
    n = 200_000
    names = pd.Series(np.arange(n)).map("nowhere{}".format)
    table = pd.DataFrame({"origin": names, "destination": "Duisburg", "feu_per_year": "1"})
    path = tmp_path / "big.csv"
    table.to_csv(path, index=False)
    start = time.perf_counter()
    with pytest.raises(
        DataError, match=r"^200000 problems .*\n(.*\n){20}  \.\.\. and 199980 more$"
    ):
        read_demand(net, path)
    assert time.perf_counter() - start < 10


def test_an_empty_file_and_a_folder_are_named(net, tmp_path):
    with pytest.raises(DataError, match=r"od\.csv: the file is empty"):
        read_demand(net, csv(tmp_path, ""))
    with pytest.raises(DataError, match=r": not a file; the demand table is a CSV file"):
        read_demand(net, tmp_path)


def test_duplicate_pairs_are_summed_by_every_command(net, tmp_path, capsys):
    """One way everywhere: the rows of a pair (by any of its names) add up."""
    twice = csv(
        tmp_path,
        HEADER + "Chongqing,Duisburg,10\n重庆,duisburg,5\nChengdu,Lodz,2\n",
        "twice.csv",
    )
    once = csv(tmp_path, HEADER + "Chongqing,Duisburg,15\nChengdu,Lodz,2\n", "once.csv")
    assert read_demand(net, twice).values.tolist() == [
        ["chongqing", "duisburg", 15.0],
        ["chengdu", "lodz", 2.0],
    ]
    for args in (["criticality", "--top", "3"], COMMANDS["compare"], COMMANDS["flow"]):
        outputs = []
        for path in (twice, once):
            assert main([*args, "--demand", str(path), "--json"]) == 0
            outputs.append(json.loads(capsys.readouterr().out))
        assert outputs[0] == outputs[1], args


def test_other_columns_are_kept_from_a_pairs_first_row(net):
    table = pd.DataFrame(
        {
            "origin": ["Chongqing", "chongqing", "Chengdu"],
            "destination": ["Duisburg", "Duisburg", "Lodz"],
            "feu_per_year": [1.0, 2.0, 4.0],
            "commodity": ["laptops", "cars", "tyres"],
        }
    )
    checked = check_demand(net, table)
    assert checked.values.tolist() == [
        ["chongqing", "duisburg", 3.0, "laptops"],
        ["chengdu", "lodz", 4.0, "tyres"],
    ]
    pairs = assign(net, table, by="time").pairs
    assert pairs.commodity.tolist() == ["laptops", "tyres"]


def test_a_table_in_code_is_checked_the_same_way(net):
    table = pd.DataFrame(
        {
            "origin": ["chongqing", None],
            "destination": ["duisburg", "lodz"],
            "feu_per_year": [1, 2],
        }
    )
    with pytest.raises(DataError, match=r"^1 problem .*\n  demand row 3, column origin: blank"):
        check_demand(net, table)
    zero = pd.DataFrame(
        {"origin": ["chongqing"], "destination": ["duisburg"], "feu_per_year": [0]}
    )
    with pytest.raises(DataError, match="demand: every volume is zero"):
        criticality(net, od=zero)
    with pytest.raises(DataError, match="demand: every volume is zero"):
        compare(net, ["base"], od=zero)
    empty = zero.iloc[:0]
    with pytest.raises(DataError, match="demand: no rows below the header"):
        assign(net, empty)
    flagged = zero.assign(feu_per_year=[True])
    with pytest.raises(DataError, match="'True' is not a number"):
        check_demand(net, flagged)


def test_large_volumes_stay_finite(net):
    big = MAX_FEU_PER_YEAR / 2
    table = pd.DataFrame(
        {
            "origin": ["chongqing", "chengdu"],
            "destination": ["duisburg", "lodz"],
            "feu_per_year": [big, big],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flows = assign(net, table)
        crit = criticality(net, od=table)
        result = compare(net, ["base", "alashankou_closure"], od=table)
    assert np.isfinite(flows.links.feu_per_year).all()
    assert np.isfinite(flows.corridors.feu_km_per_year).all()
    assert np.isfinite(crit[["delta_cost_pct", "unserved_share"]]).all().all()
    assert np.isfinite(result.od.delta_pct).all()


def test_no_demand_at_all_gives_empty_flows_and_zero_shares(tmp_path):
    """The gravity model of a network whose only origin's province exports nothing sends
    nothing: no crash, no warning, no NaN."""
    countries = [*BASE["countries"], {**BASE["countries"][0], "iso3": "CHN", "name_en": "China"}]
    hub = {**place("a", "CHN", 0), "province": "p1"}
    network = write_network(
        tmp_path / "data",
        countries=countries,
        provinces=[{**BASE["provinces"][0], "exports": "0"}],
        places=[
            hub,
            place("b", "CHN", 1, "border_station"),
            place("c", "BBB", 1.01, "border_station"),
            place("d", "BBB", 2, "terminal"),
        ],
        links=[link("a", "b", "rail", 100, "1435"), link("c", "d", "rail", 100, "1520")],
        crossings=[crossing("b", "c", out=10, back=20)],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flows = assign(network)
        table = criticality(network, elements="links")
    assert flows.pairs.feu_per_year.sum() == 0 and flows.links.empty and flows.unserved == 0.0
    assert len(table) == 2
    assert (table[["delta_cost_pct", "unserved_share", "ends_share"]] == 0).all().all()
