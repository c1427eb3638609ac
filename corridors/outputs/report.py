"""The standard assessment: ``corridors assess`` writes a report of the default network.

It routes the key corridors, ranks the border ports and links the hinterland's trade depends
on, compares the built-in scenarios, fails each crossing in turn and checks the model
against the published figures; :mod:`corridors.outputs.report_document` writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from corridors.atomic import atomic_folder
from corridors.network.model import Network
from corridors.outputs.report_document import Report, write_report

__all__ = ["KEY_ROUTES", "SCENARIOS", "assess", "validation_headline"]

# (label, origin, destination, route options)
KEY_ROUTES = [
    *(
        (f"Chongqing - Duisburg via {port}", "Chongqing", "Duisburg", {"via": [port]})
        for port in ("Alashankou", "Horgos", "Erenhot", "Manzhouli", "Suifenhe")
    ),
    (
        "Chongqing - Singapore, rail-sea via Qinzhou",
        "Chongqing",
        "Singapore",
        {"via": ["Qinzhou"], "modes": ["rail", "sea"]},
    ),
    (
        "Chongqing (Guoyuan Port) - Singapore, Yangtze barge via Shanghai",
        "Chongqing Guoyuan Port",
        "Singapore",
        {"via": ["Shanghai"], "modes": ["inland_water", "sea"]},
    ),
    ("Qinzhou - Kuantan (the twin parks' ports)", "Qinzhou", "Kuantan", {}),
    ("Kunming - Vientiane", "Kunming", "Vientiane", {}),
    ("Nanning - Hanoi", "Nanning", "Hanoi", {}),
    ("Kashgar - Gwadar", "Kashgar", "Gwadar", {}),
]
# the key routes' names in Chinese, keyed by KEY_ROUTES' labels
KEY_ROUTES_ZH = {
    **{
        f"Chongqing - Duisburg via {port}": f"重庆 - 杜伊斯堡，经{zh}"
        for port, zh in (
            ("Alashankou", "阿拉山口"),
            ("Horgos", "霍尔果斯"),
            ("Erenhot", "二连浩特"),
            ("Manzhouli", "满洲里"),
            ("Suifenhe", "绥芬河"),
        )
    },
    "Chongqing - Singapore, rail-sea via Qinzhou": "重庆 - 新加坡，经钦州铁海联运",
    "Chongqing (Guoyuan Port) - Singapore, Yangtze barge via Shanghai": (
        "重庆（果园港）- 新加坡，经上海长江驳船"
    ),
    "Qinzhou - Kuantan (the twin parks' ports)": "钦州 - 关丹（两国双园的港口）",
    "Kunming - Vientiane": "昆明 - 万象",
    "Nanning - Hanoi": "南宁 - 河内",
    "Kashgar - Gwadar": "喀什 - 瓜达尔",
}
SCENARIOS = [
    "base",
    "suez_closure",
    "red_sea_closure",
    "alashankou_closure",
    "kazakh_crossings_closed",
    "poland_belarus_border_closure",
    "border_dwell_halved",
    "middle_corridor_upgrade",
    "nwlsc_2030",
]


def assess(
    network: Network | None = None,
    out: str | Path = "assessment",
    *,
    lang: str = "en",
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Run the standard assessment and write it to ``out``; with ``lang="zh"`` place names
    and the headings, captions, table headers, maps and charts are Chinese (the sentences
    that carry numbers stay English); the maps stay English, with a warning, where no CJK font
    is installed.

    The folder is written whole or not at all: beside ``out`` first, then swapped into place,
    so a run killed or out of disk leaves the previous report whole. A folder that cannot be
    written to, or that holds files a report does not write, is refused before the work
    starts; so is a second run into a folder another run is writing.

    Returns
    -------
    list of Path
        Every file written.
    """
    from corridors.network.load import load_network
    from corridors.outputs.labels import drawing_language, place_names

    network = network or load_network()
    names = place_names(network, lang)
    report = Report(names=names, lang=lang, drawn=drawing_language(lang)[0])
    steps = [
        ("the network", _network_section),
        ("key routes", _routes_section),
        ("centrality and gateways", _centrality_section),
        ("border capacity", _capacity_section),
        ("scenarios", _scenario_section),
        ("criticality", _criticality_section),
        ("validation", _validation_section),
    ]
    report.blocks.append(("h1", report.say("Corridors assessment: the default network")))
    folder = Path(out)
    with atomic_folder(folder, owned=report_file) as tmp:  # checked writable before the work
        for i, (label, step) in enumerate(steps, start=1):
            if progress:
                progress(i, len(steps), label)
            step(network, report)
        written = write_report(report, tmp)
    return [folder / path.relative_to(tmp) for path in written]


