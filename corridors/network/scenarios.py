"""Scenarios: declarative TOML files that close, open and change parts of the network.

A scenario file (``data/scenarios/NAME.toml``, or any file of the same form) has a
``description`` with ``sources`` (ids in ``sources.csv``), optionally ``extends`` (other
scenarios applied first) and operations::

    description = "The Suez Canal closed, as for six days in March 2021"
    sources = ["wiki_2021_suez_obstruction"]

    [close]                  # places, links, crossings and sea passages
    passages = ["suez"]      # sea legs that use it give way to their variants round it

    [open]                   # links and crossings under construction or planned
    links = ["port_klang-kuantan-rail"]

    [[scale]]                # multiply: crossing_dwell (by mode or ids), service_speed or
    what = "crossing_dwell"  # service_headway (by service ids)
    mode = "rail"
    factor = 0.5

    [[set]]                  # a parameter of parameters.csv
    parameter = "value_of_time"
    value = 30.0

    [demand]
    scale = 1.2              # the OD demand, for flows and comparisons

A scale with neither ``mode`` nor ``crossings`` scales every crossing. Each ``[[scale]]``
factor, the product of those stacked on one crossing or service (the file's own and those of
the files it extends) and the demand scale lie within ``SCALE_FACTOR_RANGE`` (0.01-100), and
the values they produce within the ranges the build allows (``corridors.network.schema``);
``[[set]]`` values pass the build's own check of parameters.

``extends`` names built-in scenarios, or files: a value ending in ``.toml`` or holding a ``/``
is a path, relative to the folder of the file that names it. A file extended twice (through
two parents) is read and applied once; ``extends`` nests at most ``MAX_EXTENDS_DEPTH`` deep,
and a scenario file is a regular file of at most ``MAX_SCENARIO_BYTES``.

Applying a scenario returns a new :class:`~corridors.network.model.Network`; the base is never
changed. A malformed file names the file, the key and the closest valid names.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.errors import ScenarioError, UnknownPlaceError
from corridors.network.model import Network, built_from, check_network
from corridors.network.schema import (
    PASSAGES,
    SCALE_FACTOR_RANGE,
    TABLES,
    parameter_problem,
    sea_link,
)
from corridors.network.tables import default_data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "MAX_SCENARIO_BYTES",
    "Scenario",
    "apply_scenario",
    "load_scenario",
    "scenario_names",
]

SCENARIO_DIR = "scenarios"
MAX_SCENARIO_BYTES = 1_000_000  # the built-ins hold under 1 kB each
MAX_EXTENDS_DEPTH = 20
TOP_KEYS = ("name", "description", "sources", "extends", "close", "open", "scale", "set", "demand")
CLOSE_KEYS = ("passages", "crossings", "links", "places")
OPEN_KEYS = ("links", "crossings")
SCALE_WHAT = {
    "crossing_dwell": ("what", "factor", "mode", "crossings"),
    "service_speed": ("what", "factor", "services"),
    "service_headway": ("what", "factor", "services"),
}
# what each kind of scale multiplies: the table and its columns
SCALED = {
    "crossing_dwell": ("crossings", ("dwell_hours_out", "dwell_hours_in")),
    "service_speed": ("services", ("speed_kmh",)),
    "service_headway": ("services", ("headway_hours",)),
}
SET_KEYS = ("parameter", "value")


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: what it closes, opens, scales and sets, and its parents.

    Call it (or :func:`apply_scenario`) on a network to get the changed network, so it can
    be passed as ``route(..., scenario=...)``.
    """

    name: str
    description: str
    sources: tuple[str, ...]
    path: Path | None = None
    parents: tuple[Scenario, ...] = ()
    close: dict[str, tuple[str, ...]] = field(default_factory=dict)
    open: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scale: tuple[dict, ...] = ()
    set: tuple[dict, ...] = ()
    demand_scale: float = 1.0

    def __call__(self, network: Network) -> Network:
        return apply_scenario(network, self)

    def chain(self) -> list[Scenario]:
        """This scenario and every one it extends, each once, in the order they apply:
        parents first (depth first, in the order ``extends`` lists them), itself last."""
        out: list[Scenario] = []
        seen: set[int] = set()
        pending: list[tuple[Scenario, bool]] = [(self, False)]
        while pending:  # depth-first, post-order, without recursion
            scenario, expanded = pending.pop()
            if expanded:
                if id(scenario) not in seen:
                    seen.add(id(scenario))
                    out.append(scenario)
                continue
            if id(scenario) in seen:
                continue
            pending.append((scenario, True))
            pending.extend((parent, False) for parent in reversed(scenario.parents))
        return out

    @property
    def demand_factor(self) -> float:
        """The demand scale of this scenario and its parents together."""
        return float(np.prod([s.demand_scale for s in self.chain()]))

    def summary(self) -> list[str]:
        """One line per operation, parents first."""
        lines = []
        for scenario in self.chain():
            for kind, ids in scenario.close.items():
                lines.append(f"close {kind}: {', '.join(ids)}")
            for kind, ids in scenario.open.items():
                lines.append(f"open {kind}: {', '.join(ids)}")
            for op in scenario.scale:
                which = [op["mode"]] if op.get("mode") else []
                which += list(op.get("crossings", op.get("services", ())))
                which_text = ", ".join(which) or "all"
                lines.append(f"scale {op['what']} ({which_text}) x {op['factor']:g}")
            for op in scenario.set:
                lines.append(f"set {op['parameter']} = {op['value']:g}")
            if scenario.demand_scale != 1.0:
                lines.append(f"scale demand x {scenario.demand_scale:g}")
        return lines


