"""Every ``--json`` output is strict JSON: a strict parser (no NaN, no Infinity) reads it."""

from __future__ import annotations

import json

import pytest

from corridors.cli import main
from corridors.cli.common import print_json, strict_json

COMMANDS = [
    ["info"],
    ["route", "Chongqing", "Duisburg", "--alternatives", "1"],
    ["validate"],
    ["centrality", "--elements", "crossings", "--top", "5"],
    ["centrality", "--measure", "accessibility", "--top", "5"],
    ["centrality", "--measure", "flow", "--top", "5"],
    ["criticality", "--top", "5"],
    ["scenario", "list"],
    ["scenario", "show", "suez_closure"],
    ["scenario", "compare", "base", "suez_closure"],
]


def _refuse(constant: str):
    msg = f"not strict JSON: {constant}"
    raise ValueError(msg)


def strict_loads(text: str):
    return json.loads(text, parse_constant=_refuse)


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_every_json_output_is_strict(args, capsys):
    assert main([*args, "--json"]) == 0
    assert strict_loads(capsys.readouterr().out)


def test_non_finite_numbers_become_null_with_a_reason(capsys):
    print_json({"route": {"generalized": float("inf"), "hours": 3.0}, "share": float("nan")})
    out = strict_loads(capsys.readouterr().out)
    assert out == {
        "route": {"generalized": None, "generalized_reason": "infinite", "hours": 3.0},
        "share": None,
        "share_reason": "not a number",
    }
    assert strict_json([float("-inf")]) == [None]
    with pytest.raises(ValueError, match="not strict JSON: NaN"):
        strict_loads('{"a": NaN}')
