"""The figures README.md quotes from a computation, written by the code that computes them.

README.md holds them in marked blocks, ``<!-- figures:NAME start -->`` ... ``<!-- figures:NAME
end -->``, each a paragraph or a table whose wording lives in :data:`TEMPLATES` below and
whose numbers come from the default network. Figures quoted inside other sentences (a
parameter, a count, a route in a code example) are listed in :func:`quoted` and
:func:`data_quoted` (for data/README.md): the text must contain them exactly.
``tests/test_readme.py`` regenerates all of it and fails when the READMEs differ, naming the
command that refreshes them::

    python docs/figures.py            # rewrite the figure blocks of README.md
    python docs/figures.py --check    # exit 1 and say what differs; write nothing

Timings are different: they belong to a machine and a day, so the timing block
(``<!-- timings:speed start -->`` ... ``end -->``) is written only from a saved run of
``benchmarks/run.py`` and no test compares it::

    python benchmarks/run.py --json > /tmp/bench.jsonl
    python benchmarks/run.py --candidates --json > /tmp/candidates.jsonl   # optional
    python docs/figures.py --timings /tmp/bench.jsonl [/tmp/candidates.jsonl]
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA_README = ROOT / "data" / "README.md"
COMMAND = "python docs/figures.py"


# --- computing ---------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything the README quotes, computed once."""

    network: object
    counts: dict
    validation: pd.DataFrame
    crossing_betweenness: pd.DataFrame
    accessibility: pd.DataFrame
    exports: pd.DataFrame
    od_pairs: int
    flows: object
    flows_by_cost: object
    equilibrium: object
    appraisal: object
    observed: pd.DataFrame
    observed_by_cost: pd.DataFrame
    comparison: object
    critical_crossings: pd.DataFrame
    critical_links: pd.DataFrame
    suez_days: tuple[float, float]
    erenhot_crossings: list[str]
    opening_waits: dict
    sweep: object


APPRAISED = [
    "pinglu_canal",
    "ecrl_kuantan",
    "china_kyrgyzstan_uzbekistan_railway",
    "baoshan_ruili_railway",
]


def compute(network=None) -> Figures:
    """Run every computation the README quotes (a few seconds)."""
    import corridors
    from corridors.analysis.demand import origin_exports
    from corridors.graph.costs import opening_wait_hours
    from corridors.outputs.report import SCENARIOS

    net = network if network is not None else corridors.load_network()
    origins, destinations = net.trade_ends()
    demand = corridors.gravity_demand(net)  # the standard OD set, made once
    flows = corridors.assign(net, demand)
    by_cost = corridors.assign(net, by="cost")
    sea = dict(modes=["sea"])
    suez = corridors.load_scenario(net, "suez_closure")
    waits = {}
    for cid, row in net.crossings.iterrows():
        weekdays, hours = row.open_weekdays or [], row.open_hours
        hours = hours if isinstance(hours, str) and hours else None
        if weekdays or hours:
            waits[cid] = opening_wait_hours(weekdays, hours)
    return Figures(
        network=net,
        counts=_counts(),
        validation=corridors.validate(net),
        crossing_betweenness=corridors.betweenness(
            net, elements="crossings", origins=origins, destinations=destinations
        ),
        accessibility=corridors.accessibility(net),
        exports=origin_exports(net, origins),
        od_pairs=len(demand),
        flows=flows,
        flows_by_cost=by_cost,
        equilibrium=corridors.equilibrium(net, demand),
        appraisal=corridors.appraise(net, APPRAISED, od=demand),
        observed=corridors.compare_observed(net, flows),
        observed_by_cost=corridors.compare_observed(net, by_cost),
        comparison=corridors.compare(net, SCENARIOS, od=demand),
        critical_crossings=corridors.criticality(net, elements="crossings", od=demand),
        critical_links=corridors.criticality(net, elements="links", od=demand),
        suez_days=(
            corridors.route(net, "Shanghai", "Rotterdam", **sea).total["days"],
            corridors.route(net, "Shanghai", "Rotterdam", **sea, scenario=suez).total["days"],
        ),
        erenhot_crossings=corridors.route(
            net, "Chongqing", "Duisburg", via=["Erenhot"], modes=["rail"], alternatives=2
        ).crossings,
        opening_waits=waits,
        sweep=corridors.sweep(net),
    )


def _counts() -> dict:
    """Rows of every table of the default data."""
    from corridors import load_basemap
    from corridors.network.tables import default_data_dir

    data = default_data_dir()
    counts = {
        path.name: len(pd.read_csv(path, dtype=str, keep_default_na=False))
        for path in sorted(data.glob("*.csv"))
    }
    legs = json.loads((data / "sea_legs.geojson").read_text(encoding="utf-8"))["features"]
    variants = sum(1 for leg in legs if leg["properties"].get("closed"))
    counts["sea_legs.geojson"] = (len(legs) - variants, variants)
    counts["basemap.gpkg"] = len(load_basemap())
    counts["scenarios"] = len(list((data / "scenarios").glob("*.toml")))
    return counts


# --- formatting --------------------------------------------------------------------------


def pct(share: float, digits: int = 0, *, sign: bool = False) -> str:
    """A share as a percentage, "−" for negatives, "+" first when ``sign``."""
    text = f"{abs(share) * 100:,.{digits}f}%"
    if share < 0 and text.strip("0.%,") != "":
        return "−" + text
    return ("+" + text) if sign else text


