"""Schema and reference integrity of data/, and the errors malformed tables give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from small import edit_csv, shipped_table

from corridors.errors import DataError
from corridors.network.schema import TABLES
from corridors.network.tables import read_tables


def test_every_table_reads_with_its_columns():
    tables = read_tables()
    assert set(tables) == set(TABLES) - {"value_classes"}  # proposed, not yet in data/
    for name, frame in tables.items():
        assert list(frame.columns[:-1]) == list(TABLES[name].column_names)
        assert len(frame) > 0, name


def test_not_a_number_names_file_line_and_column(data_copy):
    edit_csv(data_copy / "links.csv", lambda rows: rows[2].update(km="abc"))
    with pytest.raises(
        DataError, match=r"links.csv line 4, column 'km': 'abc' is not a finite number"
    ):
        read_tables(data_copy)


def test_all_problems_are_reported_at_once(data_copy):
    def break_places(rows):
        rows[0]["lat"] = "95"
        rows[1]["kind"] = "castle"
        rows[2]["iso3"] = "XXX"

    edit_csv(data_copy / "places.csv", break_places)
    with pytest.raises(DataError) as info:
        read_tables(data_copy)
    problems = info.value.problems
    assert any(
        "places.csv line 2, column 'lat': 95.0 is above the maximum 90" in p for p in problems
    )
    assert any("places.csv line 3, column 'kind': 'castle' is not one of" in p for p in problems)
    assert any(
        "places.csv line 4, column 'iso3': 'XXX' is not in countries.iso3" in p for p in problems
    )


def test_unknown_source_id_is_reported(data_copy):
    edit_csv(data_copy / "crossings.csv", lambda rows: rows[0].update(source="no_such_source"))
    with pytest.raises(
        DataError,
        match=r"crossings.csv line 2, column 'source': "
        r"'no_such_source' is not in sources.id",
    ):
        read_tables(data_copy)


def test_duplicate_key_is_reported(data_copy):
    edit_csv(data_copy / "sources.csv", lambda rows: rows.append(dict(rows[0])))
    with pytest.raises(DataError, match=r"sources.csv line \d+, column 'id': '.+' repeats line 2"):
        read_tables(data_copy)


def test_missing_required_value(data_copy):
    edit_csv(data_copy / "transfers.csv", lambda rows: rows[0].update(hours=""))
    with pytest.raises(DataError, match=r"transfers.csv line 2, column 'hours': value required"):
        read_tables(data_copy)


def test_missing_column_and_missing_file(data_copy):
    text = (data_copy / "countries.csv").read_text(encoding="utf-8")
    (data_copy / "countries.csv").write_text(text.replace("region,", "area,"), encoding="utf-8")
    (data_copy / "parameters.csv").unlink()
    with pytest.raises(DataError) as info:
        read_tables(data_copy)
    text = str(info.value)
    assert "countries.csv line 1: missing column(s) region" in text
    assert "countries.csv line 1: unknown column(s) area" in text
    assert "parameters.csv: file missing" in text


def test_extra_cells_are_reported(data_copy):
    path = data_copy / "parameters.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "x,1,h,seed001,note,extra\n", encoding="utf-8"
    )
    lines = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError, match=rf"parameters.csv line {lines}: more cells than columns"):
        read_tables(data_copy)


def test_every_source_cell_names_a_source_or_a_method():
    """The rule 'every number has a source': no numeric row without a source cell."""
    tables = read_tables()
    for name in ("crossings", "transfers", "mode_params", "parameters", "provinces"):
        for cells in tables[name]["source"]:
            assert cells, name
    for cells in tables["places"]["coord_source"]:
        assert cells


def test_data_readme_documents_every_column():
    text = (Path(__file__).parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        if table.name == "trade_types":
            continue  # documented as "Table 2 with its share rows"
        assert f"## {table.filename}" in text or table.filename in text, table.name
        for column in table.column_names:
            assert f"`{column}`" in text, (table.name, column)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_blank_required_value_in_any_table_is_named(data_copy, name):
    table = TABLES[name]
    column = next(c.name for c in table.columns if c.required)
    shutil.copy(shipped_table(table.filename), data_copy / table.filename)
    edit_csv(data_copy / table.filename, lambda rows: rows[0].update({column: ""}))
    with pytest.raises(
        DataError,
        match=rf"{table.filename} line 2, column '{column}': value "
        r"required",
    ):
        read_tables(data_copy)
