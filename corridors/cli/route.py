"""``corridors route`` and ``corridors skim``: one route leg by leg, many pairs' totals."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridors.cli.common import (
    command,
    network_of,
    places_arg,
    print_json,
    routing_options,
    save_figure,
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``route`` and ``skim``."""
    route = command(sub, "route", _route, "the best route between two places, leg by leg")
    route.add_argument("origin")
    route.add_argument("destination")
    routing_options(route)
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

    skim = command(sub, "skim", _skim, "many-to-many hours, km, USD and generalized cost")
    skim.add_argument(
        "--origins",
        required=True,
        help="comma-separated places, or @KIND for every place of a kind "
        "(@hub, @sea_port, @terminal …)",
    )
    skim.add_argument("--destinations", required=True, help="as --origins")
    routing_options(skim)
    skim.add_argument(
        "--out",
        type=Path,
        metavar="FILE.csv",
        help="write CSV here, origin by origin (needed above 250,000 pairs); "
        "places named twice count once",
    )


def _route(args) -> int:
    from corridors.analysis.routing import route
    from corridors.engine import searches_in_python

    network = network_of(args)
    scenario = None
    if args.scenario:
        from corridors.network.scenarios import load_scenario

        scenario = load_scenario(network, args.scenario, args.data)
    with searches_in_python():  # a few searches: cheaper than importing scipy or numba
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
        print_json(best.to_dict())
        return 0
    for i, r in enumerate([best, *best.alternatives]):
        if i:
            print(f"\nalternative {i}:")
        _print_route(r)
    return 0


def _print_route(r) -> None:
    from corridors.network.schema import PASSAGES

    names = r.network.places.name_en
    total = r.total
    print(
        f"{names[r.origin]} -> {names[r.destination]} by {r.objective}: {total['km']:,.0f} km, "
        f"{total['days']:.1f} days ({total['hours']:,.0f} h), {total['cost_usd']:,.0f} USD "
        f"per FEU, generalized {total['generalized']:,.0f}"
    )
    if total["hours_p50"] is not None:
        spread = r.legs[r.legs.hours_p50.notna()]
        where = ", ".join(
            dict.fromkeys(
                f"{names[a]}-{names[b]}" for a, b in zip(spread["from"], spread["to"], strict=True)
            )
        )
        print(
            f"time spread: P50 {total['hours_p50'] / 24:.1f} days, P90 "
            f"{total['hours_p90'] / 24:.1f} days (known for {where}; elsewhere the mean)"
        )
    if r.crossings:
        print(f"crossings: {' / '.join(names[c] for c in r.crossings)}")
    if r.passages:
        print(f"sea passages: {', '.join(PASSAGES[p][0] for p in r.passages)}")
    for note in r.notes:
        print(f"note: {note}")
    rows = [
        [
            names[leg["from"]],
            names[leg["to"]],
            leg["kind"].replace("_", " "),
            leg["mode"].replace("_", " "),
            leg["service"].replace("_", " "),
            f"{leg['km']:,.0f}",
            f"{leg['hours']:.1f}",
            f"{leg['cost_usd']:,.0f}",
            f"{leg['cum_hours'] / 24:.1f}",
        ]
        for leg in r.legs.to_dict("records")
    ]
    header = ["from", "to", "kind", "mode", "service", "km", "hours", "USD", "cum days"]
    print_table(header, rows, numeric=5)


def print_table(header: list[str], rows: list[list[str]], *, numeric: int) -> None:
    """Print ``rows`` under ``header`` in columns two spaces apart, each as wide as its
    widest cell; the columns from ``numeric`` on are right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in [header, *rows]:
        cells = [
            str(cell).rjust(width) if i >= numeric else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def _figures(best, map_path, tcd_path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.charts import time_cost_distance
    from corridors.outputs.maps import plot_route

    for path, draw, kind in ((map_path, plot_route, "map"), (tcd_path, time_cost_distance, "tcd")):
        if path:
            if path.is_dir():
                path = path / f"{best.origin}-{best.destination}-{kind}.png"
            save_figure(draw(best), path)
            print(f"wrote {path}", file=sys.stderr)


def _skim(args) -> int:
    from corridors.analysis.skim import skim, skim_chunks

    network = network_of(args)
    origins = places_arg(network, args.origins)
    destinations = places_arg(network, args.destinations)
    options = {"by": args.by, "avoid": args.avoid, "modes": args.modes, "month": args.month}
    if args.out:  # streamed origin by origin, so a table of any size fits in memory
        from corridors.atomic import atomic_path
        from corridors.outputs.csv_tables import csv_text

        pairs = 0
        with atomic_path(args.out) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
            for piece in skim_chunks(network, origins, destinations, **options):
                piece["crossings"] = piece["crossings"].map(";".join)
                text = csv_text(piece)
                out.write(text if not pairs else text.split("\n", 1)[1])
                pairs += len(piece)
        print(f"wrote {args.out} ({pairs} pairs)", file=sys.stderr)
        return 0
    table = skim(network, origins, destinations, **options)
    table["crossings"] = table["crossings"].map(";".join)
    print(table.round(2).to_string(index=False))
    return 0
