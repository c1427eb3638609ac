"""Scenario comparison and project appraisal: what changes for every OD pair, link, crossing,
gateway and province when scenarios are applied, alone and together.

The standard OD set is the gravity model's demand of the base network
(:func:`corridors.analysis.demand.gravity_demand`: every Chinese hub to the foreign terminals, sea
ports and parks, weighted by its province's exports); pass ``od`` to use another: a table
or a CSV file's path, checked by :func:`corridors.analysis.demand.check_demand` (which sums
the rows of a pair into one). Each scenario's demand is the same table times the scenario's
``[demand] scale``. Routes are by generalized cost unless asked otherwise; deltas are
against the first scenario.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.graph.routing_graph import check_objective
from corridors.network.model import Network, check_network
from corridors.network.scenarios import Scenario, load_scenario

__all__ = ["Appraisal", "Comparison", "appraise", "compare"]

BASE = "base"


@dataclass(frozen=True)
class Comparison:
    """Tidy tables, one row per scenario and item.

    Attributes
    ----------
    od : origin, destination, scenario, feu_per_year, hours, cost_usd, generalized, crossings,
        reachable, delta_hours, delta_cost_usd, delta_pct (of generalized cost)
    elements : id, name, kind (link, crossing, sea_port), scenario, feu_per_year, delta_feu
    gateways : gateway, scenario, feu_per_year, share, delta_share
    corridors : id, name, scenario, feu_km_per_year, share, delta_share
    provinces : province, trade_type, scenario, feu_per_year, generalized (demand-weighted
        mean over the pairs served), delta_pct, unserved_share
    trade_types : the same by trade-pattern type
    flows : with ``equilibria=True``, per scenario at the stochastic user equilibrium
        (:func:`corridors.analysis.equilibrium.equilibrium`): ``mode_share`` of the boxes bound
        for the EU by how they leave China, ``crossings`` (the capacity-bound ones: id, name,
        feu_per_year, capacity_feu_per_year, utilisation, queue_hours) and
        ``surplus_change_usd_per_year`` against the first scenario
    """

    scenarios: list[str]
    od: pd.DataFrame
    elements: pd.DataFrame
    gateways: pd.DataFrame
    corridors: pd.DataFrame
    provinces: pd.DataFrame
    trade_types: pd.DataFrame
    flows: dict | None = None

    def summary(self) -> pd.DataFrame:
        """Per scenario after the first: the demand-weighted change of generalized cost of the
        pairs served (per cent), how many more pairs are cut off, and the largest gateway
        share shift in percentage points (``horgos +55.6 pp``)."""
        base = self.od[self.od.scenario == self.scenarios[0]]
        rows = []
        for name in self.scenarios[1:]:
            pairs = self.od[self.od.scenario == name]
            served = pairs[pairs.reachable]
            weight = served.feu_per_year
            gates = self.gateways[self.gateways.scenario == name]
            moved = gates.loc[gates.delta_share.abs().idxmax()] if len(gates) else None
            rows.append(
                {
                    "scenario": name,
                    "generalized_cost_change_pct": round(
                        float((served.delta_pct * weight).sum() / weight.sum())
                        if weight.sum()
                        else 0.0,
                        2,
                    ),
                    "pairs_cut_off": int((~pairs.reachable).sum() - (~base.reachable).sum()),
                    "largest_gateway_shift": ""
                    if moved is None
                    else f"{moved.gateway} {moved.delta_share * 100:+.1f} pp",
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """JSON-ready: scenarios, and od as a list of objects."""
        od = self.od.assign(crossings=self.od.crossings.map(list))
        records = od.replace({np.nan: None}).to_dict("records")
        out = {"scenarios": self.scenarios, "od": records}
        return out if self.flows is None else {**out, "flows": self.flows}


def compare(
    network: Network,
    scenarios: str | Path | Scenario | Sequence[str | Path | Scenario],
    *,
    od: pd.DataFrame | str | os.PathLike | None = None,
    by: str = "generalized",
    equilibria: bool = False,
) -> Comparison:
    """Compare scenarios (names, files or :class:`Scenario`; ``"base"`` for none). One name,
    path or Scenario on its own is one scenario, never a list of letters. Routes are
    all-or-nothing by ``by``; ``equilibria`` adds each scenario's flows by choice, with
    queues (:attr:`Comparison.flows`, about a second a scenario).

    Examples
    --------
    >>> from corridors import load_network
    >>> od = pd.DataFrame({"origin": ["chongqing"], "destination": ["duisburg"],
    ...                    "feu_per_year": [100.0]})
    >>> c = compare(load_network(), ["base", "alashankou_closure"], od=od, by="time")
    >>> c.od[["scenario", "crossings"]].values.tolist()[1]
    ['alashankou_closure', ['horgos-altynkol', 'brest-malaszewicze']]
    >>> bool(c.od.delta_hours.iloc[1] > 0)
    True
    """
    from corridors.analysis.demand import od_or_gravity
    from corridors.analysis.flows import assign_checked

    check_network(network)
    check_objective(by)
    scenarios = _listed(scenarios, "scenarios")
    if not scenarios:
        msg = "compare needs at least one scenario (base for the network as it is)"
        raise ValueError(msg)
    loaded = [_scenario(network, s) for s in scenarios]
    names = [BASE if s is None else s.name for s in loaded]
    if len(set(names)) < len(names):
        msg = f"each scenario once, please: {', '.join(names)}"
        raise ValueError(msg)
    od = od_or_gravity(network, od, by=by)
    results, equilibrium_flows = [], {}
    for name, scenario in zip(names, loaded, strict=True):
        changed = network if scenario is None else scenario(network)
        factor = 1.0 if scenario is None else scenario.demand_factor
        demand = od.assign(feu_per_year=od.feu_per_year * factor)
        results.append((name, assign_checked(changed, demand, by=by)))  # same places
        if equilibria:
            equilibrium_flows[name] = _equilibrium_flows(changed, demand)
    first = equilibrium_flows[names[0]]["surplus_usd_per_year"] if equilibria else 0.0
    for found in equilibrium_flows.values():
        found["surplus_change_usd_per_year"] = found.pop("surplus_usd_per_year") - first
    return Comparison(
        scenarios=names,
        od=_od(results),
        elements=_elements(results),
        gateways=_gateways(results),
        corridors=_corridors(results),
        provinces=_groups(network, results, "province"),
        trade_types=_groups(network, results, "trade_type"),
        flows=equilibrium_flows if equilibria else None,
    )


def _equilibrium_flows(network: Network, demand: pd.DataFrame) -> dict:
    """A scenario's EU mode shares, capacity-bound crossings and surplus at equilibrium."""
    from corridors.analysis.equilibrium import equilibrium
    from corridors.analysis.flows import land_rail_share

    found = equilibrium(network, demand)
    return {
        "mode_share": found.flows.mode_share_record(network),
        "rail_share_value": land_rail_share(network, found.flows.pairs),
        "crossings": found.crossings.to_dict("records"),
        "surplus_usd_per_year": found.surplus_usd_per_year,
    }


