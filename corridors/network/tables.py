"""Reading and checking the CSV tables in ``data/``.

:func:`read_tables` reads every table, checks types, allowed values, unique keys and
references between tables, and raises one :class:`~corridors.errors.DataError` listing every
problem (file, line, column and value) rather than stopping at the first.
"""

from __future__ import annotations

import csv
import math
import os
import re
from importlib import resources
from pathlib import Path

import pandas as pd

from corridors.errors import CorridorsError, DataError
from corridors.network.schema import TABLES, Column, Table

__all__ = [
    "COMPUTED_PREFIXES",
    "data_dir_problem",
    "default_data_dir",
    "default_graphs_dir",
    "packaged_data_dir",
    "read_table",
    "read_tables",
    "writable",
]

# A source cell may name a source id or say how the figure was obtained instead.
COMPUTED_PREFIXES = ("computed:", "estimate:", "fitted:")


def default_data_dir() -> Path:
    """The data folder: ``$CORRIDORS_DATA`` if set; in a checkout the ``data/`` beside the
    package; in an installed package the copy of it shipped inside (``corridors/defaultdata``,
    read only).
    """
    env = os.environ.get("CORRIDORS_DATA")
    if env:
        return Path(env)
    checkout = _checkout_data_dir()
    if (checkout / "places.csv").exists():
        return checkout
    return packaged_data_dir()


def _checkout_data_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "data"


def data_dir_problem(data_dir: str | Path) -> str | None:
    """``"no such data directory: DIR"`` when ``data_dir`` is missing or not a folder, else None.

    Examples
    --------
    >>> data_dir_problem("/nowhere/data")
    'no such data directory: /nowhere/data'
    """
    folder = Path(data_dir)
    return None if folder.is_dir() else f"no such data directory: {folder}"


def packaged_data_dir() -> Path:
    """The default data as shipped inside the installed package (never written to)."""
    return Path(str(resources.files("corridors") / "defaultdata"))


def writable(data_dir: str | Path) -> Path:
    """``data_dir``, unless it is the copy inside the installed package, which stays read only.

    Raises
    ------
    CorridorsError
        For the packaged copy, saying how to work on a copy of one's own.
    """
    folder = Path(data_dir)
    if folder.resolve() == packaged_data_dir().resolve():
        msg = (
            f"the default data inside the installed package ({folder}) is never written to; "
            "copy that folder somewhere of your own and pass it with --data (or CORRIDORS_DATA)"
        )
        raise CorridorsError(msg)
    return folder