def report_file(path: Path) -> bool:
    """Whether ``path`` (relative to the report's folder) is a file :func:`assess` writes.

    Examples
    --------
    >>> report_file(Path("maps/flows.png")), report_file(Path("notes.txt"))
    (True, False)
    """
    if path.parent == Path("."):
        return path.name in ("report.md", "report.html", "map.html")
    kinds = {"maps": ".png", "tables": ".csv"}
    return len(path.parts) == 2 and kinds.get(path.parts[0]) == path.suffix


def _network_section(network: Network, report: Report) -> None:
    from corridors.outputs.info import network_summary
    from corridors.outputs.maps import plot_network

    summary = network_summary(network)
    places, links = summary["places"], summary["links"]
    report.heading("The network at a glance")
    counts = [f"{n} {kind.replace('_', ' ')}" for kind, n in places["by_kind"].items()]
    modes = [f"{n} {mode.replace('_', ' ')}" for mode, n in links["by_mode"].items()]
    bases = ", ".join(f"{n} {basis}" for basis, n in summary["numbers_by_basis"].items())
    report.text(
        f"{places['total']} places ({', '.join(counts)}); {links['total']} links "
        f"({', '.join(modes)}: the sea legs join every pair of ocean ports) and "
        f"{summary['crossings']['total']} border "
        f"crossings in {len(summary['countries'])} countries, with {summary['sources']} "
        f"sources. The figures in data/ are {bases}."
    )
    report.figure(
        "network",
        plot_network(network, lang=report.lang),
        "The corridor network: links by mode (dashed: planned or under construction), places "
        "by kind.",
    )
    report.figure(
        "land_sea_corridor",
        plot_network(
            network,
            extent="land_sea",
            corridors=["nwlsc_central", "nwlsc_east", "nwlsc_west"],
            title=report.say("The New Western Land-Sea Corridor", drawn=True),
            lang=report.lang,
        ),
        "The New Western Land-Sea Corridor's three rail routes to the Beibu Gulf.",
    )


SPREAD_NOTE = (
    "p50_days and p90_days: the median and the 90th percentile where a source gives a spread "
    "(the westbound Brest-Małaszewicze wait, mainline sailings); blank where none is known."
)


def _routes_section(network: Network, report: Report) -> None:
    from corridors.analysis.routing import route
    from corridors.outputs.charts import time_cost_distance
    from corridors.outputs.maps import plot_route

    rows, found = [], {}
    for label, origin, destination, options in KEY_ROUTES:
        r = route(network, origin, destination, **options)
        found[label] = r
        rows.append(
            {
                "route": KEY_ROUTES_ZH.get(label, label) if report.lang == "zh" else label,
                "km": round(r.total["km"]),
                "days": round(r.total["days"], 1),
                **{
                    f"{q}_days": None
                    if r.total[f"hours_{q}"] is None
                    else round(r.total[f"hours_{q}"] / 24, 1)
                    for q in ("p50", "p90")
                },
                "usd_per_feu": round(r.total["cost_usd"]),
                "crossings": " / ".join(report.names[p] for p in r.crossings),
            }
        )
    report.heading("Key routes (fastest, by time)")
    table = pd.DataFrame(rows)
    report.table("key_routes", table)
    report.text(SPREAD_NOTE)
    from corridors.outputs.interactive import interactive_html

    exits = route(network, "Chongqing", "Duisburg", modes=["rail"], alternatives=4)
    key = [found[label] for label, *_ in KEY_ROUTES]
    report.interactive = interactive_html(network, key, lang=report.lang)
    others = len(exits.alternatives)
    title = (
        f"重庆 → 杜伊斯堡铁路：最佳路线及其他 {others} 条"
        if report.drawn == "zh"
        else f"Chongqing → Duisburg by rail: the best route and {others} others"
    )
    report.figure(
        "chongqing_duisburg",
        plot_route(exits, title=title, lang=report.lang),
        "Chongqing to Duisburg by rail: the best route and the materially different others the "
        "router finds (other exits from China, other ways into the EU).",
    )
    report.figure(
        "chongqing_duisburg_tcd",
        time_cost_distance(found["Chongqing - Duisburg via Alashankou"], lang=report.lang),
        "Time/cost-distance: Chongqing to Duisburg via Alashankou.",
    )
    report.figure(
        "chongqing_singapore_tcd",
        time_cost_distance(found["Chongqing - Singapore, rail-sea via Qinzhou"], lang=report.lang),
        "Time/cost-distance: Chongqing to Singapore by the Land-Sea Corridor's rail-sea route.",
    )


