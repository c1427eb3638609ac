"""What the command groups share: the parser helpers, the network of ``--data``, place
lists, figure writing and the exit codes."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "EXIT_ERROR",
    "EXIT_STALE",
    "by_option",
    "command",
    "fmt",
    "network_of",
    "places_arg",
    "print_json",
    "routing_options",
    "save_figure",
    "strict_json",
]

EXIT_ERROR = 1
EXIT_STALE = 3


def by_option(parser: argparse.ArgumentParser, default: str = "time", note: str = "") -> None:
    parser.add_argument(
        "--by",
        default=default,
        choices=["time", "cost", "generalized", "distance"],
        help=f"what the best routes minimise (default: {default}){note}",
    )


def routing_options(parser: argparse.ArgumentParser) -> None:
    by_option(parser)
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


def command(sub, name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(run=_checking_data(run))
    return parser


def _checking_data(run: Callable) -> Callable:
    """``run``, after checking that ``--data`` (or ``$CORRIDORS_DATA``) is a folder: one line
    "no such data directory: DIR", not one per table missing from it."""

    def checked(args):
        from corridors.errors import CorridorsError
        from corridors.network.tables import data_dir_problem, default_data_dir

        folder = getattr(args, "data", None) or default_data_dir()
        problem = data_dir_problem(folder)
        if problem:
            raise CorridorsError(problem)
        return run(args)

    return checked


def network_of(args):
    """The network of ``--data``; what is loaded by then lives as long as the command, so
    Python's cyclic collector stops scanning it (``gc.freeze``): a command's later full
    collections then scan only what it makes, not pandas, numpy and the network's tables.
    The collector also runs less often (every 50,000 allocations, not 700): a command makes
    hundreds of thousands of small objects and leaves little cyclic garbage, and ``assess``
    spent 0.8 s of CPU in collections, 0.4 s with these thresholds."""
    import gc

    from corridors.network.load import load_network

    network = load_network(args.data)
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
    return network


def places_arg(network, text: str) -> list[str]:
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


def save_figure(fig, path: Path) -> None:
    """Write ``fig`` as the PNG the report has (trimmed, no software stamp), atomically."""
    from corridors.atomic import atomic_path
    from corridors.outputs.map_frame import png_bytes

    with atomic_path(path) as tmp:
        tmp.write_bytes(png_bytes(fig, dpi=120))


def fmt(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def strict_json(value):
    """``value`` with every NaN or infinity replaced by null and a sibling ``<key>_reason``
    saying which it was, so that strict parsers (JavaScript's ``JSON.parse``) read it.

    Examples
    --------
    >>> strict_json({"share": float("nan"), "rows": [{"hours": float("inf")}], "km": 3.0})
    {'share': None, 'share_reason': 'not a number', 'rows': [{'hours': None, 'hours_reason': 'infinite'}], 'km': 3.0}
    """  # noqa: E501
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out[key] = strict_json(item)
            if isinstance(item, float) and not math.isfinite(item):
                out[f"{key}_reason"] = _reason(item)
        return out
    if isinstance(value, list | tuple):
        return [strict_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy scalars and arrays
        return strict_json(value.tolist())
    return value


def _reason(value: float) -> str:
    if math.isnan(value):
        return "not a number"
    return "infinite" if value > 0 else "minus infinite"


def print_json(value) -> None:
    """Print ``value`` as strict JSON (no NaN or Infinity), indented, non-ASCII kept."""
    print(json.dumps(strict_json(value), indent=2, ensure_ascii=False, allow_nan=False))
