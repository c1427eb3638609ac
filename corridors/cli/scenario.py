"""``corridors scenario list | show | compare`` and ``corridors appraise``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridors.cli.common import by_option, command, network_of, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``scenario``."""
    scenario = command(
        sub,
        "scenario",
        _scenario,
        "list, show or compare scenarios (closures, new lines, faster borders)",
    )
    scenario.add_argument("action", choices=["list", "show", "compare"])
    scenario.add_argument(
        "names", nargs="*", metavar="NAME|FILE", help="show: one; compare: base first, then others"
    )
    by_option(scenario, "generalized")
    scenario.add_argument("--demand", metavar="FILE", help="OD CSV (default: the gravity model)")
    scenario.add_argument("--json", action="store_true", help="print JSON")
    scenario.add_argument("--out", type=Path, metavar="DIR", help="compare: write the tables here")

    appraise = command(
        sub,
        "appraise",
        _appraise,
        "each project's change of consumer surplus (USD a year) at equilibrium: alone, in "
        "complement and together, with the provinces that win",
    )
    appraise.add_argument("names", nargs="+", metavar="NAME|FILE", help="project scenarios")
    appraise.add_argument(
        "--by",
        choices=["province", "trade_type", "origin"],
        default="province",
        help="group the winners and losers by (default province)",
    )
    appraise.add_argument("--demand", metavar="FILE", help="OD CSV (default: the gravity model)")
    appraise.add_argument("--json", action="store_true", help="print JSON")


def _appraise(args) -> int:
    from corridors.analysis.compare import appraise
    from corridors.analysis.demand import read_demand

    network = network_of(args)
    od = read_demand(network, args.demand) if args.demand else None
    found = appraise(network, args.names, od=od, by=args.by)
    table = found.projects
    if args.json:
        print_json(
            {
                "units": "consumer surplus gained, USD a year (negative: lost)",
                "projects": table.to_dict("records"),
                "winners": {p: found.winners[p].to_dict() for p in found.winners.columns},
                "pairs_left_out": found.pairs_left_out,
            }
        )
        return 0
    print("consumer surplus gained at equilibrium, million USD a year:")
    columns = ["alone_usd_per_year", "complement_usd_per_year", "together_usd_per_year"]
    shown = table.set_index("scenario")[columns].div(1e6).round(1)
    print(shown.rename(columns=lambda c: c.split("_")[0]).to_string())
    print(f"\nby {args.by}, each project alone, million USD a year:")
    print(found.winners.div(1e6).round(1).to_string())
    if found.pairs_left_out:
        print(f"{found.pairs_left_out} pairs with no route in some network are left out")
    return 0


def _scenario(args) -> int:
    from corridors.network.scenarios import load_scenario, scenario_names
    from corridors.network.tables import default_data_dir

    if args.action == "list":
        network = network_of(args)
        names = scenario_names(args.data)
        if not names:
            print(f"no scenarios in {args.data or default_data_dir()}/scenarios", file=sys.stderr)
        rows = [load_scenario(network, n, args.data) for n in names]
        if args.json:
            out = [{"name": s.name, "description": s.description} for s in rows]
            print_json(out)
            return 0
        for s in rows:
            print(f"{s.name:<38} {first_sentence(s.description)}")
        return 0
    if args.action == "show":
        if len(args.names) != 1:
            msg = "scenario show takes one name or file"
            raise ValueError(msg)
        s = load_scenario(network_of(args), args.names[0], args.data)
        if args.json:
            out = {"name": s.name, "description": s.description, "sources": list(s.sources)}
            print_json(out | {"operations": s.summary()})
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
    network = network_of(args)
    od = read_demand(network, args.demand) if args.demand else None
    result = compare(network, args.names, od=od, by=args.by, equilibria=True)
    if args.out:
        _write_tables(result, args.out)
    if args.json:
        print_json(result.to_dict())
        return 0
    _print_comparison(result)
    if args.out:
        print(f"wrote the tables to {args.out}")
    return 0


def _print_comparison(result) -> None:
    base = result.flows[result.scenarios[0]]
    print(
        f"{result.scenarios[0]}: rail carries {base['rail_share_value']:.1%} of the value of "
        "the EU-bound goods at equilibrium (the mode at the EU's border)"
    )
    for row in result.summary().itertuples():
        name = row.scenario
        print(
            f"{name}: generalized cost {row.generalized_cost_change_pct:+.2f}% "
            f"(demand-weighted, all-or-nothing); {row.pairs_cut_off} more pairs cut off"
        )
        found = result.flows[name]
        shift = (found["rail_share_value"] - base["rail_share_value"]) * 100
        print(
            f"  at equilibrium: EU rail share {found['rail_share_value']:.1%} ({shift:+.1f} pp), "
            f"consumer surplus {found['surplus_change_usd_per_year'] / 1e6:+,.0f} million USD "
            "a year"
        )
        gates = result.gateways[result.gateways.scenario == name]
        for gate in gates.loc[gates.delta_share.abs().nlargest(4).index].itertuples():
            print(
                f"  gateway {gate.gateway:<14} share {gate.share:6.1%} "
                f"({gate.delta_share * 100:+.1f} pp)"
            )
        for line in _queue_changes(base["crossings"], found["crossings"]):
            print(f"  {line}")


def _queue_changes(before: list[dict], after: list[dict], most: int = 3) -> list[str]:
    """The capacity-bound crossings whose queue changed most, with their volume over
    capacity.

    Examples
    --------
    >>> old = [{"id": "a", "name": "A - B", "utilisation": 0.5, "queue_hours": 24.0}]
    >>> new = [{"id": "a", "name": "A - B", "utilisation": 0.9, "queue_hours": 72.0}]
    >>> _queue_changes(old, new)
    ['queue at A - B: 3.0 days (+2.0), at 0.90 of capacity']
    """
    waits = {row["id"]: row["queue_hours"] for row in before}
    changed = sorted(after, key=lambda row: -abs(row["queue_hours"] - waits.get(row["id"], 0.0)))
    return [
        f"queue at {row['name']}: {row['queue_hours'] / 24:.1f} days "
        f"({(row['queue_hours'] - waits.get(row['id'], 0.0)) / 24:+.1f}), at "
        f"{row['utilisation']:.2f} of capacity"
        for row in changed[:most]
    ]


def _write_tables(result, folder: Path) -> None:
    from corridors.atomic import atomic_path
    from corridors.outputs.csv_tables import csv_text

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("od", "elements", "gateways", "corridors", "provinces", "trade_types"):
        table = getattr(result, name)
        if name == "od":
            table = table.assign(crossings=table.crossings.map(";".join))
        with atomic_path(folder / f"{name}.csv") as tmp:
            tmp.write_text(csv_text(table), encoding="utf-8")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whole, on one line.

    Examples
    --------
    >>> first_sentence("Alashankou-Dostyk closed. The 2023\\nprecedent was narrower.")
    'Alashankou-Dostyk closed.'
    >>> first_sentence("Every rail border crossing at half today's dwell (a policy\\nwhat-if)")
    "Every rail border crossing at half today's dwell (a policy what-if)"
    """
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]