def scenario_names(data_dir: str | Path | None = None) -> list[str]:
    """The built-in scenarios (the files in ``data/scenarios``).

    Examples
    --------
    >>> "suez_closure" in scenario_names()
    True
    """
    folder = _folder(data_dir)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def load_scenario(
    network: Network, name: str | Path, data_dir: str | Path | None = None
) -> Scenario:
    """Read and check a scenario: a built-in name or a TOML file's path.

    Parameters
    ----------
    network : Network
        The network the scenario's names are checked against.
    name : str or Path
        A built-in scenario's name (``"suez_closure"``), or a file: a ``Path``, or a string
        ending in ``.toml`` or holding a ``/``.
    data_dir : path, optional
        The data folder whose ``scenarios/`` holds the built-ins; by default the folder
        ``network`` was built from (so ``--data DIR`` finds ``DIR/scenarios``), else the
        default data.

    Raises
    ------
    ScenarioError
        An unknown scenario (with the closest names), a file that is not TOML (with its line),
        not a regular file or too large, an unknown key or a value of the wrong type, a
        reference to an unknown place, link, crossing, passage, service, parameter or source,
        a factor or value outside its range, or ``extends`` going round in a circle or too
        deep, each named with the file, the key and the closest valid names.

    Examples
    --------
    >>> from corridors import load_network
    >>> s = load_scenario(load_network(), "suez_closure")
    >>> s.summary()
    ['close passages: suez']
    """
    check_network(network)
    if not isinstance(name, str | Path):
        msg = (
            "a scenario is a built-in scenario's name or a TOML file's path, "
            f"not {type(name).__name__}"
        )
        raise TypeError(msg)
    folder = data_dir if data_dir is not None else _network_data_dir(network)
    scenario = _load(network, name, folder, stack=(), memo={}, relative_to=None)
    apply_scenario(network, scenario)  # every factor and value checked on this network now
    return scenario


