"""``corridors map`` and ``corridors assess``: maps and the standard assessment report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridors.cli.common import command, network_of, save_figure


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``map`` and ``assess``."""
    draw = command(
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
    draw.add_argument(
        "--flows",
        action="store_true",
        help="the gravity demand's flows at the equilibrium of route and mode choice instead",
    )
    draw.add_argument("--sea", action="store_true", help="draw the sea legs too")

    assess = command(
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


def _map(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.maps import plot_flows, plot_network

    network = network_of(args)
    unknown = sorted(set(args.corridor) - set(network.corridors.id))
    if unknown:
        msg = f"unknown corridor {', '.join(unknown)}; see corridors info --json for the ids"
        raise ValueError(msg)
    if not args.out and not args.html:
        msg = "say where the map goes: --out FILE.png or --html FILE.html"
        raise ValueError(msg)
    if args.html:
        from corridors.atomic import atomic_path
        from corridors.outputs.interactive import interactive_html

        with atomic_path(args.html) as tmp:
            tmp.write_text(interactive_html(network), encoding="utf-8")
        print(f"wrote {args.html}")
        if not args.out:
            return 0
    if args.flows:
        from corridors.analysis.equilibrium import equilibrium
        from corridors.outputs.labels import word

        title = word("equilibrium_flows_title")
        fig = plot_flows(network, equilibrium(network).flows, extent=args.extent, title=title)
    else:
        fig = plot_network(network, extent=args.extent, corridors=args.corridor, sea=args.sea)
    save_figure(fig, args.out)
    print(f"wrote {args.out}")
    return 0


def _assess(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from corridors.outputs.report import assess

    def progress(step: int, steps: int, label: str) -> None:
        done = "#" * step + "." * (steps - step)
        end = "\n" if step == steps else ""
        print(f"\r[{done}] {step}/{steps} {label:<28}", end=end, file=sys.stderr, flush=True)

    files = assess(network_of(args), args.out, lang=args.lang, progress=progress)
    print(f"wrote {len(files)} files to {args.out}:")
    for kind, pattern in (
        ("report", "report.*"),
        ("maps", "maps/*.png"),
        ("tables", "tables/*.csv"),
    ):
        names = sorted(p.name for p in args.out.glob(pattern))
        print(f"  {kind}: {', '.join(names)}")
    return 0
