"""Calibration: fit the parameters that have a published range, never more, and say how well.

``data/fit_ranges.csv`` lists the parameters that sources give only as a range (European
block-train speed 350-400 km/day, the routine Brest-Malaszewicze wait of 48-72 h …): the
table, rows and column the value goes to, the range and its source. :func:`calibrate` fits
them, inside their ranges, to the time cases of ``data/calibration.csv`` by least squares on
the validation error (0 inside a case's published range, else the share outside it);
:func:`write_fitted` writes the values into their cells with a ``fitted:`` provenance.

The fit is exact for fixed routes: each leg's hours come from one data cell (its ``basis``),
and hours are proportional to a dwell or headway and inversely proportional to a speed. Routes
are recomputed after each fit until they no longer change. :func:`leave_one_out` refits
without each case in turn and predicts it, so errors on cases the fit did not see are
reported next to the in-sample ones.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.analysis.cases import TIME_METRICS, CaseModel, case_error, case_models, read_cases
from corridors.atomic import atomic_path
from corridors.errors import DataError
from corridors.network.schema import TABLES
from corridors.network.tables import default_data_dir, read_table

__all__ = [
    "calibrate",
    "current_values",
    "fit",
    "leave_one_out",
    "read_fit_ranges",
    "write_fitted",
]

FIT_FILE = "fit_ranges.csv"


def read_fit_ranges(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The parameters to fit, one row each, checked against the tables they point to.

    Raises
    ------
    DataError
        A range with low above high, or a table, row or column that does not exist.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    path = folder / FIT_FILE
    if not path.exists():
        return pd.DataFrame(columns=list(TABLES["fit_ranges"].column_names))
    ranges = read_table(path, "fit_ranges")
    problems = []
    for line, row in enumerate(ranges.to_dict("records"), start=2):
        where = f"{FIT_FILE} line {line}"
        if row["low"] > row["high"]:
            problems.append(f"{where}, column 'low': {row['low']} is above high {row['high']}")
        table = TABLES.get(row["table"])
        if table is None or row["column"] not in table.column_names:
            problems.append(f"{where}, column 'column': no {row['table']}.{row['column']}")
            continue
        known = _row_keys(folder / table.filename, row["table"])
        for key in row["keys"]:
            if key not in known:
                problems.append(f"{where}, column 'keys': no row {key!r} in {table.filename}")
    if problems:
        raise DataError(problems)
    return ranges


def fit(
    cases: list[CaseModel], ranges: pd.DataFrame, current: dict[str, float]
) -> dict[str, float]:
    """The parameter values, inside their ranges, that best fit ``cases``.

    Parameters
    ----------
    cases : the time cases as linear models of their routes' cells
    ranges : :func:`read_fit_ranges`
    current : the present value of every cell the ranges point to

    Returns
    -------
    dict
        parameter -> fitted value. Least squares on the cases' errors, started from the
        middle of each range, so the result does not depend on the values in ``data/``.
    """
    if ranges.empty:
        return {}
    low, high = ranges["low"].to_numpy(float), ranges["high"].to_numpy(float)
    start = (low + high) / 2
    if not cases or np.allclose(low, high):  # nothing to fit to: the middle of each range
        return {p: float(round(v, 4)) for p, v in zip(ranges["parameter"], start, strict=True)}

    from scipy.optimize import least_squares

    from corridors.analysis.blas import one_blas_thread

    residuals = _Residuals(cases, ranges, current)
    spread = np.where(high > low, high, low + 1e-9)
    with one_blas_thread():
        result = least_squares(
            residuals,
            start,
            jac=residuals.jacobian,
            bounds=(low, spread),
            x_scale=start,
            method="trf",
            xtol=1e-6,
            ftol=1e-6,
        )
    return {p: float(round(v, 4)) for p, v in zip(ranges["parameter"], result.x, strict=True)}


class _Residuals:
    """The cases' errors as a function of the parameter values, in array form.

    hours = base + A @ (scale - 1), where A holds each case's hours by cell and a cell's
    scale is old / new for a speed, new / old for hours.
    """

    def __init__(self, cases: list[CaseModel], ranges: pd.DataFrame, current: dict) -> None:
        specs = ranges.to_dict("records")
        cells = [
            (i, f"{s['table']}:{k}:{s['column']}") for i, s in enumerate(specs) for k in s["keys"]
        ]
        self.parameter = np.array([i for i, _ in cells])
        self.old = np.array([current[cell] for _, cell in cells])
        self.speed = np.array([specs[i]["column"] == "speed_kmh" for i, _ in cells])
        self.hours_by_cell = np.array(
            [[c.by_cell.get(cell, 0.0) for _, cell in cells] for c in cases]
        )
        self.base = np.array([c.hours for c in cases])
        self.unit = np.array([TIME_METRICS[c.metric] for c in cases])
        self.low = np.array([c.low for c in cases])
        self.high = np.array([c.high for c in cases])

    def values(self, parameters: np.ndarray) -> np.ndarray:
        new = parameters[self.parameter]
        scale = np.where(self.speed, self.old / new, new / self.old)
        return (self.base + self.hours_by_cell @ (scale - 1.0)) / self.unit

    def __call__(self, parameters: np.ndarray) -> np.ndarray:
        value = self.values(parameters)
        below, above = (value - self.low) / self.low, (value - self.high) / self.high
        return np.where(value < self.low, below, np.where(value > self.high, above, 0.0))

    def jacobian(self, parameters: np.ndarray) -> np.ndarray:
        """d error / d parameter, case by parameter."""
        value = self.values(parameters)
        new = parameters[self.parameter]
        dscale = np.where(self.speed, -self.old / new**2, 1.0 / self.old)
        by_cell = self.hours_by_cell * dscale / self.unit[:, None]
        by_parameter = np.zeros((len(value), len(parameters)))
        np.add.at(by_parameter.T, self.parameter, by_cell.T)
        bound = np.where(
            value < self.low, self.low, np.where(value > self.high, self.high, np.inf)
        )
        return by_parameter / bound[:, None]


def leave_one_out(
    cases: list[CaseModel], ranges: pd.DataFrame, current: dict[str, float]
) -> dict[str, float]:
    """Each case's error when the parameters are fitted without it (case_id -> error)."""
    from corridors.analysis.blas import one_blas_thread

    out = {}
    with one_blas_thread():  # once for all the fits
        for i, case in enumerate(cases):
            values = fit(cases[:i] + cases[i + 1 :], ranges, current)
            parameters = np.array([values[p] for p in ranges["parameter"]])
            out[case.case_id] = float(_Residuals([case], ranges, current)(parameters)[0])
    return out