def _listed(scenarios, what: str) -> list:
    """A name, path or Scenario on its own as a list of one; any other iterable as a list."""
    if isinstance(scenarios, str | Path | Scenario):
        return [scenarios]
    try:
        return list(scenarios)
    except TypeError as err:
        msg = (
            f"{what} must be a scenario's name, a TOML file's path, a Scenario or a list of "
            f"them, not {type(scenarios).__name__}"
        )
        raise TypeError(msg) from err


def _scenario(network: Network, scenario) -> Scenario | None:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str) and scenario == BASE:
        return None
    if not isinstance(scenario, str | Path):
        msg = (
            "each scenario must be a name, a TOML file's path or a Scenario, "
            f"not {type(scenario).__name__}"
        )
        raise TypeError(msg)
    return load_scenario(network, scenario)


def _od(results) -> pd.DataFrame:
    from corridors.analysis.demand import CLASS

    pair = ["origin", "destination", *([CLASS] if CLASS in results[0][1].pairs else [])]
    keep = [*pair, "feu_per_year", "hours", "cost_usd", "generalized"]
    frames = [flows.pairs[[*keep, "crossings"]].assign(scenario=name) for name, flows in results]
    table = pd.concat(frames, ignore_index=True)
    table["reachable"] = table.hours.notna()
    first = frames[0].set_index(pair)
    index = pd.MultiIndex.from_frame(table[pair])
    for column, delta in (("hours", "delta_hours"), ("cost_usd", "delta_cost_usd")):
        table[delta] = table[column].to_numpy() - first[column].reindex(index).to_numpy()
    base = first["generalized"].reindex(index).to_numpy()
    table["delta_pct"] = 100 * (table.generalized.to_numpy() - base) / base
    order = [*pair, "scenario", "feu_per_year", "hours", "cost_usd"]
    rest = ["generalized", "crossings", "reachable", "delta_hours", "delta_cost_usd", "delta_pct"]
    return table[order + rest]