def _centrality_section(network: Network, report: Report) -> None:
    from corridors.analysis.centrality import betweenness
    from corridors.analysis.flows import assign

    origins, destinations = network.trade_ends()
    ranked = betweenness(
        network, elements="crossings", origins=origins, destinations=destinations
    ).head(10)
    report.heading("Which border crossings the best routes depend on")
    report.text(
        "Betweenness: of the pairs from every Chinese hub to every foreign terminal, sea port "
        "and park, how many have their fastest route through each crossing, and their share. "
        "Where several routes tie for fastest, each carries its share of the pair (by the number "
        "of tied paths), so a count can be fractional."
    )
    example = _fraction_example(ranked)
    if example:
        report.text(example)
    shown = _named(network, ranked, report)[["name", "value", "share"]].round(3)
    report.table("crossing_betweenness", ranked, shown)
    flows = assign(network)
    report.heading("How each trade-pattern type's exports leave China")
    report.text(
        "The gravity model's exports (provinces of seed 001 and NBS, by destination GDP), "
        "all-or-nothing on the best routes by generalized cost: the share leaving by each "
        "gateway. All-or-nothing overstates the fastest corridor; see the validation section."
    )
    shares = flows.trade_types
    top = shares[shares.share >= 0.05].assign(share=lambda t: t.share.round(3))
    top = top.assign(gateway=top.gateway.map(lambda g: report.names.get(g, g)))
    if report.lang == "zh":
        types = network.trade_types
        types = types.set_index("id") if "id" in types.columns else types
        top = top.assign(trade_type=top.trade_type.map(lambda t: types["name_zh"].get(t, t)))
    else:
        top = top.assign(trade_type=top.trade_type.str.replace("_", " "))
    report.table("gateway_shares_by_trade_type", shares, top[["trade_type", "gateway", "share"]])
    split = flows.mode_split(network)
    report.heading("Rail or sea")
    report.text(
        "The same exports, all-or-nothing, by destination region and how they leave China "
        "(sea: by ship, rail_sea: by rail to the port of loading, then ship). "
        f"{split.get('rail', pd.Series(0.0, index=split.index)).get('europe', 0.0):.0%} of the "
        "boxes bound for Europe go by rail. Published figures put rail at 3% of the value of "
        "EU imports from China in 2019 (cargofacts_2020_eu_china_modes in data/sources.csv): "
        "one value of time and all-or-nothing send every box the cheapest way. The next "
        "section shares them among their routes and modes by choice, with queues."
    )
    split = split.mul(100).round(1).add_suffix("_pct").reset_index()
    report.table("mode_split", split, split)


