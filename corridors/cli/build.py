"""``corridors build`` and ``corridors info``: the built files and the network's counts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridors.cli.common import EXIT_STALE, command, fmt, network_of, print_json


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``build`` and ``info``."""
    build = command(sub, "build", _build, "validate data/ and write graphs/ (GPKG, GraphML)")
    build.add_argument("--out", type=Path, help="output folder (default: graphs/)")
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail if graphs/ is out of date with data/",
    )
    build.add_argument(
        "--sea", action="store_true", help="recompute the cached sea legs with searoute first"
    )
    info = command(sub, "info", _info, "counts by kind, mode, status, country, corridor")
    info.add_argument("--json", action="store_true", help="print JSON")


def _build(args) -> int:
    from corridors.network.assemble import build_network
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

    summary = network_summary(network_of(args))
    if args.json:
        print_json(summary)
        return 0
    print(f"places    {summary['places']['total']:>5}  {fmt(summary['places']['by_kind'])}")
    links = summary["links"]
    print(f"links     {links['total']:>5}  {fmt(links['by_mode'])}")
    print(f"          {'':>5}  {fmt(links['by_status'])}")
    print(f"          {'':>5}  km {links['km']:,.0f}  ({fmt(links['km_basis'])})")
    crossings = summary["crossings"]
    print(f"crossings {crossings['total']:>5}  {fmt(crossings['by_mode'])}")
    print(f"countries {len(summary['countries']):>5}  {fmt(summary['countries'])}")
    print(f"corridors {len(summary['corridors']):>5}")
    for cid, corridor in summary["corridors"].items():
        print(f"  {cid:<28} {corridor['name']} ({corridor['places']} places)")
    print(
        f"sources   {summary['sources']:>5}  numbers: {fmt(summary['numbers_by_basis'])} "
        f"(published share {summary['sourced_share']:.0%})"
    )
    return 0
