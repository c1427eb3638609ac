"""``corridors validate`` and ``corridors calibrate``: the model against published cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridors.cli.common import command, network_of, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``validate`` and ``calibrate``."""
    validate = command(
        sub,
        "validate",
        _validate,
        "route published cases and report the model's error; or sweep every place pair",
    )
    which = validate.add_mutually_exclusive_group()
    which.add_argument(
        "--cases",
        type=Path,
        metavar="FILE.csv",
        help="cases like data/calibration.csv (default: that file)",
    )
    which.add_argument(
        "--sweep",
        action="store_true",
        help="route every pair of places by time and by generalized cost and flag the routes "
        "no planner would believe (corridors.analysis.sweep.RULES)",
    )
    which.add_argument(
        "--flows",
        action="store_true",
        help="the flows at equilibrium against every published flow of observed.csv: the "
        "targets calibrate --flows fits, and the checks it never sees",
    )
    validate.add_argument("--json", action="store_true", help="print JSON")

    calibrate = command(
        sub,
        "calibrate",
        _calibrate,
        "fit the parameters published only as a range (fit_ranges.csv) to the time cases",
    )
    calibrate.add_argument(
        "--dry-run", action="store_true", help="print the fitted values; write nothing"
    )
    calibrate.add_argument(
        "--flows",
        action="store_true",
        help="fit the route and mode choice (logit scale, nest, rail constant) to the published "
        "flows of observed.csv instead",
    )
    calibrate.add_argument("--json", action="store_true", help="print JSON")


def _validate(args) -> int:
    from corridors.analysis.cases import read_cases
    from corridors.analysis.validation import summarize, validate

    network = network_of(args)
    if args.sweep:
        return _sweep(network, args)
    if args.flows:
        return _flows(network, args)
    table = validate(network, read_cases(args.cases) if args.cases else None)
    summary = summarize(table)
    if args.json:
        print_json({"cases": table.to_dict("records"), "summary": summary})
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


def _flows(network, args) -> int:
    from corridors.analysis.choice_fit import flow_checks
    from corridors.analysis.equilibrium import equilibrium

    table = flow_checks(network, equilibrium(network))
    if args.json:
        print_json({"flows": table.to_dict("records")})
        return 0
    for fitted, title in ((True, "fitted by calibrate --flows"), (False, "checks it never sees")):
        rows = table[table.fitted == fitted]
        print(f"{title}:")
        for row in rows.itertuples():
            model, observed = (figure_text(v, row.share) for v in (row.model, row.observed))
            print(f"  {row.id:<36} {model:>9} against {observed:>9} {row.unit}")
    return 0


def figure_text(value: float, share: bool) -> str:
    """A published or modelled flow as text: a share as a percentage, a count whole, a number
    of days to one decimal.

    Examples
    --------
    >>> figure_text(0.4054, True), figure_text(338012.1, False), figure_text(5.36, False)
    ('40.54%', '338,012', '5.4')
    """
    if share:
        return f"{value:.2%}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


# flagged routes shown per rule in the summary (--json lists them all)
SHOWN = 10


def _sweep(network, args) -> int:
    from corridors.analysis.sweep import RULES, sweep

    found = sweep(network)
    if args.json:
        print_json(found.to_dict())
        return 0
    flagged = found.flagged
    names = network.places.name_en
    missing = len(found.unreachable[["origin", "destination"]].drop_duplicates())
    unreachable = f" ({missing:,} of them with no route)" if missing else ""
    print(
        f"{found.pairs:,} place pairs routed by time and by generalized cost{unreachable}: "
        + ("nothing flagged" if flagged.empty else f"{len(flagged):,} flags")
    )
    for rule, meaning in RULES.items():
        rows = flagged[flagged.rule == rule]
        print(f"{rule} ({meaning}): {len(rows):,}")
        for row in rows.head(SHOWN).itertuples():
            print(f"  {names[row.origin]} -> {names[row.destination]} by {row.by}: {row.detail}")
        if len(rows) > SHOWN:
            print(f"  ... and {len(rows) - SHOWN:,} more (--json lists them all)")
    return 0


def _calibrate(args) -> int:
    from corridors.analysis.calibration import calibrate, write_fitted
    from corridors.network.assemble import build_network
    from corridors.network.tables import default_data_dir, writable

    data_dir = args.data or default_data_dir()
    if not args.dry_run:
        writable(data_dir)
    if args.flows:
        return _calibrate_flows(build_network(data_dir), data_dir, args)
    result = calibrate(build_network, data_dir)
    if not args.dry_run:
        write_fitted(data_dir, result["values"], result["ranges"])
    if args.json:
        out = {k: result[k] for k in ("values", "cases", "rounds")}
        print_json(out)
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


def _calibrate_flows(network, data_dir, args) -> int:
    from corridors.analysis.choice_fit import fit_choice, write_choice

    fit = fit_choice(network)
    if not args.dry_run:
        write_choice(data_dir, fit)
    table = fit.targets.drop(columns="places")
    if args.json:
        print_json(
            {
                "values": fit.values,
                "rail_rate_usd": fit.rail_rate_usd,
                "rail_rate_elasticity": fit.rail_rate_elasticity,
                "targets": table.to_dict("records"),
            }
        )
        return 0
    for name, value in fit.values.items():
        print(f"{name:<18} {value:>10.4g}")
    print(
        f"China-EU rail rate {fit.rail_rate_usd:,.0f} USD/FEU: the scale makes rail's "
        f"own-rate elasticity {fit.rail_rate_elasticity:.2f}"
    )
    print(table.round({"observed": 4, "model": 4, "loo": 4}).to_string(index=False))
    if not args.dry_run:
        print(f"wrote the fitted values into {Path(data_dir) / 'parameters.csv'}", file=sys.stderr)
    return 0