def _capacity_section(network: Network, report: Report) -> None:
    from corridors.analysis.equilibrium import equilibrium
    from corridors.analysis.flows import compare_observed, land_rail_share
    from corridors.outputs.labels import word
    from corridors.outputs.maps import plot_flows

    found = report.results["equilibrium"] = equilibrium(network)
    logit = found.logit
    report.heading("Choice and capacity: the equilibrium")
    report.text(
        "The same exports shared among each pair's distinct routes (by exit port, sea port, "
        "canal or the Cape, the Middle Corridor) by a nested logit on generalized cost: ways "
        f"out of China (ship, rail, road) as nests: a scale of {logit.scale_usd:,.0f} USD per "
        f"FEU, a nest parameter of {logit.nest:.2f} (1 is a plain logit) and a rail constant "
        f"of {logit.constant('rail'):,.0f} USD per FEU, fitted by corridors calibrate --flows "
        "to the published flows below. The crossings that "
        "publish a capacity queue as M/M/1 queues served in train-loads; the shares and the "
        "queues settle together (a stochastic user equilibrium: no crossing passes its capacity)."
    )
    rail = land_rail_share(network, found.flows.pairs)
    free = found.unbounded.iloc[0]
    report.text(
        f"At equilibrium ({found.gap:.2%} of the demand off its crossings' queues), rail "
        f"carries {rail:.1%} of the value of the goods bound for the EU, by the mode at its "
        f"border{_classes(network)}; the published share is 3.85% of the surface trade's "
        "value (3% of all, with air's 22% set aside). The busiest crossing "
        f"without a published capacity: {free['name']}, {free.feu_per_year:,.0f} FEU a year."
    )
    observed = compare_observed(network, found.flows)
    trains = observed[observed.measure == "china_europe_trains"]
    off = (trains.model_share - trains.observed_share).abs()
    shown = trains.assign(port=trains.places.map(lambda p: report.names.get(p, p)))
    shown = shown[["port", "observed_share", "model_share"]].round(3)
    report.text(
        f"Each exit port's share of the China-Europe trains (2020, both directions) against "
        f"the model's rail flow for Europe: {int((off <= 0.10).sum())} of {len(trains)} within "
        f"10 percentage points, the worst {off.max() * 100:.0f} pp off. The demand counts "
        "exports only and no province's imports, and the trains run both ways: volumes are "
        "not yet comparable, shares are."
    )
    report.table("china_europe_ports", observed, shown)
    report.figure(
        "flows",
        plot_flows(
            network,
            found.flows,
            title=word("equilibrium_flows_title", report.drawn),
            lang=report.lang,
        ),
        "Where the gravity model's exports go at the equilibrium of route and mode choice "
        "with queues: line width by FEU per year.",
    )
    table = found.crossings.assign(queue_days=found.crossings.queue_hours / 24)
    shown = table[["name", "feu_per_year", "capacity_feu_per_year", "utilisation", "queue_days"]]
    shown = shown.round({"feu_per_year": 0, "capacity_feu_per_year": 0, "utilisation": 2})
    report.table("border_capacity", table, shown.round({"queue_days": 1}))


def _classes(network: Network) -> str:
    """What the share's value rests on: the classes of goods, where there are any."""
    classes = network.value_classes
    if classes.empty:
        return ", one class of goods at the network's container_value"
    return f", {len(classes)} classes of goods (value_classes.csv)"


def _scenario_section(network: Network, report: Report) -> None:
    from corridors.analysis.compare import compare
    from corridors.outputs.maps import plot_difference

    result = compare(network, SCENARIOS)
    report.heading("Scenarios compared with today's network")
    report.text(
        "Each built-in scenario (data/scenarios/, each citing its precedent or plan) against "
        "the base, with the same OD demand: the demand-weighted change of generalized cost "
        "and the gateway whose share moves most."
    )
    report.table("scenarios", result.summary())
    report.figure(
        "alashankou_closure",
        plot_difference(network, result, "alashankou_closure", lang=report.lang),
        "Alashankou closed: the change of flow on every link and crossing, and of each hub's "
        "generalized cost.",
    )
    report.tables["scenario_od"] = result.od.assign(crossings=result.od.crossings.map(";".join))
    report.tables["scenario_trade_types"] = result.trade_types


def _criticality_section(network: Network, report: Report) -> None:
    from corridors.analysis.criticality import criticality, dead_ends

    table = criticality(network, elements="crossings")
    report.heading("Criticality: each border crossing failed in turn")
    ends = dead_ends(network)
    if ends:
        report.text(
            "Dead ends: these places that carry demand hang on one link or crossing, so "
            "failing it cuts them off whatever else the network offers, and such elements "
            "rank high below: "
            + "; ".join(f"{report.names[p]} (only {report.names[q]})" for p, q in ends)
            + "."
        )
    shown = _named(network, table.head(10), report)
    shown = shown[["name", "delta_cost_pct", "unserved_share", "pairs_rerouted"]]
    report.table("criticality_crossings", table, shown.round(3))


def _validation_section(network: Network, report: Report) -> None:
    from corridors.analysis.validation import YARDSTICK, validate

    table = validate(network)
    report.heading("How well the model matches published figures")
    report.text(
        f"{validation_headline(table)} For fitted time parameters the leave-one-out error is "
        "what the case gives when the fit is made without it."
    )
    outside = table[table.error.abs() > YARDSTICK].sort_values("error", key=abs, ascending=False)
    if len(outside):
        report.text(
            f"Outside {YARDSTICK:.0%} of their range ({len(outside)}), the worst first: "
            + "; ".join(
                f"{row.case_id} {row.model:.4g} against {row.published_low:g}"
                + (f"-{row.published_high:g}" if row.published_high != row.published_low else "")
                + f" {row.metric} ({row.error:+.0%})"
                for row in outside.itertuples()
            )
            + "."
        )
    shown = table[["case_id", "metric", "published_low", "published_high", "model", "error"]]
    report.table("validation", table, shown.assign(loo_error=table.loo_error).round(3))
    _flow_validation(network, report)