def num(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def span(low: float, high: float, digits: int = 0) -> str:
    """A published range: "13–16", or one value."""
    if low == high:
        return num(low, digits)
    return f"{num(low, digits)}–{num(high, digits)}"


def listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _name(net, place: str) -> str:
    return net.places.name_en[place]


def _crossing_name(name: str) -> str:
    return name.replace(" - ", "-")


# --- the blocks --------------------------------------------------------------------------

NETWORK_TABLES = [
    (
        "`places.csv`",
        "hubs, border stations, sea and river ports, parks, terminals; ids, English and Chinese "
        "names, aliases, coordinates (GeoNames or cited pages)",
        ["places.csv"],
    ),
    (
        "`links.csv`",
        "rail (with gauge), road, inland water: km published (with source) or computed "
        "(geodesic × circuity)",
        ["links.csv"],
    ),
    (
        "`sea_legs.geojson`",
        "sea legs between every pair of ocean ports, computed with searoute, with the passages "
        "each uses and variants avoiding each passage (and its replacement canal)",
        ["sea_legs.geojson"],
    ),
    (
        "`crossings.csv`",
        "border crossings: direction-specific entry-to-exit dwell, gauge change, capacity, "
        "seasonal closure, weekday opening, the Caspian rail ferry",
        ["crossings.csv"],
    ),
    (
        "`transfers.csv`",
        "mode changes (rail/road/river ↔ sea, road ↔ rail, gauge change) with hours and USD",
        ["transfers.csv"],
    ),
    (
        "`services.csv`",
        "the trains, trucks, barges and ships: speed, daily driving hours, headway, through "
        "service",
        ["services.csv"],
    ),
    (
        "`mode_params.csv`",
        "USD per FEU-km, circuity and default service by mode and cost class",
        ["mode_params.csv"],
    ),
    ("`passages.csv`", "canal transit hours (Suez, Panama)", ["passages.csv"]),
    (
        "`fit_ranges.csv`",
        "parameters published only as a range, fitted by `corridors calibrate`",
        ["fit_ranges.csv"],
    ),
    (
        "`corridors.csv`",
        "named corridors as ordered place lists (three NWLSC rail routes and branches, "
        "China-Europe via each exit port, Middle Corridor, CPEC, the six economic corridors …)",
        ["corridors.csv"],
    ),
    (
        "`provinces.csv`, `trade_types.csv`, `city_clusters.csv`",
        "seed 001 Tables 1, 2, 5, 6 transcribed as printed; the 19 city clusters",
        ["provinces.csv", "trade_types.csv", "city_clusters.csv"],
    ),
    (
        "`basemap.gpkg`",
        "Natural Earth 1:110m countries (public domain)",
        ["basemap.gpkg"],
    ),
]


def network_block(f: Figures) -> str:
    rows = []
    for label, what, files in NETWORK_TABLES:
        counts = []
        for name in files:
            found = f.counts[name]
            if name == "sea_legs.geojson":
                counts.append(f"{num(found[0])} + {num(found[1])} variants")
            else:
                counts.append(num(found))
        rows.append([label, what, ", ".join(counts)])
    return table(["table", "what", "rows"], rows)


def crossings_block(f: Figures) -> str:
    top = f.crossing_betweenness.head(3)
    named = [
        f"{_crossing_name(row.name)} ({pct(row.share)}{' of the pairs' if i == 0 else ''})"
        for i, row in enumerate(top.itertuples())
    ]
    return (
        "From the Chinese hubs to the foreign terminals, sea ports and parks, the best routes "
        f"(by time) cross most often at {listing(named)}."
    )


TRADE_TYPES = {"border": "border-type"}


def accessibility_block(f: Figures) -> str:
    a = f.accessibility
    best, worst = a.iloc[0], a.iloc[-1]
    by_type = (
        a[a.trade_type != ""].groupby("trade_type").mean_days.mean().sort_values(kind="stable")
    )
    label = {t: TRADE_TYPES.get(t, t.replace("_", "-")) for t in by_type.index}
    slowest, fastest = by_type.index[-1], list(by_type.index[:2])
    return (
        f"{best['name']} reaches most (market access), {worst['name']} least "
        f"({num(best.mean_days, 1)} and {num(worst.mean_days, 1)} days to the average "
        f"destination, GDP-weighted). By trade-pattern type the {label[slowest]} provinces' hubs "
        f"reach the world worst ({num(by_type[slowest], 1)} days on average), the "
        f"{label[fastest[0]]} and {label[fastest[1]]} ones best "
        f"({num(by_type[fastest[0]], 1)} and {num(by_type[fastest[1]], 1)} days)."
    )


def demand_block(f: Figures) -> str:
    p = f.network.parameters["value"]
    exports = f.exports.drop_duplicates("province")
    names = f.network.provinces.set_index("id").name_en
    estimated = exports[exports.basis.str.startswith("estimate")]
    share = estimated.basis.iloc[0].split(" x ")[1].split(",")[0] if len(estimated) else ""
    ports = f.exports[f.network.places.kind.reindex(f.exports.index).eq("sea_port")]
    silent = exports[exports.basis == "none"].province
    return (
        "The gravity model is production-constrained: each hub sends its province's exports "
        f"(100 million yuan, 2017, at {p['cny_per_usd']:g} yuan of 2017 per USD of 2019 and "
        f"{num(p['container_value'])} USD per FEU) to the foreign terminals, ports and parks in "
        "proportion to their country's GDP × (1 + generalized cost / goods value)"
        f"^-{p['market_access_theta']:g}; a province with no hub ships from its sea ports "
        f"({listing(sorted(names[ports.province.unique()]))}). "
        f"Of the {len(exports)} provinces with a hub or port, "
        f"{len(exports) - len(estimated)} export the seed paper's figures; the "
        f"{len(estimated)} it gives none for "
        f"({listing(sorted(names[estimated.province]))}) are ESTIMATED as {share} of their "
        "2019 trade (NBS), the printed provinces' exports over their own 2019 trade. "
        f"All together {f.exports.feu_per_year.sum() / 1e6:.1f} million FEU a year"
        + (f"; {listing(sorted(names[silent]))} send nothing, and say so." if len(silent) else ".")
    )


def _by_gateway_kind(net, flows, kind: str) -> float:
    pairs = flows.pairs
    kinds = pairs.gateway.map(net.places.kind)
    return float(pairs.feu_per_year[kinds == kind].sum() / pairs.feu_per_year.sum())


def _gateway_share(flows, gateway: str) -> float:
    pairs = flows.pairs
    return float(pairs.feu_per_year[pairs.gateway == gateway].sum() / pairs.feu_per_year.sum())


def equilibrium_block(f: Figures) -> str:
    from corridors.analysis.flows import land_rail_share

    net, eq = f.network, f.equilibrium
    logit = eq.logit
    eu = {
        "all-or-nothing": land_rail_share(net, f.flows.pairs),
        "equilibrium": land_rail_share(net, eq.flows.pairs),
    }
    bound = eq.crossings.set_index("id")
    brest, kuznica = bound.loc["brest-malaszewicze"], bound.loc["grodno-kuznica"]
    capacity = net.crossings.loc["brest-malaszewicze", "capacity_per_day"]
    free = eq.unbounded.iloc[0]
    import corridors
    from corridors.analysis.choice_fit import flow_checks

    wait = net.observed.set_index("id").loc["border_wait_2018_brest"]
    waited = flow_checks(net, eq).set_index("id").model["border_wait_2018_brest"]

    observed = corridors.compare_observed(net, eq.flows)
    ports = observed[observed.measure == "china_europe_trains"].set_index("places")
    within = int(((ports.model_share - ports.observed_share).abs() <= 0.10).sum())
    teu = 2 * float(corridors.analysis.flows.china_europe_rail(net, eq.flows.pairs).sum())
    beibu = observed[observed.measure == "rail_sea_trains"].iloc[0]
    base_year, surge = (
        net.observed.set_index("id")
        .loc[["china_europe_teu_2019", "china_europe_teu_2020"]]
        .itertuples()
    )
    per_train = float(net.parameters["value"]["feu_per_rail_sea_train"])
    return (
        "`corridors flows` and `equilibrium(net)` share each pair's demand among its distinct "
        "routes (each exit port, each Chinese sea port, Suez or the Cape, the Middle Corridor) "
        "by a nested logit on generalized cost, with the ways out of China (ship, rail, road) "
        f"as nests: a scale of {logit.scale_usd:,.0f} USD per FEU, a nest parameter of "
        f"{logit.nest:.2f} (1 is a plain logit) and a rail constant of "
        f"{logit.constant('rail'):,.0f} USD per FEU (charged to every route that takes a train "
        "across a customs border, by ship to Vladivostok or by truck to Kazakhstan as well as "
        "by train from China), fitted by `corridors calibrate --flows`"
        f"{_on_bounds(logit)}. Crossings that publish a "
        "capacity queue as M/M/1 queues served in train-loads, and shares and queues settle "
        "together, solved for the queues' waits (the dual of a capacity-constrained logit "
        f"assignment, Bell 1995; {eq.gap:.2%} of the demand off its crossings' queues), so no "
        "crossing passes its capacity. Rail carries "
        f"{pct(eu['equilibrium'], 1)} of the value of the goods "
        f"bound for the EU by the mode at its border, trucks out of China onto the Kazakh "
        f"railway included (all-or-nothing: {pct(eu['all-or-nothing'])}); the published share "
        "is 3.85% of the surface trade's value in 2019. "
        "Brest-Małaszewicze runs at "
        f"{brest.utilisation:.2f} times its {capacity:.0f} trains a day westbound, with a "
        "queue of "
        f"{brest.queue_hours / 24:.0f} days: with its dwell, {waited:.0f} days at the border "
        f"against the {wait.value:.0f} published as a bad but ordinary trip in {wait.year} "
        f"({'; '.join(wait.source)}; a check, not a target): every box for the EU that rail "
        "takes must pass it, Grodno-Kuźnica (at "
        f"{kuznica.utilisation:.2f} of its capacity, a queue of {kuznica.queue_hours / 24:.0f} "
        f"days, {pct(brest.feu_per_year / (brest.feu_per_year + kuznica.feu_per_year))} of "
        "the two's flow at Brest against Małaszewicze's 79% of the westbound China-Europe "
        "trains in 2020) or the Caspian. "
        f"{free['name']}, which publishes no capacity, "
        f"carries {free.feu_per_year:,.0f} FEU a year. The rail flow for Europe by exit port, "
        "against the 2020 trains: "
        + ", ".join(
            f"{_name(net, port)} {pct(row.model_share)} against {pct(row.observed_share)}"
            for port, row in ports.iterrows()
        )
        + f" ({within} of {len(ports)} within 10 percentage points); {teu:,.0f} TEU a year leave "
        f"by rail for Europe, {teu / (base_year.value / 2):.2f} times half the "
        f"{base_year.value:,.0f} TEU both ways on all China-Europe trains in the base year, "
        f"{base_year.year}, and {teu / (surge.value / 2):.2f} times half the "
        f"{surge.value:,.0f} of {surge.year}, when the trains ran about as often each way "
        f"({'; '.join(surge.source)}): checks the fit never saw. The "
        "Beibu Gulf ports load "
        f"{beibu.model_feu_per_year:,.0f} FEU a year from rail against "
        f"{beibu.observed * per_train:,.0f} for the 2020 rail-sea trains. No mainline ship "
        "sailed from them to Europe or the Americas (`feeder_ports.csv`): those boxes change "
        "ship at Hong Kong (Shenzhen here), Singapore or Port Klang, a few days and a handling "
        "charge more than from Shanghai."
    )


def _on_bounds(logit) -> str:
    """Which fitted choice parameters sit on a bound of the fit, and what that says."""
    from corridors.analysis.choice_fit import BOUNDS

    said = []
    if logit.scale_usd == BOUNDS["logit_scale_usd"][1]:
        said.append(
            "the scale sits on its upper bound: the targets ask for a choice that hardly "
            "answers to cost"
        )
    if logit.nest == BOUNDS["logit_nest"][1]:
        said.append("the nest parameter sits on its bound: the targets ask for no nesting")
    if logit.constant("rail") == BOUNDS["asc_rail_usd"][0]:
        said.append("the rail constant sits on 0: the targets would take a bonus for rail")
    if logit.constant("rail") == BOUNDS["asc_rail_usd"][1]:
        said.append(
            "the rail constant sits on its upper bound: the rail share, which Brest and "
            "Kuźnica hold at capacity, asks for less rail than any constant gives"
        )
    return f" ({'; '.join(said)})" if said else ""


SMALL_GAINS = {  # why a project gains little, where it does
    "ecrl_kuantan": "ships call at Kuantan and Port Klang alike, so few boxes land at one "
    "for the other by the East Coast Rail Link",
}


def appraisal_block(f: Figures) -> str:
    found = f.appraisal.projects.set_index("scenario").alone_usd_per_year
    winners = f.appraisal.winners
    gains = ", ".join(
        f"{name} {found[name] / 1e6:+,.1f} million ({winners[name].idxmax()} gaining most)"
        for name in found.index
    )
    small = [name for name in found.index if abs(found[name]) < 1e6]
    verb = "appraises" if len(small) == 1 else "appraise"
    return (
        "`appraise` gives each project's change of consumer surplus at equilibrium, from the "
        "logsums (USD a year, alone, in complement and together), and `winners` by province: "
        f"{gains} USD a year alone."
        + (
            f" {listing(small)} {verb} to under a million USD a year"
            + "".join(f"; {SMALL_GAINS[name]}" for name in small if name in SMALL_GAINS)
            + "."
            if small
            else ""
        )
    )


def flows_block(f: Figures) -> str:
    net = f.network
    vot = float(net.parameters["value"]["value_of_time"])
    obs = f.observed[f.observed.measure == "china_europe_trains"].set_index("places")
    obs = obs.sort_values("model_share", ascending=False, kind="stable")
    first, others = obs.index[0], list(obs.index[1:])
    top_gateway = (
        f.flows.pairs.groupby("gateway").feu_per_year.sum().sort_values(ascending=False).index[0]
    )
    beside = [
        f"{_name(net, port)} {pct(obs.model_share[port])} against {pct(obs.observed_share[port])}"
        for port in others
        if obs.observed_share[port] >= 0.05
    ]
    cost_obs = f.observed_by_cost[f.observed_by_cost.measure == "china_europe_trains"]
    cost_rail = cost_obs.set_index("places").model_share.sort_values(ascending=False)
    kazakh = obs.loc[["alashankou", "horgos"]]
    return (
        "All-or-nothing is a poor mode-choice model, and the comparison shows it: by generalized "
        f"cost (value of time {vot:.0f} USD per FEU-hour), "
        f"{pct(_gateway_share(f.flows, top_gateway))} of the demand leaves by "
        f"{_name(net, top_gateway)} and {pct(_by_gateway_kind(net, f.flows, 'sea_port'))} by sea, "
        f"and {_name(net, first)} takes {pct(obs.model_share[first])} of the China-Europe rail "
        f"flow against {pct(obs.observed_share[first])} of the 2020 trains "
        f"({', '.join(beside)}); by cost, "
        f"{pct(_by_gateway_kind(net, f.flows_by_cost, 'sea_port'))} goes by sea and the rail "
        f"flow leaves by {_name(net, cost_rail.index[0])} ({pct(cost_rail.iloc[0])} of it). "
        f"The Kazakh crossings together take {pct(kazakh.model_share.sum())} of the model's "
        f"rail flow against {pct(kazakh.observed_share.sum())} of the trains. Choice and "
        "capacity, next, are what flows are for."
    )


DEAD_ENDS = {
    "kuantan-kuantan_park-road": "the park's one road, to Kuantan port",
    "gwadar-gwadar_fz-road": "the free zone's one road, to Gwadar port",
    "hendaye-irun": "the one way to Madrid",
    "irun-madrid-rail": "the one way to Madrid",
    "akhalkalaki-kars": "the one way to Istanbul",
    "suzhou-shanghai-rail": "Suzhou's only link to the network",
    "duisburg-lyon-rail": "the one way to Lyon and on to Madrid",
}


def _unserved_sentence(f: Figures) -> str:
    """Which failures leave demand with no route at all, and why."""
    parts = [
        f"among {kind} {_dead_ends(ranked, not i)}"
        for i, (kind, ranked) in enumerate(
            (("crossings", f.critical_crossings), ("links", f.critical_links))
        )
        if (ranked.unserved_share > 0).any()
    ]
    if not parts:
        return "No single failure leaves any demand without a route."
    return "Single failures that leave demand with no route at all: " + "; ".join(parts) + "."


def _dead_ends(ranked: pd.DataFrame, first: bool) -> str:
    """The two elements whose failure leaves the most demand unserved, and why."""
    out = []
    for row in ranked[ranked.unserved_share > 0].head(2).itertuples():
        if row.id not in DEAD_ENDS:
            msg = f"explain why failing {row.id} leaves demand unserved, in DEAD_ENDS"
            raise KeyError(msg)
        share = pct(row.unserved_share) + (" of the demand" if first and not out else "")
        out.append(f"{_crossing_name(row.name)}, {DEAD_ENDS[row.id]} ({share})")
    return ", and ".join(out)


def scenarios_block(f: Figures) -> str:
    c = f.comparison
    summary = c.summary().set_index("scenario")
    gates = c.gateways.set_index(["scenario", "gateway"]).share
    net = f.network

    def moved(name: str) -> str:
        shift = c.gateways[c.gateways.scenario == name]
        return shift.loc[shift.delta_share.abs().idxmax(), "gateway"]

    ala = moved("alashankou_closure")
    brest = c.gateways[c.gateways.scenario == "poland_belarus_border_closure"]
    gainers = brest[brest.delta_share > 0.01].sort_values("delta_share", ascending=False)
    kinds = gainers.gateway.map(net.places.kind)
    land = [_name(net, g) for g in gainers.gateway[kinds != "sea_port"]]
    to = listing([*land, "the sea"] if (kinds == "sea_port").any() else land)
    crit = f.critical_crossings.sort_values("delta_cost_pct", ascending=False).iloc[0]
    change = summary.generalized_cost_change_pct / 100
    return (
        f"With the standard OD set ({num(f.od_pairs)} pairs), closing Alashankou moves its flow "
        f"to {_name(net, ala)} (its gateway share {pct(gates['base', ala])} -> "
        f"{pct(gates['alashankou_closure', ala])}, generalized cost "
        f"{pct(change['alashankou_closure'], 1, sign=True)}); closing the Belarus-Poland border "
        "(Brest-Małaszewicze and Grodno-Kuźnica) costs "
        f"{pct(change['poland_belarus_border_closure'], sign=True)} and sends the flow to {to}, "
        "as the 2025 closure did; halving every rail border's dwell saves "
        f"{pct(-change['border_dwell_halved'])}. Criticality re-routes only the pairs a failure "
        f"touches: {_crossing_name(crit['name'])} is the crossing whose loss costs most "
        f"({pct(crit.delta_cost_pct / 100, sign=True)} of the demand-weighted generalized cost). "
        f"{_unserved_sentence(f)}"
    )


# --- validation --------------------------------------------------------------------------

METRIC_LABELS = {
    "km": "km",
    "nm": "sea nm (Shanghai–Rotterdam via Suez)",
    "days": "days",
    "hours": "hours",
    "days_saved": "days saved (Qinzhou vs Yangtze)",
}
SINGLE_CASE = {"nm", "days_saved"}  # labelled by their one case


def validation_table(f: Figures) -> str:
    from corridors.analysis.validation import summarize

    summary = summarize(f.validation)
    rows = []
    for metric, label in METRIC_LABELS.items():
        s = summary[metric]
        if metric in SINGLE_CASE and s["cases"] != 1:
            msg = f"{metric} has {s['cases']} cases now: relabel it in METRIC_LABELS"
            raise ValueError(msg)
        rows.append(
            [
                label,
                str(s["cases"]),
                str(s["within_10pct"]),
                str(s["within_20pct"]),
                str(s["loo_within_20pct"]),
                f"{pct(s['mean_abs_error'], 1)} ({pct(s['loo_mean_abs_error'], 1)})",
                pct(s["wape"], 1),
            ]
        )
    header = [
        "metric",
        "cases",
        "within 10%",
        "within 20%",
        "within 20%, leave-one-out",
        "mean abs. error (LOO)",
        "WAPE",
    ]
    return table(header, rows)


class _Case:
    """One validation case, formatted for prose."""

    def __init__(self, row, year: str) -> None:
        unit = {"days_saved": "days"}.get(row.metric, row.metric)
        digits = 0 if row.metric in ("km", "nm", "hours") else 1
        self.model = f"{num(row.model, digits)}"
        self.published = span(row.published_low, row.published_high)
        self.unit = unit
        self.error = pct(row.error, sign=True)
        self.loo = pct(row.loo_error, sign=True)
        self.year = str(year).replace("-", "–")


# Each bullet: the time cases outside 20% it explains, and its text ({c[case_id].model} …).
OUTSIDE = [
    (
        ["urc-ala-hours"],
        "Urumqi–Almaty via Horgos, {c[urc-ala-hours].model} h against "
        "{c[urc-ala-hours].published} h ({c[urc-ala-hours].year}): the Horgos crossing alone "
        "is {horgos_out:.1f} h in the model, the PRC side's 34.8 h in CPMM 2022 (58.7 h in "
        "2021) and the Kazakh side at the lower end of its range; the {c[urc-ala-hours].year} "
        "train cannot be squared with CPMM's later figures.",
    ),
    (
        ["cq-sin-days"],
        "Chongqing–Singapore via Qinzhou, {c[cq-sin-days].model} days against "
        "{c[cq-sin-days].published} ({c[cq-sin-days].error}): the model charges the "
        "{port_dwell_days:.0f}-day port dwell the World Bank calls the norm (no rail-sea "
        "transfer figure was found); the published 2 + 6 days leaves no time in port. The "
        "Yangtze saving is {c[cq-sin-yangtze-saving].model} days against about "
        "{c[cq-sin-yangtze-saving].published} ({c[cq-sin-yangtze-saving].error}; "
        "{c[cq-sin-yangtze-saving].loo} leave-one-out, because the barge speed is only pinned "
        "by this case).",
    ),
    (
        ["km-hph-days", "kul-cq-days"],
        "Kunming–Haiphong {c[km-hph-days].model} days against {c[km-hph-days].published} (a "
        "first train, {c[km-hph-days].year}), Kuala Lumpur–Chongqing {c[kul-cq-days].model} "
        "against {c[kul-cq-days].published} (the first ASEAN Express, {c[kul-cq-days].year}): "
        "first runs, with border times the model does not know (Hekou–Lao Cai and Padang "
        "Besar use the CPMM China averages).",
    ),
    (
        [],
        "Chongqing–Qinzhou is {cq_qz_short} short of the {c[cq-qz-km].published} km published "
        "(a blog's figure).",
    ),
]


def validation_block(f: Figures) -> str:
    from corridors.analysis.cases import TIME_METRICS, read_cases
    from corridors.analysis.validation import YARDSTICK
    from corridors.outputs.report import validation_headline

    v = f.validation
    years = read_cases().set_index("case_id").year
    cases = {row.case_id: _Case(row, years[row.case_id]) for row in v.itertuples()}
    time = v[v.metric.isin(list(TIME_METRICS))]
    outside = set(time.case_id[time.error.abs() > YARDSTICK])
    explained = {case for ids, _ in OUTSIDE for case in ids}
    if outside != explained:
        msg = (
            f"time cases outside 20% of the published range: {sorted(outside)}; explained in "
            f"OUTSIDE: {sorted(explained)} - add or drop a bullet"
        )
        raise ValueError(msg)
    net = f.network
    horgos_out = float(net.crossings.dwell_hours_out["horgos-altynkol"])
    transfers = net.transfers
    port = transfers[(transfers.place == "*") & (transfers.to_mode == "sea")]
    port_dwell_days = float(port.hours.iloc[0]) / 24
    by_id = v.set_index("case_id")
    values = {
        "c": cases,
        "horgos_out": horgos_out,
        "port_dwell_days": port_dwell_days,
        "cq_qz_short": pct(-by_id.error["cq-qz-km"]),
    }
    bullets = [f"- {text.format(**values)}" for _, text in OUTSIDE]
    cq, dui = cases["cq-dui-days"], cases["dui-cq-days"]
    later = cases["cq-dui-days-2024"]
    chongqing = (
        f"Chongqing–Duisburg: {cases['cq-dui-km'].model} km against "
        f"{cases['cq-dui-km'].published} published ({cases['cq-dui-km'].error}), {cq.model} "
        f"days against {cq.published} ({cq.year}) and {later.published} "
        f"({later.year}); Duisburg–Chongqing {dui.model} days against "
        f"{dui.published}. The cases still outside 20% of the published range, and why:"
    )
    return "\n\n".join(
        [
            "Current result:",
            validation_table(f),
            validation_headline(v),
            chongqing,
            "\n".join(bullets),
        ]
    )


def sweep_block(f: Figures) -> str:
    found, net = f.sweep, f.network
    flagged = found.flagged
    if flagged.empty:
        result = "On the default data it flags nothing."
    else:
        counts = flagged.rule.value_counts()
        listed = ", ".join(f"{n:,} {rule}" for rule, n in counts.items())
        result = f"On the default data it flags {len(flagged):,} routes: {listed}."
    missing = found.unreachable[["origin", "destination"]].drop_duplicates()
    unreached = ""
    if len(missing):
        unreached = f" ({len(missing):,} pairs have no route)"
        # the places no operational line reaches, if they explain every pair without a route
        ends = pd.concat([net.links, net.crossings])
        open_ = ends[ends.status == "operational"]
        reached = set(open_["from"]) | set(open_["to"])
        cut_off = sorted(set(net.places.index) - reached)
        if cut_off and (missing.origin.isin(cut_off) | missing.destination.isin(cut_off)).all():
            names = " and ".join(_name(net, p) for p in cut_off)
            them = "it" if len(cut_off) == 1 else "them"
            unreached = (
                f" (the {len(missing):,} pairs to and from {names} have no route: only lines "
                f"under construction or planned reach {them})"
            )
    return (
        f"The sweep routes all {found.pairs:,} ordered pairs of the {len(net.places)} places by "
        f"time and by generalized cost{unreached}. {result}"
    )


def flow_checks_block(f: Figures) -> str:
    from corridors.analysis.choice_fit import flow_checks
    from corridors.cli.validate import figure_text

    table = flow_checks(f.network, f.equilibrium)
    rows = []
    for row in table.itertuples():
        shown = [figure_text(v, row.share) for v in (row.observed, row.model)]
        kind = "fitted" if row.fitted else "check"
        rows.append(f"| {row.id} | {shown[0]} | {shown[1]} | {row.unit} | {kind} |")
    return (
        "`corridors validate --flows` sets the flows at equilibrium beside every published "
        "flow of `data/observed.csv`: the targets `corridors calibrate --flows` fits (which "
        "prints each one's leave-one-out value), and checks the fit never sees.\n\n"
        "| figure | published | model | unit | |\n|---|---|---|---|---|\n" + "\n".join(rows)
    )


TEMPLATES = {
    "network": network_block,
    "crossings": crossings_block,
    "accessibility": accessibility_block,
    "demand": demand_block,
    "flows": flows_block,
    "equilibrium": equilibrium_block,
    "appraisal": appraisal_block,
    "scenarios": scenarios_block,
    "validation": validation_block,
    "flowchecks": flow_checks_block,
    "sweep": sweep_block,
}


def render(f: Figures) -> dict[str, str]:
    """The text of every figure block."""
    return {name: wrap(make(f)) for name, make in TEMPLATES.items()}


WIDTH = 95


def wrap(text: str) -> str:
    """Paragraphs and bullets wrapped as the README's prose is; tables left whole."""
    out = []
    for part in text.split("\n\n"):
        lines = part.split("\n")
        if lines[0].startswith("|"):
            out.append(part)
        elif lines[0].startswith("- "):
            out.append("\n".join(_fill(line, "  ") for line in lines))
        else:
            out.append(_fill(part, ""))
    return "\n\n".join(out)


def _fill(text: str, indent: str) -> str:
    """Wrapped at WIDTH or a little less, so that no line starts as a Markdown list would."""
    for width in range(WIDTH, WIDTH - 20, -1):
        lines = textwrap.wrap(
            text,
            width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if not any(re.match(r"\s*([-+*]|\d+[.)])\s", line) for line in lines[1:]):
            break
    return "\n".join(lines)


def _flat(text: str) -> str:
    return " ".join(text.split())


def quoted(f: Figures) -> dict[str, str]:
    """Figures README.md quotes inside other sentences: what -> the exact text it must hold."""
    from corridors import scenario_names

    p = f.network.parameters["value"]
    waits = {round(h, 1) for h in f.opening_waits.values()}
    if len(waits) != 1:
        msg = f"the weekday-only crossings now wait differently: {f.opening_waits}"
        raise ValueError(msg)
    names = [f.network.crossings.loc[c, "from"] for c in f.opening_waits]
    v = f.validation
    saved = int((v.metric == "days_saved").sum())
    out = {
        "value of time": (f"value of time × hours ({p['value_of_time']:.2f} USD per FEU-hour"),
        "expected wait at the weekday-only crossings": (
            f"({', '.join(_name(f.network, n).split(' ')[0] for n in names)}: "
            f"{waits.pop():.1f} h on average)"
        ),
        "market-access theta": f"θ = {p['market_access_theta']:g}",
        "Suez closure, Shanghai-Rotterdam by sea": (
            f"# {f.suez_days[0]:.1f} -> {f.suez_days[1]:.1f} days"
        ),
        "crossings of Chongqing-Duisburg via Erenhot": (
            f"r.crossings    # {f.erenhot_crossings!r}"
        ),
        "built-in scenarios": f"The {len(scenario_names())} built-ins in `data/scenarios/`",
        "validation cases": (
            f"({len(v)} published distances, times and "
            f"{'one time saving' if saved == 1 else f'{saved} time savings'}"
        ),
        "fitted parameters": f"({f.counts['fit_ranges.csv']} of them:",
    }
    months = [int(m) for m in f.network.crossings.closed_months["khunjerab-sost"]]
    out["Khunjerab's closed months"] = (
        f"(Khunjerab, {calendar.month_name[months[0]]} to {calendar.month_name[months[-1]]})"
    )
    for name in scenario_names():
        out[f"scenario {name}"] = f"`{name}`"
    return out


def data_quoted(f: Figures) -> dict[str, str]:
    """Figures data/README.md quotes from the tables (what -> the exact text it must hold)."""
    net = f.network
    fees = net.crossings.gauge_change_usd
    dostyk, erenhot = fees["alashankou-dostyk"], fees["erenhot-zamyn_uud"]
    months = [int(m) for m in net.crossings.closed_months["khunjerab-sost"]]
    last = calendar.monthrange(2023, months[-1])[1]
    ranges = read_ranges().set_index("parameter")
    low, high = (ranges.loc["port_dwell", side] / 24 for side in ("low", "high"))
    return {
        "gauge change fees": f"(Dostyk {dostyk:g}, Erenhot {erenhot:g} USD)",
        "Khunjerab closure": (
            f"Khunjerab: closed 1 {calendar.month_abbr[months[0]]} - {last} "
            f"{calendar.month_abbr[months[-1]]}"
        ),
        "port dwell range": f"fitted within the {low:g}-{high:g} days",
    }


def read_ranges() -> pd.DataFrame:
    from corridors.analysis.calibration import read_fit_ranges

    return read_fit_ranges()


# --- timings (never tested: a machine's, on a day) ----------------------------------------


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.01:
        return f"{value * 1000:.2g} ms" if value < 0.001 else f"{value * 1000:.1f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2g} s" if value < 10 else f"{value:.0f} s"


def _load(machine: dict) -> str:
    load = (machine.get("load_average") or [None])[0]
    if load is None:
        return ""
    shared = (
        ": the machine was shared with other work, so these are slower than on an idle one"
        if load >= 1
        else ""
    )
    return f"load average {load:.1f} at the start{shared}"


def _machine_line(machine: dict) -> str:
    load = _load(machine)
    return (
        f"measured {machine['date']} on this project's {machine['cpus']}-core sandbox "
        f"({machine['cpu']}, Python {machine['python']}{', ' + load if load else ''})"
    )


def _ratio(row: dict, key: str) -> str:
    other = row.get(key)
    if other is None:
        return "—"
    if row.get("agree") is False:
        return f"{seconds(other)}, not comparable"
    return f"{seconds(other)} ({row['corridors_s'] / other:.2f}×)"


def timings_block(rows: list[dict], candidates: list[dict] | None = None) -> str:
    """The Speed section's measured figures, from ``benchmarks/run.py --json`` lines: one
    table row per benchmark row, ratios as corridors' time over the other side's."""
    machine = next(row for row in rows if row["name"] == "machine")
    timed = [row for row in rows if "corridors_s" in row]
    if candidates:
        timed += [row for row in candidates if "corridors_s" in row]
    table_rows = []
    for row in timed:
        peer = _ratio(row, "peer_s")
        if row.get("peer"):
            peer = f"{row['peer']}: {peer}"
        ours = seconds(row["corridors_s"])
        if row.get("wall_s") is not None:
            ours += f" (wall {seconds(row['wall_s'])})"
        table_rows.append(
            [
                f"**{row['name']}**: {row['what']}",
                ours,
                _ratio(row, "kernel_s"),
                _ratio(row, "networkx_s"),
                peer,
            ]
        )
    memory = next(row for row in rows if row["name"] == "synthetic memory")
    totals = next(row for row in rows if row["name"] == "memory totals")
    compiled = next(row for row in rows if row["name"] == "memory compile")
    return "\n\n".join(
        [
            f"`python benchmarks/run.py --json`, {_machine_line(machine)}. CPU time "
            "(`time.process_time`; the commands' own with `getrusage`), the median of "
            "several runs (networkx's of one); each row says what both sides compute and is "
            'checked for agreement ("not comparable" where the answers differ); in brackets, '
            "corridors' time over the other side's. `--quick` for a 10,000-node graph:",
            table(["benchmark", "corridors", "kernel", "networkx", "peer"], table_rows),
            f"The synthetic graph's engine arrays take {memory['bytes_per_node']:.0f} bytes per "
            f"node, {memory['bytes_per_node'] / memory['csr_bytes_per_node']:.1f} times scipy's "
            "CSR matrix of the same graph. Peak memory, each job in a process of its own "
            f"({totals['what'].split(':')[0]}): length and minutes to every node peak at "
            f"{totals['corridors_bytes'] / 1e9:.2f} GB against "
            f"{totals['scipy_bytes'] / 1e9:.2f} GB for scipy's search alone "
            f"({totals['corridors_bytes'] / totals['scipy_bytes']:.2f}×; "
            f"{totals['base_bytes'] / 1e9:.2f} GB of that is the graph and the libraries); "
            f"`compile_arrays` peaks at {compiled['peak_bytes'] / 1e6:.0f} MB and holds "
            f"{compiled['held_bytes'] / 1e6:.0f} MB "
            f"({compiled['peak_bytes'] / compiled['held_bytes']:.2f}×).",
        ]
    )


# --- the README ---------------------------------------------------------------------------


def _pattern(kind: str, name: str) -> re.Pattern:
    name = re.escape(name)
    start, end = rf"<!-- {kind}:{name} start[^>]*-->\n", rf"\n<!-- {kind}:{name} end -->"
    return re.compile(rf"({start})(.*?)({end})", re.S)


def blocks_in(text: str, kind: str = "figures") -> dict[str, str]:
    """The marked blocks of ``text``: name -> content."""
    found = re.finditer(
        rf"<!-- {kind}:([\w-]+) start[^>]*-->\n(.*?)\n<!-- {kind}:\1 end -->", text, re.S
    )
    return {m.group(1): m.group(2) for m in found}


def with_blocks(text: str, blocks: dict[str, str], kind: str = "figures") -> str:
    """``text`` with each named block's content replaced; every block must be there."""
    for name, content in blocks.items():
        pattern = _pattern(kind, name)
        if not pattern.search(text):
            msg = f"README.md has no block <!-- {kind}:{name} start --> ... end -->"
            raise ValueError(msg)
        text = pattern.sub(lambda m, c=content: m.group(1) + c + m.group(3), text, count=1)
    return text


def differences(f: Figures) -> list[str]:
    """What in README.md and data/README.md differs from the code's figures (empty: none)."""
    readme = README.read_text(encoding="utf-8")
    found = blocks_in(readme)
    out = []
    for name, content in render(f).items():
        if name not in found:
            out.append(f"README.md has no block figures:{name}")
        elif found[name] != content:
            out.append(f"README.md block figures:{name} differs from the code's figures")
    for name in sorted(set(found) - set(TEMPLATES)):
        out.append(f"README.md block figures:{name} is not generated by {COMMAND}")
    for path, expected in ((README, quoted(f)), (DATA_README, data_quoted(f))):
        text = _flat(path.read_text(encoding="utf-8"))
        for what, snippet in expected.items():
            if _flat(snippet) not in text:
                out.append(f"{path.relative_to(ROOT)} should say {snippet!r} ({what})")
    return out


def _jsonl(path: str) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="say what differs; write nothing")
    parser.add_argument(
        "--timings",
        nargs="+",
        metavar="FILE.jsonl",
        help="write the timing block from `benchmarks/run.py --json` output (then, optionally, "
        "that of --candidates)",
    )
    args = parser.parse_args(argv)
    if args.timings:
        rows = _jsonl(args.timings[0])
        candidates = _jsonl(args.timings[1]) if len(args.timings) > 1 else None
        text = README.read_text(encoding="utf-8")
        block = {"speed": wrap(timings_block(rows, candidates))}
        README.write_text(with_blocks(text, block, kind="timings"), encoding="utf-8")
        print("README.md: timings written")
        return 0
    figures = compute()
    if args.check:
        problems = differences(figures)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"run `{COMMAND}` and review the diff", file=sys.stderr)
        return 1 if problems else 0
    print(f"README.md: {'updated' if update(figures) else 'already current'}")
    problems = [p for p in differences(figures) if "should say" in p]
    for problem in problems:
        print(f"by hand: {problem}", file=sys.stderr)
    return 1 if problems else 0


def update(figures: Figures) -> bool:
    """Rewrite README.md's figure blocks; True if anything changed."""
    text = README.read_text(encoding="utf-8")
    updated = with_blocks(text, render(figures))
    if updated != text:
        README.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    sys.exit(main())
