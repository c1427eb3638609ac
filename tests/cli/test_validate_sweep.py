"""``corridors validate --sweep``: every place pair checked, as JSON for machines (an outside
check reads its names) and as a summary by rule for people."""

from __future__ import annotations

import json

import pytest
from small import exclave_network

from corridors.analysis.sweep import RULES
from corridors.cli import main
from corridors.cli.validate import SHOWN


def _strict(text: str):
    def refuse(constant):
        msg = f"not strict JSON: {constant}"
        raise ValueError(msg)

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def exclave(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exclave") / "mine"
    exclave_network(folder, road=False)
    return folder


def test_the_default_sweep_as_json(capsys):
    assert main(["validate", "--sweep", "--json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert out == {"pairs": 156 * 155, "flagged": []}


def test_the_default_sweep_as_a_summary(capsys):
    assert main(["validate", "--sweep"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "24,180 place pairs routed by time and by generalized cost (310 of them with no "
        "route): nothing flagged"
    )
    assert lines[1:] == [f"{rule} ({meaning}): 0" for rule, meaning in RULES.items()]


def test_flags_carry_the_names_an_outside_check_reads(exclave, capsys):
    assert main(["--data", str(exclave), "validate", "--sweep", "--json"]) == 0
    out = _strict(capsys.readouterr().out)
    assert out["pairs"] == 8 * 7
    assert len(out["flagged"]) == 32
    assert all(set(f) == {"origin", "destination", "by", "rule", "detail"} for f in out["flagged"])
    assert out["flagged"][0] == {
        "origin": "c",
        "destination": "o",
        "by": "time",
        "rule": "reenters_country",
        "detail": "leaves Aland at W and comes back at X; route(): no other way found",
    }


def test_the_summary_lists_each_rule_and_a_few_flags(exclave, capsys):
    assert main(["--data", str(exclave), "validate", "--sweep"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "56 place pairs routed by time and by generalized cost: 32 flags"
    assert lines[1] == "reenters_country (leaves a country and comes back into it): 16"
    assert lines[2] == (
        "  C -> O by time: leaves Aland at W and comes back at X; route(): no other way found"
    )
    assert lines[2 + SHOWN] == f"  ... and {16 - SHOWN} more (--json lists them all)"
    assert lines[3 + SHOWN].startswith("domestic_leaves (")


def test_sweep_and_cases_do_not_mix(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--sweep", "--cases", "cases.csv"])
    assert info.value.code == 2
    assert "not allowed with argument --sweep" in capsys.readouterr().err