def apply_scenario(network: Network, scenario: Scenario | str | Path) -> Network:
    """The network with the scenario's operations applied (parents first, each once);
    ``network`` is left as it was.

    Parameters
    ----------
    network : Network
    scenario : Scenario, str or Path
        A loaded scenario, or a built-in scenario's name or a TOML file's path, loaded with
        :func:`load_scenario` first.

    Raises
    ------
    ScenarioError
        A factor or parameter value the build would reject (a ``Scenario`` made in code is
        checked as a file is).
    TypeError
        ``scenario`` of another type.

    Examples
    --------
    >>> from corridors import load_network
    >>> base = load_network()
    >>> closed = apply_scenario(base, "alashankou_closure")
    >>> "alashankou-dostyk" in closed.crossings.index, "alashankou-dostyk" in base.crossings.index
    (False, True)
    """
    check_network(network)
    if isinstance(scenario, str | Path):
        scenario = load_scenario(network, scenario)
    if not isinstance(scenario, Scenario):
        msg = (
            "scenario must be a Scenario, a built-in scenario's name or a TOML file's path, "
            f"not {type(scenario).__name__}"
        )
        raise TypeError(msg)
    chain = scenario.chain()
    links, crossings = network.links.copy(), network.crossings.copy()
    variants = network.sea_variants.copy()
    services, parameters = network.services.copy(), network.parameters.copy()
    # each kind of scale multiplies one factor per crossing or service: stacked, then checked
    factors: dict[str, dict[str, float]] = {what: {} for what in SCALED}
    service_ids = list(services.id)
    for each in chain:
        where = _where(each)
        for kind, ids in each.open.items():
            frame = links if kind == "links" else crossings
            frame.loc[list(ids), "status"] = "operational"
        if each.close:
            links, crossings, variants = _closed(each.close, links, crossings, variants)
        present = list(zip(crossings.index, crossings["mode"], strict=True))
        for op in each.scale:
            chosen = _chosen(op, present, service_ids, where)
            factor = _factor(op.get("factor"), where, "scale.factor")
            stacked = factors[op["what"]]
            for item in chosen:
                stacked[item] = stacked.get(item, 1.0) * factor
        for op in each.set:
            name, value = op.get("parameter"), op.get("value")
            if name not in parameters.index:
                msg = f"{where}: set.parameter: unknown parameter {name!r}"
                raise ScenarioError(msg)
            problem = parameter_problem(name, value)
            if problem:
                msg = f"{where}: set.value: {problem}"
                raise ScenarioError(msg)
            parameters.loc[name, "value"] = float(value)
    where = _where(scenario)
    _factor(scenario.demand_factor, where, "demand.scale (with those of the files it extends)")
    for what, (table, columns) in SCALED.items():
        stacked = factors[what]
        _check_stacked(stacked, what, where)
        if table == "crossings":
            factor = np.array([stacked.get(i, 1.0) for i in crossings.index], dtype=float)
            crossings = _scaled(crossings, factor, table, columns, where)
        else:
            factor = np.array([stacked.get(i, 1.0) for i in services.id], dtype=float)
            services = _scaled(services, factor, table, columns, where)
    return dataclasses.replace(
        network,
        links=links,
        crossings=crossings,
        sea_variants=variants,
        services=services,
        parameters=parameters,
    )


def _closed(close: dict, links, crossings, variants):
    for passage in close.get("passages", ()):
        links = links[~links.passages.map(lambda found, p=passage: p in found)]
        variants = variants[~variants.passages.map(lambda found, p=passage: p in found)]
    for place in close.get("places", ()):
        links, crossings, variants = (
            f[(f["from"] != place) & (f["to"] != place)] for f in (links, crossings, variants)
        )
    closed_links = set(close.get("links", ()))
    links = links.drop(index=[i for i in closed_links if i in links.index])
    variants = variants[~variants.index.map(lambda v: sea_link(v) in closed_links)]
    closed_crossings = [i for i in close.get("crossings", ()) if i in crossings.index]
    crossings = crossings.drop(index=closed_crossings)
    return links, crossings, variants


def _chosen(op: dict, crossings: list[tuple[str, str]], services: list[str], where: str):
    """The ids of the crossings (id, mode) or services one scale operation multiplies."""
    what = op.get("what")
    if what not in SCALE_WHAT:
        msg = f"{where}: scale.what must be one of {', '.join(SCALE_WHAT)}, not {what!r}"
        raise ScenarioError(msg)
    if what != "crossing_dwell":
        wanted = set(op.get("services", ()))
        return [item for item in services if item in wanted]
    named, mode = op.get("crossings"), op.get("mode")  # neither: every crossing
    wanted = None if named is None else set(named)
    return [
        item
        for item, its_mode in crossings
        if (wanted is None or item in wanted) and (mode is None or its_mode == mode)
    ]


