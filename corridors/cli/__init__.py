"""The ``corridors`` command line: JSON for machines, tables for people.

Every error is printed as one clear message on stderr with a non-zero exit code; pass
``--debug`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from corridors.errors import CorridorsError

__all__ = ["main"]

EXIT_ERROR = 1
EXIT_STALE = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        return args.run(args) or 0
    except BrokenPipeError:  # `corridors route ... | head`: the reader left, nothing is wrong
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except CorridorsError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except (OSError, ValueError) as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # the promise: never a bare traceback
        if args.debug:
            raise
        print(
            f"internal error: {type(err).__name__}: {err} (rerun with --debug and report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corridors",
        description="International freight corridors as a sourced multimodal network.",
    )
    parser.add_argument("--data", type=Path, help="data folder (default: the embedded data)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(title="commands")

    build = _command(sub, "build", _build, "validate data/ and write graphs/ (GPKG, GraphML)")
    build.add_argument("--out", type=Path, help="output folder (default: graphs/)")
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail if graphs/ is out of date with data/",
    )
    build.add_argument(
        "--sea", action="store_true", help="recompute the cached sea legs with searoute first"
    )

    info = _command(sub, "info", _info, "counts by kind, mode, status, country, corridor")
    info.add_argument("--json", action="store_true", help="print JSON")

    route = _command(sub, "route", _route, "the best route between two places, leg by leg")
    route.add_argument("origin")
    route.add_argument("destination")
    _routing_options(route)
    route.add_argument(
        "--via",
        action="append",
        default=[],
        metavar="PLACE",
        help="pass this place (repeat for several, in order)",
    )
    route.add_argument(
        "--alternatives",
        type=int,
        default=0,
        metavar="K",
        help="also show K materially different routes",
    )
    route.add_argument("--json", action="store_true", help="print JSON")
    route.add_argument(
        "--scenario", metavar="NAME|FILE", help="route on a scenario (see corridors scenario list)"
    )
    route.add_argument("--map", type=Path, metavar="FILE.png", help="write a route map")
    route.add_argument(
        "--tcd", type=Path, metavar="FILE.png", help="write the time/cost-distance chart"
    )

    skim = _command(sub, "skim", _skim, "many-to-many hours, km, USD and generalized cost")
    skim.add_argument(
        "--origins",
        required=True,
        help="comma-separated places, or @KIND for every place of a kind "
        "(@hub, @sea_port, @terminal …)",
    )
    skim.add_argument("--destinations", required=True, help="as --origins")
    _routing_options(skim)
    skim.add_argument("--out", type=Path, metavar="FILE.csv", help="write CSV here")

    validate = _command(
        sub, "validate", _validate, "route published cases and report the model's error"
    )
    validate.add_argument(
        "--cases",
        type=Path,
        metavar="FILE.csv",
        help="cases like data/calibration.csv (default: that file)",
    )
    validate.add_argument("--json", action="store_true", help="print JSON")

    centrality = _command(
        sub,
        "centrality",
        _centrality,
        "betweenness of places, links or crossings; accessibility and market access of hubs; "
        "OD-demand flows",
    )
    centrality.add_argument(
        "--measure",
        default="betweenness",
        choices=MEASURES,
        help="betweenness (of places, default), edge-betweenness (links and crossings), "
        "accessibility (GDP-weighted mean hours to foreign markets), market-access (World "
        "Bank gravity form) or flow (FEU per year of the OD demand on links, crossings and "
        "sea ports)",
    )
    centrality.add_argument(
        "--demand",
        metavar="FILE",
        help="for --measure flow: a CSV of origin, destination, feu_per_year (default: the "
        "gravity model of the hubs' provincial exports)",
    )
    centrality.add_argument(
        "--elements",
        default="places",
        choices=["places", "links", "crossings"],
        help="what to rank (default: places passed through)",
    )
    _by_option(centrality)
    centrality.add_argument("--origins", help="as for skim (default: every place)")
    centrality.add_argument("--destinations", help="as for skim (default: every place)")
    centrality.add_argument("--kind", help="only places of this kind (border_station, hub …)")
    centrality.add_argument("--top", type=int, default=20, metavar="N", help="show N (20)")
    centrality.add_argument("--json", action="store_true", help="print JSON")

    scenario = _command(
        sub,
        "scenario",
        _scenario,
        "list, show or compare scenarios (closures, new lines, faster borders)",
    )
    scenario.add_argument("action", choices=["list", "show", "compare"])
    scenario.add_argument(
        "names", nargs="*", metavar="NAME|FILE", help="show: one; compare: base first, then others"
    )
    _by_option(scenario, "generalized")
    scenario.add_argument("--demand", metavar="FILE", help="OD CSV (default: the gravity model)")
    scenario.add_argument("--json", action="store_true", help="print JSON")
    scenario.add_argument("--out", type=Path, metavar="DIR", help="compare: write the tables here")

    draw = _command(
        sub, "map", _map, "a map of the network or of its OD flows (PNG), or an interactive one"
    )
    draw.add_argument("--out", type=Path, metavar="FILE.png", help="a PNG map")
    draw.add_argument("--html", type=Path, metavar="FILE.html", help="an interactive map")
    draw.add_argument(
        "--extent",
        default="eurasia",
        choices=["eurasia", "land_sea", "central_asia"],
        help="the area shown (default: eurasia)",
    )
    draw.add_argument(
        "--corridor", action="append", default=[], metavar="ID", help="highlight (repeatable)"
    )
    draw.add_argument("--flows", action="store_true", help="the gravity demand's flows instead")
    draw.add_argument("--sea", action="store_true", help="draw the sea legs too")

    assess = _command(
        sub,
        "assess",
        _assess,
        "the standard assessment of the network: report.html, report.md, maps/, tables/",
    )
    assess.add_argument(
        "--out", type=Path, default=Path("assessment"), metavar="DIR", help="(./assessment)"
    )
    assess.add_argument(
        "--lang", default="en", choices=["en", "zh"], help="place names in English or Chinese"
    )

    osm = _command(
        sub,
        "osm",
        _osm,
        "OpenStreetMap: derive link lengths and geometries from an OSM extract",
    )
    osm.add_argument("action", choices=["import"])
    osm.add_argument("file", type=Path, help="an .osm, .osm.bz2 or .osm.pbf extract")
    osm.add_argument("--bbox", metavar="W,S,E,N", help="keep only this box (degrees)")
    osm.add_argument("--links", nargs="+", metavar="ID", help="only these links (default: all)")
    osm.add_argument(
        "--tolerance", type=float, default=2.0, metavar="KM", help="snap places within KM (2)"
    )
    osm.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write (default: data/osm_links.geojson)"
    )
    osm.add_argument("--dry-run", action="store_true", help="report, write nothing")
    osm.add_argument("--json", action="store_true", help="print JSON")

    critical = _command(
        sub,
        "criticality",
        _criticality,
        "fail each crossing, link or place in turn: what the OD demand loses",
    )
    critical.add_argument(
        "--elements",
        default="crossings",
        choices=["crossings", "links", "places"],
        help="what fails (default: crossings)",
    )
    _by_option(critical, "generalized", "; the loss is generalized cost")
    critical.add_argument(
        "--demand",
        metavar="FILE",
        help="a CSV of origin, destination, feu_per_year (default: the gravity model)",
    )
    critical.add_argument("--top", type=int, default=20, metavar="N", help="show N (20)")
    critical.add_argument("--json", action="store_true", help="print JSON")

    calibrate = _command(
        sub,
        "calibrate",
        _calibrate,
        "fit the parameters published only as a range (fit_ranges.csv) to the time cases",
    )
    calibrate.add_argument(
        "--dry-run", action="store_true", help="print the fitted values; write nothing"
    )
    calibrate.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _by_option(parser: argparse.ArgumentParser, default: str = "time", note: str = "") -> None:
    parser.add_argument(
        "--by",
        default=default,
        choices=["time", "cost", "generalized", "distance"],
        help=f"what the best routes minimise (default: {default}){note}",
    )


def _routing_options(parser: argparse.ArgumentParser) -> None:
    _by_option(parser)
    parser.add_argument(
        "--avoid",
        action="append",
        default=[],
        metavar="WHAT",
        help="a place, country, sea passage (Malacca, Suez …), link or "
        "crossing id to avoid (repeatable)",
    )
    parser.add_argument(
        "--modes", help="allowed modes, comma-separated (rail,road,sea,inland_water)"
    )
    parser.add_argument(
        "--month", type=int, metavar="1-12", help="close crossings seasonally closed that month"
    )


def _command(sub, name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(run=run)
    return parser


def _network(args):
    from corridors.network.model import load_network

    return load_network(args.data)


def _build(args) -> int:
    from corridors.network.model import build_network
    from corridors.network.tables import default_data_dir, read_tables
    from corridors.outputs.gis import (
        check_graphs,
        default_graphs_dir,
        write_graphs,
        write_sea_cache,
    )

    data_dir = args.data or default_data_dir()
    out = args.out or default_graphs_dir(data_dir)
    if args.sea:
        places = read_tables(data_dir)["places"]
        path = write_sea_cache(places.set_index("id", drop=False), data_dir)
        print(f"wrote {path}")
    network = build_network(data_dir)
    if args.check:
        stale = check_graphs(network, out)
        if stale:
            print(
                f"out of date with {data_dir}: {', '.join(stale)} in {out}; run `corridors build`",
                file=sys.stderr,
            )
            return EXIT_STALE
        print(f"{out} is up to date with {data_dir}")
        return 0
    for path in write_graphs(network, out):
        print(f"wrote {path}")
    return 0


def _info(args) -> int:
    from corridors.outputs.info import network_summary

    summary = network_summary(_network(args))
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"places    {summary['places']['total']:>5}  {_fmt(summary['places']['by_kind'])}")
    links = summary["links"]
    print(f"links     {links['total']:>5}  {_fmt(links['by_mode'])}")
    print(f"          {'':>5}  {_fmt(links['by_status'])}")
    print(f"          {'':>5}  km {links['km']:,.0f}  ({_fmt(links['km_basis'])})")
    crossings = summary["crossings"]
    print(f"crossings {crossings['total']:>5}  {_fmt(crossings['by_mode'])}")
    print(f"countries {len(summary['countries']):>5}  {_fmt(summary['countries'])}")
    print(f"corridors {len(summary['corridors']):>5}")
    for cid, corridor in summary["corridors"].items():
        print(f"  {cid:<28} {corridor['name']} ({corridor['places']} places)")
    print(
        f"sources   {summary['sources']:>5}  numbers: {_fmt(summary['numbers_by_basis'])} "
        f"(published share {summary['sourced_share']:.0%})"
    )
    return 0


def _route(args) -> int:
    from corridors.analysis.routing import route

    network = _network(args)
    scenario = None
    if args.scenario:
        from corridors.network.scenarios import load_scenario

        scenario = load_scenario(network, args.scenario, args.data)
    best = route(
        network,
        args.origin,
        args.destination,
        by=args.by,
        via=args.via,
        avoid=args.avoid,
        modes=args.modes,
        alternatives=args.alternatives,
        month=args.month,
        scenario=scenario,
    )
    if args.map or args.tcd:
        _figures(best, args.map, args.tcd)
    if args.json:
        print(json.dumps(best.to_dict(), indent=2, ensure_ascii=False))
        return 0
    for i, r in enumerate([best, *best.alternatives]):
        if i:
            print(f"\nalternative {i}:")
        _print_route(r)
    return 0


def _print_route(r) -> None:
    from corridors.network.sea import PASSAGES

    total = r.total
    print(
        f"{r.origin} -> {r.destination} by {r.objective}: {total['km']:,.0f} km, "
        f"{total['days']:.1f} days ({total['hours']:,.0f} h), {total['cost_usd']:,.0f} USD "
        f"per FEU, generalized {total['generalized']:,.0f}"
    )
    if r.crossings:
        print(f"crossings: {' / '.join(r.crossings)}")
    if r.passages:
        print(f"sea passages: {', '.join(PASSAGES[p][0] for p in r.passages)}")
    for note in r.notes:
        print(f"note: {note}")
    print(
        f"{'from':<15}{'to':<15}{'kind':<13}{'mode':<12}{'service':<21}{'km':>8}{'hours':>8}"
        f"{'USD':>8}{'cum days':>9}"
    )
    for leg in r.legs.to_dict("records"):
        print(
            f"{leg['from']:<15}{leg['to']:<15}{leg['kind']:<13}{leg['mode']:<12}"
            f"{leg['service']:<21}{leg['km']:>8,.0f}{leg['hours']:>8.1f}{leg['cost_usd']:>8,.0f}"
            f"{leg['cum_hours'] / 24:>9.1f}"
        )


def _figures(best, map_path, tcd_path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.charts import time_cost_distance
    from corridors.outputs.maps import plot_route

    for path, draw, kind in ((map_path, plot_route, "map"), (tcd_path, time_cost_distance, "tcd")):
        if path:
            if path.is_dir():
                path = path / f"{best.origin}-{best.destination}-{kind}.png"
            _save_figure(draw(best), path)
            print(f"wrote {path}", file=sys.stderr)


def _places_arg(network, text: str) -> list[str]:
    names = []
    for item in (t.strip() for t in text.split(",") if t.strip()):
        if item.startswith("@"):
            kind = network.places.index[network.places.kind == item[1:]]
            if not len(kind):
                msg = f"no places of kind {item[1:]!r}"
                raise ValueError(msg)
            names.extend(kind)
        else:
            names.append(item)
    return names


def _skim(args) -> int:
    from corridors.analysis.skim import skim

    network = _network(args)
    table = skim(
        network,
        _places_arg(network, args.origins),
        _places_arg(network, args.destinations),
        by=args.by,
        avoid=args.avoid,
        modes=args.modes,
        month=args.month,
    )
    table["crossings"] = table["crossings"].map(";".join)
    if args.out:
        from corridors.atomic import atomic_path

        with atomic_path(args.out) as tmp:
            table.round(3).to_csv(tmp, index=False, lineterminator="\n")
        print(f"wrote {args.out} ({len(table)} pairs)", file=sys.stderr)
    else:
        print(table.round(2).to_string(index=False))
    return 0


def _validate(args) -> int:
    from corridors.analysis.cases import read_cases
    from corridors.analysis.validation import summarize, validate

    network = _network(args)
    table = validate(network, read_cases(args.cases) if args.cases else None)
    summary = summarize(table)
    if args.json:
        records = json.loads(table.to_json(orient="records"))
        print(json.dumps({"cases": records, "summary": summary}, indent=2, ensure_ascii=False))
        return 0
    columns = ["case_id", "metric", "published_low", "published_high", "model", "error"]
    shown = table[[*columns, "loo_error"]].rename(columns={"loo_error": "loo"})
    print(shown.round(2).to_string(index=False))
    print()
    for metric, row in summary.items():
        print(
            f"{metric:<11} {row['cases']:>3} cases: {row['within_range']} within the "
            f"published range, {row['within_10pct']} within 10%, {row['within_20pct']} "
            f"within 20% ({row['loo_within_20pct']} leave-one-out); mean |error| "
            f"{row['mean_abs_error']:.1%} ({row['loo_mean_abs_error']:.1%}), "
            f"WAPE {row['wape']:.1%}"
        )
    print(
        "\nerror: share outside the published range (0 inside); loo: the same with the fitted "
        "parameters (fit_ranges.csv) refitted without the case"
    )
    return 0


MEASURES = ["betweenness", "edge-betweenness", "accessibility", "market-access", "flow"]


def _centrality(args) -> int:
    network = _network(args)
    origins = _places_arg(network, args.origins) if args.origins else None
    destinations = _places_arg(network, args.destinations) if args.destinations else None
    if args.demand and args.measure != "flow":
        msg = f"--demand goes with --measure flow, not {args.measure}"
        raise ValueError(msg)
    table = _measure(network, args, origins, destinations)
    if args.kind:
        kinds = set(table["kind"])
        if args.kind not in kinds:
            msg = (
                f"no {args.measure} of kind {args.kind!r} ranks; "
                f"kinds here: {', '.join(sorted(kinds))}"
            )
            raise ValueError(msg)
        table = table[table["kind"] == args.kind]
    if args.top < 1:
        msg = f"--top must be at least 1, not {args.top}"
        raise ValueError(msg)
    table = table.head(args.top)
    if args.json:
        print(json.dumps(table.to_dict("records"), indent=2, ensure_ascii=False))
        return 0
    print(table.round(4).to_string(index=False))
    return 0


def _measure(network, args, origins, destinations):
    """The table of one centrality measure: id, name, kind, value first."""
    import pandas as pd

    from corridors.analysis.centrality import accessibility, betweenness

    if args.measure in ("accessibility", "market-access"):
        table = accessibility(network, origins=origins, destinations=destinations, by=args.by)
        value = table.mean_hours if args.measure == "accessibility" else table.market_access
        table = table.rename(columns={"origin": "id"}).assign(
            kind=network.places.kind[table.origin].to_numpy(), value=value
        )
        ascending = args.measure == "accessibility"  # the fastest first
        first = ["id", "name", "kind", "value"]
        table = table[first + [c for c in table.columns if c not in first]]
        return table.sort_values(["value", "id"], ascending=[ascending, True])
    if args.measure == "flow":
        return _flow_table(network, args)
    groups = ["links", "crossings"] if args.measure == "edge-betweenness" else [args.elements]
    tables = [
        betweenness(
            network, elements=elements, by=args.by, origins=origins, destinations=destinations
        )
        for elements in groups
    ]
    table = pd.concat(tables, ignore_index=True)
    return table.sort_values(["value", "id"], ascending=[False, True])


def _flow_table(network, args):
    import pandas as pd

    from corridors.analysis.demand import read_demand
    from corridors.analysis.flows import assign

    demand = read_demand(network, args.demand) if args.demand else None
    flows = assign(network, demand, by=args.by)
    table = pd.concat([flows.crossings, flows.links, flows.ports], ignore_index=True)
    table = table.assign(value=table.feu_per_year)[["id", "name", "kind", "value"]]
    return table.sort_values(["value", "id"], ascending=[False, True])


def _scenario(args) -> int:
    from corridors.network.scenarios import load_scenario, scenario_names

    if args.action == "list":
        network = _network(args)
        rows = [load_scenario(network, n, args.data) for n in scenario_names(args.data)]
        if args.json:
            out = [{"name": s.name, "description": s.description} for s in rows]
            print(json.dumps(out, indent=2, ensure_ascii=False))
            return 0
        for s in rows:
            print(f"{s.name:<38} {s.description.splitlines()[0]}")
        return 0
    if args.action == "show":
        if len(args.names) != 1:
            msg = "scenario show takes one name or file"
            raise ValueError(msg)
        s = load_scenario(_network(args), args.names[0], args.data)
        if args.json:
            out = {"name": s.name, "description": s.description, "sources": list(s.sources)}
            print(json.dumps(out | {"operations": s.summary()}, indent=2, ensure_ascii=False))
            return 0
        print(f"{s.name}: {' '.join(s.description.split())}")
        print(f"sources: {', '.join(s.sources) or '(those of the scenarios it extends)'}")
        for line in s.summary():
            print(f"  {line}")
        return 0
    return _compare(args)


def _compare(args) -> int:
    from corridors.analysis.compare import compare
    from corridors.analysis.demand import read_demand

    if len(args.names) < 2:
        msg = "scenario compare takes a base (base for none) and at least one other scenario"
        raise ValueError(msg)
    network = _network(args)
    od = read_demand(network, args.demand) if args.demand else None
    result = compare(network, args.names, od=od, by=args.by)
    if args.out:
        _write_tables(result, args.out)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    _print_comparison(result)
    if args.out:
        print(f"wrote the tables to {args.out}")
    return 0


def _print_comparison(result) -> None:
    for row in result.summary().itertuples():
        name = row.scenario
        print(
            f"{name}: generalized cost {row.generalized_cost_change_pct:+.2f}% "
            f"(demand-weighted); {row.pairs_cut_off} more pairs cut off"
        )
        gates = result.gateways[result.gateways.scenario == name]
        for gate in gates.loc[gates.delta_share.abs().nlargest(4).index].itertuples():
            print(
                f"  gateway {gate.gateway:<14} share {gate.share:6.1%} ({gate.delta_share:+.1%})"
            )


def _write_tables(result, folder: Path) -> None:
    from corridors.atomic import atomic_path

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("od", "elements", "gateways", "corridors", "provinces", "trade_types"):
        table = getattr(result, name)
        if name == "od":
            table = table.assign(crossings=table.crossings.map(";".join))
        with atomic_path(folder / f"{name}.csv") as tmp:
            table.to_csv(tmp, index=False, lineterminator="\n")


def _map(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.maps import plot_flows, plot_network

    network = _network(args)
    unknown = sorted(set(args.corridor) - set(network.corridors.id))
    if unknown:
        msg = f"unknown corridor {', '.join(unknown)}; see corridors info --json for the ids"
        raise ValueError(msg)
    if not args.out and not args.html:
        msg = "say where the map goes: --out FILE.png or --html FILE.html"
        raise ValueError(msg)
    if args.html:
        from corridors.atomic import atomic_path
        from corridors.outputs.maps import interactive_html

        with atomic_path(args.html) as tmp:
            tmp.write_text(interactive_html(network), encoding="utf-8")
        print(f"wrote {args.html}")
        if not args.out:
            return 0
    if args.flows:
        from corridors.analysis.flows import assign

        fig = plot_flows(network, assign(network), extent=args.extent)
    else:
        fig = plot_network(network, extent=args.extent, corridors=args.corridor, sea=args.sea)
    _save_figure(fig, args.out)
    print(f"wrote {args.out}")
    return 0


def _save_figure(fig, path: Path) -> None:
    from corridors.atomic import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, metadata={"Software": None})


def _assess(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.report import assess

    def progress(step: int, steps: int, label: str) -> None:
        done = "#" * step + "." * (steps - step)
        end = "\n" if step == steps else ""
        print(f"\r[{done}] {step}/{steps} {label:<28}", end=end, file=sys.stderr, flush=True)

    files = assess(_network(args), args.out, lang=args.lang, progress=progress)
    print(f"wrote {len(files)} files to {args.out}:")
    for kind, pattern in (
        ("report", "report.*"),
        ("maps", "maps/*.png"),
        ("tables", "tables/*.csv"),
    ):
        names = sorted(p.name for p in args.out.glob(pattern))
        print(f"  {kind}: {', '.join(names)}")
    return 0


def _osm(args) -> int:
    from corridors.network.model import OSM_LINKS_FILE, build_network
    from corridors.network.osm import import_osm
    from corridors.network.tables import default_data_dir, writable

    data_dir = args.data or default_data_dir()
    out = None
    if not args.dry_run:
        out = args.out or writable(data_dir) / OSM_LINKS_FILE
    bbox = None
    if args.bbox:
        try:
            bbox = [float(x) for x in args.bbox.split(",")]
        except ValueError:
            bbox = []
        if len(bbox) != 4:
            msg = f"--bbox takes west,south,east,north in degrees, not {args.bbox!r}"
            raise ValueError(msg)
    network = build_network(data_dir)
    report = import_osm(
        network, args.file, links=args.links, bbox=bbox, tolerance_km=args.tolerance, out=out
    )
    if args.json:
        print(json.dumps(report.replace({float("nan"): None}).to_dict("records"), indent=2))
        return 0
    if report.empty:
        print(f"no corridor link has both its places within {args.tolerance:g} km of {args.file}")
        return 0
    print(report.round(2).to_string(index=False))
    if out is not None and (report.status == "updated").any():
        print(f"wrote {out}; run `corridors build` to rebuild graphs/")
    return 0


def _criticality(args) -> int:
    from corridors.analysis.criticality import criticality
    from corridors.analysis.demand import read_demand

    if args.top < 1:
        msg = f"--top must be at least 1, not {args.top}"
        raise ValueError(msg)
    network = _network(args)
    od = read_demand(network, args.demand) if args.demand else None
    table = criticality(network, elements=args.elements, od=od, by=args.by).head(args.top)
    if args.json:
        print(json.dumps(table.to_dict("records"), indent=2, ensure_ascii=False))
        return 0
    shown = table.assign(
        delta_cost_pct=table.delta_cost_pct.round(2), unserved_share=table.unserved_share.round(4)
    )
    print(shown.to_string(index=False))
    return 0


def _calibrate(args) -> int:
    from corridors.analysis.calibration import calibrate, write_fitted
    from corridors.network.model import build_network
    from corridors.network.tables import default_data_dir, writable

    data_dir = args.data or default_data_dir()
    if not args.dry_run:
        writable(data_dir)
    result = calibrate(build_network, data_dir)
    if not args.dry_run:
        write_fitted(data_dir, result["values"], result["ranges"])
    if args.json:
        out = {k: result[k] for k in ("values", "cases", "rounds")}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for spec in result["ranges"].to_dict("records"):
        value = result["values"].get(spec["parameter"], float("nan"))
        print(
            f"{spec['parameter']:<24} {value:>9.3f} {spec['unit']:<6} "
            f"within {spec['low']:g}-{spec['high']:g}"
        )
    errors = result["cases"]
    inside = sum(abs(e["error"]) <= 0.2 for e in errors.values())
    loo = sum(abs(e["loo_error"]) <= 0.2 for e in errors.values())
    print(
        f"{len(errors)} time cases within 20% of their published range: {inside} in sample, "
        f"{loo} leave-one-out ({result['rounds']} rounds)"
    )
    if not args.dry_run:
        print(f"wrote the fitted values into {data_dir}", file=sys.stderr)
    return 0


def _fmt(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


if __name__ == "__main__":
    sys.exit(main())