def calibrate(network_loader, data_dir: str | Path | None = None, *, rounds: int = 4) -> dict:
    """Fit the ranged parameters to the time cases, recomputing routes until they settle.

    Parameters
    ----------
    network_loader : callable
        ``network_loader(folder)`` builds a network from a data folder (``build_network``).
    data_dir : the data folder (default: the embedded data); it is not changed.

    Returns
    -------
    dict
        ``values`` (parameter -> fitted value), ``ranges``, ``cases`` (case_id -> in-sample
        and leave-one-out error) and ``rounds`` (fits until the routes stopped changing).
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    ranges = read_fit_ranges(folder)
    cases = read_cases(folder / "calibration.csv")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "data"
        shutil.copytree(folder, work)
        values: dict[str, float] = {}
        done = 0
        while done < rounds:
            done += 1
            network = network_loader(work)
            models = case_models(network, cases)
            current = current_values(work, ranges)
            new = fit(models, ranges, current)
            write_fitted(work, new, ranges)
            if new == values:
                break
            values = new
        network = network_loader(work)
        models = case_models(network, cases)
        current = current_values(work, ranges)
        loo = leave_one_out(models, ranges, current)
    errors = {
        m.case_id: {"error": case_error(m.value(), m.low, m.high), "loo_error": loo[m.case_id]}
        for m in models
    }
    return {"values": values, "ranges": ranges, "cases": errors, "rounds": done}


def current_values(data_dir: Path, ranges: pd.DataFrame) -> dict[str, float]:
    """The value in ``data_dir`` of every cell (``table:key:column``) the ranges point to."""
    out = {}
    for table, group in ranges.groupby("table"):
        rows = _row_keys(Path(data_dir) / TABLES[table].filename, table)
        for row in group.to_dict("records"):
            for key in row["keys"]:
                out[f"{table}:{key}:{row['column']}"] = float(rows[key][row["column"]])
    return out


def write_fitted(data_dir: str | Path, values: dict[str, float], ranges: pd.DataFrame) -> None:
    """Write fitted values into their cells, each row's source saying ``fitted:`` and from
    which range; every file is replaced atomically."""
    folder = Path(data_dir)
    for table, group in ranges.groupby("table"):
        path = folder / TABLES[table].filename
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields, rows = list(reader.fieldnames or []), list(reader)
        by_key = {_key(table, row): row for row in rows}
        for spec in group.to_dict("records"):
            if spec["parameter"] not in values:
                continue
            value = values[spec["parameter"]]
            for key in spec["keys"]:
                row = by_key[key]
                row[spec["column"]] = f"{value:g}"
                row["source"] = _with_provenance(row["source"], spec, value)
        _replace_csv(path, fields, rows)


def _with_provenance(source: str, spec: dict, value: float) -> str:
    column = spec["column"]
    kept = [s for s in source.split(";") if s and not s.startswith(f"fitted: {column} ")]
    origin = " & ".join(spec["source"])
    note = (
        f"fitted: {column} {value:g} within the published range {spec['low']:g}-"
        f"{spec['high']:g} {spec['unit']} ({origin}; parameter {spec['parameter']} in {FIT_FILE})"
    ).replace(";", ",")
    return ";".join([*kept, note])


def _replace_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _key(table: str, row: dict) -> str:
    return "/".join(row[k] for k in TABLES[table].key)


def _row_keys(path: Path, table: str) -> dict[str, dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {_key(table, row): row for row in csv.DictReader(handle)}