def _factor(factor, where: str, key: str) -> float:
    """A factor within SCALE_FACTOR_RANGE."""
    low, high = SCALE_FACTOR_RANGE
    number = isinstance(factor, int | float) and not isinstance(factor, bool)
    if not number or not low <= factor <= high:
        msg = f"{where}: {key} must be a number from {low:g} to {high:g}, not {factor!r}"
        raise ScenarioError(msg)
    return float(factor)


def _check_stacked(stacked: dict[str, float], what: str, where: str) -> None:
    """Every crossing's or service's factors, multiplied, within SCALE_FACTOR_RANGE."""
    low, high = SCALE_FACTOR_RANGE
    for item, product in stacked.items():
        if not low <= product <= high:
            msg = (
                f"{where}: the [[scale]] factors of {what} on {item!r} multiply to {product:g} "
                f"(those of the scenarios it extends included); stacked, they must stay within "
                f"{low:g}-{high:g}"
            )
            raise ScenarioError(msg)


def _scaled(frame, factor: np.ndarray, table: str, columns, where: str) -> pd.DataFrame:
    """``frame`` with ``columns`` multiplied by ``factor`` (one per row), each changed value
    checked as the build checks that column."""
    if (factor == 1.0).all():
        return frame
    frame = frame.copy()
    ids = frame["id"].to_numpy() if "id" in frame.columns else frame.index.to_numpy()
    for name in columns:
        column = TABLES[table].columns[TABLES[table].column_names.index(name)]
        values = frame[name].to_numpy(dtype=float) * factor
        for i in np.flatnonzero((factor != 1.0) & ~np.isnan(values)):
            problem = column.number_problem(float(values[i]))
            if problem:
                msg = (
                    f"{where}: scaled, {table}.csv {name} of {ids[i]!r} leaves the range the "
                    f"build allows: {problem}"
                )
                raise ScenarioError(msg)
        frame[name] = values
    return frame


def _where(scenario: Scenario) -> str:
    return str(scenario.path) if scenario.path is not None else f"scenario {scenario.name!r}"


def _network_data_dir(network) -> Path:
    """The data folder ``network`` was built from, else the default data."""
    built = built_from(network)
    return built if built is not None else default_data_dir()


def _folder(data_dir) -> Path:
    return Path(data_dir or default_data_dir()) / SCENARIO_DIR


def _load(network, name, data_dir, stack: tuple[Path, ...], memo: dict, relative_to) -> Scenario:
    path = _find(name, data_dir, relative_to)
    where = str(path)
    if path in stack:
        names = " -> ".join(str(p) for p in (*stack, path))
        msg = f"{where}: extends itself through {names}"
        raise ScenarioError(msg)
    if path in memo:
        return memo[path]
    if len(stack) >= MAX_EXTENDS_DEPTH:
        msg = (
            f"{where}: 'extends' nests more than {MAX_EXTENDS_DEPTH} deep (from {stack[0]}); "
            "extend fewer files in turn"
        )
        raise ScenarioError(msg)
    raw = _read(path, where)
    _keys(raw, TOP_KEYS, where)
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        msg = f"{where}: 'description' is missing; say what the scenario is and why"
        raise ScenarioError(msg)
    label = raw.get("name", path.stem)
    if not isinstance(label, str) or not label.strip():
        msg = f"{where}: 'name' must be a name (a string), not {label!r}"
        raise ScenarioError(msg)
    sources = tuple(_strings(raw, "sources", where))
    _known(sources, set(network.sources.id), where, "sources", "source")
    parents = tuple(
        _load(network, parent, data_dir, (*stack, path), memo, path.parent)
        for parent in _strings(raw, "extends", where)
    )
    if not sources and not parents:
        msg = f"{where}: 'sources' is empty; every scenario names where its facts come from"
        raise ScenarioError(msg)
    valid = _valid_ids(network)
    scenario = Scenario(
        name=label,
        description=description.strip(),
        sources=sources,
        path=path,
        parents=parents,
        close=_close(network, raw.get("close", {}), where, valid),
        open=_open(network, raw.get("open", {}), where),
        scale=tuple(
            _scale(op, f"{where}, [[scale]] {i}", valid)
            for i, op in enumerate(_tables(raw, "scale", where), start=1)
        ),
        set=tuple(
            _set(network, op, f"{where}, [[set]] {i}")
            for i, op in enumerate(_tables(raw, "set", where), start=1)
        ),
        demand_scale=_demand(raw.get("demand", {}), where),
    )
    memo[path] = scenario
    return scenario


