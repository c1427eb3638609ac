"""CSV tables: rounded to what the numbers mean, with units in the headers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridors.outputs.csv_tables import COLUMNS, csv_text, readable


def test_each_known_column_is_renamed_rounded_and_scaled():
    frame = pd.DataFrame(
        {
            "origin": ["a", "b"],
            "hours": [369.96046, np.nan],
            "cost_usd": [7133.8404, 0.4],
            "share": [0.2373113, -1e-17],
            "error": [-0.0584285, 0.0],
            "x": [1 / 3, -2.2e-16],
        }
    )
    assert csv_text(frame) == (
        "origin,hours,cost_usd_per_feu,share_pct,error_pct,x\n"
        "a,370,7134,23.73,-5.8,0.333\n"
        "b,,0,0,0,0\n"
    )


def test_integers_and_text_pass_unchanged():
    frame = pd.DataFrame({"pairs_rerouted": [19, 3], "name": ["Hendaye - Irun", "x,y"]})
    assert csv_text(frame) == 'pairs_rerouted,name\n19,Hendaye - Irun\n3,"x,y"\n'


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_every_rule_keeps_its_unit_in_the_header(column):
    header = readable(pd.DataFrame({column: [1.0]})).columns[0]
    assert header == COLUMNS[column][0]
    if column.endswith("share") or column.endswith("error"):
        assert header.endswith("_pct")


def test_infinite_values_are_written_empty():
    frame = pd.DataFrame({"id": ["a", "b"], "x": [np.inf, 1.5]})
    assert csv_text(frame) == "id,x\na,\nb,1.5\n"
