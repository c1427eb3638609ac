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

Applying a scenario returns a new :class:`~corridors.network.model.Network`; the base is never
changed. A malformed file names the file, the key and the closest valid names.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corridors.errors import ScenarioError, UnknownPlaceError
from corridors.network.model import Network
from corridors.network.sea import PASSAGES
from corridors.network.tables import default_data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Scenario", "apply_scenario", "load_scenario", "scenario_names"]

SCENARIO_DIR = "scenarios"
TOP_KEYS = ("name", "description", "sources", "extends", "close", "open", "scale", "set", "demand")
CLOSE_KEYS = ("passages", "crossings", "links", "places")
OPEN_KEYS = ("links", "crossings")
SCALE_WHAT = {
    "crossing_dwell": ("what", "factor", "mode", "crossings"),
    "service_speed": ("what", "factor", "services"),
    "service_headway": ("what", "factor", "services"),
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

    @property
    def demand_factor(self) -> float:
        """The demand scale of this scenario and its parents together."""
        factor = self.demand_scale
        for parent in self.parents:
            factor *= parent.demand_factor
        return factor

    def summary(self) -> list[str]:
        """One line per operation, parents first."""
        lines = [line for parent in self.parents for line in parent.summary()]
        for kind, ids in self.close.items():
            lines.append(f"close {kind}: {', '.join(ids)}")
        for kind, ids in self.open.items():
            lines.append(f"open {kind}: {', '.join(ids)}")
        for op in self.scale:
            which = (
                op.get("mode") or ", ".join(op.get("crossings", op.get("services", ()))) or "all"
            )
            lines.append(f"scale {op['what']} ({which}) x {op['factor']:g}")
        for op in self.set:
            lines.append(f"set {op['parameter']} = {op['value']:g}")
        if self.demand_scale != 1.0:
            lines.append(f"scale demand x {self.demand_scale:g}")
        return lines


def scenario_names(data_dir: str | Path | None = None) -> list[str]:
    """The built-in scenarios (the files in ``data/scenarios``).

    Examples
    --------
    >>> "suez_closure" in scenario_names()
    True
    """
    folder = _folder(data_dir)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.exists() else []


def load_scenario(
    network: Network, name: str | Path, data_dir: str | Path | None = None
) -> Scenario:
    """Read and check a scenario: a built-in name or a TOML file's path.

    Raises
    ------
    ScenarioError
        An unknown scenario (with the closest names), a file that is not TOML (with its line),
        an unknown key, or a reference to an unknown place, link, crossing, passage, service,
        parameter or source, each named with the file, the key and the closest valid names.

    Examples
    --------
    >>> from corridors import load_network
    >>> s = load_scenario(load_network(), "suez_closure")
    >>> s.summary()
    ['close passages: suez']
    """
    return _load(network, name, data_dir, seen=())


def apply_scenario(network: Network, scenario: Scenario) -> Network:
    """The network with the scenario's operations applied (parents first); ``network`` is
    left as it was.

    Examples
    --------
    >>> from corridors import load_network
    >>> base = load_network()
    >>> closed = apply_scenario(base, load_scenario(base, "alashankou_closure"))
    >>> "alashankou-dostyk" in closed.crossings.index, "alashankou-dostyk" in base.crossings.index
    (False, True)
    """
    for parent in scenario.parents:
        network = apply_scenario(network, parent)
    links, crossings = network.links.copy(), network.crossings.copy()
    variants = network.sea_variants.copy()
    services, parameters = network.services.copy(), network.parameters.copy()
    for kind, ids in scenario.open.items():
        frame = links if kind == "links" else crossings
        frame.loc[list(ids), "status"] = "operational"
    closed = scenario.close
    for passage in closed.get("passages", ()):
        links = links[~links.passages.map(lambda found, p=passage: p in found)]
        variants = variants[~variants.passages.map(lambda found, p=passage: p in found)]
    for place in closed.get("places", ()):
        links, crossings, variants = (
            f[(f["from"] != place) & (f["to"] != place)] for f in (links, crossings, variants)
        )
    links = links.drop(index=[i for i in closed.get("links", ()) if i in links.index])
    variants = variants[~variants.index.map(lambda v: v.split("~")[0] in closed.get("links", ()))]
    crossings = crossings.drop(
        index=[i for i in closed.get("crossings", ()) if i in crossings.index]
    )
    for op in scenario.scale:
        if op["what"] == "crossing_dwell":
            chosen = crossings.index.isin(op["crossings"]) if "crossings" in op else True
            if "mode" in op:
                chosen = chosen & (crossings["mode"] == op["mode"])
            for column in ("dwell_hours_out", "dwell_hours_in"):
                crossings.loc[chosen, column] = crossings.loc[chosen, column] * op["factor"]
        else:
            column = "speed_kmh" if op["what"] == "service_speed" else "headway_hours"
            chosen = services.id.isin(op["services"])
            services.loc[chosen, column] = services.loc[chosen, column] * op["factor"]
    for op in scenario.set:
        parameters.loc[op["parameter"], "value"] = float(op["value"])
    return dataclasses.replace(
        network,
        links=links,
        crossings=crossings,
        sea_variants=variants,
        services=services,
        parameters=parameters,
    )


def _folder(data_dir) -> Path:
    return Path(data_dir or default_data_dir()) / SCENARIO_DIR


def _load(network, name, data_dir, seen: tuple[str, ...]) -> Scenario:
    path = _find(name, data_dir)
    where = str(path)
    if path.stem in seen:
        msg = f"{where}: extends itself through {' -> '.join(seen)}"
        raise ScenarioError(msg)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        msg = f"{where}: cannot read the scenario ({err})"
        raise ScenarioError(msg) from err
    except tomllib.TOMLDecodeError as err:
        msg = f"{where}: not a TOML file: {err}"
        raise ScenarioError(msg) from err
    _keys(raw, TOP_KEYS, where)
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        msg = f"{where}: 'description' is missing; say what the scenario is and why"
        raise ScenarioError(msg)
    sources = tuple(_strings(raw, "sources", where))
    _known(sources, set(network.sources.id), where, "sources", "source")
    parents = tuple(
        _load(network, parent, data_dir, (*seen, path.stem))
        for parent in _strings(raw, "extends", where)
    )
    if not sources and not parents:
        msg = f"{where}: 'sources' is empty; every scenario names where its facts come from"
        raise ScenarioError(msg)
    return Scenario(
        name=str(raw.get("name", path.stem)),
        description=description.strip(),
        sources=sources,
        path=path,
        parents=parents,
        close=_close(network, raw.get("close", {}), where),
        open=_open(network, raw.get("open", {}), where),
        scale=tuple(_scale(network, op, where) for op in _tables(raw, "scale", where)),
        set=tuple(_set(network, op, where) for op in _tables(raw, "set", where)),
        demand_scale=_demand(raw.get("demand", {}), where),
    )


def _find(name, data_dir) -> Path:
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        if not path.exists():
            msg = f"{path}: no such scenario file"
            raise ScenarioError(msg)
        return path
    names = scenario_names(data_dir)
    if str(name) not in names:
        closest = difflib.get_close_matches(str(name), names, n=3, cutoff=0.3)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        msg = f"unknown scenario {name!r}{hint} (built-in: {', '.join(names)})"
        raise ScenarioError(msg)
    return _folder(data_dir) / f"{name}.toml"


def _keys(table: dict, allowed: Iterable[str], where: str, prefix: str = "") -> None:
    for key in table:
        if key not in allowed:
            closest = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
            hint = f"; did you mean {closest[0]!r}?" if closest else ""
            msg = f"{where}: unknown key {prefix}{key!r}{hint} (allowed: {', '.join(allowed)})"
            raise ScenarioError(msg)


def _strings(table: dict, key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}: {key!r} must be a list of names"
        raise ScenarioError(msg)
    return value


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


def _section(table, key: str, allowed: Iterable[str], where: str) -> dict:
    """A [key] table of a scenario file, checked for unknown keys."""
    if not isinstance(table, dict):
        msg = f"{where}: {key!r} must be a table ([{key}])"
        raise ScenarioError(msg)
    _keys(table, allowed, where, f"{key}.")
    return table


def _close(network: Network, table: dict, where: str) -> dict[str, tuple[str, ...]]:
    _section(table, "close", CLOSE_KEYS, where)
    out = {}
    for kind in CLOSE_KEYS:
        ids = _strings(table, kind, where)
        if not ids:
            continue
        if kind == "places":
            ids = [_place(network, p, where) for p in ids]
        else:
            valid = {
                "passages": set(PASSAGES),
                "links": set(network.links.index),
                "crossings": set(network.crossings.index),
            }[kind]
            _known(ids, valid, where, f"close.{kind}", kind[:-1])
        out[kind] = tuple(ids)
    return out


def _place(network: Network, name: str, where: str) -> str:
    try:
        return network.resolve(name)
    except UnknownPlaceError as err:
        msg = f"{where}: close.places: {err}"
        raise ScenarioError(msg) from err


def _open(network: Network, table: dict, where: str) -> dict[str, tuple[str, ...]]:
    _section(table, "open", OPEN_KEYS, where)
    out = {}
    for kind in OPEN_KEYS:
        ids = _strings(table, kind, where)
        frame = network.links if kind == "links" else network.crossings
        _known(ids, set(frame.index), where, f"open.{kind}", kind[:-1])
        already = [i for i in ids if frame.loc[i, "status"] == "operational"]
        if already:
            msg = f"{where}: open.{kind}: {', '.join(already)} already operational"
            raise ScenarioError(msg)
        if ids:
            out[kind] = tuple(ids)
    return out


def _scale(network: Network, op: dict, where: str) -> dict:
    what = op.get("what")
    if what not in SCALE_WHAT:
        msg = f"{where}: scale.what must be one of {', '.join(SCALE_WHAT)}, not {what!r}"
        raise ScenarioError(msg)
    _keys(op, SCALE_WHAT[what], where, "scale.")
    factor = op.get("factor")
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 < factor < 100:
        msg = f"{where}: scale.factor must be a number above 0 (and below 100), not {factor!r}"
        raise ScenarioError(msg)
    out = {"what": what, "factor": float(factor)}
    if what == "crossing_dwell":
        if "mode" in op:
            _known([op["mode"]], set(network.crossings["mode"]), where, "scale.mode", "mode")
            out["mode"] = op["mode"]
        if "crossings" in op:
            ids = _strings(op, "crossings", where)
            _known(ids, set(network.crossings.index), where, "scale.crossings", "crossing")
            out["crossings"] = tuple(ids)
    else:
        ids = _strings(op, "services", where)
        if not ids:
            msg = f"{where}: scale.services: name the services to scale"
            raise ScenarioError(msg)
        _known(ids, set(network.services.id), where, "scale.services", "service")
        out["services"] = tuple(ids)
    return out


def _set(network: Network, op: dict, where: str) -> dict:
    _keys(op, SET_KEYS, where, "set.")
    name, value = op.get("parameter"), op.get("value")
    _known([str(name)], set(network.parameters.index), where, "set.parameter", "parameter")
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{where}: set.value for {name} must be a number, not {value!r}"
        raise ScenarioError(msg)
    return {"parameter": name, "value": float(value)}


def _demand(table: dict, where: str) -> float:
    _section(table, "demand", ("scale",), where)
    scale = table.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale >= 0:
        msg = f"{where}: demand.scale must be a number, zero or more, not {scale!r}"
        raise ScenarioError(msg)
    return float(scale)