def _find(name, data_dir, relative_to: Path | None) -> Path:
    """The resolved path of a scenario: a file (relative to ``relative_to``, the folder of the
    file naming it, if any) or a built-in name."""
    if isinstance(name, Path) or name.endswith(".toml") or "/" in name or os.sep in name:
        path = Path(name)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        if not path.exists():
            msg = f"{path}: no such scenario file"
            raise ScenarioError(msg)
        return path.resolve()
    names = scenario_names(data_dir)
    if name not in names:
        closest = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        listed = f" (built-in: {', '.join(names)})" if names else f" (none in {_folder(data_dir)})"
        if relative_to is None and Path(name).is_file():
            listed += f"; for the file of that name, write ./{name}"
        msg = f"unknown scenario {name!r}{hint}{listed}"
        raise ScenarioError(msg)
    return (_folder(data_dir) / f"{name}.toml").resolve()


def _read(path: Path, where: str) -> dict:
    """The TOML of a regular file of at most MAX_SCENARIO_BYTES (no device, FIFO or folder:
    opened without blocking, checked before a byte is read)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        msg = f"{where}: cannot read the scenario ({err.strerror})"
        raise ScenarioError(msg) from err
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            msg = f"{where}: not a regular file; a scenario is a TOML file"
            raise ScenarioError(msg)
        data = b""
        while len(data) <= MAX_SCENARIO_BYTES:
            chunk = os.read(handle, MAX_SCENARIO_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
    finally:
        os.close(handle)
    if len(data) > MAX_SCENARIO_BYTES:
        msg = (
            f"{where}: larger than {MAX_SCENARIO_BYTES:,} bytes, too large for a scenario file "
            "(the built-in ones hold under 1 kB)"
        )
        raise ScenarioError(msg)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        msg = f"{where}: not UTF-8 text (byte {err.start}); save it as UTF-8"
        raise ScenarioError(msg) from err
    except tomllib.TOMLDecodeError as err:
        msg = f"{where}: not a TOML file: {err}"
        raise ScenarioError(msg) from err


def _keys(table: dict, allowed: Iterable[str], where: str, prefix: str = "") -> None:
    for key in table:
        if key not in allowed:
            closest = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
            hint = f"; did you mean {closest[0]!r}?" if closest else ""
            msg = f"{where}: unknown key {prefix}{key!r}{hint} (allowed: {', '.join(allowed)})"
            raise ScenarioError(msg)


def _strings(table: dict, key: str, where: str, prefix: str = "") -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}: {prefix}{key} must be a list of names (strings), not {value!r}"
        raise ScenarioError(msg)
    return value


def _ids(table: dict, key: str, where: str, prefix: str, what: str) -> list[str] | None:
    """A list of ids the operation acts on: None when the key is absent, never empty."""
    if key not in table:
        return None
    ids = _strings(table, key, where, prefix)
    if not ids:
        msg = f"{where}: {prefix}{key} is empty; name the {what} or leave the key out"
        raise ScenarioError(msg)
    return ids


def _tables(raw: dict, key: str, where: str) -> list[dict]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        msg = f"{where}: {key!r} must be a list of tables ([[{key}]])"
        raise ScenarioError(msg)
    return value


def _known(ids: Iterable[str], valid: set[str], where: str, key: str, what: str) -> None:
    for item in ids:
        if item not in valid:
            closest = difflib.get_close_matches(item, sorted(valid), n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(closest)}" if closest else ""
            msg = f"{where}: {key}: unknown {what} {item!r}{hint}"
            raise ScenarioError(msg)


def _valid_ids(network: Network) -> dict[str, set[str]]:
    return {
        "passages": set(PASSAGES),
        "links": set(network.links.index),
        "crossings": set(network.crossings.index),
        "services": set(network.services.id),
        "modes": set(network.crossings["mode"]),
    }


def _section(table, key: str, allowed: Iterable[str], where: str) -> dict:
    """A [key] table of a scenario file, checked for unknown keys."""
    if not isinstance(table, dict):
        msg = f"{where}: {key!r} must be a table ([{key}])"
        raise ScenarioError(msg)
    _keys(table, allowed, where, f"{key}.")
    return table


def _close(network: Network, table, where: str, valid: dict) -> dict[str, tuple[str, ...]]:
    _section(table, "close", CLOSE_KEYS, where)
    out = {}
    for kind in CLOSE_KEYS:
        ids = _ids(table, kind, where, "close.", f"{kind} to close")
        if ids is None:
            continue
        if kind == "places":
            ids = [_place(network, p, where) for p in ids]
        else:
            _known(ids, valid[kind], where, f"close.{kind}", kind[:-1])
        out[kind] = tuple(ids)
    return out


def _place(network: Network, name: str, where: str) -> str:
    try:
        return network.resolve(name)
    except UnknownPlaceError as err:
        msg = f"{where}: close.places: {err}"
        raise ScenarioError(msg) from err


def _open(network: Network, table, where: str) -> dict[str, tuple[str, ...]]:
    _section(table, "open", OPEN_KEYS, where)
    out = {}
    for kind in OPEN_KEYS:
        ids = _ids(table, kind, where, "open.", f"{kind} to open")
        if ids is None:
            continue
        frame = network.links if kind == "links" else network.crossings
        _known(ids, set(frame.index), where, f"open.{kind}", kind[:-1])
        already = [i for i in ids if frame.loc[i, "status"] == "operational"]
        if already:
            msg = f"{where}: open.{kind}: {', '.join(already)} already operational"
            raise ScenarioError(msg)
        out[kind] = tuple(ids)
    return out


def _scale(op: dict, where: str, valid: dict) -> dict:
    what = op.get("what")
    if not isinstance(what, str) or what not in SCALE_WHAT:
        msg = f"{where}: scale.what must be one of {', '.join(SCALE_WHAT)}, not {what!r}"
        raise ScenarioError(msg)
    _keys(op, SCALE_WHAT[what], where, "scale.")
    out: dict = {"what": what, "factor": _factor(op.get("factor"), where, "scale.factor")}
    if what == "crossing_dwell":
        if "mode" in op:
            mode = op["mode"]
            if not isinstance(mode, str):
                msg = f"{where}: scale.mode must be one mode (a string: 'rail'), not {mode!r}"
                raise ScenarioError(msg)
            _known([mode], valid["modes"], where, "scale.mode", "mode")
            out["mode"] = mode
        ids = _ids(op, "crossings", where, "scale.", "crossings to scale")
        if ids is not None:
            _known(ids, valid["crossings"], where, "scale.crossings", "crossing")
            out["crossings"] = tuple(ids)
    else:
        ids = _ids(op, "services", where, "scale.", "services to scale")
        if ids is None:
            msg = f"{where}: scale.services: name the services to scale"
            raise ScenarioError(msg)
        _known(ids, valid["services"], where, "scale.services", "service")
        out["services"] = tuple(ids)
    return out


def _set(network: Network, op: dict, where: str) -> dict:
    _keys(op, SET_KEYS, where, "set.")
    name, value = op.get("parameter"), op.get("value")
    if not isinstance(name, str):
        msg = f"{where}: set.parameter must be a parameter's name (a string), not {name!r}"
        raise ScenarioError(msg)
    _known([name], set(network.parameters.index), where, "set.parameter", "parameter")
    if "value" not in op:
        msg = f"{where}: set.value for {name} is missing"
        raise ScenarioError(msg)
    problem = parameter_problem(name, value)
    if problem:
        msg = f"{where}: set.value: {problem}"
        raise ScenarioError(msg)
    return {"parameter": name, "value": float(value)}


def _demand(table, where: str) -> float:
    _section(table, "demand", ("scale",), where)
    return _factor(table.get("scale", 1.0), where, "demand.scale")