def read_tables(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Read and check every table; return typed DataFrames keyed by table name.

    Parameters
    ----------
    data_dir : path, optional
        Folder holding the CSV files; the default data when omitted.

    Raises
    ------
    DataError
        Listing every problem found, each naming file, line, column and value.

    Notes
    -----
    Each frame keeps a ``_line`` column: the line of the CSV file each row came from.

    Examples
    --------
    >>> tables = read_tables()
    >>> sorted(tables)[:3]
    ['calibration', 'city_clusters', 'corridors']
    >>> tables["places"].set_index("id").loc["alashankou", "iso3"]
    'CHN'
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    problem = data_dir_problem(folder)
    if problem:  # one problem, not one per missing table
        raise DataError([problem])
    problems: list[str] = []
    raw: dict[str, list[dict[str, str]]] = {}
    for table in TABLES.values():
        rows = _read_csv(folder / table.filename, table, problems)
        if rows is not None:
            raw[table.name] = rows
    typed = {name: _typed_rows(TABLES[name], rows, problems) for name, rows in raw.items()}
    _check_keys(typed, problems)
    _check_references(typed, problems)
    if problems:
        raise DataError(problems)
    return {
        name: pd.DataFrame(rows, columns=[*TABLES[name].column_names, "_line"])
        for name, rows in typed.items()
    }


def read_table(path: str | Path, name: str) -> pd.DataFrame:
    """Read and check one table file laid out like ``data/<name>.csv`` (no cross-references).

    Raises
    ------
    DataError
        Listing every problem, each naming file, line, column and value.
    """
    problems: list[str] = []
    rows = _read_csv(Path(path), TABLES[name], problems)
    typed = _typed_rows(TABLES[name], rows or [], problems)
    if problems:
        raise DataError(problems)
    return pd.DataFrame(typed, columns=[*TABLES[name].column_names, "_line"]).drop(columns="_line")


def _read_csv(path: Path, table: Table, problems: list[str]) -> list[dict[str, str]] | None:
    if not path.exists():
        if not table.optional_file:
            problems.append(f"{path.name}: file missing from {path.parent}")
        return None
    try:
        return _read_rows(path, table, problems)
    except UnicodeDecodeError as err:
        problems.append(f"{path.name}: not UTF-8 text (byte {err.start}); save it as UTF-8")
    except csv.Error as err:
        problems.append(f"{path.name}: not a readable CSV file ({err})")
    return None


def _read_rows(path: Path, table: Table, problems: list[str]) -> list[dict[str, str]] | None:
    # utf-8-sig: a byte-order mark (as Excel writes) is tolerated; so is stray header whitespace
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        twice = sorted({name for name in header if header.count(name) > 1})
        missing = [c for c in table.column_names if c not in header]
        unknown = [c for c in header if c not in table.column_names]
        if twice:
            problems.append(f"{path.name} line 1: column(s) {', '.join(twice)} appear twice")
        if missing:
            problems.append(f"{path.name} line 1: missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"{path.name} line 1: unknown column(s) {', '.join(unknown)}")
        if twice or missing or unknown:
            return None
        rows = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) > len(header):
                problems.append(f"{path.name} line {reader.line_num}: more cells than columns")
                continue
            row = dict(zip(header, [c.strip() for c in cells], strict=False))
            rows.append({name: row.get(name, "") for name in header} | {"_line": reader.line_num})
        return rows


def _typed_rows(table: Table, rows: list[dict], problems: list[str]) -> list[dict]:
    typed = []
    for row in rows:
        out: dict = {"_line": row["_line"]}
        for column in table.columns:
            where = f"{table.filename} line {row['_line']}, column {column.name!r}"
            out[column.name] = _parse(column, row[column.name], where, problems)
        typed.append(out)
    return typed


def _parse(column: Column, text: str, where: str, problems: list[str]):
    if text == "":
        if column.required:
            problems.append(f"{where}: value required")
        return {"list": [], "str": ""}.get(column.kind)
    try:
        value = _convert(column.kind, text)
        if column.kind == "list" and column.item_kind != "str":
            value = [_convert(column.item_kind, item) for item in value]
    except ValueError:
        kind = f"list of {column.item_kind}s" if column.kind == "list" else column.kind
        problems.append(f"{where}: {text!r} is not a {_NAMES.get(kind, kind)}")
        return None
    if column.pattern and not re.fullmatch(column.pattern, text):
        problems.append(f"{where}: {text!r} does not read as {column.pattern}")
    items = value if column.kind == "list" else [value]
    for item in items:
        if column.choices and item not in column.choices:
            allowed = ", ".join(str(c) for c in column.choices if c != "")
            problems.append(f"{where}: {item!r} is not one of {allowed}")
        problem = column.number_problem(item) if isinstance(item, float | int) else None
        if problem:
            problems.append(f"{where}: {problem}")
    return value


_NAMES = {"float": "finite number", "int": "whole number", "list of ints": "list of whole numbers"}


def _convert(kind: str, text: str):
    if kind == "float":
        value = float(text)
        if not math.isfinite(value):  # nan, inf, 1e999: never a figure
            raise ValueError(text)
        return value
    if kind == "int":
        return int(text)
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    if kind == "list":
        return [item.strip() for item in text.split(";") if item.strip()]
    return text


def _check_keys(typed: dict[str, list[dict]], problems: list[str]) -> None:
    for name, rows in typed.items():
        table = TABLES[name]
        seen: dict[tuple, int] = {}
        for row in rows:
            key = tuple(row[k] for k in table.key)
            if key in seen:
                problems.append(
                    f"{table.filename} line {row['_line']}, column {table.key[0]!r}: "
                    f"{'/'.join(map(str, key))!r} repeats line {seen[key]}"
                )
            seen.setdefault(key, row["_line"])


def _check_references(typed: dict[str, list[dict]], problems: list[str]) -> None:
    known: dict[str, set] = {}
    for name, rows in typed.items():
        for key in TABLES[name].key:
            known[f"{name}.{key}"] = {row[key] for row in rows}
    for name, rows in typed.items():
        for column in TABLES[name].columns:
            if not column.refers_to or column.refers_to not in known:
                continue
            for row in rows:
                values = row[column.name] if column.kind == "list" else [row[column.name]]
                for value in values or []:
                    if value is None or value == "" or _is_method(column, value):
                        continue
                    if value not in known[column.refers_to]:
                        problems.append(
                            f"{TABLES[name].filename} line {row['_line']}, column "
                            f"{column.name!r}: {value!r} is not in {column.refers_to}"
                        )


def _is_method(column: Column, value: str) -> bool:
    """A source cell that says how a figure was computed instead of naming a source."""
    return column.refers_to == "sources.id" and value.startswith(COMPUTED_PREFIXES)


def default_graphs_dir(data_dir: str | Path | None = None) -> Path:
    """Where ``corridors build`` writes (and commands look for the compiled cache) unless
    ``--out`` says otherwise.

    - a folder named ``data`` (the checkout's ``data/``, or a copy of it under that name):
      the ``graphs/`` beside it, as ``data/`` -> ``graphs/`` in the repository;
    - any other folder: a ``graphs/`` inside it, so sibling data folders (``data_2030/``,
      ``data_low/``) never share one;
    - the data inside an installed package, which is never written into: ``./graphs``.

    Examples
    --------
    >>> default_graphs_dir("/work/study/data").as_posix()
    '/work/study/graphs'
    >>> default_graphs_dir("/work/study/data_2030").as_posix()
    '/work/study/data_2030/graphs'
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    if folder.resolve() == packaged_data_dir().resolve():
        return Path.cwd() / "graphs"
    absolute = Path(os.path.abspath(folder))  # "." and "sub/.." have their real name
    if absolute.name == _checkout_data_dir().name:
        return absolute.parent / "graphs"
    return folder / "graphs"