def _elements(results) -> pd.DataFrame:
    frames = []
    for name, flows in results:
        for frame in (flows.links, flows.crossings, flows.ports):
            frames.append(frame[["id", "name", "kind", "feu_per_year"]].assign(scenario=name))
    table = pd.concat(frames, ignore_index=True)
    wide = table.pivot_table(
        index=["id", "name", "kind"], columns="scenario", values="feu_per_year", fill_value=0.0
    )
    wide = wide.reindex(columns=[n for n, _ in results], fill_value=0.0)
    long = wide.reset_index().melt(
        id_vars=["id", "name", "kind"], var_name="scenario", value_name="feu_per_year"
    )
    first = wide.iloc[:, 0]
    long["delta_feu"] = (
        long.feu_per_year
        - first.reindex(pd.MultiIndex.from_frame(long[["id", "name", "kind"]])).to_numpy()
    )
    return long


def _gateways(results) -> pd.DataFrame:
    frames = []
    for name, flows in results:
        routed = flows.pairs[flows.pairs.gateway.ne("") & flows.pairs.hours.notna()]
        table = routed.groupby("gateway", as_index=False).feu_per_year.sum()
        table["share"] = table.feu_per_year / table.feu_per_year.sum()
        frames.append(table.assign(scenario=name))
    return _delta_share(pd.concat(frames, ignore_index=True), "gateway", results)


def _corridors(results) -> pd.DataFrame:
    frames = [flows.corridors.assign(scenario=name) for name, flows in results]
    table = pd.concat(frames, ignore_index=True)[
        ["id", "name", "scenario", "feu_km_per_year", "share"]
    ]
    return _delta_share(table, "id", results)


def _delta_share(table: pd.DataFrame, key: str, results) -> pd.DataFrame:
    first = table[table.scenario == results[0][0]].set_index(key).share
    table["delta_share"] = table.share - table[key].map(first).fillna(0.0)
    return table.reset_index(drop=True)


def _groups(network: Network, results, key: str) -> pd.DataFrame:
    """Winners and losers: demand-weighted mean generalized cost by province or type."""
    province = network.places.province
    trade_type = network.provinces.set_index("id")["trade_type"]
    rows = []
    for name, flows in results:
        pairs = flows.pairs.assign(province=flows.pairs.origin.map(province).fillna(""))
        pairs["trade_type"] = pairs.province.map(trade_type).fillna("")
        for group, found in pairs.groupby(key, sort=True):
            served = found[found.generalized.notna()]
            weight = served.feu_per_year
            total = found.feu_per_year.sum()
            rows.append(
                {
                    key: group,
                    "scenario": name,
                    "feu_per_year": float(total),
                    "generalized": float((served.generalized * weight).sum() / weight.sum())
                    if weight.sum()
                    else np.nan,
                    "unserved_share": float(1 - weight.sum() / total) if total else 0.0,
                }
            )
    table = pd.DataFrame(rows)
    first = table[table.scenario == results[0][0]].set_index(key).generalized
    table["delta_pct"] = 100 * (table.generalized / table[key].map(first) - 1)
    return table


