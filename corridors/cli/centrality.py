"""``corridors centrality`` and ``corridors criticality``: what the trade depends on."""

from __future__ import annotations

import argparse

from corridors.cli.common import by_option, command, network_of, places_arg, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``centrality`` and ``criticality``."""
    centrality = command(
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
        choices=["places", "links", "crossings"],
        help="what to rank (default: places passed through; for --measure flow, links, "
        "crossings and sea ports together; places are the sea ports)",
    )
    by_option(centrality)
    centrality.add_argument("--origins", help="as for skim (default: every place)")
    centrality.add_argument("--destinations", help="as for skim (default: every place)")
    centrality.add_argument("--kind", help="only places of this kind (border_station, hub …)")
    centrality.add_argument("--top", type=int, default=20, metavar="N", help="show N (20)")
    centrality.add_argument("--json", action="store_true", help="print JSON")

    critical = command(
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
    by_option(critical, "generalized", "; the loss is generalized cost")
    critical.add_argument(
        "--demand",
        metavar="FILE",
        help="a CSV of origin, destination, feu_per_year (default: the gravity model)",
    )
    critical.add_argument("--top", type=int, default=20, metavar="N", help="show N (20)")
    critical.add_argument("--json", action="store_true", help="print JSON")


MEASURES = ["betweenness", "edge-betweenness", "accessibility", "market-access", "flow"]


def _centrality(args) -> int:
    network = network_of(args)
    origins = places_arg(network, args.origins) if args.origins else None
    destinations = places_arg(network, args.destinations) if args.destinations else None
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
        print_json(table.to_dict("records"))
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
    groups = [g or "places" for g in groups]
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
    parts = {"crossings": flows.crossings, "links": flows.links, "places": flows.ports}
    chosen = [parts[args.elements]] if args.elements else list(parts.values())
    table = pd.concat(chosen, ignore_index=True)
    table = table.assign(value=table.feu_per_year)[["id", "name", "kind", "value"]]
    return table.sort_values(["value", "id"], ascending=[False, True])


def _criticality(args) -> int:
    from corridors.analysis.criticality import criticality
    from corridors.analysis.demand import read_demand

    if args.top < 1:
        msg = f"--top must be at least 1, not {args.top}"
        raise ValueError(msg)
    network = network_of(args)
    od = read_demand(network, args.demand) if args.demand else None
    table = criticality(network, elements=args.elements, od=od, by=args.by).head(args.top)
    if args.json:
        print_json(table.to_dict("records"))
        return 0
    shown = table.assign(
        delta_cost_pct=table.delta_cost_pct.round(2), unserved_share=table.unserved_share.round(4)
    )
    print(shown.to_string(index=False))
    return 0