def _flow_validation(network: Network, report: Report) -> None:
    """The equilibrium flows beside the published ones: the fit's targets and the checks."""
    from corridors.analysis.choice_fit import flow_checks
    from corridors.analysis.equilibrium import equilibrium

    found = report.results.get("equilibrium") or equilibrium(network)
    table = flow_checks(network, found).drop(columns="share")
    check = table[~table.fitted]
    report.heading("How the flows match published figures")
    report.text(
        f"The route and mode choice is fitted to {int(table.fitted.sum())} published flows "
        "(corridors calibrate --flows, which also gives each one's leave-one-out value, in "
        "a few minutes); the error is model less published for shares, and model over "
        "published less 1 for volumes and waits. Checks the fit never saw: "
        + "; ".join(
            f"{row.id} {row.model:,.0f} against {row.observed:,.0f} {row.unit} ({row.error:+.0%})"
            for row in check.itertuples()
        )
        + "."
    )
    table = table.rename(columns={"observed": "published", "model": "modelled"})
    shown = table[["id", "published", "modelled", "error", "unit", "fitted"]]
    report.table(
        "flow_validation", table, shown.round({"published": 3, "modelled": 3, "error": 3})
    )


def _fraction_example(ranked: pd.DataFrame) -> str:
    """A sentence on the first fractional count of ``ranked``, empty if there is none."""
    fractional = ranked[(ranked.value - ranked.value.round()).abs() > 0.005]
    if fractional.empty:
        return ""
    row = fractional.iloc[0]
    return (
        f"For example {row['name']}: {row['value']:.2f} pairs, {int(row['value'])} whole "
        "and parts of tied ones."
    )


def _named(network: Network, table: pd.DataFrame, report: Report) -> pd.DataFrame:
    """The table with its crossings' names in the report's language (the two sides' names in
    Chinese)."""
    if report.lang != "zh":
        return table
    crossings = network.crossings

    def name(row) -> str:
        if row["id"] not in crossings.index:
            return row["name"]
        ends = crossings.loc[row["id"], ["from", "to"]]
        return " - ".join(str(report.names.get(p, p)) for p in ends)

    return table.assign(name=table.apply(name, axis=1))


def validation_headline(table: pd.DataFrame) -> str:
    """The validation result in one sentence, its yardstick named: *within 20% of the
    published range* (:data:`corridors.analysis.validation.YARDSTICK`). The README quotes the
    same sentence.

    Examples
    --------
    >>> table = pd.DataFrame({"metric": ["km", "days", "days"], "published_low": [10, 5, 5],
    ...                       "published_high": [10, 6, 6], "model": [11.0, 5.5, 9.0],
    ...                       "error": [0.1, 0.0, 0.5], "within_range": [False, True, False],
    ...                       "loo_error": [0.1, 0.0, 0.5]})
    >>> validation_headline(table)[:93]
    '3 published cases: 2 (67%) within 20% of the published range, and 1 of the 2 time cases (50%)'
    """
    from corridors.analysis.cases import TIME_METRICS
    from corridors.analysis.validation import summarize

    summary = summarize(table)
    total = sum(s["cases"] for s in summary.values())
    within = sum(s["within_20pct"] for s in summary.values())
    inside = sum(s["within_range"] for s in summary.values())
    times = [s for metric, s in summary.items() if metric in TIME_METRICS]
    time_cases = sum(s["cases"] for s in times)
    time_within = sum(s["within_20pct"] for s in times)
    time_loo = sum(s["loo_within_20pct"] for s in times)

    def share(part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "-"

    return (
        f"{total} published cases: {within} ({share(within, total)}) within 20% of the "
        f"published range, and {time_within} of the {time_cases} time cases "
        f"({share(time_within, time_cases)}), {time_loo} ({share(time_loo, time_cases)}) "
        "leave-one-out. The error is 0 inside the published range and otherwise the signed "
        f"distance to the nearer end as a share of it; {inside} of the cases fall inside the "
        "range itself, most published figures being a single value."
    )