def appraise(
    network: Network,
    projects: str | Path | Scenario | Sequence[str | Path | Scenario],
    *,
    od: pd.DataFrame | str | os.PathLike | None = None,
    by: str = "province",
) -> Appraisal:
    """Each project's change of consumer surplus, alone (base + project), in complement (all
    projects, less that one's) and all together, as the World Bank's Belt-and-Road appraisal
    does: a project worth more in complement than alone pays off only with the others.

    The surplus is that of the stochastic user equilibrium (:func:`corridors.analysis.
    equilibrium.pair_surplus`): the logsum of each pair's route and mode choice, with queues at
    the capacity-bound crossings, times the logit scale and the pair's FEU a year (Ben-Akiva
    and Lerman 1985). Every network weighs the routes that cost no more than the base's cut
    (``choice_max_cost_ratio`` times the base's best), so a project is credited with what
    it makes cheaper and not debited with dear routes its cheaper best would cut. Pairs with
    no alternative in some network are left out and counted.

    Parameters
    ----------
    by : "province", "trade_type" or "origin"
        How :attr:`Appraisal.winners` groups the pairs.

    Examples
    --------
    >>> from corridors import load_network
    >>> od = pd.DataFrame({"origin": ["dali"], "destination": ["yangon"],
    ...                    "feu_per_year": [10.0]})
    >>> found = appraise(load_network(), ["pinglu_canal", "baoshan_ruili_railway"], od=od)
    >>> found.projects.scenario.tolist()
    ['pinglu_canal', 'baoshan_ruili_railway']
    >>> bool(found.projects.alone_usd_per_year.iloc[1] > 0)
    True
    """
    from corridors.analysis.choice import Logit
    from corridors.analysis.choice_set import choice_set, cost_ceiling
    from corridors.analysis.demand import od_or_gravity
    from corridors.analysis.equilibrium import equilibrium_of, pair_surplus

    check_network(network)
    if by not in ("province", "trade_type", "origin"):
        msg = f"by must be province, trade_type or origin, not {by!r}"
        raise ValueError(msg)
    loaded = [_scenario(network, p) for p in _listed(projects, "projects")]
    if not loaded or any(p is None for p in loaded):
        msg = "appraise needs one or more project scenarios (not base)"
        raise ValueError(msg)
    od = od_or_gravity(network, od).reset_index(drop=True)
    base = choice_set(network, od)
    ceiling = cost_ceiling(network, base)  # the base's, for every network
    settled = equilibrium_of(network, base, Logit.of(network))  # cut at its own ceiling
    found: dict[tuple[int, ...], np.ndarray] = {(): settled.surplus_by_pair}

    def surplus(chosen: list[Scenario]) -> np.ndarray:
        key = tuple(sorted(id(s) for s in chosen))  # the same set of projects, once
        if key not in found:
            changed = network
            for scenario in chosen:
                changed = scenario(changed)
            found[key] = pair_surplus(changed, od, ceiling=ceiling)
        return found[key]

    base, together = surplus([]), surplus(loaded)
    alone = [surplus([p]) for p in loaded]
    without = [surplus(loaded[:i] + loaded[i + 1 :]) for i in range(len(loaded))]
    every = np.vstack([base, together, *alone, *without])
    kept = np.isfinite(every).all(axis=0)
    # the per cent changes are of what the demand spends: its FEU times the mean generalized
    # cost of the routes it takes at the base equilibrium (the surplus is only known up to
    # a constant, so it cannot be its own base)
    pairs = settled.flows.pairs
    spent = np.bincount(pairs.pair, pairs.feu_per_year * pairs.generalized, minlength=len(od))
    cost = float(spent[kept].sum())
    rows = []
    for project, one, rest in zip(loaded, alone, without, strict=True):
        gain = {
            "alone": float((one - base)[kept].sum()),
            "complement": float((together - rest)[kept].sum()),
            "together": float((together - base)[kept].sum()),
        }
        rows.append(
            {
                "scenario": project.name,
                **{f"{k}_usd_per_year": v for k, v in gain.items()},
                **{f"{k}_pct": -100 * v / cost if cost else 0.0 for k, v in gain.items()},
            }
        )
    groups = _group_of(network, od, by)
    winners = pd.DataFrame(
        {
            p.name: pd.Series((one - base)[kept]).groupby(groups[kept]).sum()
            for p, one in zip(loaded, alone, strict=True)
        }
    )
    winners.index.name = by
    return Appraisal(
        projects=pd.DataFrame(rows), winners=winners, pairs_left_out=int((~kept).sum())
    )


@dataclass(frozen=True)
class Appraisal:
    """What :func:`appraise` found.

    Attributes
    ----------
    projects : pandas.DataFrame
        scenario, alone_usd_per_year, complement_usd_per_year, together_usd_per_year (the
        consumer surplus gained, USD a year) and the same as alone_pct, complement_pct and
        together_pct: the surplus as a share of what the demand spends at the base
        equilibrium (its FEU times the mean generalized cost of its routes), negated: per
        cent, negative where shippers gain.
    winners : pandas.DataFrame
        Surplus gained by each project alone (columns), by province, trade-pattern type or
        origin (rows), USD a year.
    pairs_left_out : int
        Pairs with no alternative in one of the networks.
    """

    projects: pd.DataFrame
    winners: pd.DataFrame
    pairs_left_out: int


def _group_of(network: Network, od: pd.DataFrame, by: str) -> np.ndarray:
    """Each pair's group: its origin, or the origin's province or trade-pattern type."""
    if by == "origin":
        return od.origin.to_numpy(dtype=object)
    province = od.origin.map(network.places.province).fillna("")
    if by == "province":
        return province.to_numpy(dtype=object)
    trade_type = network.provinces.set_index("id")["trade_type"]
    return province.map(trade_type).fillna("").to_numpy(dtype=object)
