"""The ``corridors`` command line: JSON for machines, tables for people.

Every error is printed as one clear message on stderr with a non-zero exit code; pass
``--debug`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from corridors.cli import build, centrality, flows, osm, outputs, route, scenario, validate
from corridors.cli.common import EXIT_ERROR
from corridors.errors import CorridorsError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _warning_line
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


def _warning_line(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line on stderr (``warning: ...``), not Python's two with a path."""
    print(f"warning: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corridors",
        description="International freight corridors as a sourced multimodal network.",
    )
    parser.add_argument("--data", type=Path, help="data folder (default: the embedded data)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(title="commands")
    for group in (build, route, validate, centrality, flows, scenario, outputs, osm):
        group.add_commands(sub)
    return parser


if __name__ == "__main__":
    sys.exit(main())
