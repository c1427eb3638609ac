"""Validation against published figures."""

from __future__ import annotations

import pytest

from corridors.analysis.cases import read_cases
from corridors.analysis.validation import summarize, validate
from corridors.errors import DataError


@pytest.fixture(scope="module")
def table(net):
    return validate(net)


def test_every_case_is_routed(table):
    assert table.model.notna().all(), table[table.model.isna()]


def test_quality_bar_on_the_rail_corridors(table):
    """Route km within 10% of the published China-Europe lengths; time within range +-20%."""
    by_id = table.set_index("case_id")
    for case in ("cq-dui-km", "zz-ham-km", "cd-lodz-km", "harbin-ham-km", "km-vte-km"):
        assert abs(by_id.error[case]) <= 0.10, case
    for case in ("cq-dui-days", "zz-ham-days", "cd-lodz-days", "harbin-ham-days"):
        assert abs(by_id.error[case]) <= 0.20, case
    assert by_id.model["sha-rtm-suez-nm"] == pytest.approx(10600, rel=0.01)


def test_qinzhou_beats_the_yangtze_by_weeks(table):
    saving = table.set_index("case_id").model["cq-sin-yangtze-saving"]
    assert 12 < saving < 25  # published: about 20 days


def test_summary(table):
    summary = summarize(table)
    assert set(summary) == {"km", "nm", "hours", "days", "days_saved"}
    assert summary["km"]["routed"] == summary["km"]["cases"]
    assert 0 <= summary["km"]["wape"] < 0.1


def test_error_is_zero_inside_the_range_and_signed_outside(net):
    cases = read_cases()
    one = cases[cases.case_id == "sha-rtm-suez-days"].copy()
    low = validate(net, one.assign(low=1000.0, high=2000.0)).iloc[0]
    assert low.error < 0 and not low.within_range
    wide = validate(net, one.assign(low=1.0, high=1000.0)).iloc[0]
    assert wide.error == 0 and wide.within_range


def test_unroutable_case_keeps_its_row(net):
    cases = read_cases().head(1).assign(modes=[["road"]], via=[["Alashankou"]])
    row = validate(net, cases).iloc[0]
    assert row.note.startswith("not routed:")


def test_bad_cases_file(tmp_path, net):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,origin\nx,Chongqing\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"cases\.csv line 1: missing column"):
        read_cases(path)
