"""The ``corridors`` command line: JSON for machines, tables for people.

Every error is printed as one clear message on stderr with a non-zero exit code; pass
``--debug`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import argparse
import json
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
    return parser


def _command(sub, name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(run=run)
    return parser


def _network(args):
    from corridors.network import load_network

    return load_network(args.data)


def _build(args) -> int:
    from corridors.build import check_graphs, default_graphs_dir, write_graphs, write_sea_cache
    from corridors.network import build_network
    from corridors.tables import default_data_dir, read_tables

    data_dir = args.data or default_data_dir()
    out = args.out or (data_dir.parent / "graphs" if args.data else default_graphs_dir())
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
    from corridors.info import network_summary

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
        f"sources   {summary['sources']:>5}  sourced share of numbers "
        f"{summary['sourced_share']:.0%}"
    )
    return 0


def _fmt(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


if __name__ == "__main__":
    sys.exit(main())
